"""URL routes of the API (versioned under /api/v1/), its schema and its docs page."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from api.docs import ApiDocs
from api.errors import not_found
from api.index import ApiIndex
from api.views import (
    archive_key,
    claimreview,
    claims,
    evidence,
    export,
    library,
    webhooks,
    workflow,
)

app_name = "api"

v1 = [
    path("claims/", claims.ClaimList.as_view(), name="claim-list"),
    re_path(
        r"^claims/export\.(?P<fmt>csv|jsonl)$",
        export.ClaimExport.as_view(),
        name="claim-export",
    ),
    re_path(
        r"^verdicts/export\.(?P<fmt>csv|jsonl)$",
        export.VerdictExport.as_view(),
        name="verdict-export",
    ),
    path("claims/<int:pk>/", claims.ClaimDetailView.as_view(), name="claim-detail"),
    path("claims/<int:pk>/status/", claims.ClaimStatusView.as_view(), name="claim-status"),
    path(
        "claims/<int:pk>/transitions/",
        workflow.ClaimTransitionView.as_view(),
        name="claim-transitions",
    ),
    path("claims/<int:pk>/ratings/", workflow.ClaimRatingsView.as_view(), name="claim-ratings"),
    path(
        "claims/<int:pk>/ratings/confirm/",
        workflow.ClaimRatingConfirmView.as_view(),
        name="claim-rating-confirm",
    ),
    path("claims/<int:pk>/comments/", workflow.ClaimCommentsView.as_view(), name="claim-comments"),
    path("claims/<int:pk>/verdicts/", workflow.ClaimVerdictsView.as_view(), name="claim-verdicts"),
    path("claims/<int:pk>/sources/", evidence.ClaimSourcesView.as_view(), name="claim-sources"),
    path(
        "claims/<int:pk>/sources/<int:evidence_id>/retraction/",
        evidence.ClaimSourceRetractView.as_view(),
        name="claim-source-retract",
    ),
    path(
        "claims/<int:pk>/suggestions/",
        evidence.ClaimSuggestionsView.as_view(),
        name="claim-suggestions",
    ),
    path(
        "claims/<int:pk>/claimreview/",
        claimreview.ClaimReviewView.as_view(),
        name="claim-claimreview",
    ),
    path("claimreview/", claimreview.ClaimReviewFeed.as_view(), name="claimreview-list"),
    path("rating-scale/", claimreview.RatingScaleView.as_view(), name="rating-scale"),
    path("articles/", library.ArticleList.as_view(), name="article-list"),
    path("articles/<int:pk>/", library.ArticleDetailView.as_view(), name="article-detail"),
    path("sources/", library.SourceList.as_view(), name="source-list"),
    path("sources/<int:pk>/", library.SourceDetailView.as_view(), name="source-detail"),
    path("captures/", library.CaptureList.as_view(), name="capture-list"),
    path("captures/<int:pk>/", library.CaptureDetailView.as_view(), name="capture-detail"),
    path("archive-key/", archive_key.ArchiveKeyView.as_view(), name="archive-key"),
    path("webhooks/", webhooks.SubscriptionList.as_view(), name="webhook-list"),
    path("webhooks/<int:pk>/", webhooks.SubscriptionDetail.as_view(), name="webhook-detail"),
    path(
        "webhooks/<int:pk>/deliveries/",
        webhooks.DeliveryList.as_view(),
        name="webhook-deliveries",
    ),
]

urlpatterns = [
    path("", ApiIndex.as_view(), name="index"),
    path("v1/", ApiIndex.as_view(), name="index-v1"),
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", ApiDocs.as_view(), name="docs"),
    re_path(r"^", not_found),  # any other path, newlines too,
]
