"""Automated state changes of captures and sources each write one audit event, with a named
system actor: a busy host's hand-back, a transient retry, the stale sweep, Source creation."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext

from claims.evidence.services import source_link, source_upload
from claims.models import Claim
from factcheck.models import AuditEvent
from sources.models import Capture, CaptureState, Source
from sources.politeness import host_slot
from sources.services import (
    capture_perform,
    capture_request,
    captures_requeue_stale,
    source_for_url,
)
from tests.sources.httpserver import HTTPTestServer, Reply
from tests.support.worker import flush_broker

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim():
    return Claim.objects.create(text="The terminal moved 52,000 containers in April.")


@pytest.fixture
def server(settings):
    settings.FETCH_ALLOW_PRIVATE = True  # the server listens on 127.0.0.1
    with HTTPTestServer() as running:
        yield running


def events(action: str, capture: Capture | None = None) -> list[AuditEvent]:
    found = AuditEvent.objects.filter(action=action)
    if capture is not None:
        found = found.filter(object_type="sources.capture", object_id=str(capture.pk))
    return list(found.order_by("id"))


def test_a_capture_handed_back_by_a_busy_host_is_audited(settings, server, fact_checker, claim):
    flush_broker()
    settings.FETCH_PER_HOST_CONCURRENCY = 1
    capture = source_link(actor=fact_checker, claim=claim, url=server.url("/page")).source
    capture = capture.captures.get()
    with host_slot("127.0.0.1", lease_seconds=30) as held:  # another fetch holds the one slot
        assert held
        outcome = capture_perform(capture_id=capture.pk)
    capture.refresh_from_db()
    assert outcome.state == capture.state == CaptureState.QUEUED
    assert capture.attempts == 0  # handing back uses no attempt
    assert server.connections == 0
    [event] = events("capture.handed_back", capture)
    assert event.actor is None and event.system_actor == "capture-worker"
    assert event.after["state"] == "queued"
    assert "127.0.0.1 is busy" in event.after["reason"]


def test_a_transient_failure_schedules_a_retry_and_says_so(server, fact_checker, claim):
    server.route("/busy", Reply(status=503, body=b"try later", headers=[("Retry-After", "30")]))
    capture = source_link(actor=fact_checker, claim=claim, url=server.url("/busy"))
    capture = capture.source.captures.get()
    outcome = capture_perform(capture_id=capture.pk)
    capture.refresh_from_db()
    assert outcome.state == capture.state == CaptureState.QUEUED
    assert outcome.retry_in == 30  # short enough for the broker to hold
    assert not capture.waits_in_database
    [event] = events("capture.retry_scheduled", capture)
    assert event.system_actor == "capture-worker"
    assert event.after == {
        "state": "queued",
        "reason": "the server answered HTTP 503 Service Unavailable",
        "http_status": 503,
        "attempts": 1,
        "retry_in": 30.0,
        "waits_in_database": False,
    }
    assert "retrying in 30 s" in capture.failure_reason


def test_a_retry_after_beyond_the_broker_limit_waits_in_the_database(
    settings, server, fact_checker, claim
):
    settings.CAPTURE_MAX_BROKER_COUNTDOWN = 600
    server.route("/later", Reply(status=429, headers=[("Retry-After", "7200")]))
    capture = source_link(actor=fact_checker, claim=claim, url=server.url("/later"))
    capture = capture.source.captures.get()
    outcome = capture_perform(capture_id=capture.pk)
    capture.refresh_from_db()
    assert outcome.state == CaptureState.QUEUED
    assert outcome.retry_in is None  # nothing is handed to the broker to hold
    assert capture.waits_in_database
    waits = Capture.objects.filter(pk=capture.pk).values_list("next_attempt_at", flat=True)[0]
    now = Capture.objects.annotate(now=Now()).values_list("now", flat=True)[0]
    assert dt.timedelta(seconds=7190) < waits - now <= dt.timedelta(seconds=7200)
    assert "the sweep queues it then" in capture.failure_reason
    assert captures_requeue_stale() == []  # not due: the sweep leaves it
    assert events("capture.retry_scheduled", capture)[0].after["waits_in_database"] is True


@pytest.mark.django_db(transaction=True)
def test_the_sweep_audits_each_capture_it_queues_again_once(fact_checker):
    sources = [
        source_for_url(f"https://example.org/sweep/{n}", actor=fact_checker)[0] for n in range(3)
    ]
    abandoned, lost, due = (capture_request(actor=fact_checker, source=s) for s in sources)
    long_ago = Now() - dt.timedelta(minutes=30)
    Capture.objects.filter(pk=abandoned.pk).update(
        state=CaptureState.FETCHING, started_at=long_ago, attempts=1
    )
    Capture.objects.filter(pk=lost.pk).update(queued_at=long_ago)
    Capture.objects.filter(pk=due.pk).update(
        waits_in_database=True, next_attempt_at=Now() - dt.timedelta(seconds=1)
    )
    flush_broker()

    requeued = captures_requeue_stale(older_than_seconds=300)

    assert sorted(requeued) == sorted([abandoned.pk, lost.pk, due.pk])
    states = dict(Capture.objects.values_list("pk", "state"))
    assert {states[pk] for pk in requeued} == {"queued"}
    reasons = {int(e.object_id): e.after for e in events("capture.requeued")}
    assert all(e.system_actor == "capture-sweep" for e in events("capture.requeued"))
    assert reasons[abandoned.pk]["was"] == "fetching"
    assert "the worker was lost" in reasons[abandoned.pk]["reason"]
    assert "the broker lost its message" in reasons[lost.pk]["reason"]
    assert "held in the database, is due" in reasons[due.pk]["reason"]
    assert not Capture.objects.get(pk=due.pk).waits_in_database
    # Sent again just now: the next sweeps leave them to the broker for another period.
    assert captures_requeue_stale(older_than_seconds=300) == []
    assert len(events("capture.requeued")) == 3
    flush_broker()  # the three messages are for no worker


def test_a_source_made_by_linking_is_audited_once(fact_checker, claim):
    source_link(actor=fact_checker, claim=claim, url="https://example.org/report")
    source_link(
        actor=fact_checker, claim=claim, url="https://example.org/report", relation="context"
    )
    source = Source.objects.get()
    [event] = events("source.created")
    assert (event.object_id, event.actor_id) == (str(source.pk), fact_checker.pk)
    assert event.after["url"] == "https://example.org/report"


def test_a_source_made_without_a_person_names_the_system(claim):
    source_link(actor=None, system_actor="operator-cli", claim=claim, url="https://example.org/a")
    source_for_url("https://example.org/b")
    actors = [(e.after["url"], e.actor_id, e.system_actor) for e in events("source.created")]
    assert actors == [
        ("https://example.org/a", None, "operator-cli"),
        ("https://example.org/b", None, "source-registry"),
    ]


def test_an_uploaded_source_is_audited(fact_checker, claim):
    source_upload(
        actor=fact_checker, claim=claim, upload=io.BytesIO(b"field notes"), filename="notes.txt"
    )
    [event] = events("source.created")
    assert event.actor_id == fact_checker.pk
    assert event.after["upload"] == "notes.txt"


def test_the_sweep_costs_the_same_queries_for_two_captures_as_for_twenty(fact_checker):
    def sweep_of(n: int, batch: str) -> int:
        urls = [f"https://example.org/{batch}/{i}" for i in range(n)]
        for url in urls:
            capture_request(actor=fact_checker, source=source_for_url(url)[0])
        Capture.objects.filter(source__url__in=urls).update(queued_at=Now() - dt.timedelta(hours=1))
        with CaptureQueriesContext(connection) as queries:
            assert len(captures_requeue_stale(older_than_seconds=300)) == n
        return len(queries)

    assert sweep_of(2, "few") == sweep_of(20, "many")
