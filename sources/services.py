"""Writes for sources: linking URLs and uploads to claims, queueing and running captures."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import mimetypes
import tempfile
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone

from factcheck.audit import audit_record
from factcheck.errors import DomainError
from factcheck.roles import is_fact_checker
from sources import fetcher
from sources.models import Capture, CaptureState, Evidence, Relation, Source, SourceKind
from sources.normalise import InvalidURL, normalise_url
from sources.politeness import host_slot
from sources.signals import capture_finished
from sources.text import extract_text
from sources.warc import write_capture_warc, write_upload_warc

logger = logging.getLogger(__name__)

WORKER = "capture-worker"
SOFTWARE = "factcheck-desk capture 0.1"
UPLOAD_TYPES = {
    "application/pdf": SourceKind.PDF,
    "text/html": SourceKind.UPLOAD,
    "text/plain": SourceKind.UPLOAD,
    "image/png": SourceKind.UPLOAD,
    "image/jpeg": SourceKind.UPLOAD,
    "image/gif": SourceKind.UPLOAD,
    "image/webp": SourceKind.UPLOAD,
}


def fetch_policy() -> fetcher.FetchPolicy:
    """The fetcher's limits, from settings (the only place they are read)."""
    return fetcher.FetchPolicy(
        allow_private=settings.FETCH_ALLOW_PRIVATE,
        connect_timeout=settings.FETCH_CONNECT_TIMEOUT,
        total_timeout=settings.FETCH_TOTAL_TIMEOUT,
        max_bytes=settings.FETCH_MAX_BYTES,
        max_decompressed_bytes=settings.FETCH_MAX_BYTES,
        max_redirects=settings.FETCH_MAX_REDIRECTS,
        user_agent=settings.FETCH_USER_AGENT,
    )


def _require_researcher(actor: Any) -> None:
    if actor is not None and not is_fact_checker(actor):
        raise DomainError("only fact-checkers and editors may add sources", code="forbidden")


def _guess_kind(url: str) -> str:
    return SourceKind.PDF if urlsplit(url).path.lower().endswith(".pdf") else SourceKind.WEB_PAGE


def _enqueue(capture: Capture) -> None:
    from sources.tasks import capture_source

    transaction.on_commit(lambda: capture_source.delay(capture.pk))


# Linking -------------------------------------------------------------------------------------


@transaction.atomic
def source_link(
    *,
    actor: Any,
    claim: Any,
    url: str,
    relation: str = Relation.CITED,
    note: str = "",
    system_actor: str = "",
) -> Evidence:
    """Link a URL to a claim: normalise it, reuse its Source, record the Evidence, queue a capture.

    A source already archived (or being archived) is not fetched again; use capture_request to
    capture it anew.
    """
    _require_researcher(actor)
    if relation not in Relation.values:
        raise DomainError(f"unknown relation {relation!r}", fields={"relation": ["invalid"]})
    try:
        normalised = normalise_url(url)
    except InvalidURL as exc:
        raise DomainError(
            f"This URL cannot be archived: {exc}", fields={"url": [str(exc)]}
        ) from None
    source, created = source_for_url(normalised, actor=actor)
    evidence = Evidence.objects.filter(
        claim=claim, source=source, relation=relation, passage_start__isnull=True
    ).first()
    if evidence is None:
        evidence = Evidence.objects.create(
            claim=claim, source=source, relation=relation, note=note.strip(), added_by=actor
        )
        audit_record(
            action="evidence.added",
            obj=evidence,
            actor=actor,
            system_actor=system_actor,
            claim=claim,
            after={"url": normalised, "relation": relation, "source_created": created},
        )
    has_capture = source.captures.exclude(
        state__in=[CaptureState.FAILED, CaptureState.BLOCKED]
    ).exists()
    if not has_capture:
        capture_request(actor=actor, source=source, system_actor=system_actor)
    return evidence


