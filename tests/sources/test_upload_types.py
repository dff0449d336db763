"""Uploads are typed by their bytes: executables, archives and files whose name lies are refused
with a message naming what the file is, and nothing is saved."""

from __future__ import annotations

import io

import pytest

from claims.evidence.services import source_upload
from claims.models import Claim
from factcheck.errors import DomainError
from sources.models import Capture, Source
from tests.support import hostile

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim():
    return Claim.objects.create(text="The ministry spent 2.1 billion on roads in 2022.")


def _upload(claim, actor, payload: bytes, name: str, content_type: str | None = None):
    return source_upload(
        actor=actor,
        claim=claim,
        upload=io.BytesIO(payload),
        filename=name,
        content_type=content_type,
    )


@pytest.mark.parametrize(
    ("payload", "name", "label", "message"),
    [
        (hostile.pe_executable(), "report.pdf", "application/pdf",
         "report.pdf is a Windows program (PE executable), not a document"),
        (hostile.pe_executable(), "chart.png", "image/png",
         "chart.png is a Windows program (PE executable), not a document"),
        (hostile.elf_executable(), "notes.txt", "text/plain",
         "notes.txt is a Linux program (ELF executable), not a document"),
        (hostile.zip_archive(), "budget.pdf", "application/pdf",
         "budget.pdf is a ZIP archive: upload a PDF, an HTML page, a plain-text file or an image"),
        (hostile.png_image(), "annual-report.pdf", "application/pdf",
         "annual-report.pdf is named .pdf but it is a PNG image"),
        (hostile.text_pdf(["A real PDF."]), "photo.jpg", "image/jpeg",
         "photo.jpg is named .jpg but it is a PDF"),
    ],
)  # fmt: skip
def test_a_file_is_refused_for_what_its_bytes_are(
    claim, fact_checker, payload, name, label, message
):
    with pytest.raises(DomainError) as refused:
        _upload(claim, fact_checker, payload, name, label)
    assert refused.value.message.startswith(message)
    assert (Source.objects.count(), Capture.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("payload", "name", "label", "kind", "content_type"),
    [
        (hostile.text_pdf(["Roads cost 2.1 billion."]), "roads.pdf", "application/octet-stream",
         "pdf", "application/pdf"),
        (hostile.text_pdf(["No extension at all."]), "download", None, "pdf", "application/pdf"),
        (hostile.png_image(), "chart.png", "application/pdf", "upload", "image/png"),
        (b"Plain notes: roads 2.1 billion.", "notes.txt", "text/plain", "upload",
         "text/plain"),
        (b"<!doctype html><title>Saved page</title><p>Roads.</p>", "page.html", "text/html",
         "upload", "text/html"),
        (b"<!doctype html><title>Saved page</title><p>Roads.</p>", "page.txt", "text/plain",
         "upload", "text/html"),
    ],
)  # fmt: skip
def test_a_file_is_typed_by_its_content_not_its_label(
    claim, fact_checker, payload, name, label, kind, content_type
):
    evidence = _upload(claim, fact_checker, payload, name, label)
    capture = evidence.source.captures.get()
    assert (evidence.source.kind, capture.content_type) == (kind, content_type)
