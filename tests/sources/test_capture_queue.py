"""The capture queue: a list of sources queued in one transaction, each with its audit event;
a list holding an uploaded file (no URL to fetch again) is refused whole."""

from __future__ import annotations

import io

import pytest

from factcheck.errors import DomainError
from factcheck.models import AuditEvent
from sources.models import Capture, CaptureState
from sources.services import capture_request_many, source_for_url, upload_store

pytestmark = pytest.mark.django_db


def test_capture_request_many_queues_each_source_with_its_audit_event(fact_checker):
    sources = [source_for_url(f"https://example.org/page/{n}")[0] for n in range(3)]
    captures = capture_request_many(actor=fact_checker, sources=sources)
    assert [c.source_id for c in captures] == [s.pk for s in sources]
    assert all(c.pk and c.state == CaptureState.QUEUED for c in captures)
    assert Capture.objects.filter(state=CaptureState.QUEUED).count() == 3
    # object_id is text: order by the number it holds ("10" sorts before "9" as text).
    events = sorted(
        AuditEvent.objects.filter(action="capture.queued"), key=lambda e: int(e.object_id)
    )
    assert [(e.object_id, e.actor_id, e.after["url"]) for e in events] == [
        (str(c.pk), fact_checker.pk, c.requested_url) for c in captures
    ]


def test_capture_request_many_refuses_an_upload_and_queues_nothing(fact_checker):
    upload, _ = upload_store(
        actor=fact_checker, upload=io.BytesIO(b"plain notes"), filename="notes.txt"
    )
    web = source_for_url("https://example.org/report")[0]
    queued_before = Capture.objects.count()
    with pytest.raises(DomainError, match=f"no URL to capture again \\(source {upload.pk}\\)"):
        capture_request_many(actor=fact_checker, sources=[web, upload])
    assert Capture.objects.count() == queued_before
    assert not Capture.objects.filter(source=web).exists()
