"""App config for sources, the archive: it registers its readiness probe (text extraction)."""

from __future__ import annotations

from django.apps import AppConfig

from factcheck.health import readiness_check_register


class SourcesConfig(AppConfig):
    name = "sources"

    def ready(self) -> None:
        # The app-loading protocol: its own modules that need the app registry, once it is ready.
        from sources.health import text_extractor_check

        readiness_check_register("text_extractor", text_extractor_check)
