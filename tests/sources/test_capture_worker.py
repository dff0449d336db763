"""The capture pipeline end to end: a real Celery worker, Redis, PostgreSQL and local servers."""

from __future__ import annotations

import gzip
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from claims.evidence.services import source_link
from claims.models import Claim
from sources.models import Capture, CaptureState
from tests.sources.httpserver import HTTPTestServer, Reply, gzip_bomb, make_pdf, redirect
from tests.support.worker import celery_worker, flush_broker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WORKER_ENV = {
    "FETCH_TOTAL_TIMEOUT": "4",
    "FETCH_MAX_BYTES": str(2 * 1024 * 1024),
    "CAPTURE_MAX_ATTEMPTS": "3",
}
HTML = [("Content-Type", "text/html; charset=utf-8")]


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    flush_broker()
    with celery_worker(concurrency=6, env=WORKER_ENV) as running:
        yield running


@pytest.fixture(autouse=True)
def show_worker_log_on_failure(request):
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and "worker" in request.fixturenames:
        print("".join(request.getfixturevalue("worker").log[-60:]))


@pytest.fixture
def server():
    with HTTPTestServer() as running:
        yield running


@pytest.fixture
def claim(db):
    return Claim.objects.create(text="Russia's exports to China reached $114 billion in 2022.")


def link(fact_checker, claim, url: str) -> Capture:
    evidence = source_link(actor=fact_checker, claim=claim, url=url)
    return evidence.source.captures.get()


def settled(capture: Capture, timeout: float = 30.0) -> Capture:
    def done():
        capture.refresh_from_db()
        return not capture.is_pending and capture

    return wait_for(done, timeout=timeout, what=f"capture {capture.pk} to settle")


def warc_check(name: str) -> subprocess.CompletedProcess:
    path = Path(settings.ARCHIVE_ROOT) / name
    warcio = Path(sys.executable).with_name("warcio")
    return subprocess.run([str(warcio), "check", "-v", str(path)], capture_output=True, text=True)


def test_html_page_is_archived_with_warc_text_and_hash(worker, server, fact_checker, claim):
    body = (
        b"<html><head><title>Trade report</title></head><body><article>"
        b"<p>Exports to China reached $114 billion in 2022, the report said.</p>"
        b"</article></body></html>"
    )
    server.route("/report", Reply(body=body, headers=HTML))
    capture = settled(link(fact_checker, claim, server.url("/report?utm_source=x")))
    assert capture.state == CaptureState.ARCHIVED, capture.failure_reason
    assert capture.http_status == 200
    assert capture.final_url == server.url("/report")
    assert capture.title == "Trade report"
    assert "$114 billion" in capture.text
    assert capture.size == len(body)
    import hashlib

    assert capture.sha256 == hashlib.sha256(body).hexdigest()
    check = warc_check(capture.warc.name)
    assert check.returncode == 0, check.stdout + check.stderr
    assert worker.alive


def test_pdf_is_archived_with_its_text(worker, server, fact_checker, claim):
    pdf = make_pdf(["Food imports rose 161.5 per cent", "in January and February"], title="Stats")
    server.route("/stats.pdf", Reply(body=pdf, headers=[("Content-Type", "application/pdf")]))
    capture = settled(link(fact_checker, claim, server.url("/stats.pdf")))
    assert capture.state == CaptureState.ARCHIVED, capture.failure_reason
    assert "161.5 per cent" in capture.text
    assert capture.source.kind == "pdf"


def test_redirect_chain_is_followed_and_recorded(worker, server, fact_checker, claim):
    server.route("/a", redirect("/b", 301))
    server.route("/b", redirect("/c", 302))
    server.route("/c", Reply(body=b"<p>final page</p>", headers=HTML))
    capture = settled(link(fact_checker, claim, server.url("/a")))
    assert capture.state == CaptureState.ARCHIVED
    assert capture.final_url == server.url("/c")
    assert [hop["status"] for hop in capture.redirect_chain] == [301, 302]


def test_windows_1251_page_comes_out_as_readable_cyrillic(worker, server, fact_checker, claim):
    text = "Экспорт России в Китай достиг 114 миллиардов долларов."
    body = f"<html><body><p>{text}</p></body></html>".encode("cp1251")
    server.route(
        "/ru", Reply(body=body, headers=[("Content-Type", "text/html; charset=windows-1251")])
    )
    capture = settled(link(fact_checker, claim, server.url("/ru")))
    assert capture.state == CaptureState.ARCHIVED
    assert text in capture.text