def source_for_url(normalised: str, *, actor: Any = None) -> tuple[Source, bool]:
    """The one Source of a normalised URL, made on first use."""
    return Source.objects.get_or_create(
        url=normalised,
        defaults={
            "domain": urlsplit(normalised).hostname or "",
            "kind": _guess_kind(normalised),
            "created_by": actor,
        },
    )


@transaction.atomic
def capture_request(*, actor: Any = None, source: Source, system_actor: str = "") -> Capture:
    """Queue a new capture of a web source; earlier captures are kept for comparison."""
    if not source.url:
        raise DomainError("an uploaded file has no URL to capture again")
    capture = Capture.objects.create(
        source=source, requested_url=source.url, requested_by=actor if actor else None
    )
    audit_record(
        action="capture.queued",
        obj=capture,
        actor=actor,
        system_actor="" if actor else (system_actor or WORKER),
        after={"url": source.url},
    )
    _enqueue(capture)
    return capture


# Uploads -------------------------------------------------------------------------------------


def _sniff_type(name: str, declared: str | None, head: bytes) -> str:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    guessed = mimetypes.guess_type(name)[0]
    for candidate in (declared, guessed):
        base = (candidate or "").split(";")[0].strip().lower()
        if base in UPLOAD_TYPES:
            return base
    raise DomainError(
        "unsupported file type: upload a PDF, HTML, plain text or image file",
        fields={"file": ["unsupported type"]},
    )


@transaction.atomic
def source_upload(
    *,
    actor: Any,
    claim: Any,
    upload: IO[bytes],
    filename: str,
    content_type: str | None = None,
    relation: str = Relation.CITED,
    title: str = "",
) -> Evidence:
    """Archive an uploaded file as a source: same hash, text extraction and storage as a capture."""
    _require_researcher(actor)
    if relation not in Relation.values:
        raise DomainError(f"unknown relation {relation!r}", fields={"relation": ["invalid"]})
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        sha256, _ = _spool_upload(upload, spool)
        mime = _sniff_type(filename, content_type, spool.read(16))
        spool.seek(0)
        source, created = Source.objects.get_or_create(
            upload_sha256=sha256,
            defaults={
                "kind": UPLOAD_TYPES[mime],
                "title": (title or filename)[:500],
                "created_by": actor,
            },
        )
        if created:
            _archive_upload(actor, source, spool.read(), mime, filename, title)
    evidence, made = Evidence.objects.get_or_create(
        claim=claim,
        source=source,
        relation=relation,
        passage_start=None,
        defaults={"added_by": actor},
    )
    if made:
        audit_record(
            action="evidence.added",
            obj=evidence,
            actor=actor,
            claim=claim,
            after={"upload": filename, "sha256": sha256, "relation": relation},
        )
    return evidence


def _spool_upload(upload: IO[bytes], spool: IO[bytes]) -> tuple[str, int]:
    """Copy an upload to ``spool`` within the size cap; return its SHA-256 and size."""
    limit = settings.FETCH_MAX_BYTES
    digest = hashlib.sha256()
    size = 0
    while chunk := upload.read(1024 * 1024):
        size += len(chunk)
        if size > limit:
            raise DomainError(
                f"the file is larger than the {limit // (1024 * 1024)} MB limit",
                fields={"file": ["too large"]},
            )
        digest.update(chunk)
        spool.write(chunk)
    if size == 0:
        raise DomainError("the file is empty", fields={"file": ["empty"]})
    spool.seek(0)
    return digest.hexdigest(), size


