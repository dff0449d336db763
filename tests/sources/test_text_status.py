"""A capture says what became of its text: read, empty, failed or past its limit, with the reason,
on the claim page, in the API and from `manage.py capture`; a person can have it read again."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.db import transaction
from django.utils import timezone

from claims.evidence.services import source_link, source_upload
from claims.models import Claim
from factcheck.errors import DomainError
from factcheck.models import AuditEvent
from sources.models import Capture, CaptureState, TextStatus
from sources.services import (
    capture_perform,
    capture_text_read,
    capture_text_rerun,
    captures_requeue_stale,
)
from tests.sources.httpserver import HTTPTestServer, Reply
from tests.support import hostile

pytestmark = pytest.mark.django_db

HTML = [("Content-Type", "text/html; charset=utf-8")]
PDF = [("Content-Type", "application/pdf")]


@pytest.fixture
def claim():
    return Claim.objects.create(text="The harbour moved 3,400 containers in May 2023.")


@pytest.fixture
def server(settings):
    settings.FETCH_ALLOW_PRIVATE = True  # the simulated outside web listens on loopback
    with HTTPTestServer() as running:
        yield running


def _capture(claim, actor, url: str) -> Capture:
    with transaction.atomic():
        evidence = source_link(actor=actor, claim=claim, url=url)
    capture = evidence.source.captures.latest("queued_at")
    capture_perform(capture_id=capture.pk)  # what the worker runs
    capture.refresh_from_db()
    return capture


def test_a_page_with_markup_but_no_text_is_archived_and_says_no_text_was_found(
    claim, fact_checker, server, client
):
    server.route(
        "/blank", Reply(body=b"<html><body><script>var a=1;</script></body></html>", headers=HTML)
    )
    capture = _capture(claim, fact_checker, server.url("/blank"))
    assert capture.state == CaptureState.ARCHIVED
    assert capture.text == "" and capture.text_status == TextStatus.EMPTY
    assert capture.text_reason == "no readable text was found in the page"

    client.force_login(fact_checker)
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    shown = re.sub(r"<[^>]+>", "", page)  # the reason sits in a <bdi> (untrusted text)
    assert "No text found: no readable text was found in the page" in shown
    assert "Read the text again" in page
    api = client.get(f"/api/v1/captures/{capture.pk}/").json()
    assert (api["text_status"], api["text_reason"]) == (
        "empty",
        "no readable text was found in the page",
    )


def test_a_pdf_the_parser_cannot_read_records_the_parser_error(claim, fact_checker, server):
    server.route(
        "/broken.pdf", Reply(body=b"%PDF-1.7\nthis is not a PDF body at all\n", headers=PDF)
    )
    capture = _capture(claim, fact_checker, server.url("/broken.pdf"))
    assert capture.state == CaptureState.ARCHIVED  # the bytes are archived all the same
    assert capture.text_status == TextStatus.FAILED
    assert capture.text_reason.startswith("text extraction failed: ")
    assert "Pdf" in capture.text_reason  # the parser's error type, by name


def test_a_pdf_past_the_cpu_limit_fails_with_its_reason_and_keeps_its_archive(
    claim, fact_checker, server, settings
):
    settings.TEXT_EXTRACTION_CPU_SECONDS = 1
    poison = hostile.cpu_bomb_pdf()
    server.route("/poison.pdf", Reply(body=poison, headers=PDF))
    capture = _capture(claim, fact_checker, server.url("/poison.pdf"))
    assert capture.state == CaptureState.FAILED
    assert capture.failure_reason == (
        "text extraction exceeded its limit: it used more than 1 s of CPU time "
        "(the archive is kept)"
    )
    assert capture.text_status == TextStatus.LIMIT
    import hashlib

    assert capture.sha256 == hashlib.sha256(poison).hexdigest()
    assert capture.warc and capture.warc.storage.exists(capture.warc.name)
    event = AuditEvent.objects.get(action="capture.failed", object_id=str(capture.pk))
    assert event.after["text_status"] == "limit"


def test_a_pdf_that_deflates_past_the_memory_limit_fails_with_its_reason(
    claim, fact_checker, server, settings
):
    settings.TEXT_EXTRACTION_MEMORY_MB = 300
    server.route("/big.pdf", Reply(body=hostile.memory_bomb_pdf(), headers=PDF))
    capture = _capture(claim, fact_checker, server.url("/big.pdf"))
    assert capture.state == CaptureState.FAILED
    assert capture.text_status == TextStatus.LIMIT
    assert "300 MB memory limit" in capture.text_reason


def test_a_person_reads_the_text_again_after_the_limit_is_raised(
    claim, fact_checker, server, settings, django_user_model
):
    settings.TEXT_EXTRACTION_CPU_SECONDS = 1
    slow = hostile.cpu_bomb_pdf(pages=1, operators=30_000)
    server.route("/slow.pdf", Reply(body=slow, headers=PDF))
    capture = _capture(claim, fact_checker, server.url("/slow.pdf"))
    assert capture.text_status == TextStatus.LIMIT

    outsider = django_user_model.objects.create_user("reader", password="x")
    with pytest.raises(DomainError) as refused:
        capture_text_rerun(actor=outsider, capture=capture)
    assert refused.value.code == "forbidden"

    settings.TEXT_EXTRACTION_CPU_SECONDS = 60
    settings.TEXT_EXTRACTION_WALL_SECONDS = 120
    capture_text_rerun(actor=fact_checker, capture=capture)
    capture.refresh_from_db()
    assert capture.text_status == TextStatus.PENDING and capture.is_reading_text
    requested = AuditEvent.objects.get(action="capture.text_rerun_requested")
    assert requested.actor_id == fact_checker.pk
    assert requested.before["text_status"] == "limit"

    assert capture_text_read(capture_id=capture.pk) == TextStatus.OK  # what the worker runs
    capture.refresh_from_db()
    assert capture.state == CaptureState.ARCHIVED and capture.failure_reason == ""
    assert capture.text.startswith("a")
    read = AuditEvent.objects.get(action="capture.text_read")
    assert read.after["text_status"] == "ok" and read.after["state"] == "archived"


def test_the_rerun_button_is_role_checked_and_redirects_to_the_claim(
    claim, fact_checker, server, client, django_user_model
):
    server.route("/blank", Reply(body=b"<html><body><div></div></body></html>", headers=HTML))
    capture = _capture(claim, fact_checker, server.url("/blank"))
    outsider = django_user_model.objects.create_user("nobody", password="x")
    client.force_login(outsider)
    assert client.post(f"/captures/{capture.pk}/text/rerun/").status_code == 403
    capture.refresh_from_db()
    assert capture.text_status == TextStatus.EMPTY

    client.force_login(fact_checker)
    response = client.post(f"/captures/{capture.pk}/text/rerun/")
    assert response.status_code == 302 and response["Location"] == f"/claims/{claim.pk}/"
    capture.refresh_from_db()
    assert capture.text_status == TextStatus.PENDING
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "Reading the text again" in page


def test_a_capture_whose_attempts_all_died_ends_failed_after_the_limit(
    claim, fact_checker, settings
):
    """A worker killed at the hard time limit never finishes its capture: the stale sweep
    queues it again, each claim counts an attempt, and past the limit it ends failed."""
    settings.CAPTURE_MAX_ATTEMPTS = 3
    with transaction.atomic():
        evidence = source_link(actor=fact_checker, claim=claim, url="https://example.org/poison")
    capture = evidence.source.captures.get()
    for attempt in range(1, 4):
        # What a claim by a worker that is then SIGKILLed leaves behind.
        Capture.objects.filter(pk=capture.pk).update(
            state=CaptureState.FETCHING,
            attempts=attempt,
            started_at=timezone.now() - dt.timedelta(hours=1),
        )
        assert capture.pk in captures_requeue_stale(older_than_seconds=60)
        capture.refresh_from_db()
        assert capture.state == CaptureState.QUEUED and capture.attempts == attempt
    outcome = capture_perform(capture_id=capture.pk)
    capture.refresh_from_db()
    assert outcome.state == capture.state == CaptureState.FAILED
    assert capture.attempts == 4
    assert capture.failure_reason == (
        "gave up after 3 attempts that ended without a result (the worker was stopped at its "
        "time limit or lost)"
    )


def test_an_uploaded_pdf_gets_its_first_page_drawn_and_is_only_ever_downloaded(
    claim, fact_checker, client
):
    pdf = hostile.script_pdf()
    evidence = source_upload(
        actor=fact_checker, claim=claim, upload=io.BytesIO(pdf), filename="statement.pdf"
    )
    capture = evidence.source.captures.get()
    capture_perform(capture_id=capture.pk)
    capture.refresh_from_db()
    assert capture.text_status == TextStatus.OK and "OpenAction" in capture.text
    assert capture.page_image

    client.force_login(fact_checker)
    reader = client.get(f"/captures/{capture.pk}/").content.decode()
    assert f'src="/captures/{capture.pk}/page-1.png"' in reader
    assert "A PDF with a script in its OpenAction." in reader
    image = client.get(f"/captures/{capture.pk}/page-1.png")
    png = b"".join(image.streaming_content)
    assert image["Content-Type"] == "image/png" and png.startswith(b"\x89PNG\r\n\x1a\n")
    original = client.get(f"/captures/{capture.pk}/original")
    assert original["Content-Disposition"] == (
        f'attachment; filename="capture-{capture.pk}-original.pdf"'
    )
