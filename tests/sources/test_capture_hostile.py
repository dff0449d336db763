"""Hostile servers against a real worker: each capture ends in a state with its reason, what
arrived is kept in the WARC, the reader says a copy is incomplete, and the worker lives on.
A Retry-After beyond what the broker may hold waits in PostgreSQL for the sweep."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.files.storage import default_storage
from rest_framework.test import APIClient
from warcio.archiveiterator import ArchiveIterator

from claims.models import Claim
from factcheck.models import AuditEvent
from sources.models import Capture, CaptureState
from sources.services import captures_requeue_stale
from tests.sources.httpserver import HTTPTestServer, Reply
from tests.support.worker import (  # noqa: F401 - show_worker_log_on_failure is a fixture
    celery_beat,
    celery_worker,
    flush_broker,
    link,
    settled,
    show_worker_log_on_failure,
    wait_for,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

MAX_BROKER_COUNTDOWN = 4
WORKER_ENV = {
    "FETCH_TOTAL_TIMEOUT": "4",
    "CAPTURE_MAX_ATTEMPTS": "3",
    # Backoffs of 2 and 4 s stay in the broker; a longer Retry-After waits in PostgreSQL.
    "CAPTURE_MAX_BROKER_COUNTDOWN": str(MAX_BROKER_COUNTDOWN),
}
HTML = [("Content-Type", "text/html; charset=utf-8")]
PAGE = (
    b"<html><head><title>Port bulletin</title></head><body><article>"
    + b"<p>The port handled 41,250 containers in March, up from 39,900 in February.</p>" * 30
    + b"</article></body></html>"
)


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    flush_broker()
    with celery_worker(concurrency=4, env=WORKER_ENV) as running:
        yield running


@pytest.fixture
def server():
    with HTTPTestServer() as running:
        yield running


@pytest.fixture
def claim(db):
    return Claim.objects.create(text="The port handled 41,250 containers in March.")


def raw(head: str, body: bytes) -> Reply:
    return Reply(raw=head.replace("\n", "\r\n").encode("latin-1") + b"\r\n" + body)


def response_record(capture: Capture) -> tuple[dict[str, str], bytes]:
    with default_storage.open(capture.warc.name, "rb") as warc_file:
        for record in ArchiveIterator(warc_file):
            if record.rec_type == "response":
                return dict(record.rec_headers.headers), record.raw_stream.read()
    raise AssertionError("no response record")


def warcio_check(capture: Capture) -> subprocess.CompletedProcess:
    path = Path(settings.ARCHIVE_ROOT) / capture.warc.name
    warcio = Path(sys.executable).with_name("warcio")
    return subprocess.run([str(warcio), "check", "-v", str(path)], capture_output=True, text=True)


def reader_page(client, user, capture: Capture) -> str:
    client.force_login(user)
    answer = client.get(f"/captures/{capture.pk}/")
    assert answer.status_code == 200
    return answer.content.decode()


def test_truncated_gzip_ends_partial_with_its_bytes_kept_and_the_reader_says_so(
    worker, server, fact_checker, claim, client
):
    whole = gzip.compress(PAGE)
    cut = whole[: len(whole) * 2 // 3]
    server.route("/gz", Reply(body=cut, headers=[*HTML, ("Content-Encoding", "gzip")]))
    capture = settled(link(fact_checker, claim, server.url("/gz")))
    assert capture.state == CaptureState.PARTIAL
    assert capture.attempts == 1  # the same bytes would come again: not retried
    assert "gzip body is truncated" in capture.failure_reason
    assert f"the {len(cut)} bytes received are kept" in capture.failure_reason
    assert "41,250 containers" in capture.text  # the readable start
    headers, payload = response_record(capture)
    assert payload == cut
    check = warcio_check(capture)
    assert check.returncode == 0, check.stdout + check.stderr
    page = reader_page(client, fact_checker, capture)
    assert "Incomplete copy" in page and "This copy is incomplete." in page
    assert "41,250 containers" in page
    original = client.get(
        f"/captures/{capture.pk}/original"
    )  # sandboxed, decoded as far as it goes
    assert original.status_code == 200
    served = b"".join(original.streaming_content) if original.streaming else original.content
    assert served and PAGE.startswith(served)
    assert client.get(f"/captures/{capture.pk}/warc").status_code == 200
    api = APIClient()
    api.force_authenticate(fact_checker)
    facts = api.get(f"/api/v1/captures/{capture.pk}/").json()
    assert facts["state"] == "partial"
    assert "gzip body is truncated" in facts["failure_reason"]
    assert (
        AuditEvent.objects.filter(action="capture.partial", object_id=str(capture.pk)).count() == 1
    )
    assert worker.alive


def test_conflicting_content_length_ends_partial_with_the_reason(
    worker, server, fact_checker, claim
):
    body = b"<html><body><p>Declared twice, sized twice.</p></body></html>"
    head = "HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Length: 20\nContent-Length: 64\n"
    server.route("/cl", raw(head, body))
    capture = settled(link(fact_checker, claim, server.url("/cl")))
    assert capture.state == CaptureState.PARTIAL
    assert "conflicting Content-Length headers (20, 64)" in capture.failure_reason
    assert capture.attempts == 1
    assert response_record(capture)[1] == body
    assert worker.alive


def test_chunked_garbage_is_not_retried_and_keeps_the_chunks_before_it(
    worker, server, fact_checker, claim
):
    good = b"<p>First chunk of 7,700 tonnes.</p>"
    body = f"{len(good):x}\r\n".encode() + good + b"\r\nnot-a-size\r\nrest\r\n0\r\n\r\n"
    server.route("/chunked", raw("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n", body))
    capture = settled(link(fact_checker, claim, server.url("/chunked")))
    assert capture.state == CaptureState.PARTIAL
    assert capture.attempts == 1
    assert "chunked body is malformed" in capture.failure_reason
    assert "7,700 tonnes" in capture.text
    assert len([r for r in server.requests if r.path == "/chunked"]) == 1
    assert worker.alive


def test_chunked_garbage_from_the_first_byte_fails_with_the_reason(
    worker, server, fact_checker, claim
):
    server.route("/junk", raw("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n", b"\x00\xff junk"))
    capture = settled(link(fact_checker, claim, server.url("/junk")))
    assert capture.state == CaptureState.FAILED
    assert capture.attempts == 1
    assert "chunked body is malformed" in capture.failure_reason
    assert "no bytes arrived" in capture.failure_reason
    assert not capture.warc
    assert worker.alive


def test_a_body_cut_short_every_time_is_retried_then_kept_as_truncated(
    worker, server, fact_checker, claim, client
):
    sent = PAGE[:700]
    head = f"HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Length: {len(PAGE)}\n"
    server.route("/cut", raw(head, sent))
    capture = settled(link(fact_checker, claim, server.url("/cut")), timeout=60)
    assert capture.state == CaptureState.PARTIAL
    assert capture.attempts == 3  # a cut connection may recover: retried to the limit
    assert "gave up after 3 attempts" in capture.failure_reason
    headers, payload = response_record(capture)
    assert headers["WARC-Truncated"] == "disconnect"
    assert payload == sent
    assert warcio_check(capture).returncode == 0
    retries = AuditEvent.objects.filter(action="capture.retry_scheduled", object_id=str(capture.pk))
    assert retries.count() == 2
    assert "This copy is incomplete." in reader_page(client, fact_checker, capture)
    assert worker.alive


def test_a_page_of_100000_nested_tags_is_archived_with_its_text(
    worker, server, fact_checker, claim
):
    body = b"<html><body>" + b"<div>" * 100_000 + b"<p>Deep inside: 6,400 barrels.</p>"
    body += b"</div>" * 100_000 + b"</body></html>"
    server.route("/deep", Reply(body=body, headers=HTML))
    capture = settled(link(fact_checker, claim, server.url("/deep")))
    assert capture.state == CaptureState.ARCHIVED, capture.failure_reason
    assert capture.text == "Deep inside: 6,400 barrels."
    assert worker.alive


def capture_messages_in_broker() -> list[dict]:
    """sources.capture messages in Redis: waiting in the queue or held (unacked) by a worker."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    messages = [json.loads(m) for m in client.lrange("celery", 0, -1)]
    messages += [json.loads(m)[0] for m in client.hvals("unacked")]
    return [m for m in messages if m.get("headers", {}).get("task") == "sources.capture"]


