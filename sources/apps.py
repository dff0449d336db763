"""App config for sources: evidence matching follows captures and new links."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "sources"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from factcheck.health import readiness_check_register
        from sources.health import text_extractor_check
        from sources.models import Evidence
        from sources.signals import capture_finished

        readiness_check_register("text_extractor", text_extractor_check)

        capture_finished.connect(_match_archived_capture, dispatch_uid="sources-evidence-match")
        capture_finished.connect(_browser_follow_up, dispatch_uid="sources-browser-follow-up")
        post_save.connect(
            _match_new_link, sender=Evidence, dispatch_uid="sources-evidence-match-link"
        )


def _match_archived_capture(sender: Any, *, capture_id: int, state: str, **kwargs: Any) -> None:
    """Sent on commit when a capture ends: an archived one is matched against its claims."""
    if state != "archived":
        return
    from sources.models import Evidence
    from sources.tasks import match_evidence_for_capture

    # Matching and the re-check both start from the source's evidence: a source no claim cites
    # (yet) has nothing to match, and linking it later queues the matching then.
    if Evidence.objects.filter(source__captures=capture_id).exists():
        match_evidence_for_capture.delay(capture_id)


def _match_new_link(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """A source linked to a claim (not a passage pinned by a confirmation): when it is already
    archived no capture will finish to trigger matching, so queue it for the link itself."""
    if not created or instance.passage_start is not None:
        return
    from django.db import transaction

    from sources.models import Capture, CaptureState
    from sources.tasks import match_evidence_for_claim

    if Capture.objects.filter(source_id=instance.source_id, state=CaptureState.ARCHIVED).exists():
        claim_id, source_id = instance.claim_id, instance.source_id
        transaction.on_commit(lambda: match_evidence_for_claim.delay(claim_id, source_id))


def _browser_follow_up(sender: Any, *, capture_id: int, state: str, **kwargs: Any) -> None:
    """An HTML page's HTTP capture is archived: its browser capture is queued after it."""
    if state != "archived":
        return
    from sources.browser.capture import browser_follow_up

    browser_follow_up(capture_id=capture_id)
