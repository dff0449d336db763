"""App config for sources, the archive: it registers its readiness probe (text extraction) and
queues a browser capture after an HTML page's HTTP capture is archived."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig

from factcheck.health import readiness_check_register


class SourcesConfig(AppConfig):
    name = "sources"

    def ready(self) -> None:
        # The app-loading protocol: its own modules that need the app registry, once it is ready.
        from sources.health import text_extractor_check
        from sources.signals import capture_finished

        readiness_check_register("text_extractor", text_extractor_check)
        capture_finished.connect(_browser_follow_up, dispatch_uid="sources-browser-follow-up")


def _browser_follow_up(sender: Any, *, capture_id: int, state: str, **kwargs: Any) -> None:
    """An HTML page's HTTP capture is archived: its browser capture is queued after it."""
    if state != "archived":
        return
    from sources.browser.capture import browser_follow_up  # its own app, loaded after models

    browser_follow_up(capture_id=capture_id)
