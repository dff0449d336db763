"""Reading a capture's text in the limited child process, and reading it again on request."""

from __future__ import annotations

import logging
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction

from factcheck.audit import audit_record
from factcheck.errors import DomainError
from factcheck.roles import require_fact_checker
from sources import isolation
from sources.browser.records import read_rendered_dom
from sources.models import Capture, CaptureKind, CaptureState, TextStatus
from sources.services.archive_files import _bytes_file, _page_image_name, _store
from sources.signals import capture_finished
from sources.tasks import read_capture_text
from sources.text import ExtractedText
from sources.warc import (
    WarcReadError,
    read_response_payload,
)

logger = logging.getLogger(__name__)


READER = "text-reader"


def text_limits() -> isolation.Limits:
    """The limited child's limits, from settings (the only place they are read)."""
    return isolation.Limits(
        cpu_seconds=settings.TEXT_EXTRACTION_CPU_SECONDS,
        memory_mb=settings.TEXT_EXTRACTION_MEMORY_MB,
        wall_seconds=settings.TEXT_EXTRACTION_WALL_SECONDS,
    )


def _text_facts(capture_id: int, reading: isolation.Reading) -> dict[str, Any]:
    """The capture fields a reading fills in (the page image stored on the way)."""
    facts: dict[str, Any] = {
        "text": reading.extracted.text,
        "text_status": reading.status,
        "text_reason": reading.reason[:500],
    }
    if reading.page_image:
        facts["page_image"] = _store(_page_image_name(capture_id), _bytes_file(reading.page_image))
    return facts


def _read_text(payload: bytes, content_type: str | None, url: str | None) -> isolation.Reading:
    """The text of a payload, read in the limited child; ExtractionLimitExceeded past a limit.

    A child that cannot even be started is recorded as a failed reading with its reason (the
    archive stands); Celery's time limit is never caught here.
    """
    try:
        return isolation.read_payload(payload, content_type, url, limits=text_limits())
    except (isolation.ExtractionLimitExceeded, SoftTimeLimitExceeded):
        raise
    except Exception as exc:  # noqa: BLE001 - recorded on the capture, by name
        logger.exception("the text extraction child could not run")
        return isolation.Reading(
            ExtractedText("", "", None, "other"),
            TextStatus.FAILED,
            f"the text extraction process could not run: {type(exc).__name__}: {exc}"[:500],
        )


def _limit_reason(exc: isolation.ExtractionLimitExceeded) -> str:
    return f"text extraction exceeded its limit: {exc.reason}"


def _stored_payload(capture: Capture) -> tuple[bytes, str]:
    """The archived payload and its content type, read back from the capture's WARC (for a
    browser capture, the page as it was rendered)."""
    with default_storage.open(capture.warc.name, "rb") as warc_file:
        if capture.kind == CaptureKind.BROWSER:
            dom = read_rendered_dom(warc_file, max_bytes=settings.FETCH_MAX_BYTES)
            return dom, "text/html; charset=utf-8"
        headers, payload = read_response_payload(warc_file, max_bytes=settings.FETCH_MAX_BYTES)
    content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
    return payload, content_type or capture.content_type


@transaction.atomic
def capture_text_rerun(*, actor: Any, capture: Capture) -> Capture:
    """A person asks for a capture's text to be read again from its archive (queued for a worker).

    For an archived capture, or one that failed at text extraction's limit (its archive kept).
    """
    require_fact_checker(actor, "re-run text extraction")
    locked = Capture.objects.select_for_update().filter(pk=capture.pk).first()
    if locked is None:
        raise DomainError("this capture no longer exists", code="not_found")
    rereadable = locked.state == CaptureState.ARCHIVED or (
        locked.state == CaptureState.FAILED and locked.text_status == TextStatus.LIMIT
    )
    if not rereadable or not locked.warc:
        raise DomainError("this capture has no archived bytes to read again", code="conflict")
    if locked.text_status == TextStatus.PENDING:
        raise DomainError("this capture's text is already being read again", code="conflict")
    before = {"text_status": locked.text_status, "text_reason": locked.text_reason}
    locked.text_status = TextStatus.PENDING
    locked.text_reason = ""
    locked.save(update_fields=["text_status", "text_reason"])
    audit_record(
        action="capture.text_rerun_requested",
        obj=locked,
        actor=actor,
        before=before,
        after={"text_status": TextStatus.PENDING},
    )
    capture_id = locked.pk
    transaction.on_commit(lambda: _send_text_read(capture_id))
    capture.text_status, capture.text_reason = locked.text_status, locked.text_reason
    return capture


def _send_text_read(capture_id: int) -> None:
    read_capture_text.delay(capture_id)


def capture_text_read(*, capture_id: int) -> str:
    """Read a capture's text again from its WARC, in the limited child; returns the text status.

    An archived capture stays archived (its new text is matched again); one that had failed at
    the limit becomes archived once its text is read.
    """
    capture = Capture.objects.select_related("source").filter(pk=capture_id).first()
    if capture is None or capture.text_status != TextStatus.PENDING or not capture.warc:
        return capture.text_status if capture else "missing"
    try:
        payload, content_type = _stored_payload(capture)
        reading = _read_text(payload, content_type, capture.final_url or None)
        facts = _text_facts(capture.pk, reading)
        if reading.extracted.title:
            facts["title"] = reading.extracted.title[:500]
    except isolation.ExtractionLimitExceeded as exc:
        facts = {"text_status": TextStatus.LIMIT, "text_reason": exc.reason[:500]}
    except (OSError, WarcReadError) as exc:
        facts = {
            "text_status": TextStatus.FAILED,
            "text_reason": f"the archive could not be read: {exc}"[:500],
        }
    state = capture.state
    if state == CaptureState.FAILED and facts["text_status"] != TextStatus.LIMIT:
        state = CaptureState.ARCHIVED
        facts.update(state=state, failure_reason="")
    with transaction.atomic():
        done = Capture.objects.filter(pk=capture.pk, text_status=TextStatus.PENDING).update(**facts)
        if not done:
            return Capture.objects.get(pk=capture.pk).text_status
        audit_record(
            action="capture.text_read",
            obj=capture,
            system_actor=READER,
            after={
                "state": state,
                "text_status": facts["text_status"],
                "text_reason": facts.get("text_reason", ""),
                "text_chars": len(facts.get("text", "")),
            },
        )
        if state == CaptureState.ARCHIVED:
            transaction.on_commit(
                lambda: capture_finished.send_robust(
                    sender=Capture, capture_id=capture_id, state=state
                )
            )
    return facts["text_status"]
