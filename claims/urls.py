"""URL routes for claim and article pages, and the public verdict page."""

from django.urls import path

from claims import article_views, mywork_views, verdict_views, views

app_name = "claims"

urlpatterns = [
    path("claims/", views.claim_queue, name="queue"),
    path("claims/<int:claim_id>/", views.claim_detail, name="detail"),
    path("claims/<int:claim_id>/actions/<slug:action>/", views.claim_action, name="action"),
    path("my-work/", mywork_views.mywork_page, name="mywork"),
    path("my-work/status.json", mywork_views.mywork_status, name="mywork-status"),
    path("notifications/", mywork_views.notification_list, name="notifications"),
    path(
        "notifications/<int:notification_id>/read/",
        mywork_views.notification_read,
        name="notification-read",
    ),
    path("notifications/read-all/", mywork_views.notifications_read_all, name="notifications-read"),
    path(
        "notifications/preferences/",
        mywork_views.notification_preferences,
        name="notification-preferences",
    ),
    path("people/mentions.json", mywork_views.mention_candidates, name="mention-candidates"),
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
