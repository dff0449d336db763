"""URL routes of the API (versioned under /api/v1/), its schema and its docs page."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from api import export_views, library_views, views, webhook_views
from api.docs import ApiDocs
from api.errors import not_found
from api.index import ApiIndex

app_name = "api"

v1 = [
    path("claims/", views.ClaimList.as_view(), name="claim-list"),
    re_path(
        r"^claims/export\.(?P<fmt>csv|jsonl)$",
        export_views.ClaimExport.as_view(),
        name="claim-export",
    ),
    re_path(
        r"^verdicts/export\.(?P<fmt>csv|jsonl)$",
        export_views.VerdictExport.as_view(),
        name="verdict-export",
    ),
    path("claims/<int:pk>/", views.ClaimDetailView.as_view(), name="claim-detail"),
    path("claims/<int:pk>/status/", views.ClaimStatusView.as_view(), name="claim-status"),
    path(
        "claims/<int:pk>/transitions/",
        views.ClaimTransitionView.as_view(),
        name="claim-transitions",
    ),
    path("claims/<int:pk>/ratings/", views.ClaimRatingsView.as_view(), name="claim-ratings"),
    path(
        "claims/<int:pk>/ratings/confirm/",
        views.ClaimRatingConfirmView.as_view(),
        name="claim-rating-confirm",
    ),
    path("claims/<int:pk>/verdicts/", views.ClaimVerdictsView.as_view(), name="claim-verdicts"),
    path("claims/<int:pk>/sources/", views.ClaimSourcesView.as_view(), name="claim-sources"),
    path(
        "claims/<int:pk>/sources/<int:evidence_id>/retraction/",
        views.ClaimSourceRetractView.as_view(),
        name="claim-source-retract",
    ),
    path(
        "claims/<int:pk>/suggestions/",
        views.ClaimSuggestionsView.as_view(),
        name="claim-suggestions",
    ),
    path("claims/<int:pk>/claimreview/", views.ClaimReviewView.as_view(), name="claim-claimreview"),
    path("claimreview/", views.ClaimReviewFeed.as_view(), name="claimreview-list"),
    path("rating-scale/", views.RatingScaleView.as_view(), name="rating-scale"),
    path("articles/", library_views.ArticleList.as_view(), name="article-list"),
    path("articles/<int:pk>/", library_views.ArticleDetailView.as_view(), name="article-detail"),
    path("sources/", library_views.SourceList.as_view(), name="source-list"),
    path("sources/<int:pk>/", library_views.SourceDetailView.as_view(), name="source-detail"),
    path("captures/", library_views.CaptureList.as_view(), name="capture-list"),
    path("captures/<int:pk>/", library_views.CaptureDetailView.as_view(), name="capture-detail"),
    path("webhooks/", webhook_views.SubscriptionList.as_view(), name="webhook-list"),
    path("webhooks/<int:pk>/", webhook_views.SubscriptionDetail.as_view(), name="webhook-detail"),
    path(
        "webhooks/<int:pk>/deliveries/",
        webhook_views.DeliveryList.as_view(),
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
