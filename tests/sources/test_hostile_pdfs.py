"""Hostile PDFs against the real thing: a prefork Celery worker (as production runs it) and a
real gunicorn. Text is read in a limited child of the worker, never in a web request, and a
poison file ends failed with its reason while the worker goes on."""

from __future__ import annotations

import re
import threading

import pytest

from claims.models import Claim
from sources.models import Capture, CaptureState, TextStatus
from tests.sources.httpserver import HTTPTestServer, Reply
from tests.support import hostile
from tests.support.webserver import gunicorn_server, multipart, signed_in_cookies
from tests.support.worker import capture_command, celery_worker, flush_broker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PDF = [("Content-Type", "application/pdf")]
HTML = [("Content-Type", "text/html; charset=utf-8")]


def _capture(url: str, limits: dict[str, str]) -> dict:
    return capture_command(url, limits)


def test_a_poison_pdf_ends_failed_at_the_text_limit_and_the_worker_goes_on():
    limits = {"TEXT_EXTRACTION_CPU_SECONDS": "2", "TEXT_EXTRACTION_WALL_SECONDS": "20"}
    flush_broker()
    with (
        celery_worker(pool="prefork", concurrency=1, env=limits) as worker,
        HTTPTestServer() as server,
    ):
        server.route("/poison.pdf", Reply(body=hostile.cpu_bomb_pdf(), headers=PDF))
        server.route("/bomb.pdf", Reply(body=hostile.memory_bomb_pdf(), headers=PDF))
        server.route("/fine", Reply(body=b"<title>Fine</title><p>4,100 tonnes</p>", headers=HTML))
        poison = _capture(server.url("/poison.pdf"), limits)
        log = "".join(worker.log[-30:])
        assert poison["state"] == CaptureState.FAILED, log
        assert poison["reason"] == (
            "text extraction exceeded its limit: it used more than 2 s of CPU time "
            "(the archive is kept)"
        )
        assert poison["text_status"] == TextStatus.LIMIT and poison["attempts"] == 1
        assert poison["warc"] and len(poison["sha256"]) == 64

        bomb = _capture(server.url("/bomb.pdf"), limits)
        assert bomb["state"] == CaptureState.FAILED and bomb["text_status"] == TextStatus.LIMIT
        assert "300 MB memory limit" in bomb["reason"]

        fine = _capture(server.url("/fine"), limits)
        assert fine["state"] == CaptureState.ARCHIVED and fine["text_status"] == TextStatus.OK
        assert worker.alive


def test_celerys_soft_time_limit_stops_a_reading_and_counts_each_attempt():
    """The soft limit fires while the worker waits on its child: it is not swallowed, the child
    is killed, and the attempts run out to a failed capture."""
    limits = {
        "TEXT_EXTRACTION_CPU_SECONDS": "300",
        "TEXT_EXTRACTION_WALL_SECONDS": "300",
        "CAPTURE_SOFT_TIME_LIMIT": "3",
        "CAPTURE_HARD_TIME_LIMIT": "20",
        "CAPTURE_MAX_ATTEMPTS": "2",
    }
    flush_broker()
    with (
        celery_worker(pool="prefork", concurrency=1, env=limits) as worker,
        HTTPTestServer() as server,
    ):
        server.route("/poison.pdf", Reply(body=hostile.cpu_bomb_pdf(), headers=PDF))
        server.route("/fine", Reply(body=b"<title>Fine</title><p>4,100 tonnes</p>", headers=HTML))
        poison = _capture(server.url("/poison.pdf"), limits)
        log = "".join(worker.log)
        assert poison["state"] == CaptureState.FAILED, log[-3000:]
        assert poison["reason"] == (
            "the capture ran past its time limit (gave up after 2 attempts)"
        )
        assert poison["attempts"] == 2
        assert log.count("Soft time limit (3s) exceeded for sources.capture") == 2
        fine = _capture(server.url("/fine"), limits)
        assert fine["state"] == CaptureState.ARCHIVED
        assert worker.alive


def test_uploads_are_answered_at_once_and_read_by_the_worker_while_the_web_tier_stays_up(
    fact_checker,
):
    """Five poison PDFs uploaded through gunicorn at once: each request answers as soon as the
    file is stored (its capture still waiting for a worker); /healthz answers all along; the
    worker reads each in its limited child and ends it with its reason."""
    claim = Claim.objects.create(text="The agency paid 7.5 million in grants in 2021.")
    cookie, csrf = signed_in_cookies(fact_checker)
    limits = {"TEXT_EXTRACTION_CPU_SECONDS": "2", "TEXT_EXTRACTION_WALL_SECONDS": "20"}
    flush_broker()
    with gunicorn_server(workers=2, env=limits) as web:
        answers: list[tuple[int, int]] = []  # (status, captures pending at the answer)

        def upload(n: int) -> None:
            body, content_type = multipart(
                {"csrfmiddlewaretoken": csrf, "relation": "cited"},
                {
                    "file": (
                        f"grants-{n}.pdf",
                        hostile.cpu_bomb_pdf(pages=40 + n),
                        "application/pdf",
                    )
                },
            )
            status, headers, _ = web.request(
                "POST",
                f"/claims/{claim.pk}/sources/upload/",
                body=body,
                headers={"Cookie": cookie, "Content-Type": content_type, "Referer": web_url},
            )
            answers.append((status, headers.get("Location", "")))

        web_url = f"http://127.0.0.1:{web.port}/"
        uploads = [threading.Thread(target=upload, args=(n,)) for n in range(5)]
        for thread in uploads:
            thread.start()
        for thread in uploads:
            thread.join(60)
        assert answers == [(302, f"/claims/{claim.pk}/")] * 5
        captures = Capture.objects.filter(source__evidence__claim=claim)
        assert captures.count() == 5
        # Answered before any reading: no worker runs yet, so every upload is still waiting.
        assert set(captures.values_list("state", "text_status")) == {("queued", "pending")}
        assert all(len(sha) == 64 for sha in captures.values_list("sha256", flat=True))

        with celery_worker(pool="prefork", concurrency=2, env=limits) as worker:
            healthz = []
            while captures.filter(state__in=["queued", "fetching"]).exists():
                healthz.append(web.request("GET", "/healthz", timeout=5)[0])
                page = web.request("GET", f"/claims/{claim.pk}/", headers={"Cookie": cookie})
                assert page[0] == 200
            wait_for(
                lambda: not captures.filter(state__in=["queued", "fetching"]).exists(),
                timeout=120,
                what="the worker to read the five uploads",
            )
            assert worker.alive
        assert healthz and set(healthz) == {200}
        reasons = set(captures.values_list("state", "failure_reason"))
        assert reasons == {
            (
                "failed",
                "text extraction exceeded its limit: it used more than 2 s of CPU time "
                "(the upload is kept)",
            )
        }
        page = web.request("GET", f"/claims/{claim.pk}/", headers={"Cookie": cookie})[2]
        shown = re.sub(rb"<[^>]+>", b"", page)  # the reason sits in a <bdi> (untrusted text)
        assert b"Failed: text extraction exceeded its limit: it used more than 2 s" in shown
        assert b"Read the text again" in page
