"""Claiming a job: of many workers racing for one queued capture or pending delivery, exactly
one wins, and the attempt is counted once.

The guard is factcheck.jobs.claim's conditional UPDATE (`... WHERE state = 'queued'`). Each race
also runs as a control with the guard swapped for read-check-write (read the state, pause, write
without the condition): there, several workers win the same job. Threads get their own database
connections, so these tests commit for real (transaction=True).
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection
from django.db.models import F
from django.db.models.functions import Now

from api import services as api_services
from api.models import DeliveryState, WebhookDelivery, WebhookSubscription
from factcheck import jobs
from sources.models import Capture, CaptureState, Source
from sources.services import jobs as capture_jobs

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 6
HOLD = 0.3  # how long an unguarded racer waits between reading and writing


def race(take: Any, pk: int) -> list[bool]:
    """RACERS threads call take(pk) at once; what each got."""
    start = threading.Barrier(RACERS)
    results: list[bool] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            start.wait()
            won = take(pk)
            with lock:
                results.append(won)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == RACERS
    return results


@pytest.fixture
def unguarded(monkeypatch):
    """Swap the conditional UPDATE for read-check-write: the control."""

    def claim(rows, pk, *, ready, taken, started_field, attempts_field="attempts") -> bool:
        row = rows.filter(pk=pk).values(*ready).get()
        time.sleep(HOLD)
        if any(row[name] != value for name, value in ready.items()):
            return False
        rows.filter(pk=pk).update(
            **taken, **{attempts_field: F(attempts_field) + 1, started_field: Now()}
        )
        return True

    monkeypatch.setattr(jobs, "claim", claim)


@pytest.fixture
def queued_capture() -> Capture:
    source = Source.objects.create(url="https://example.org/report")
    return Capture.objects.create(source=source, requested_url=source.url)


@pytest.fixture
def pending_delivery(make_user) -> WebhookDelivery:
    subscription = WebhookSubscription.objects.create(
        owner=make_user(), url="https://cms.example/hooks", events=["verdict.published"]
    )
    return WebhookDelivery.objects.create(
        subscription=subscription, event="verdict.published", payload={"claim": {"id": 1}}
    )


def test_one_worker_of_many_claims_a_queued_capture(queued_capture):
    results = race(capture_jobs._claim, queued_capture.pk)
    assert results.count(True) == 1
    queued_capture.refresh_from_db()
    assert queued_capture.state == CaptureState.FETCHING and queued_capture.attempts == 1
    assert queued_capture.started_at is not None


def test_control_without_the_guard_several_workers_claim_the_same_capture(
    queued_capture, unguarded
):
    results = race(capture_jobs._claim, queued_capture.pk)
    assert results.count(True) > 1
    queued_capture.refresh_from_db()
    assert queued_capture.attempts == results.count(True)  # attempts counted more than once


def test_one_worker_of_many_claims_a_pending_delivery(pending_delivery):
    results = race(api_services._take, pending_delivery.pk)
    assert results.count(True) == 1
    pending_delivery.refresh_from_db()
    assert pending_delivery.state == DeliveryState.SENDING and pending_delivery.attempts == 1


def test_control_without_the_guard_several_workers_claim_the_same_delivery(
    pending_delivery, unguarded
):
    results = race(api_services._take, pending_delivery.pk)
    assert results.count(True) > 1
    pending_delivery.refresh_from_db()
    assert pending_delivery.attempts == results.count(True)


def test_backoff_doubles_up_to_its_cap_and_a_longer_retry_after_wins():
    assert [jobs.backoff(n, base=30, cap=200) for n in (1, 2, 3, 4)] == [30, 60, 120, 200]
    assert jobs.backoff(1, base=30, cap=200, retry_after=90) == 90
    assert jobs.backoff(1, base=30, cap=200, retry_after=10_000) == 200
    assert jobs.backoff(1, base=30, cap=200, retry_after=10_000, retry_after_cap=500) == 500


def test_a_stale_capture_is_judged_by_the_database_clock_not_the_worker_s(queued_capture):
    """Started ten minutes ago by the database's time: the sweep queues it again."""
    Capture.objects.filter(pk=queued_capture.pk).update(
        state=CaptureState.FETCHING, started_at=jobs.before(600)
    )
    assert capture_jobs.captures_requeue_stale(older_than_seconds=300) == [queued_capture.pk]
    queued_capture.refresh_from_db()
    assert queued_capture.state == CaptureState.QUEUED
