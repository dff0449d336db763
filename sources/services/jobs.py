"""The capture queue: queueing captures, a worker's claim of one, the retry backoff and the
periodic sweep that queues again what the broker lost (all on the database's clock).

These functions moved here whole from the old sources/services.py, so that the shared job helper
(factcheck/jobs.py, #16) can replace them in one place."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Now

from factcheck import jobs
from factcheck.audit import audit_record_many
from factcheck.errors import DomainError
from sources import priorities
from sources.models import Capture, CaptureKind, CaptureState, Source
from sources.tasks import capture_browser, capture_source

logger = logging.getLogger(__name__)


WORKER = "capture-worker"

SWEEP = "capture-sweep"  # the periodic task that queues again what the broker lost or holds not


def capture_request(*, actor: Any = None, source: Source, system_actor: str = "") -> Capture:
    """Queue a new capture of a web source; earlier captures are kept for comparison."""
    return capture_request_many(actor=actor, sources=[source], system_actor=system_actor)[0]


@transaction.atomic
def capture_request_many(
    *, actor: Any = None, sources: Sequence[Source], system_actor: str = "", batch: bool = False
) -> list[Capture]:
    """Queue a new capture of each web source, all or none: one transaction, and the tasks go
    to the broker on commit over one connection (an operator re-capturing a list of URLs).

    Uploaded files have no URL to fetch again: a list holding one is refused whole. A ``batch``
    (a list from a file) waits behind every capture a person asked for (sources/priorities.py).
    """
    uploads = [source for source in sources if not source.url]
    if uploads:
        which = ", ".join(str(source.pk) for source in uploads[:10])
        raise DomainError(f"an uploaded file has no URL to capture again (source {which})")
    captures = Capture.objects.bulk_create(
        Capture(source=source, requested_url=source.url, requested_by=actor if actor else None)
        for source in sources
    )
    audit_record_many(
        action="capture.queued",
        objs=captures,
        actor=actor,
        system_actor="" if actor else (system_actor or WORKER),
        after=lambda capture: {"url": capture.requested_url},
    )
    ids = [capture.pk for capture in captures]
    priority = priorities.BATCH if batch else priorities.PERSON
    transaction.on_commit(lambda: _send_capture_tasks(ids, priority))
    return captures


def _send_capture_tasks(capture_ids: list[int], priority: int = priorities.PERSON) -> None:
    if len(capture_ids) == 1 or capture_source.app.conf.task_always_eager:
        for capture_id in capture_ids:  # no broker in development: each runs here and now
            capture_source.apply_async((capture_id,), priority=priority)
        return
    with capture_source.app.producer_or_acquire() as producer:
        for capture_id in capture_ids:
            capture_source.apply_async((capture_id,), producer=producer, priority=priority)


def send_browser_capture_tasks(capture_ids: list[int], priority: int = priorities.PERSON) -> None:
    """Send browser captures to their own queue (capture-browser, by CELERY_TASK_ROUTES)."""
    for capture_id in capture_ids:
        capture_browser.apply_async((capture_id,), priority=priority)


def _claim(capture_id: int) -> bool:
    """Take a queued capture for this worker; False if another worker has it or it is done."""
    return jobs.claim(
        Capture.objects,
        capture_id,
        ready={"state": CaptureState.QUEUED},
        taken={"state": CaptureState.FETCHING, "next_attempt_at": None},
        started_field="started_at",
    )


def _backoff(attempt: int, retry_after: float | None) -> float:
    return jobs.backoff(
        attempt,
        base=2.0,
        cap=300.0,
        retry_after=retry_after,
        retry_after_cap=float(settings.CAPTURE_MAX_RETRY_AFTER),
    )


def captures_requeue_stale(*, older_than_seconds: int | None = None) -> list[int]:
    """Queue again what the broker does not hold: captures it lost, ones a dead worker left
    behind, and retries that wait in PostgreSQL until they are due.

    Measured with the database's clock, so workers with skewed clocks agree. Each capture
    queued again gets one audit event (system actor "capture-sweep"), in the same transaction;
    its message goes to the broker on commit. A capture sent again is stamped (next_attempt_at)
    so the next sweeps leave it to the broker for another ``older_than_seconds``.
    """
    age = dt.timedelta(
        seconds=older_than_seconds
        if older_than_seconds is not None
        else settings.CAPTURE_STALE_AFTER_SECONDS
    )
    cutoff = jobs.before(age)
    abandoned = Q(state=CaptureState.FETCHING, started_at__lt=cutoff)
    lost = Q(state=CaptureState.QUEUED, waits_in_database=False) & (
        Q(next_attempt_at__isnull=True, queued_at__lt=cutoff) | Q(next_attempt_at__lt=cutoff)
    )
    due = Q(state=CaptureState.QUEUED, waits_in_database=True, next_attempt_at__lte=Now())
    with transaction.atomic():
        stale = list(
            Capture.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("source")
            .filter(abandoned | lost | due)
            .defer("text", "headers", "redirect_chain")
            .order_by("pk")
        )
        if not stale:
            return []
        ids = [capture.pk for capture in stale]
        Capture.objects.filter(pk__in=ids).update(
            state=CaptureState.QUEUED, next_attempt_at=Now(), waits_in_database=False
        )
        audit_record_many(
            action="capture.requeued",
            objs=stale,
            system_actor=SWEEP,
            after=lambda capture: {
                "state": CaptureState.QUEUED,
                "was": capture.state,
                "reason": _requeue_reason(capture, age),
                "attempts": capture.attempts,
            },
        )
        browser = [capture.pk for capture in stale if capture.kind == CaptureKind.BROWSER]
        http = [pk for pk in ids if pk not in set(browser)]
        transaction.on_commit(lambda: _send_capture_tasks(http))
        transaction.on_commit(lambda: send_browser_capture_tasks(browser))
    abandoned_count = sum(1 for capture in stale if capture.state == CaptureState.FETCHING)
    logger.info(
        "requeued %d stale captures (%d abandoned while fetching)", len(ids), abandoned_count
    )
    return ids


def _requeue_reason(capture: Capture, age: dt.timedelta) -> str:
    seconds = int(age.total_seconds())
    if capture.state == CaptureState.FETCHING:
        return f"still fetching after {seconds} s: the worker was lost"
    if capture.waits_in_database:
        return "its retry, held in the database, is due"
    return f"still queued after {seconds} s: the broker lost its message"