def test_a_retry_after_beyond_the_broker_limit_waits_in_postgres_until_beat_sends_it(
    worker, server, fact_checker, claim, tmp_path
):
    wait = MAX_BROKER_COUNTDOWN + 3
    calls: list[float] = []

    def limited(request):
        calls.append(time.monotonic())
        if len(calls) == 1:
            return Reply(status=429, headers=[("Retry-After", str(wait))], body=b"later")
        return Reply(body=b"<p>Open again: 3,300 crates.</p>", headers=HTML)

    server.route("/later", limited)
    capture = link(fact_checker, claim, server.url("/later"))

    def waiting():
        capture.refresh_from_db()
        return capture.waits_in_database

    wait_for(waiting, timeout=20, what="the retry to wait in the database")
    assert capture.state == CaptureState.QUEUED
    assert capture_messages_in_broker() == []  # no countdown held in Redis
    assert capture.pk not in captures_requeue_stale()  # not due yet

    # Beat runs the sweep (every second here); it sends the capture once it is due.
    with celery_beat(tmp_path, env={"CAPTURE_SWEEP_INTERVAL": "1"}) as beat:
        capture = settled(capture, timeout=wait + 30)
        assert beat.alive
    assert capture.state == CaptureState.ARCHIVED
    assert capture.attempts == 2
    assert calls[1] - calls[0] >= wait - 0.5
    actions = list(
        AuditEvent.objects.filter(object_id=str(capture.pk), object_type="sources.capture")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "capture.queued",
        "capture.retry_scheduled",
        "capture.requeued",
        "capture.archived",
        "capture.packaged",
    ]
    assert worker.alive


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


