"""URL routes of the archive: capturing a source again and playback of captures."""

from django.urls import path

from sources import archive_views, views
from sources.browser import views as browser_views

app_name = "sources"

urlpatterns = [
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
    path("captures/<int:capture_id>/wacz", archive_views.capture_wacz, name="capture-wacz"),
    path(archive_views.PUBLIC_KEY_PATH, archive_views.archive_public_key, name="archive-key"),
    path("captures/<int:capture_id>/original", views.capture_original, name="capture-original"),
    path(
        "captures/<int:capture_id>/page-1.png",
        views.capture_page_image,
        name="capture-page-image",
    ),
]
