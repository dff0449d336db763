"""End to end with a real Celery worker: a capture that finishes queues evidence matching, and
linking a source that is already archived does too."""

from __future__ import annotations

import pytest

from claims.evidence.models import EvidenceSuggestion
from claims.evidence.services import source_link
from sources.models import CaptureState
from tests.claims.evidence.conftest import HTML, page
from tests.claims.evidence.test_matching import CONTAINERS, DECOY, shipped
from tests.sources.httpserver import HTTPTestServer, Reply
from tests.support.worker import celery_worker, flush_broker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    flush_broker()
    with celery_worker(concurrency=2) as running:
        yield running


@pytest.fixture(autouse=True)
def show_worker_log_on_failure(request):
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and "worker" in request.fixturenames:
        print("".join(request.getfixturevalue("worker").log[-80:]))


def test_an_archived_capture_is_matched_by_the_worker(worker, make_claim, fact_checker):
    claim = make_claim(**{**CONTAINERS, "qualifier": "more_than"})
    other = make_claim(**{**CONTAINERS, "qualifier": "less_than"})
    with HTTPTestServer() as server:
        server.route("/report", Reply(body=page(DECOY, shipped("1,200 containers")), headers=HTML))
        evidence = source_link(actor=fact_checker, claim=claim, url=server.url("/report"))
        capture = evidence.source.captures.get()

        def archived():
            capture.refresh_from_db()
            return capture.state == CaptureState.ARCHIVED

        wait_for(archived, timeout=30, what="the capture to be archived")
        agrees = wait_for(
            lambda: EvidenceSuggestion.objects.filter(claim=claim).first(),
            timeout=30,
            what="the worker to suggest a passage",
        )
        assert agrees.verdict == "agrees" and agrees.capture_id == capture.pk
        assert capture.text[agrees.passage_start : agrees.passage_end] == agrees.passage_text

        # The source is archived already: linking it to another claim matches that claim.
        source_link(actor=fact_checker, claim=other, url=server.url("/report"))
        disagrees = wait_for(
            lambda: EvidenceSuggestion.objects.filter(claim=other).first(),
            timeout=30,
            what="the worker to match the newly linked claim",
        )
        assert disagrees.verdict == "disagrees"
        assert capture.source.captures.filter(kind="http").count() == 1  # linked, not fetched again
    assert worker.alive
