"""Running one capture: claimed by a worker, fetched through the guarded fetcher, written to a
WARC, its text read, and ended once (archived, partial, failed or blocked) with its audit event."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Now

from factcheck import jobs
from factcheck.audit import audit_record
from sources import fetcher, isolation
from sources.models import Capture, CaptureState, Source, TextStatus
from sources.politeness import host_slot
from sources.services.archive_files import SOFTWARE, _store, _warc_name
from sources.services.jobs import WORKER, _backoff, _claim
from sources.services.registry import fetch_policy
from sources.services.text_reading import _limit_reason, _read_text, _stored_payload, _text_facts
from sources.signals import capture_finished
from sources.wacz import package_capture
from sources.warc import (
    WarcReadError,
    write_capture_warc,
)


@dataclass(frozen=True)
class CaptureOutcome:
    state: str
    retry_in: float | None = None  # seconds until the task should try again
    detail: str = ""


def _finish(
    capture: Capture, state: str, *, reason: str = "", source_title: str = "", **fields: Any
) -> bool:
    """Write a capture's end state once: only the worker still holding it (fetching) may.

    ``capture`` is the row as this worker claimed it (with its source); the audit event is written
    from it and the new fields, without reading the row back. A source with no title yet takes
    ``source_title`` in the same transaction.
    """
    capture_id = capture.pk
    with transaction.atomic():
        done = Capture.objects.filter(pk=capture_id, state=CaptureState.FETCHING).update(
            state=state, failure_reason=reason, finished_at=Now(), **fields
        )
        if done:
            transaction.on_commit(
                lambda: capture_finished.send_robust(
                    sender=Capture, capture_id=capture_id, state=state
                )
            )
            capture.state = state
            for name, value in fields.items():
                setattr(capture, name, value)
            if source_title and not capture.source.title:
                Source.objects.filter(pk=capture.source_id, title="").update(title=source_title)
            audit_record(
                action=f"capture.{state}",
                obj=capture,
                system_actor=WORKER,
                after={
                    "state": state,
                    "reason": reason,
                    "http_status": fields.get("http_status", capture.http_status),
                    "sha256": fields.get("sha256", capture.sha256),
                    "attempts": capture.attempts,
                    "text_status": fields.get("text_status", capture.text_status),
                },
            )
    return bool(done)


def capture_begin(capture_id: int) -> tuple[Capture | None, CaptureOutcome | None]:
    """Claim a queued capture for this worker: (the capture, None) to run it, or (None, the
    outcome) when there is nothing to run. Shared by the HTTP and the browser capture."""
    if not _claim(capture_id):
        state = Capture.objects.filter(pk=capture_id).values_list("state", flat=True).first()
        return None, CaptureOutcome(state or "missing", detail="not queued: nothing to do")
    capture = Capture.objects.select_related("source").get(pk=capture_id)
    if capture.attempts > settings.CAPTURE_MAX_ATTEMPTS:
        # Every earlier attempt was claimed and never finished: the worker was killed (at the
        # hard time limit, or out of memory) or lost. Running it again would only repeat that.
        reason = (
            f"gave up after {capture.attempts - 1} attempts that ended without a result "
            "(the worker was stopped at its time limit or lost)"
        )
        _finish(capture, CaptureState.FAILED, reason=reason)
        return None, CaptureOutcome(CaptureState.FAILED, detail=reason)
    return capture, None


def capture_perform(*, capture_id: int) -> CaptureOutcome:
    """Fetch, archive and extract one capture. Idempotent: a capture not queued is left alone."""
    capture, outcome = capture_begin(capture_id)
    if capture is None:
        assert outcome is not None
        return outcome
    if capture.is_upload:
        return _read_upload(capture)
    url = capture.requested_url or capture.source.url
    policy = fetch_policy()
    host = urlsplit(url).hostname or ""
    with host_slot(host, lease_seconds=policy.total_timeout + 30) as got_slot:
        if not got_slot:
            # The host is busy with other fetches: hand the capture back without using an attempt.
            return _hand_back(capture, host)
        return _fetch_and_archive(capture, url, policy)


def _hand_back(capture: Capture, host: str) -> CaptureOutcome:
    reason = f"{host} is busy with {settings.FETCH_PER_HOST_CONCURRENCY} other fetches"
    with transaction.atomic():
        handed = Capture.objects.filter(pk=capture.pk, state=CaptureState.FETCHING).update(
            state=CaptureState.QUEUED, attempts=F("attempts") - 1
        )
        if handed:
            capture.state = CaptureState.QUEUED
            capture.attempts -= 1
            audit_record(
                action="capture.handed_back",
                obj=capture,
                system_actor=WORKER,
                after={"state": CaptureState.QUEUED, "reason": reason, "retry_in": 1.0},
            )
    return CaptureOutcome(CaptureState.QUEUED, retry_in=1.0, detail=reason)


def _fetch_and_archive(capture: Capture, url: str, policy: fetcher.FetchPolicy) -> CaptureOutcome:
    try:
        result = fetcher.fetch(url, policy)
    except fetcher.MalformedBody as exc:
        return _keep_received(capture, exc, exc.reason)
    except fetcher.Blocked as exc:
        _finish(capture, CaptureState.BLOCKED, reason=exc.reason)
        return CaptureOutcome(CaptureState.BLOCKED, detail=exc.reason)
    except fetcher.PermanentFailure as exc:
        _finish(
            capture,
            CaptureState.FAILED,
            reason=exc.reason,
            http_status=getattr(exc, "status", None),
        )
        return CaptureOutcome(CaptureState.FAILED, detail=exc.reason)
    except fetcher.TransientFailure as exc:
        return _transient(capture, exc)
    return _archive(capture, result)


def _transient(capture: Capture, exc: fetcher.TransientFailure) -> CaptureOutcome:
    status = getattr(exc, "status", None)
    if capture.attempts >= settings.CAPTURE_MAX_ATTEMPTS:
        reason = f"{exc.reason} (gave up after {capture.attempts} attempts)"
        if isinstance(exc, fetcher.TruncatedBody):
            return _keep_received(capture, exc, reason)
        _finish(capture, CaptureState.FAILED, reason=reason, http_status=status)
        return CaptureOutcome(CaptureState.FAILED, detail=reason)
    delay = _backoff(capture.attempts, getattr(exc, "retry_after", None))
    # A countdown longer than the broker's visibility timeout would be delivered twice (Redis
    # hands an unacknowledged message to another worker): such a retry waits in PostgreSQL and
    # the periodic sweep queues it when it is due. (Without a broker, in development, there is
    # no beat either: Celery runs the retry in-process.)
    in_database = (
        delay > settings.CAPTURE_MAX_BROKER_COUNTDOWN and not settings.CELERY_TASK_ALWAYS_EAGER
    )
    when = "the sweep queues it then" if in_database else "the broker holds the retry"
    reason = f"attempt {capture.attempts}: {exc.reason}; retrying in {delay:.0f} s ({when})"
    with transaction.atomic():
        scheduled = Capture.objects.filter(pk=capture.pk, state=CaptureState.FETCHING).update(
            state=CaptureState.QUEUED,
            next_attempt_at=jobs.after(delay),  # the database's clock
            waits_in_database=in_database,
            failure_reason=reason,
            http_status=status,
        )
        if scheduled:
            capture.state = CaptureState.QUEUED
            audit_record(
                action="capture.retry_scheduled",
                obj=capture,
                system_actor=WORKER,
                after={
                    "state": CaptureState.QUEUED,
                    "reason": exc.reason,
                    "http_status": status,
                    "attempts": capture.attempts,
                    "retry_in": delay,
                    "waits_in_database": in_database,
                },
            )
    if in_database:
        return CaptureOutcome(CaptureState.QUEUED, detail=reason)
    return CaptureOutcome(CaptureState.QUEUED, retry_in=delay, detail=exc.reason)


def _keep_received(
    capture: Capture, exc: fetcher.TruncatedBody | fetcher.MalformedBody, reason: str
) -> CaptureOutcome:
    """A body that broke its framing or its encoding: archive what arrived in the WARC (marked
    truncated when it was cut off) and end partial if some of it reads, failed if none does."""
    result = exc.partial
    status = getattr(exc, "status", None)
    if result is None or not result.body:
        _finish(
            capture, CaptureState.FAILED, reason=f"{reason}; no bytes arrived", http_status=status
        )
        return CaptureOutcome(CaptureState.FAILED, detail=reason)
    reason = f"{reason}; the {len(result.body)} bytes received are kept in the archive"
    state = CaptureState.PARTIAL if result.decoded_body.strip() else CaptureState.FAILED
    return _archive(capture, result, state=state, reason=reason, truncated=exc.warc_truncated)


def _archive(
    capture: Capture,
    result: fetcher.FetchResult,
    *,
    state: str = CaptureState.ARCHIVED,
    reason: str = "",
    truncated: str | None = None,
) -> CaptureOutcome:
    payload_sha256 = hashlib.sha256(result.body).hexdigest()
    earlier = (
        Capture.objects.filter(
            source_id=capture.source_id, state=CaptureState.ARCHIVED, sha256=payload_sha256
        )
        .exclude(pk=capture.pk)
        .order_by("queued_at")
        .first()
    )
    facts: dict[str, Any] = {
        "final_url": result.final_url[:2000],
        "redirect_chain": result.redirect_chain,
        "http_status": result.status,
        "headers": [list(pair) for pair in result.headers],
        "content_type": (result.content_type or "")[:200],
        "size": len(result.body),
        "sha256": payload_sha256,
        "fetch_ms": result.elapsed_ms,
    }
    if earlier is not None:
        # Same bytes as an earlier capture of this source: point at its WARC, store nothing twice.
        facts.update(same_payload_as=earlier, warc=earlier.warc.name)
    else:
        name = _warc_name(capture.pk)
        with tempfile.TemporaryFile() as warc_file:
            info = write_capture_warc(
                result,
                warc_file,
                software=SOFTWARE,
                filename=name.rsplit("/", 1)[-1],
                truncated=truncated,
            )
            warc_file.seek(0)
            facts["warc"] = _store(name, warc_file)
        facts["sha256"] = info.payload_sha256
    reading = _read_for_capture(
        capture,
        result.decoded_body,
        result.content_type,
        result.final_url,
        "the archive is kept",
        facts,
    )
    if isinstance(reading, CaptureOutcome):
        return reading
    title = reading.extracted.title[:500]
    facts.update(title=title, **_text_facts(capture.pk, reading))
    if not _finish(capture, state, reason=reason, source_title=title, **facts):
        return CaptureOutcome(state, detail="already finished by another worker")
    if state in (CaptureState.ARCHIVED, CaptureState.PARTIAL):
        package_capture(capture)  # WACZ, signature, timestamp; a failure is recorded, not raised
    return CaptureOutcome(state, detail=reason)


def _read_for_capture(
    capture: Capture,
    payload: bytes,
    content_type: str | None,
    url: str | None,
    kept: str,
    facts: dict[str, Any] | None = None,
) -> isolation.Reading | CaptureOutcome:
    """Read a claimed capture's text; past a limit, end it failed with the reason, its bytes
    kept (``kept`` says so) and ``facts`` written, and return that outcome instead."""
    try:
        return _read_text(payload, content_type, url)
    except isolation.ExtractionLimitExceeded as exc:
        reason = _limit_reason(exc)
        _finish(
            capture,
            CaptureState.FAILED,
            reason=f"{reason} ({kept})",
            text_status=TextStatus.LIMIT,
            text_reason=exc.reason[:500],
            **(facts or {}),
        )
        return CaptureOutcome(CaptureState.FAILED, detail=reason)


def _read_upload(capture: Capture) -> CaptureOutcome:
    """A worker reads an upload's stored bytes (its capture, claimed by capture_perform)."""
    try:
        payload, _ = _stored_payload(capture)
    except (OSError, WarcReadError) as exc:
        reason = f"the stored upload could not be read: {exc}"
        _finish(capture, CaptureState.FAILED, reason=reason)
        return CaptureOutcome(CaptureState.FAILED, detail=reason)
    reading = _read_for_capture(capture, payload, capture.content_type, None, "the upload is kept")
    if isinstance(reading, CaptureOutcome):
        return reading
    title = (reading.extracted.title or capture.title)[:500]
    _finish(capture, CaptureState.ARCHIVED, title=title, **_text_facts(capture.pk, reading))
    return CaptureOutcome(CaptureState.ARCHIVED)


def capture_timed_out(*, capture_id: int) -> CaptureOutcome:
    """The task ran past its soft time limit: count it as a transient failure."""
    capture = Capture.objects.get(pk=capture_id)
    if capture.state != CaptureState.FETCHING:
        return CaptureOutcome(capture.state)
    return _transient(capture, fetcher.TransientFailure("the capture ran past its time limit"))
