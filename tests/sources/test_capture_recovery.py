"""Nothing is lost: a worker killed mid-capture, or a broker that lost its queue.

These tests start and stop their own workers, so they live apart from the module-wide worker
of test_capture_worker.py (two workers on one queue would race for the same messages).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.conf import settings

from claims.evidence.services import source_link
from claims.models import Claim
from sources.models import Capture, CaptureState, Source
from sources.services import captures_requeue_stale
from tests.sources.httpserver import HTTPTestServer, Reply
from tests.support.worker import celery_worker, flush_broker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
HTML = [("Content-Type", "text/html; charset=utf-8")]


@pytest.fixture
def server():
    with HTTPTestServer() as running:
        yield running


@pytest.fixture
def claim(db):
    return Claim.objects.create(text="North Korea sent more than 1,000 containers to Russia.")


def link(fact_checker, claim, url: str) -> Capture:
    return source_link(actor=fact_checker, claim=claim, url=url).source.captures.get()


def settled(capture: Capture, timeout: float = 30.0) -> Capture:
    def done():
        capture.refresh_from_db()
        return not capture.is_pending and capture

    return wait_for(done, timeout=timeout, what=f"capture {capture.pk} to settle")


def test_killed_worker_mid_capture_still_archives_exactly_once(
    django_db_setup, server, fact_checker, claim
):
    slow_first = []

    def slow(request):
        slow_first.append(1)
        delay = 30.0 if len(slow_first) == 1 else 0.0
        return Reply(body=b"<p>worth the wait</p>", headers=HTML, delay=delay)

    server.route("/slow", slow)
    flush_broker()
    with celery_worker(concurrency=2, env={"FETCH_TOTAL_TIMEOUT": "40"}) as doomed:
        capture = link(fact_checker, claim, server.url("/slow"))
        wait_for(
            lambda: Capture.objects.get(pk=capture.pk).state == CaptureState.FETCHING,
            what="the capture to start",
        )
        doomed.kill()
    capture.refresh_from_db()
    assert capture.state == CaptureState.FETCHING  # left behind by the dead worker
    # The periodic sweep finds it (deadline 0 s here instead of minutes) and a new worker runs it.
    assert captures_requeue_stale(older_than_seconds=0) == [capture.pk]
    with celery_worker(concurrency=2):
        capture = settled(capture)
    assert capture.state == CaptureState.ARCHIVED
    assert Capture.objects.filter(source=capture.source, kind="http").count() == 1
    warc_dir = Path(settings.ARCHIVE_ROOT) / Path(capture.warc.name).parent
    names = [
        p.name
        for p in warc_dir.iterdir()
        if p.name.startswith((f"capture-{capture.pk}.", f"capture-{capture.pk}_"))
    ]
    # One WARC and its one WACZ package: the capture was archived once.
    assert sorted(names) == [f"capture-{capture.pk}.wacz", f"capture-{capture.pk}.warc.gz"]


def test_emptied_redis_loses_no_capture(django_db_setup, server, fact_checker, claim):
    server.route(
        "/p", lambda request: Reply(body=f"<p>{request.target}</p>".encode(), headers=HTML)
    )
    flush_broker()
    captures = [link(fact_checker, claim, server.url(f"/p?n={n}")) for n in range(5)]
    flush_broker()  # the broker loses its queue (it keeps nothing on disk)
    assert Capture.objects.filter(state=CaptureState.QUEUED).count() == 5
    assert sorted(captures_requeue_stale(older_than_seconds=0)) == sorted(c.pk for c in captures)
    with celery_worker(concurrency=4):
        for capture in captures:
            assert settled(capture).state == CaptureState.ARCHIVED
    assert Source.objects.count() == 5


def test_fetches_per_host_never_exceed_the_setting(django_db_setup, server, fact_checker, claim):
    in_flight = []
    peak = []
    import threading

    lock = threading.Lock()

    def slow(request):
        with lock:
            in_flight.append(1)
            peak.append(len(in_flight))
        time.sleep(0.6)
        with lock:
            in_flight.pop()
        return Reply(body=f"<p>{request.target}</p>".encode(), headers=HTML)

    server.route("/page", slow)
    flush_broker()
    with celery_worker(concurrency=8, env={"FETCH_PER_HOST_CONCURRENCY": "2"}):
        captures = [link(fact_checker, claim, server.url(f"/page?n={n}")) for n in range(8)]
        for capture in captures:
            assert settled(capture).state == CaptureState.ARCHIVED
    assert max(peak) == 2  # eight workers free, but only two at a time on this host


@pytest.mark.browser
def test_claim_page_shows_the_capture_turn_archived_without_reload(
    live_server, browser_page, server, fact_checker, claim
):
    from playwright.sync_api import expect

    from tests.support.browser import log_in, screenshot

    server.route(
        "/slow-report", Reply(body=b"<title>Report</title><p>Figures</p>", headers=HTML, delay=3.0)
    )
    flush_broker()
    with celery_worker(concurrency=2):
        log_in(browser_page, live_server, fact_checker)
        browser_page.goto(f"{live_server.url}/claims/{claim.pk}/")
        browser_page.fill("#source-url", server.url("/slow-report"))
        browser_page.click("text=Add and archive")
        state = browser_page.locator('[data-role="capture-state"]').first
        assert state.inner_text() in ("Queued", "Fetching")
        screenshot(browser_page, "claim-capture-pending")
        navigations = []
        browser_page.on("framenavigated", lambda frame: navigations.append(frame.url))
        expect(state).to_have_text("Archived", timeout=20000)
        screenshot(browser_page, "claim-capture-archived")
        assert navigations == []  # it changed in place: no reload
        assert browser_page.locator('[data-role="capture-link"]').first.is_visible()
