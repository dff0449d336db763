"""Celery tasks for archiving: thin wrappers that take ids and call the services."""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

# Hard limit well above the fetcher's own total timeout, so the fetcher normally ends first.
_SOFT_LIMIT = settings.FETCH_TOTAL_TIMEOUT + 60
_HARD_LIMIT = _SOFT_LIMIT + 30


@shared_task(
    bind=True,
    name="sources.capture",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=_SOFT_LIMIT,
    time_limit=_HARD_LIMIT,
    max_retries=None,  # the service counts attempts in the database and gives up itself
    ignore_result=True,
)
def capture_source(self, capture_id: int) -> str:
    """Run one capture; retry later when the service asks to (transient failure, busy host)."""
    from sources.services import capture_perform, capture_timed_out

    try:
        outcome = capture_perform(capture_id=capture_id)
    except SoftTimeLimitExceeded:
        outcome = capture_timed_out(capture_id=capture_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.state


@shared_task(name="sources.requeue_stale_captures", ignore_result=True)
def requeue_stale_captures() -> int:
    """Periodic: queue again the captures a lost broker message or a dead worker left behind."""
    from sources.services import captures_requeue_stale

    return len(captures_requeue_stale())
