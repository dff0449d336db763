"""URL routes of the desk's evidence: linking sources to a claim, the capture poll, suggested
passages and re-check alerts (the addresses they had under sources, names under "evidence:")."""

from django.urls import path

from claims.evidence import views

app_name = "evidence"

urlpatterns = [
    path("claims/<int:claim_id>/sources/", views.source_add, name="add"),
    path("claims/<int:claim_id>/sources/upload/", views.source_upload, name="upload"),
    path("claims/<int:claim_id>/captures.json", views.claim_captures, name="claim-captures"),
    path(
        "captures/<int:capture_id>/text/rerun/",
        views.capture_text_rerun,
        name="capture-text-rerun",
    ),
    path(
        "suggestions/<int:suggestion_id>/confirm/",
        views.suggestion_confirm,
        name="suggestion-confirm",
    ),
    path(
        "suggestions/<int:suggestion_id>/discard/",
        views.suggestion_discard,
        name="suggestion-discard",
    ),
    path("claims/<int:claim_id>/suggestions/match/", views.claim_match_again, name="match-again"),
    path("rechecks/<int:alert_id>/resolve/", views.recheck_alert_resolve, name="recheck-resolve"),
]
