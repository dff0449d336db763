"""Linking URLs and uploading files to claims: normalised, reused, refused with a reason."""

from __future__ import annotations

import io

import pytest
from django.db import transaction

from claims.evidence.models import Evidence
from claims.evidence.services import source_link, source_upload
from claims.models import Claim
from factcheck.errors import DomainError
from factcheck.models import AuditEvent
from sources.models import Capture, CaptureState, Source
from sources.services import capture_perform
from tests.sources.httpserver import HTTPTestServer, Reply, make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim():
    return Claim.objects.create(text="China imported half of Russia's natural gas.")


def test_link_normalises_and_reuses_the_source(claim, fact_checker, editor):
    other = Claim.objects.create(text="Another claim citing the same report.")
    first = source_link(
        actor=fact_checker,
        claim=claim,
        url="HTTPS://Example.ORG:443/report?utm_source=tw&id=7#section-2",
    )
    second = source_link(actor=editor, claim=other, url="https://example.org/report?id=7")
    assert first.source.url == "https://example.org/report?id=7"
    assert second.source_id == first.source_id
    assert Source.objects.count() == 1
    # One capture for the source, queued once; the second link reuses it.
    assert Capture.objects.filter(source=first.source, state=CaptureState.QUEUED).count() == 1
    assert AuditEvent.objects.filter(action="evidence.added", claim=claim).count() == 1


def test_linking_the_same_url_twice_is_one_evidence(claim, fact_checker):
    source_link(actor=fact_checker, claim=claim, url="https://example.org/a")
    source_link(actor=fact_checker, claim=claim, url="https://example.org/a#again")
    assert Evidence.objects.filter(claim=claim).count() == 1


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.org/file", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("https://", "host"),
        ("not a url", ""),
        ("https://example.org/" + "a" * 2001, "2000"),
        ("http://user:pw@example.org/", ""),
        ("http://example.org:99999/", "port"),
    ],
)
def test_bad_urls_are_refused_with_a_reason_and_nothing_is_saved(claim, fact_checker, url, reason):
    with pytest.raises(DomainError) as refused:
        source_link(actor=fact_checker, claim=claim, url=url)
    assert "cannot be archived" in refused.value.message
    assert reason in refused.value.message
    assert (Source.objects.count(), Evidence.objects.count(), Capture.objects.count()) == (0, 0, 0)


def test_someone_without_a_role_cannot_link(claim, django_user_model):
    outsider = django_user_model.objects.create_user("reader", password="x")
    with pytest.raises(DomainError) as refused:
        source_link(actor=outsider, claim=claim, url="https://example.org/")
    assert refused.value.code == "forbidden"


def test_upload_is_hashed_and_stored_then_read_by_a_worker(claim, fact_checker):
    pdf = make_pdf(["Russia started its first shipment of 67,300 barrels"], title="Shipments")
    evidence = source_upload(
        actor=fact_checker,
        claim=claim,
        upload=io.BytesIO(pdf),
        filename="shipments.pdf",
        content_type="application/pdf",
    )
    capture = evidence.source.captures.get()
    import hashlib

    # The request stores and hashes the file; its text is not read there.
    assert capture.state == CaptureState.QUEUED and capture.text_status == "pending"
    assert capture.text == ""
    assert evidence.source.kind == "pdf"
    assert evidence.source.upload_sha256 == hashlib.sha256(pdf).hexdigest() == capture.sha256
    assert capture.warc.name.endswith(".warc.gz")

    assert capture_perform(capture_id=capture.pk).state == CaptureState.ARCHIVED  # the worker
    capture.refresh_from_db()
    assert capture.state == CaptureState.ARCHIVED and capture.attempts == 1
    assert "67,300 barrels" in capture.text and capture.text_status == "ok"
    assert capture.sha256 == hashlib.sha256(pdf).hexdigest()
    again = source_upload(
        actor=fact_checker, claim=claim, upload=io.BytesIO(pdf), filename="copy.pdf"
    )
    assert again.pk == evidence.pk and Source.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "name", "message"),
    [
        (b"", "empty.txt", "empty"),
        (b"\x00\x01\x02binary", "tool.exe", "binary data of no known document type"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_saved(claim, fact_checker, payload, name, message):
    with pytest.raises(DomainError, match=message):
        source_upload(actor=fact_checker, claim=claim, upload=io.BytesIO(payload), filename=name)
    assert Source.objects.count() == 0


def test_upload_over_the_cap_is_refused(claim, fact_checker, settings):
    settings.FETCH_MAX_BYTES = 1024
    with pytest.raises(DomainError, match="larger than"):
        source_upload(
            actor=fact_checker, claim=claim, upload=io.BytesIO(b"a" * 2048), filename="big.txt"
        )


def test_production_settings_block_a_loopback_source_before_connecting(
    claim, fact_checker, settings
):
    settings.FETCH_ALLOW_PRIVATE = False  # what production enforces
    with HTTPTestServer() as listener:
        listener.route("/", Reply(body=b"secret"))
        for url in (listener.url("/"), listener.url("/").replace("127.0.0.1", "2130706433")):
            with transaction.atomic():
                evidence = source_link(actor=fact_checker, claim=claim, url=url)
            capture = evidence.source.captures.latest("queued_at")
            outcome = capture_perform(capture_id=capture.pk)
            capture.refresh_from_db()
            assert outcome.state == capture.state == CaptureState.BLOCKED
            assert "loopback" in capture.failure_reason
        assert listener.connections == 0
