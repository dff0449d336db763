"""What the desk does when the archive or the database says something happened: an article
imported from a URL takes its text, an archived capture is matched against its claims, a link to
a source already archived is matched at once, and a migrated database gets the default scale.

Connected by ClaimsConfig.ready() (the app-loading protocol); each receiver is small and hands
the work to a service or a task.
"""

from __future__ import annotations

from typing import Any

from django.db import connections, transaction

from claims.defaults import ensure_default_scale
from claims.evidence.models import Evidence
from claims.evidence.tasks import match_evidence_for_capture, match_evidence_for_claim
from claims.models import RatingScale
from claims.notifications import notify_recheck
from claims.services import article_complete_from_capture
from claims.span_guard import add_span_guard, remove_span_guard
from sources.models import Capture, CaptureState


def complete_articles(sender: Any, *, capture_id: int, **kwargs: Any) -> None:
    """An article imported from a URL takes its text once the capture of that URL ends."""
    article_complete_from_capture(capture_id=capture_id)


def match_archived_capture(sender: Any, *, capture_id: int, state: str, **kwargs: Any) -> None:
    """Sent on commit when a capture ends: an archived one is matched against its claims."""
    if state != "archived":
        return
    # Matching and the re-check both start from the source's evidence: a source no claim cites
    # (yet) has nothing to match, and linking it later queues the matching then.
    if Evidence.objects.filter(source__captures=capture_id).exists():
        match_evidence_for_capture.delay(capture_id)


def match_new_link(sender: Any, instance: Evidence, created: bool, **kwargs: Any) -> None:
    """A source linked to a claim (not a passage pinned by a confirmation): when it is already
    archived no capture will finish to trigger matching, so queue it for the link itself."""
    if not created or instance.passage_start is not None:
        return
    if Capture.objects.filter(source_id=instance.source_id, state=CaptureState.ARCHIVED).exists():
        claim_id, source_id = instance.claim_id, instance.source_id
        transaction.on_commit(lambda: match_evidence_for_claim.delay(claim_id, source_id))


def default_scale(**kwargs: Any) -> None:
    """post_migrate: the default rating scale (idempotent); it also runs after a test database
    flush, which empties what the data migration created."""
    ensure_default_scale(RatingScale)


def span_guard_after_migrate(sender: Any, *, using: str = "default", **kwargs: Any) -> None:
    """SQLite drops a table's triggers whenever a migration rebuilds it (most ALTERs do), so the
    span guard of migration 0003 is laid again after every migrate there (PostgreSQL keeps it)."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.schema_editor() as editor:
            remove_span_guard(None, editor)
            add_span_guard(None, editor)


def recheck_raised(sender: Any, *, instance: Any, created: bool, raw: bool = False, **kwargs: Any):
    """A re-check alert, however it was raised (claims.evidence.services.recheck), reaches the
    claim's raters and approvers, in the transaction that raised it."""
    if created and not raw:
        notify_recheck(claim=instance.claim, detail=instance.detail)
