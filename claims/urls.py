"""URL routes for the desk's pages (queue, claim, article) and the public verdict page."""

from django.urls import path

from claims.views import article as article_views
from claims.views import bulk, mywork, queue, stats
from claims.views import claim as claim_views
from claims.views import verdict as verdict_views

app_name = "claims"

urlpatterns = [
    path("claims/", queue.claim_queue, name="queue"),
    path("claims/export/", bulk.queue_export, name="export"),
    path("claims/bulk/", bulk.queue_bulk, name="bulk"),
    path("claims/bulk/<str:key>/", bulk.bulk_report, name="bulk-report"),
    path("stats/", stats.desk_stats, name="stats"),
    path("claims/<int:claim_id>/", claim_views.claim_detail, name="detail"),
    path("claims/<int:claim_id>/actions/<slug:action>/", claim_views.claim_action, name="action"),
    path("my-work/", mywork.mywork_page, name="mywork"),
    path("my-work/status.json", mywork.mywork_status, name="mywork-status"),
    path("notifications/", mywork.notification_list, name="notifications"),
    path(
        "notifications/<int:notification_id>/read/",
        mywork.notification_read,
        name="notification-read",
    ),
    path("notifications/read-all/", mywork.notifications_read_all, name="notifications-read"),
    path(
        "notifications/preferences/",
        mywork.notification_preferences,
        name="notification-preferences",
    ),
    path("people/mentions.json", mywork.mention_candidates, name="mention-candidates"),
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
