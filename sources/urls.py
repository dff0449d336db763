"""URL routes for sources, captures and playback."""

from django.urls import path

from sources import views
from sources.browser import views as browser_views

app_name = "sources"

urlpatterns = [
    path("claims/<int:claim_id>/sources/", views.source_add, name="add"),
    path("claims/<int:claim_id>/sources/upload/", views.source_upload, name="upload"),
    path("claims/<int:claim_id>/captures.json", views.claim_captures, name="claim-captures"),
    path("sources/<int:source_id>/capture/", views.source_capture_again, name="capture-again"),
    path(
        "sources/<int:source_id>/capture-browser/",
        browser_views.source_capture_browser,
        name="capture-browser",
    ),
    path("captures/<int:capture_id>/", views.capture_reader, name="capture"),
    path(
        "captures/<int:capture_id>/screenshot.png",
        browser_views.capture_screenshot,
        name="capture-screenshot",
    ),
    path(
        "captures/<int:capture_id>/provenance/",
        browser_views.capture_provenance,
        name="capture-provenance",
    ),
    path("captures/<int:capture_id>/warc", views.capture_warc, name="capture-warc"),
    path("captures/<int:capture_id>/original", views.capture_original, name="capture-original"),
    path(
        "captures/<int:capture_id>/page-1.png",
        views.capture_page_image,
        name="capture-page-image",
    ),
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