def _archive_upload(
    actor: Any, source: Source, payload: bytes, mime: str, filename: str, title: str
) -> Capture:
    extracted = extract_text(payload, mime)
    capture = Capture.objects.create(
        source=source,
        state=CaptureState.FETCHING,
        requested_by=actor,
        started_at=timezone.now(),
        content_type=mime,
    )
    name = _warc_name(capture.pk)
    with tempfile.TemporaryFile() as warc_file:
        info = write_upload_warc(
            payload,
            warc_file,
            content_type=mime,
            software=SOFTWARE,
            original_filename=filename,
            uploaded_at=capture.started_at,
            filename=name.rsplit("/", 1)[-1],
        )
        warc_file.seek(0)
        stored = _store(name, warc_file)
    capture.state = CaptureState.ARCHIVED
    capture.finished_at = timezone.now()
    capture.size = len(payload)
    capture.sha256 = info.payload_sha256
    capture.warc = stored
    capture.title = (extracted.title or title or filename)[:500]
    capture.text = extracted.text
    capture.save()
    audit_record(
        action="capture.archived",
        obj=capture,
        actor=actor,
        after={"sha256": capture.sha256, "size": len(payload), "upload": filename},
    )
    return capture


# Running a capture ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CaptureOutcome:
    state: str
    retry_in: float | None = None  # seconds until the task should try again
    detail: str = ""


def _warc_name(capture_id: int) -> str:
    # One deterministic name per capture: a capture run twice overwrites, never duplicates.
    return f"warcs/{capture_id // 1000:04d}/capture-{capture_id}.warc.gz"


def _store(name: str, fileobj: IO[bytes]) -> str:
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, File(fileobj))


def _claim(capture_id: int) -> bool:
    """Take a queued capture for this worker; False if another worker has it or it is done."""
    return bool(
        Capture.objects.filter(pk=capture_id, state=CaptureState.QUEUED).update(
            state=CaptureState.FETCHING,
            attempts=F("attempts") + 1,
            started_at=Now(),
            next_attempt_at=None,
        )
    )


def _backoff(attempt: int, retry_after: float | None) -> float:
    delay = min(2.0**attempt, 300.0)
    if retry_after is not None:
        delay = max(delay, min(retry_after, 3600.0))
    return delay


def _finish(capture_id: int, state: str, *, reason: str = "", **fields: Any) -> bool:
    """Write a capture's end state once: only the worker still holding it (fetching) may."""
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
            capture = Capture.objects.select_related("source").get(pk=capture_id)
            audit_record(
                action=f"capture.{state}",
                obj=capture,
                system_actor=WORKER,
                after={
                    "state": state,
                    "reason": reason,
                    "http_status": capture.http_status,
                    "sha256": capture.sha256,
                    "attempts": capture.attempts,
                },
            )
    return bool(done)


def capture_perform(*, capture_id: int) -> CaptureOutcome:
    """Fetch, archive and extract one capture. Idempotent: a capture not queued is left alone."""
    if not _claim(capture_id):
        state = Capture.objects.filter(pk=capture_id).values_list("state", flat=True).first()
        return CaptureOutcome(state or "missing", detail="not queued: nothing to do")
    capture = Capture.objects.select_related("source").get(pk=capture_id)
    url = capture.requested_url or capture.source.url
    policy = fetch_policy()
    host = urlsplit(url).hostname or ""
    with host_slot(host, lease_seconds=policy.total_timeout + 30) as got_slot:
        if not got_slot:
            # The host is busy with other fetches: hand the capture back without using an attempt.
            Capture.objects.filter(pk=capture_id, state=CaptureState.FETCHING).update(
                state=CaptureState.QUEUED, attempts=F("attempts") - 1
            )
            return CaptureOutcome(CaptureState.QUEUED, retry_in=1.0, detail=f"{host} is busy")
        return _fetch_and_archive(capture, url, policy)