def test_404_fails_at_once_without_retrying(worker, server, fact_checker, claim):
    server.route("/gone", Reply(status=404, body=b"not here"))
    capture = settled(link(fact_checker, claim, server.url("/gone")))
    assert capture.state == CaptureState.FAILED
    assert "404" in capture.failure_reason
    assert capture.attempts == 1
    assert len([r for r in server.requests if r.path == "/gone"]) == 1


def test_503_is_retried_with_backoff_until_it_recovers(worker, server, fact_checker, claim):
    calls = []

    def flaky(request):
        calls.append(time.monotonic())
        if len(calls) == 1:
            return Reply(status=503, body=b"busy")
        return Reply(body=b"<p>back again</p>", headers=HTML)

    server.route("/flaky", flaky)
    capture = settled(link(fact_checker, claim, server.url("/flaky")))
    assert capture.state == CaptureState.ARCHIVED
    assert capture.attempts == 2
    assert calls[1] - calls[0] >= 1.5  # exponential backoff, not an immediate hammering


def test_429_honours_retry_after(worker, server, fact_checker, claim):
    calls = []

    def limited(request):
        calls.append(time.monotonic())
        if len(calls) == 1:
            return Reply(status=429, headers=[("Retry-After", "4")], body=b"slow down")
        return Reply(body=b"<p>ok now</p>", headers=HTML)

    server.route("/limited", limited)
    capture = settled(link(fact_checker, claim, server.url("/limited")))
    assert capture.state == CaptureState.ARCHIVED
    assert calls[1] - calls[0] >= 3.9


def test_server_that_drips_is_cut_off_and_given_up(worker, server, fact_checker, claim):
    server.route("/drip", Reply(body=b"x" * 100, headers=HTML, drip_interval=1.0))
    capture = settled(link(fact_checker, claim, server.url("/drip")), timeout=60)
    assert capture.state == CaptureState.FAILED
    assert capture.attempts == 3
    assert "gave up" in capture.failure_reason
    assert worker.alive


def test_body_larger_than_the_cap_fails_permanently(worker, server, fact_checker, claim):
    server.route("/huge", Reply(body=b"a" * (3 * 1024 * 1024), headers=HTML))
    capture = settled(link(fact_checker, claim, server.url("/huge")))
    assert capture.state == CaptureState.FAILED
    assert capture.attempts == 1
    assert "larger" in capture.failure_reason or "limit" in capture.failure_reason
    assert not capture.warc


def test_gzip_bomb_is_refused(worker, server, fact_checker, claim):
    bomb = gzip_bomb(200 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    server.route("/bomb", Reply(body=bomb, headers=[*HTML, ("Content-Encoding", "gzip")]))
    capture = settled(link(fact_checker, claim, server.url("/bomb")))
    assert capture.state == CaptureState.FAILED
    assert "decompress" in capture.failure_reason.lower()
    assert worker.alive


def test_endless_redirect_loop_fails(worker, server, fact_checker, claim):
    server.route("/loop1", redirect("/loop2"))
    server.route("/loop2", redirect("/loop1"))
    capture = settled(link(fact_checker, claim, server.url("/loop1")))
    assert capture.state == CaptureState.FAILED
    assert "redirect" in capture.failure_reason.lower()
    assert worker.alive


def test_identical_payload_recaptured_is_not_stored_twice(worker, server, fact_checker, claim):
    from sources.services import capture_request

    server.route("/same", Reply(body=b"<p>unchanged text</p>", headers=HTML))
    first = settled(link(fact_checker, claim, server.url("/same")))
    second = settled(capture_request(actor=fact_checker, source=first.source))
    assert second.state == CaptureState.ARCHIVED
    assert second.sha256 == first.sha256
    assert second.same_payload_as_id == first.pk
    assert second.warc.name == first.warc.name
    assert Capture.objects.filter(source=first.source, kind="http").count() == 2


def test_capture_command_prints_json_and_exit_status(worker, server, claim):
    import json
    import os

    from tests.support.worker import database_url_for_worker

    server.route("/cli", Reply(body=b"<title>CLI</title><p>from the shell</p>", headers=HTML))
    server.route("/missing", Reply(status=404))
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_worker(),
        "ARCHIVE_ROOT": str(settings.ARCHIVE_ROOT),
    }
    ok = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "capture_for_claim",
            server.url("/cli"),
            "--claim",
            str(claim.pk),
            "--wait",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=90,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert ok.returncode == 0, ok.stderr
    facts = json.loads(ok.stdout)
    assert facts["state"] == "archived" and facts["http_status"] == 200
    assert len(facts["sha256"]) == 64 and facts["warc"].endswith(".warc.gz")
    assert claim.evidence.count() == 1
    missing = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "capture",
            server.url("/missing"),
            "--wait",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=90,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert missing.returncode == 1
    assert json.loads(missing.stdout)["state"] == "failed"


