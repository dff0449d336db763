"""Browser captures end to end: a real worker on the capture-browser queue (and the HTTP queue),
Redis, PostgreSQL, Debian's Chromium, and pages served on 127.0.0.1 by the test."""

from __future__ import annotations

import json

import pytest
from django.core.files.storage import default_storage
from warcio.archiveiterator import ArchiveIterator

from claims.evidence.services import source_link
from claims.models import Claim
from factcheck.models import AuditEvent
from sources.browser.capture import browser_capture_request
from sources.models import Capture, CaptureKind, CaptureState
from sources.normalise import normalise_url
from sources.services import source_for_url
from tests.sources.httpserver import HTTPTestServer, Reply
from tests.support.hostile import png_image
from tests.support.worker import (  # noqa: F401 - show_worker_log_on_failure is a fixture
    capture_command,
    celery_worker,
    flush_broker,
    settled,
    show_worker_log_on_failure,
    wait_for,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Small budgets so that the pages that run into them end in seconds.
WORKER_ENV = {
    "FETCH_TOTAL_TIMEOUT": "6",
    "BROWSER_LOAD_TIMEOUT": "3",
    "BROWSER_CAPTURE_TIMEOUT": "9",
    "BROWSER_MAX_BYTES": str(300 * 1024),
}
HTML = [("Content-Type", "text/html; charset=utf-8")]
PNG = [("Content-Type", "image/png")]

# The article is empty in the HTML; a script writes it once the page has loaded, and the photo
# below the fold has no src until it scrolls into view.
SCRIPTED = b"""<!doctype html><html><head><title>Harbour figures</title></head><body>
<main><article id="story"></article></main>
<div style="height:3000px">spacer</div>
<img id="late" data-src="/photo-below-the-fold.png" alt="the quay" width="40" height="40">
<script>
window.addEventListener('load', () => setTimeout(() => {
  const story = document.getElementById('story');
  const lines = [
    'The harbour board said the quay moved 48,730 containers in August.',
    'That was the busiest month since the new cranes were installed two years ago.',
    'Officials expect the total for the year to pass half a million boxes.',
    'Night shifts were added in July to clear the backlog of vessels waiting offshore.',
  ];
  for (const line of lines) {
    const p = document.createElement('p'); p.textContent = line; story.appendChild(p);
  }
}, 150));
new IntersectionObserver((seen) => {
  for (const entry of seen) if (entry.isIntersecting) entry.target.src = entry.target.dataset.src;
}).observe(document.getElementById('late'));
</script></body></html>"""


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    flush_broker()
    with celery_worker(concurrency=2, env=WORKER_ENV, queues="celery,capture-browser") as running:
        yield running


@pytest.fixture
def server():
    with HTTPTestServer() as running:
        yield running


@pytest.fixture
def claim(db):
    return Claim.objects.create(text="The quay moved 48,730 containers in August.")


def warc_records(capture: Capture) -> list[tuple[str, str, bytes]]:
    """(type, target URI, payload) of every record in the capture's WARC, in order."""
    out = []
    with default_storage.open(capture.warc.name, "rb") as warc_file:
        for record in ArchiveIterator(warc_file):
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            out.append((record.rec_type, uri, record.content_stream().read()))
    return out


def web_source(actor, url: str):
    """A source with no capture yet (linking would queue an HTTP capture and its follow-up)."""
    return source_for_url(normalise_url(url), actor=actor)[0]


def browser_capture_of(source_id: int) -> Capture:
    return wait_for(
        lambda: Capture.objects.filter(source_id=source_id, kind=CaptureKind.BROWSER).first(),
        timeout=30,
        what="the browser capture to be queued",
    )


def test_script_written_text_and_lazy_images_are_in_the_browser_capture_not_the_http_one(
    worker, server, fact_checker, claim
):
    server.route("/harbour", Reply(body=SCRIPTED, headers=HTML))
    server.route("/photo-below-the-fold.png", Reply(body=png_image(), headers=PNG))
    evidence = source_link(actor=fact_checker, claim=claim, url=server.url("/harbour"))
    http_capture = settled(evidence.source.captures.get(kind=CaptureKind.HTTP))
    assert http_capture.state == CaptureState.ARCHIVED
    assert "48,730 containers" not in http_capture.text

    # The HTML page's HTTP capture queues its browser capture by itself.
    browser = settled(browser_capture_of(evidence.source_id), timeout=60)
    assert browser.state == CaptureState.ARCHIVED, browser.failure_reason
    assert "48,730 containers" in browser.text
    assert browser.screenshot and default_storage.open(browser.screenshot.name).read(8) == (
        b"\x89PNG\r\n\x1a\n"
    )
    records = warc_records(browser)
    responses = [uri for kind, uri, _ in records if kind == "response"]
    assert responses[0] == server.url("/harbour")
    assert server.url("/photo-below-the-fold.png") in responses
    kinds = [kind for kind, _, _ in records]
    assert kinds[:3] == ["warcinfo", "request", "response"]  # each request before its response
    resources = {uri.split(":", 2)[1]: body for kind, uri, body in records if kind == "resource"}
    assert resources["screenshot"][:8] == b"\x89PNG\r\n\x1a\n"
    assert b"48,730 containers" in resources["text"]
    assert b"48,730 containers" in resources["dom"]
    provenance = json.loads(resources["provenance"])
    assert provenance == browser.provenance
    assert provenance["software"]["chromium"] and provenance["software"]["playwright"]
    assert provenance["budgets"]["capture_seconds"] == 9
    assert {"host": "127.0.0.1", "ip": "127.0.0.1", "requests": 2} in provenance["addresses"]
    # The photo was asked for only once it scrolled into view: the HTTP capture never saw it.
    photo_requests = [r for r in server.requests if r.path == "/photo-below-the-fold.png"]
    assert len(photo_requests) == 1
    queued = AuditEvent.objects.get(action="capture.queued", object_id=str(browser.pk))
    assert queued.actor_name == "browser-follow-up"


def test_a_page_that_never_stops_loading_is_kept_partial_naming_the_load_budget(
    worker, server, fact_checker
):
    server.route(
        "/endless",
        Reply(
            body=b"<html><head><title>Slow</title></head><body><p>"
            + b"A page whose picture never arrives, though its words do. " * 20
            + b'</p><img src="/never.png"></body></html>',
            headers=HTML,
        ),
    )
    server.route("/never.png", Reply(body=png_image(), headers=PNG, delay=30))
    source = web_source(fact_checker, server.url("/endless"))
    capture = settled(browser_capture_request(actor=fact_checker, source=source), timeout=60)
    assert capture.state == CaptureState.PARTIAL
    assert "the load budget (3 s) ran out" in capture.failure_reason
    assert "words do" in capture.text and capture.screenshot  # what arrived is kept
    assert capture.provenance["budget_hit"].startswith("the load budget")


def test_a_page_that_keeps_polling_is_partial_naming_the_capture_budget(
    worker, server, fact_checker
):
    page = (
        b"<html><body><p>"
        + b"Live figures refresh every tenth of a second on this dashboard. " * 20
        + b"</p><script>let n = 0; setInterval(() => fetch('/tick?' + (n++)), 100);</script>"
        + b"</body></html>"
    )
    server.route("/dashboard", Reply(body=page, headers=HTML))
    server.route("/tick", Reply(body=b"{}", headers=[("Content-Type", "application/json")]))
    source = web_source(fact_checker, server.url("/dashboard"))
    capture = settled(browser_capture_request(actor=fact_checker, source=source), timeout=60)
    assert capture.state == CaptureState.PARTIAL
    assert "still loading when the capture budget (9 s) ran out" in capture.failure_reason


def test_websockets_and_popups_are_refused_and_recorded(worker, server, fact_checker):
    page = b"""<html><body><p>A page that tries to open a live channel and a new window.</p>
    <script>
      try { new WebSocket('ws://' + location.host + '/live'); } catch (e) {}
      window.open('/advert');
    </script></body></html>"""
    server.route("/channel", Reply(body=page, headers=HTML))
    server.route("/advert", Reply(body=b"<p>advert</p>", headers=HTML))
    source = web_source(fact_checker, server.url("/channel"))
    capture = settled(browser_capture_request(actor=fact_checker, source=source), timeout=60)
    assert capture.state == CaptureState.ARCHIVED, capture.failure_reason
    refused = {r["kind"]: r for r in capture.provenance["refused"]}
    assert refused["websocket"]["url"] == server.url("/live").replace("http:", "ws:")
    assert refused["popup"]["url"] == server.url("/advert")
    # Neither reached the server: only the page itself was fetched.
    assert [r.path for r in server.requests] == ["/channel"] * len(server.requests)


def test_a_page_over_the_size_budget_keeps_what_arrived_and_names_the_budget(
    worker, server, fact_checker
):
    pictures = b"".join(b'<img src="/big-%d.png" width="10" height="10">' % n for n in range(6))
    server.route(
        "/gallery",
        Reply(
            body=b"<html><body><p>"
            + b"A gallery of six large photographs from the harbour at dawn. " * 10
            + b"</p>"
            + pictures
            + b"</body></html>",
            headers=HTML,
        ),
    )
    for n in range(6):
        server.route(f"/big-{n}.png", Reply(body=png_image() + bytes(100 * 1024), headers=PNG))
    source = web_source(fact_checker, server.url("/gallery"))
    capture = settled(browser_capture_request(actor=fact_checker, source=source), timeout=60)
    assert capture.state == CaptureState.PARTIAL
    assert "the size budget (300 KB of responses) was reached" in capture.failure_reason
    budget_refusals = [r for r in capture.provenance["refused"] if r["kind"] == "budget"]
    assert budget_refusals
    archived = [uri for kind, uri, _ in warc_records(capture) if kind == "response"]
    assert 1 < len(archived) < 7  # the page and the pictures that fitted
    assert capture.size <= 300 * 1024 + 1024


def test_capture_command_with_browser_prints_the_browser_facts(worker, server):
    server.route("/harbour", Reply(body=SCRIPTED, headers=HTML))
    server.route("/photo-below-the-fold.png", Reply(body=png_image(), headers=PNG))
    facts = capture_command(server.url("/harbour"), WORKER_ENV, wait=60, extra=["--browser"])
    assert facts["kind"] == "browser"
    assert facts["state"] == "archived", facts["reason"]
    assert facts["screenshot"].endswith(".png")
    assert facts["text_chars"] > 100
    assert facts["provenance"]["software"]["chromium"]
    for key in ("wacz", "signed", "timestamped"):
        assert key in facts  # null until the WACZ packaging records them
