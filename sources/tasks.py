"""Celery tasks of the archive (captures, reading text again, the sweep): thin wrappers that
take ids and call the services (imported in the body: the services queue these tasks)."""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_process_init, worker_shutdown
from django.conf import settings
from django.db import OperationalError

from sources import isolation


@worker_process_init.connect
def _start_text_extraction(**kwargs: object) -> None:
    """Each prefork pool process starts its text-extraction forkserver as it starts."""
    isolation.start()


# Limits well above the fetcher's own total timeout, so the fetcher normally ends first.
_SOFT_LIMIT = settings.CAPTURE_SOFT_TIME_LIMIT
_HARD_LIMIT = settings.CAPTURE_HARD_TIME_LIMIT


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


@shared_task(
    bind=True,
    name="sources.capture_browser",  # routed to the capture-browser queue (CELERY_TASK_ROUTES)
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.BROWSER_SOFT_TIME_LIMIT,
    time_limit=settings.BROWSER_HARD_TIME_LIMIT,
    max_retries=None,  # the service counts attempts in the database and gives up itself
    ignore_result=True,
)
def capture_browser(self, capture_id: int) -> str:
    """Run one browser capture; retry later when the service asks to."""
    from sources.browser.capture import browser_capture_perform
    from sources.services import capture_timed_out

    try:
        outcome = browser_capture_perform(capture_id=capture_id)
    except SoftTimeLimitExceeded:
        outcome = capture_timed_out(capture_id=capture_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.state


@worker_shutdown.connect
def _close_browser(**kwargs: object) -> None:
    """A worker going away closes its Chromium (if it started one)."""
    from sources.browser import engine

    engine.shutdown()


@shared_task(
    name="sources.read_capture_text",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=_SOFT_LIMIT,
    time_limit=_HARD_LIMIT,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def read_capture_text(capture_id: int) -> str:
    """A person asked for a capture's text to be read again from its archive."""
    from sources.services import capture_text_read

    return capture_text_read(capture_id=capture_id)


@shared_task(name="sources.requeue_stale_captures", ignore_result=True)
def requeue_stale_captures() -> int:
    """Periodic: queue again the captures a lost broker message or a dead worker left behind."""
    from sources.services import captures_requeue_stale

    return len(captures_requeue_stale())