def _run_capture_command(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    import os

    from tests.support.worker import database_url_for_worker

    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_worker(),
        "ARCHIVE_ROOT": str(settings.ARCHIVE_ROOT),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "capture", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_capture_command_archives_a_list_of_urls(worker, server, tmp_path):
    import json

    for n in range(4):
        body = f"<title>Bulletin {n}</title><p>Bulletin {n} counts {n * 1000} containers.</p>"
        server.route(f"/list/{n}", Reply(body=body.encode(), headers=HTML))
    server.route("/list/gone", Reply(status=404))
    urls = tmp_path / "urls.txt"
    urls.write_text(
        "# bulletins to archive\n"
        + "".join(f"{server.url(f'/list/{n}')}\n\n" for n in range(4))
        + server.url("/list/gone")
        + "\n"
    )
    done = _run_capture_command("-i", str(urls), "--wait", "--format", "json")
    assert done.returncode == 1, done.stderr  # one URL is a 404: not every capture archived
    facts = json.loads(done.stdout)
    assert [f["url"] for f in facts] == [server.url(f"/list/{n}") for n in range(4)] + [
        server.url("/list/gone")
    ]
    assert [f["state"] for f in facts] == ["archived"] * 4 + ["failed"]
    assert [f["title"] for f in facts[:4]] == [f"Bulletin {n}" for n in range(4)]
    assert all(len(f["sha256"]) == 64 for f in facts[:4])
    assert facts[4]["http_status"] == 404
    assert "captures [" in done.stderr and "5/5" in done.stderr  # the progress bar finished

    # The same list again from stdin, without the 404: new captures, all archived, exit 0.
    again = _run_capture_command(
        "-i", "-", "--wait", "--format", "json", stdin=urls.read_text().replace("gone", "0")
    )
    assert again.returncode == 0, again.stderr
    second = json.loads(again.stdout)
    assert {f["state"] for f in second} == {"archived"}
    assert {f["capture"] for f in second}.isdisjoint(f["capture"] for f in facts)
    assert Capture.objects.filter(source__url=server.url("/list/0"), kind="http").count() == 2


def test_capture_command_refuses_a_list_with_a_bad_line_and_queues_nothing(
    worker, server, tmp_path
):
    urls = tmp_path / "urls.txt"
    urls.write_text(f"{server.url('/fine')}\nftp://example.org/file\n\nnot a url\n")
    before = Capture.objects.count()
    done = _run_capture_command("-i", str(urls))
    assert done.returncode != 0
    assert "nothing was queued: 2 URL(s) cannot be archived" in done.stderr
    assert "line 2: 'ftp://example.org/file'" in done.stderr
    assert "line 4: 'not a url'" in done.stderr
    assert Capture.objects.count() == before
    missing = _run_capture_command("-i", str(tmp_path / "nope.txt"))
    assert missing.returncode != 0 and "cannot read" in missing.stderr
    empty = _run_capture_command()
    assert empty.returncode != 0 and "give at least one URL" in empty.stderr


def test_gzip_served_page_keeps_wire_bytes_and_readable_text(worker, server, fact_checker, claim):
    page = b"<html><body><p>Compressed page about 67,300 barrels.</p></body></html>"
    server.route(
        "/gz", Reply(body=gzip.compress(page), headers=[*HTML, ("Content-Encoding", "gzip")])
    )
    capture = settled(link(fact_checker, claim, server.url("/gz")))
    assert capture.state == CaptureState.ARCHIVED
    assert "67,300 barrels" in capture.text
    assert default_storage.exists(capture.warc.name)