def _fetch_and_archive(capture: Capture, url: str, policy: fetcher.FetchPolicy) -> CaptureOutcome:
    try:
        result = fetcher.fetch(url, policy)
    except fetcher.Blocked as exc:
        _finish(capture.pk, CaptureState.BLOCKED, reason=exc.reason)
        return CaptureOutcome(CaptureState.BLOCKED, detail=exc.reason)
    except fetcher.PermanentFailure as exc:
        _finish(
            capture.pk,
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
        _finish(capture.pk, CaptureState.FAILED, reason=reason, http_status=status)
        return CaptureOutcome(CaptureState.FAILED, detail=reason)
    delay = _backoff(capture.attempts, getattr(exc, "retry_after", None))
    Capture.objects.filter(pk=capture.pk, state=CaptureState.FETCHING).update(
        state=CaptureState.QUEUED,
        next_attempt_at=timezone.now() + dt.timedelta(seconds=delay),
        failure_reason=f"attempt {capture.attempts}: {exc.reason}; retrying in {delay:.0f} s",
        http_status=status,
    )
    return CaptureOutcome(CaptureState.QUEUED, retry_in=delay, detail=exc.reason)


def _archive(capture: Capture, result: fetcher.FetchResult) -> CaptureOutcome:
    extracted = extract_text(result.decoded_body, result.content_type, result.final_url)
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
        "title": extracted.title[:500],
        "text": extracted.text,
        "fetch_ms": result.elapsed_ms,
    }
    if earlier is not None:
        # Same bytes as an earlier capture of this source: point at its WARC, store nothing twice.
        facts.update(same_payload_as=earlier, warc=earlier.warc.name)
    else:
        name = _warc_name(capture.pk)
        with tempfile.TemporaryFile() as warc_file:
            info = write_capture_warc(
                result, warc_file, software=SOFTWARE, filename=name.rsplit("/", 1)[-1]
            )
            warc_file.seek(0)
            facts["warc"] = _store(name, warc_file)
        facts["sha256"] = info.payload_sha256
    if not _finish(capture.pk, CaptureState.ARCHIVED, **facts):
        return CaptureOutcome(CaptureState.ARCHIVED, detail="already finished by another worker")
    if extracted.title:
        Source.objects.filter(pk=capture.source_id, title="").update(title=extracted.title[:500])
    return CaptureOutcome(CaptureState.ARCHIVED)


# The sweep -----------------------------------------------------------------------------------


def captures_requeue_stale(*, older_than_seconds: int | None = None) -> list[int]:
    """Find captures the broker lost or a dead worker left behind, and queue them again.

    Measured with the database's clock, so workers with skewed clocks agree.
    """
    age = dt.timedelta(
        seconds=older_than_seconds
        if older_than_seconds is not None
        else settings.CAPTURE_STALE_AFTER_SECONDS
    )
    cutoff = Now() - age
    with transaction.atomic():
        abandoned = list(
            Capture.objects.select_for_update(skip_locked=True)
            .filter(state=CaptureState.FETCHING, started_at__lt=cutoff)
            .values_list("pk", flat=True)
        )
        if abandoned:
            Capture.objects.filter(pk__in=abandoned, state=CaptureState.FETCHING).update(
                state=CaptureState.QUEUED
            )
        waiting = list(
            Capture.objects.filter(state=CaptureState.QUEUED)
            .filter(
                Q(next_attempt_at__isnull=True, queued_at__lt=cutoff)
                | Q(next_attempt_at__lt=Now() - age)
            )
            .exclude(pk__in=abandoned)
            .values_list("pk", flat=True)
        )
    from sources.tasks import capture_source

    ids = abandoned + waiting
    for capture_id in ids:
        capture_source.delay(capture_id)
    if ids:
        logger.info(
            "requeued %d stale captures (%d abandoned while fetching)", len(ids), len(abandoned)
        )
    return ids


def capture_timed_out(*, capture_id: int) -> CaptureOutcome:
    """The task ran past its soft time limit: count it as a transient failure."""
    capture = Capture.objects.get(pk=capture_id)
    if capture.state != CaptureState.FETCHING:
        return CaptureOutcome(capture.state)
    return _transient(capture, fetcher.TransientFailure("the capture ran past its time limit"))
