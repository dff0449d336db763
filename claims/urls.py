"""URL routes for claim and article pages, and the public verdict page."""

from django.urls import path

from claims import article_views, bulk_views, verdict_views, views

app_name = "claims"

urlpatterns = [
    path("claims/", views.claim_queue, name="queue"),
    path("claims/export/", bulk_views.queue_export, name="export"),
    path("claims/bulk/", bulk_views.queue_bulk, name="bulk"),
    path("claims/bulk/<str:key>/", bulk_views.bulk_report, name="bulk-report"),
    path("claims/<int:claim_id>/", views.claim_detail, name="detail"),
    path("claims/<int:claim_id>/actions/<slug:action>/", views.claim_action, name="action"),
    path("verdicts/<int:claim_id>/", verdict_views.verdict_public, name="verdict"),
    path("claims/<int:claim_id>/preview/", verdict_views.verdict_preview, name="preview"),
    path("articles/import/", article_views.article_import, name="article-import"),
    path("articles/<int:article_id>/", article_views.article_detail, name="article"),
    path(
        "articles/<int:article_id>/status.json", article_views.article_status, name="article-status"
    ),
    path(
        "articles/<int:article_id>/candidates/edit/",
        article_views.candidate_edit,
        name="candidate-edit",
    ),
    path(
        "articles/<int:article_id>/candidates/<slug:action>/",
        article_views.candidate_action,
        name="candidate",
    ),
]