HOSTILE = {
    "truncated-gzip": Reply(
        body=gzip.compress(PAGE)[: len(gzip.compress(PAGE)) // 2],
        headers=[*HTML, ("Content-Encoding", "gzip")],
    ),
    "corrupt-gzip": Reply(body=b"not gzip at all", headers=[*HTML, ("Content-Encoding", "gzip")]),
    "gzip-bomb": Reply(
        body=gzip.compress(bytes(64 * 1024 * 1024)), headers=[*HTML, ("Content-Encoding", "gzip")]
    ),
    "two-lengths": raw("HTTP/1.1 200 OK\nContent-Length: 3\nContent-Length: 9\n", b"123456789"),
    "chunked-garbage": raw("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n", b"zz\r\nxx\r\n"),
    "cut-short": raw("HTTP/1.1 200 OK\nContent-Length: 5000\n", b"<p>only this</p>"),
    "no-response": Reply(raw=b""),
    "not-http": Reply(raw=b"SSH-2.0-OpenSSH_9.6\r\n\r\n"),
    "drip": Reply(body=b"x" * 100, headers=HTML, drip_interval=1.0),
    "drip-headers": Reply(body=b"x" * 10, headers=HTML, drip_interval=1.0, drip_headers=True),
    "silent": Reply(body=b"late", delay=30),
    "too-large": Reply(body=b"a" * (60 * 1024 * 1024), headers=HTML),
    "deep-nesting": Reply(body=b"<div>" * 100_000 + b"<p>deep 5 ships</p>", headers=HTML),
    "binary-as-html": Reply(body=bytes(range(256)) * 1000, headers=HTML),
}


def test_every_hostile_server_case_ends_in_a_state_with_a_reason(
    worker, server, fact_checker, claim
):
    for name, reply in HOSTILE.items():
        server.route(f"/{name}", reply)
    captures = {name: link(fact_checker, claim, server.url(f"/{name}")) for name in HOSTILE}
    ended = {name: settled(capture, timeout=120) for name, capture in captures.items()}
    for name, capture in ended.items():
        assert capture.state in ("archived", "partial", "failed"), name
        if capture.state != "archived":
            assert capture.failure_reason, name
        if capture.state == "partial":
            assert capture.warc and capture.sha256, name
    states = {name: capture.state for name, capture in ended.items()}
    # Nothing of it decodes: failed, but the 15 bytes that came are kept, as the reason says.
    assert states["corrupt-gzip"] == "failed" and ended["corrupt-gzip"].warc
    assert "the 15 bytes received are kept" in ended["corrupt-gzip"].failure_reason
    assert states["truncated-gzip"] == states["two-lengths"] == states["cut-short"] == "partial"
    assert states["chunked-garbage"] == "failed" and ended["chunked-garbage"].attempts == 1
    assert states["deep-nesting"] == "archived" and "deep 5 ships" in ended["deep-nesting"].text
    assert worker.alive
    assert peak_rss_mb(worker.process.pid) < 300
