"""Writes for sources: linking URLs and uploads to claims, queueing and running captures, and
evidence matching (suggested passages, confirming them, re-check alerts)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone

from factcheck.audit import audit_record, audit_record_many
from factcheck.errors import DomainError
from factcheck.roles import is_editor, is_fact_checker
from sources import fetcher, isolation, priorities
from sources.browser.records import read_rendered_dom
from sources.matching import (
    ClaimFacts,
    TextFacts,
    analyse_text,
    claim_figure,
    content_words,
    match_claim,
)
from sources.models import (
    RELATION_FOR_VERDICT,
    Capture,
    CaptureKind,
    CaptureState,
    Evidence,
    EvidenceSuggestion,
    RecheckAlert,
    RecheckReason,
    Relation,
    Source,
    SourceKind,
    SuggestionStatus,
    SuggestionVerdict,
    TextStatus,
)
from sources.normalise import InvalidURL, normalise_url
from sources.politeness import host_slot
from sources.signals import capture_finished
from sources.text import ExtractedText
from sources.uploads import ACCEPTED, SNIFF_BYTES, upload_type
from sources.warc import (
    WarcReadError,
    read_response_payload,
    write_capture_warc,
    write_upload_warc,
)

logger = logging.getLogger(__name__)

WORKER = "capture-worker"
SWEEP = "capture-sweep"  # the periodic task that queues again what the broker lost or holds not
SOURCES = "source-registry"  # a Source made with no person behind it and no caller's name
READER = "text-reader"
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
    source, created = source_for_url(normalised, actor=actor, system_actor=system_actor)
    # A retracted link stays for the record; linking the source again makes a new one.
    evidence = Evidence.objects.filter(
        claim=claim,
        source=source,
        relation=relation,
        passage_start__isnull=True,
        retracted_at__isnull=True,
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
        state__in=[CaptureState.FAILED, CaptureState.BLOCKED, CaptureState.PARTIAL]
    ).exists()
    if not has_capture:
        capture_request(actor=actor, source=source, system_actor=system_actor)
    return evidence


def source_url_check(normalised: str) -> None:
    """Refuse (DomainError) a URL the fetcher would block: its host resolves to a refused address.

    The fetcher's own check (fetcher.check_target) decides, so there is one set of address rules.
    A DNS failure or timeout is not a refusal: the capture retries it and says what happened.
    """
    policy = fetch_policy()
    try:
        fetcher.check_target(normalised, policy, timeout=min(policy.connect_timeout, 5.0))
    except fetcher.Blocked as exc:
        raise DomainError(
            f"This URL cannot be archived: {exc.reason}.", fields={"url": [exc.reason]}
        ) from None
    except fetcher.FetchError:
        return


@transaction.atomic
def source_for_url(
    normalised: str, *, actor: Any = None, system_actor: str = ""
) -> tuple[Source, bool]:
    """The one Source of a normalised URL, made (and audited) on first use.

    Every door that adds a URL comes through here, so with SOURCE_LINK_RESOLVE (production) a
    URL the fetcher would block is refused now, with its reason, not queued and blocked later.
    """
    if settings.SOURCE_LINK_RESOLVE:
        source_url_check(normalised)
    source, created = Source.objects.get_or_create(
        url=normalised,
        defaults={
            "domain": urlsplit(normalised).hostname or "",
            "kind": _guess_kind(normalised),
            "created_by": actor,
        },
    )
    if created:
        _source_created(source, actor=actor, system_actor=system_actor)
    return source, created


def _source_created(source: Source, *, actor: Any, system_actor: str, **details: Any) -> None:
    audit_record(
        action="source.created",
        obj=source,
        actor=actor,
        system_actor="" if actor else (system_actor or SOURCES),
        after={"url": source.url, "kind": source.kind, "domain": source.domain, **details},
    )


def capture_request(*, actor: Any = None, source: Source, system_actor: str = "") -> Capture:
    """Queue a new capture of a web source; earlier captures are kept for comparison."""
    return capture_request_many(actor=actor, sources=[source], system_actor=system_actor)[0]


@transaction.atomic
def capture_request_many(
    *, actor: Any = None, sources: Sequence[Source], system_actor: str = "", batch: bool = False
) -> list[Capture]:
    """Queue a new capture of each web source, all or none: one transaction, and the tasks go
    to the broker on commit over one connection (an operator re-capturing a list of URLs).

    Uploaded files have no URL to fetch again: a list holding one is refused whole. A ``batch``
    (a list from a file) waits behind every capture a person asked for (sources/priorities.py).
    """
    uploads = [source for source in sources if not source.url]
    if uploads:
        which = ", ".join(str(source.pk) for source in uploads[:10])
        raise DomainError(f"an uploaded file has no URL to capture again (source {which})")
    captures = Capture.objects.bulk_create(
        Capture(source=source, requested_url=source.url, requested_by=actor if actor else None)
        for source in sources
    )
    audit_record_many(
        action="capture.queued",
        objs=captures,
        actor=actor,
        system_actor="" if actor else (system_actor or WORKER),
        after=lambda capture: {"url": capture.requested_url},
    )
    ids = [capture.pk for capture in captures]
    priority = priorities.BATCH if batch else priorities.PERSON
    transaction.on_commit(lambda: _send_capture_tasks(ids, priority))
    return captures


def _send_capture_tasks(capture_ids: list[int], priority: int = priorities.PERSON) -> None:
    from sources.tasks import capture_source

    if len(capture_ids) == 1 or capture_source.app.conf.task_always_eager:
        for capture_id in capture_ids:  # no broker in development: each runs here and now
            capture_source.apply_async((capture_id,), priority=priority)
        return
    with capture_source.app.producer_or_acquire() as producer:
        for capture_id in capture_ids:
            capture_source.apply_async((capture_id,), producer=producer, priority=priority)


def send_browser_capture_tasks(capture_ids: list[int], priority: int = priorities.PERSON) -> None:
    """Send browser captures to their own queue (capture-browser, by CELERY_TASK_ROUTES)."""
    from sources.tasks import capture_browser

    for capture_id in capture_ids:
        capture_browser.apply_async((capture_id,), priority=priority)


# Uploads -------------------------------------------------------------------------------------


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
    """Archive an uploaded file as a source: typed by its content, hashed and stored as a WARC
    here; its text is read by a worker (in a limited child process) once this commits.

    ``content_type`` (the browser's label) is not trusted: the bytes say what the file is.
    """
    _require_researcher(actor)
    if relation not in Relation.values:
        raise DomainError(f"unknown relation {relation!r}", fields={"relation": ["invalid"]})
    source, _ = upload_store(actor=actor, upload=upload, filename=filename, title=title)
    sha256 = source.upload_sha256
    evidence, made = Evidence.objects.get_or_create(
        claim=claim,
        source=source,
        relation=relation,
        passage_start=None,
        retracted_at=None,
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


@transaction.atomic
def upload_store(
    *,
    actor: Any,
    upload: IO[bytes],
    filename: str,
    title: str = "",
    accept: Sequence[str] = (),
    max_bytes: int | None = None,
) -> tuple[Source, Capture]:
    """Type, hash and store an uploaded file as a Source, queueing its reading by a worker.

    The same bytes uploaded again are the same Source, with the capture made the first time.
    ``accept`` narrows the accepted types (MIME types); ``max_bytes`` the size cap.
    """
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        sha256, _ = _spool_upload(upload, spool, max_bytes or settings.FETCH_MAX_BYTES)
        mime = upload_type(filename, spool.read(SNIFF_BYTES))
        if accept and mime not in accept:
            raise DomainError(
                f"{filename} is {ACCEPTED[mime]}: upload an HTML, PDF or plain-text file",
                fields={"file": ["unsupported type"]},
            )
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
            _source_created(source, actor=actor, system_actor="", sha256=sha256, upload=filename)
            return source, _store_upload(actor, source, spool.read(), mime, filename, title)
    capture = source.captures.order_by("-queued_at", "-id").first()
    assert capture is not None  # an upload's Source is made with its capture
    return source, capture


def _spool_upload(upload: IO[bytes], spool: IO[bytes], limit: int) -> tuple[str, int]:
    """Copy an upload to ``spool`` within the size cap; return its SHA-256 and size."""
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


def _store_upload(
    actor: Any, source: Source, payload: bytes, mime: str, filename: str, title: str
) -> Capture:
    """Store the upload's bytes as a WARC and queue its reading (a capture with no URL)."""
    capture = Capture.objects.create(
        source=source,
        requested_by=actor,
        content_type=mime,
        size=len(payload),
        title=(title or filename)[:500],
    )
    name = _warc_name(capture.pk)
    with tempfile.TemporaryFile() as warc_file:
        info = write_upload_warc(
            payload,
            warc_file,
            content_type=mime,
            software=SOFTWARE,
            original_filename=filename,
            uploaded_at=capture.queued_at,
            filename=name.rsplit("/", 1)[-1],
        )
        warc_file.seek(0)
        stored = _store(name, warc_file)
    capture.sha256 = info.payload_sha256
    capture.warc = stored
    capture.save(update_fields=["sha256", "warc"])
    audit_record(
        action="capture.uploaded",
        obj=capture,
        actor=actor,
        after={"sha256": capture.sha256, "size": len(payload), "upload": filename, "type": mime},
    )
    capture_id = capture.pk
    transaction.on_commit(lambda: _send_capture_tasks([capture_id]))
    return capture


# Reading text --------------------------------------------------------------------------------


def text_limits() -> isolation.Limits:
    """The limited child's limits, from settings (the only place they are read)."""
    return isolation.Limits(
        cpu_seconds=settings.TEXT_EXTRACTION_CPU_SECONDS,
        memory_mb=settings.TEXT_EXTRACTION_MEMORY_MB,
        wall_seconds=settings.TEXT_EXTRACTION_WALL_SECONDS,
    )


def _page_image_name(capture_id: int) -> str:
    return f"renders/{capture_id // 1000:04d}/capture-{capture_id}-page-1.png"


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


def _bytes_file(data: bytes) -> IO[bytes]:
    import io

    return io.BytesIO(data)


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


@transaction.atomic
def capture_text_rerun(*, actor: Any, capture: Capture) -> Capture:
    """A person asks for a capture's text to be read again from its archive (queued for a worker).

    For an archived capture, or one that failed at text extraction's limit (its archive kept).
    """
    _require_desk_person(actor, "re-run text extraction")
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
    from sources.tasks import read_capture_text

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
        delay = max(delay, min(retry_after, float(settings.CAPTURE_MAX_RETRY_AFTER)))
    return delay


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


def capture_perform(*, capture_id: int) -> CaptureOutcome:
    """Fetch, archive and extract one capture. Idempotent: a capture not queued is left alone."""
    if not _claim(capture_id):
        state = Capture.objects.filter(pk=capture_id).values_list("state", flat=True).first()
        return CaptureOutcome(state or "missing", detail="not queued: nothing to do")
    capture = Capture.objects.select_related("source").get(pk=capture_id)
    if capture.attempts > settings.CAPTURE_MAX_ATTEMPTS:
        # Every earlier attempt was claimed and never finished: the worker was killed (at the
        # hard time limit, or out of memory) or lost. Running it again would only repeat that.
        reason = (
            f"gave up after {capture.attempts - 1} attempts that ended without a result "
            "(the worker was stopped at its time limit or lost)"
        )
        _finish(capture, CaptureState.FAILED, reason=reason)
        return CaptureOutcome(CaptureState.FAILED, detail=reason)
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
            next_attempt_at=Now() + dt.timedelta(seconds=delay),  # the database's clock
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
    return CaptureOutcome(state, detail=reason)


# The sweep -----------------------------------------------------------------------------------


def captures_requeue_stale(*, older_than_seconds: int | None = None) -> list[int]:
    """Queue again what the broker does not hold: captures it lost, ones a dead worker left
    behind, and retries that wait in PostgreSQL until they are due.

    Measured with the database's clock, so workers with skewed clocks agree. Each capture
    queued again gets one audit event (system actor "capture-sweep"), in the same transaction;
    its message goes to the broker on commit. A capture sent again is stamped (next_attempt_at)
    so the next sweeps leave it to the broker for another ``older_than_seconds``.
    """
    age = dt.timedelta(
        seconds=older_than_seconds
        if older_than_seconds is not None
        else settings.CAPTURE_STALE_AFTER_SECONDS
    )
    cutoff = Now() - age
    abandoned = Q(state=CaptureState.FETCHING, started_at__lt=cutoff)
    lost = Q(state=CaptureState.QUEUED, waits_in_database=False) & (
        Q(next_attempt_at__isnull=True, queued_at__lt=cutoff) | Q(next_attempt_at__lt=cutoff)
    )
    due = Q(state=CaptureState.QUEUED, waits_in_database=True, next_attempt_at__lte=Now())
    with transaction.atomic():
        stale = list(
            Capture.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("source")
            .filter(abandoned | lost | due)
            .defer("text", "headers", "redirect_chain")
            .order_by("pk")
        )
        if not stale:
            return []
        ids = [capture.pk for capture in stale]
        Capture.objects.filter(pk__in=ids).update(
            state=CaptureState.QUEUED, next_attempt_at=Now(), waits_in_database=False
        )
        audit_record_many(
            action="capture.requeued",
            objs=stale,
            system_actor=SWEEP,
            after=lambda capture: {
                "state": CaptureState.QUEUED,
                "was": capture.state,
                "reason": _requeue_reason(capture, age),
                "attempts": capture.attempts,
            },
        )
        browser = [capture.pk for capture in stale if capture.kind == CaptureKind.BROWSER]
        http = [pk for pk in ids if pk not in set(browser)]
        transaction.on_commit(lambda: _send_capture_tasks(http))
        transaction.on_commit(lambda: send_browser_capture_tasks(browser))
    abandoned_count = sum(1 for capture in stale if capture.state == CaptureState.FETCHING)
    logger.info(
        "requeued %d stale captures (%d abandoned while fetching)", len(ids), abandoned_count
    )
    return ids


def _requeue_reason(capture: Capture, age: dt.timedelta) -> str:
    seconds = int(age.total_seconds())
    if capture.state == CaptureState.FETCHING:
        return f"still fetching after {seconds} s: the worker was lost"
    if capture.waits_in_database:
        return "its retry, held in the database, is due"
    return f"still queued after {seconds} s: the broker lost its message"


def capture_timed_out(*, capture_id: int) -> CaptureOutcome:
    """The task ran past its soft time limit: count it as a transient failure."""
    capture = Capture.objects.get(pk=capture_id)
    if capture.state != CaptureState.FETCHING:
        return CaptureOutcome(capture.state)
    return _transient(capture, fetcher.TransientFailure("the capture ran past its time limit"))


# Evidence matching ---------------------------------------------------------------------------

MATCHER = "evidence-matcher"
RECHECK = "recheck"
_SUGGESTION_FIELDS = (
    "passage_text",
    "figure_start",
    "figure_end",
    "verdict",
    "score",
    "comparison",
    "found",
)
# A sentence of a new capture that keeps this share of an old passage's words is that passage,
# changed; below it, the passage has disappeared.
_CHANGED_OVERLAP = 0.6


@dataclass
class MatchSummary:
    """What one matching run did: claims and captures looked at, suggestions written."""

    claims: int = 0
    captures: int = 0
    created: int = 0
    updated: int = 0
    removed: int = 0

    def __iadd__(self, other: MatchSummary) -> MatchSummary:
        self.claims += other.claims
        self.captures += other.captures
        self.created += other.created
        self.updated += other.updated
        self.removed += other.removed
        return self


def _require_desk_person(actor: Any, what: str) -> None:
    if not getattr(actor, "is_authenticated", False) or not is_fact_checker(actor):
        raise DomainError(f"only fact-checkers and editors may {what}", code="forbidden")


def _latest_archived_captures(source_ids: list[int]) -> list[Capture]:
    """The newest archived capture of each source (earlier ones keep their own suggestions)."""
    rows = (
        Capture.objects.filter(source_id__in=source_ids, state=CaptureState.ARCHIVED)
        .order_by("source_id", "-queued_at", "-id")
        .values_list("pk", "source_id")
    )
    latest: dict[int, int] = {}
    for pk, source_id in rows:
        latest.setdefault(source_id, pk)
    return list(Capture.objects.filter(pk__in=latest.values()).order_by("pk"))


def _store_matches(claim: Any, capture: Capture, matches: list) -> MatchSummary:
    """Write one claim's suggestions for one capture: idempotent, decisions kept.

    New passages are added; open and discarded ones are refreshed (a discarded passage stays
    discarded); confirmed ones are left as they were confirmed. Open suggestions the matcher no
    longer finds (the claim was edited) are removed, as are open suggestions on earlier captures
    of the same source, which this capture supersedes.
    """
    from claims.models import Claim

    summary = MatchSummary(claims=1, captures=1)
    with transaction.atomic():
        # One writer per claim at a time: two runs for the same claim queue here.
        if not Claim.objects.select_for_update().filter(pk=claim.pk).exists():
            return MatchSummary()
        existing = {
            (row.passage_start, row.passage_end): row
            for row in EvidenceSuggestion.objects.filter(claim_id=claim.pk, capture=capture)
        }
        fresh = []
        for match in matches:
            key = (match.passage_start, match.passage_end)
            values = {name: getattr(match, name) for name in _SUGGESTION_FIELDS}
            row = existing.get(key)
            if row is None:
                fresh.append(
                    EvidenceSuggestion(
                        claim_id=claim.pk,
                        capture=capture,
                        passage_start=match.passage_start,
                        passage_end=match.passage_end,
                        **values,
                    )
                )
            elif row.status != SuggestionStatus.CONFIRMED and any(
                getattr(row, name) != value for name, value in values.items()
            ):
                for name, value in values.items():
                    setattr(row, name, value)
                row.save(update_fields=[*_SUGGESTION_FIELDS, "updated_at"])
                summary.updated += 1
        EvidenceSuggestion.objects.bulk_create(fresh)
        summary.created = len(fresh)
        kept = {(m.passage_start, m.passage_end) for m in matches}
        stale = [
            row.pk
            for key, row in existing.items()
            if key not in kept and row.status == SuggestionStatus.OPEN
        ]
        superseded = EvidenceSuggestion.objects.filter(
            claim_id=claim.pk,
            status=SuggestionStatus.OPEN,
            capture__source_id=capture.source_id,
            capture__queued_at__lt=capture.queued_at,
        )
        summary.removed = EvidenceSuggestion.objects.filter(pk__in=stale).delete()[0]
        summary.removed += superseded.delete()[0]
        if summary.created or summary.updated or summary.removed:
            audit_record(
                action="evidence.matched",
                obj=capture,
                system_actor=MATCHER,
                claim=claim,
                after={
                    "capture": capture.pk,
                    "created": summary.created,
                    "updated": summary.updated,
                    "removed": summary.removed,
                    "verdicts": sorted({m.verdict for m in matches}),
                },
            )
    return summary


def capture_text_facts(capture: Capture) -> TextFacts:
    """A capture's text read for matching, its relative dates against the source's own date:
    the page's published date when text extraction found one, else the text's date line or
    latest date, else the capture's day (never an upload's: the day of an upload says nothing
    of when the document was written)."""
    published = getattr(capture, "published_date", None)
    captured = None
    if capture.source.kind != SourceKind.UPLOAD:
        moment = capture.finished_at or capture.queued_at
        captured = moment.date() if moment else None
    # Reading a long text is the slow part of matching, and a capture is matched once per
    # linked claim (on upload, on each claim's edit): the facts read from the same text with
    # the same dates are kept for the next claim. TextFacts is immutable, so sharing is safe.
    digest = hashlib.blake2b(capture.text.encode(), digest_size=16).digest()
    key = (capture.pk, digest, published, captured)
    facts = _TEXT_FACTS.get(key)
    if facts is None:
        facts = analyse_text(capture.text, published=published, captured=captured)
        if len(_TEXT_FACTS) >= _TEXT_FACTS_KEPT:
            _TEXT_FACTS.pop(next(iter(_TEXT_FACTS)))  # the oldest
        _TEXT_FACTS[key] = facts
    return facts


_TEXT_FACTS_KEPT = 8
_TEXT_FACTS: dict[tuple[Any, ...], TextFacts] = {}


def claim_facts(claim: Any) -> ClaimFacts:
    """The matcher's view of a claim: every one of its figures (ClaimFigure rows, in order),
    each about its own period where it states one, else the claim's.

    A figure's direction is given to the matcher only when it is up or down: "none" is also
    what a figure stored without one says, and the matcher then reads the claim's own words.
    """
    figures = []
    for row in claim.figures.all():
        if row.period_start is not None:
            start, end, precision = (
                row.period_start,
                row.period_end or row.period_start,
                (row.date_precision),
            )
        else:
            start = claim.period_start
            end = (claim.period_end or start) if start else None
            precision = claim.date_precision or ""
        given: dict[str, Any] = {}
        if row.direction in ("up", "down"):
            given["direction"] = row.direction
        figures.append(
            claim_figure(
                claim.text or "",
                value=row.value,
                unit=row.unit,
                qualifier=row.qualifier,
                scale=row.scale,
                high=row.value_high,
                period_start=start,
                period_end=end,
                precision=precision,
                **given,
            )
        )
    return ClaimFacts.of(claim, figures=figures)


def _match_and_store(
    claim: Any, capture: Capture, text_facts: TextFacts | None = None
) -> MatchSummary:
    facts = claim_facts(claim)
    matches = []
    if facts.matchable and capture.text:
        matches = match_claim(facts, text_facts or capture_text_facts(capture))
    if (
        not matches
        and not EvidenceSuggestion.objects.filter(
            claim_id=claim.pk, status=SuggestionStatus.OPEN
        ).exists()
    ):
        return MatchSummary(claims=1, captures=1)  # nothing found, nothing to clear
    return _store_matches(claim, capture, matches)


def evidence_match_claim(*, claim_id: int, source_id: int | None = None) -> MatchSummary:
    """Match a claim's figures and dates against the latest archive of each linked source.

    Run after the claim is edited and when a source already archived is linked to it (give
    `source_id` to look at that source only). A claim with no figure and no date keeps no open
    suggestions. Idempotent.
    """
    from claims.models import Claim

    claim = Claim.objects.filter(pk=claim_id).first()
    summary = MatchSummary()
    if claim is None:
        return summary
    # A retracted link is kept for the record; nothing is suggested from it.
    linked = Evidence.objects.filter(claim_id=claim_id, retracted_at__isnull=True)
    if source_id is not None:
        linked = linked.filter(source_id=source_id)
    source_ids = list(linked.values_list("source_id", flat=True).distinct())
    for capture in _latest_archived_captures(source_ids):
        summary += _match_and_store(claim, capture)
    return summary


def evidence_match_capture(*, capture_id: int) -> MatchSummary:
    """A capture was archived: match every claim linked to its source, then run the re-check.

    The text is read once for all the claims. A capture that finished after a newer capture of
    the same source (a slow retry) is not matched: the newer one's suggestions stand.
    """
    from claims.models import Claim

    summary = MatchSummary()
    capture = Capture.objects.filter(pk=capture_id, state=CaptureState.ARCHIVED).first()
    if capture is None:
        return summary
    newer = Capture.objects.filter(
        source_id=capture.source_id,
        state=CaptureState.ARCHIVED,
        queued_at__gt=capture.queued_at,
    ).exists()
    if not newer:
        claims = Claim.objects.filter(
            evidence__source_id=capture.source_id, evidence__retracted_at__isnull=True
        ).distinct()
        text_facts: TextFacts | None = None
        for claim in claims.order_by("pk").prefetch_related("figures"):
            if text_facts is None and claim_facts(claim).matchable:
                text_facts = capture_text_facts(capture)
            summary += _match_and_store(claim, capture, text_facts)
    evidence_recheck_capture(capture_id=capture.pk)
    return summary


def evidence_match_request(*, claim_id: int, source_id: int | None = None) -> None:
    """Queue evidence_match_claim for when the current transaction commits (after an edit)."""
    from sources.tasks import match_evidence_for_claim

    transaction.on_commit(lambda: match_evidence_for_claim.delay(claim_id, source_id))


# Confirming a suggestion ---------------------------------------------------------------------


def _warc_payload_sha256(name: str) -> str:
    """SHA-256 of the payload of the WARC's response (or resource) record, read from storage.

    The payload is hashed as stored (still content-encoded if the server compressed it), which
    is what Capture.sha256 records; warcio checks the record's own WARC-Payload-Digest as it
    reads.
    """
    from warcio.archiveiterator import ArchiveIterator

    from sources.warc import WarcReadError

    with default_storage.open(name, "rb") as warc_file:
        for record in ArchiveIterator(warc_file, check_digests=True):
            if record.rec_type not in ("response", "resource"):
                continue
            digest = hashlib.sha256()
            while block := record.raw_stream.read(64 * 1024):
                digest.update(block)
            if record.digest_checker.passed is False:
                raise WarcReadError("the WARC record fails its own payload digest")
            return digest.hexdigest()
    raise WarcReadError("the WARC holds no response or resource record")


def passage_verify(*, capture: Capture, start: int, end: int, passage_text: str) -> dict[str, Any]:
    """Prove that a passage points into the exact archived bytes, or refuse (DomainError).

    Verified, in order:
    1. the capture is archived and has a SHA-256 of its payload;
    2. the passage is exactly capture.text[start:end] (the text extracted from that payload when
       it was archived, which is never rewritten);
    3. the capture's WARC, read back from storage, holds a record whose payload hashes to that
       SHA-256 (and passes the WARC's own digest check), so the bytes the text came from are
       still the bytes archived.
    Returns what was verified, for the audit log.
    """
    from sources.warc import WarcReadError

    if capture.state != CaptureState.ARCHIVED or len(capture.sha256) != 64:
        raise DomainError("this capture is not archived with a hash; its passages cannot be used")
    if not (0 <= start < end <= len(capture.text)) or capture.text[start:end] != passage_text:
        raise DomainError(
            "the passage no longer matches the archived text at its offsets; match again",
            code="conflict",
        )
    if not capture.warc:
        raise DomainError("this capture has no WARC file to check the passage against")
    try:
        payload_sha256 = _warc_payload_sha256(capture.warc.name)
    except (OSError, WarcReadError) as exc:
        raise DomainError(f"the archived copy could not be checked: {exc}") from None
    if payload_sha256 != capture.sha256:
        raise DomainError(
            "the archived copy's bytes do not match the capture's SHA-256; the passage was "
            "not confirmed",
        )
    return {
        "capture": capture.pk,
        "sha256": capture.sha256,
        "warc": capture.warc.name,
        "passage": [start, end],
        "verified": ["archived", "text_at_offsets", "warc_payload_sha256"],
    }


def _locked_suggestion(suggestion: EvidenceSuggestion) -> EvidenceSuggestion:
    locked = (
        EvidenceSuggestion.objects.select_for_update(of=("self",))
        .select_related("capture__source", "claim")
        .filter(pk=suggestion.pk)
        .first()
    )
    if locked is None:
        raise DomainError("this suggestion no longer exists; match again", code="not_found")
    if locked.status != SuggestionStatus.OPEN:
        raise DomainError(
            f"this suggestion was already {locked.get_status_display().lower()}",
            code="conflict",
            current={"status": locked.status, "evidence": locked.evidence_id},
        )
    return locked


def _decided(locked: EvidenceSuggestion, suggestion: EvidenceSuggestion) -> None:
    locked.save(update_fields=["status", "evidence", "decided_by", "decided_at", "updated_at"])
    if suggestion is not locked:
        for name in ("status", "evidence_id", "decided_by_id", "decided_at", "updated_at"):
            setattr(suggestion, name, getattr(locked, name))


@transaction.atomic
def evidence_confirm_suggestion(*, actor: Any, suggestion: EvidenceSuggestion) -> Evidence:
    """A fact-checker confirms a suggested passage: it becomes pinned Evidence.

    agrees -> supports, disagrees -> refutes, mentions -> context. The passage is verified
    against the archived bytes first (passage_verify) and the audit event records what was.
    """
    _require_desk_person(actor, "confirm evidence")
    locked = _locked_suggestion(suggestion)
    capture = locked.capture
    verified = passage_verify(
        capture=capture,
        start=locked.passage_start,
        end=locked.passage_end,
        passage_text=locked.passage_text,
    )
    evidence = Evidence.objects.create(
        claim=locked.claim,
        source=capture.source,
        relation=RELATION_FOR_VERDICT[SuggestionVerdict(locked.verdict)],
        capture=capture,
        passage_start=locked.passage_start,
        passage_end=locked.passage_end,
        passage_text=locked.passage_text,
        note=locked.comparison,
        added_by=actor,
    )
    locked.status = SuggestionStatus.CONFIRMED
    locked.evidence = evidence
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    _decided(locked, suggestion)
    audit_record(
        action="evidence.suggestion_confirmed",
        obj=evidence,
        actor=actor,
        claim=locked.claim,
        after={
            "suggestion": locked.pk,
            "relation": evidence.relation,
            "verdict": locked.verdict,
            "comparison": locked.comparison,
            **verified,
        },
    )
    return evidence


@transaction.atomic
def evidence_discard_suggestion(
    *, actor: Any, suggestion: EvidenceSuggestion
) -> EvidenceSuggestion:
    """Set a suggested passage aside; matching again does not reopen it."""
    _require_desk_person(actor, "discard suggested evidence")
    locked = _locked_suggestion(suggestion)
    locked.status = SuggestionStatus.DISCARDED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    _decided(locked, suggestion)
    audit_record(
        action="evidence.suggestion_discarded",
        obj=locked,
        actor=actor,
        claim=locked.claim,
        after={"capture": locked.capture_id, "passage": [locked.passage_start, locked.passage_end]},
    )
    return suggestion


# Re-check alerts -----------------------------------------------------------------------------


def _squash(text: str) -> str:
    return " ".join(text.split())


class _NewCapture:
    """A new capture's text, with its sentences and their words read once, when first needed."""

    def __init__(self, capture: Capture) -> None:
        self.capture = capture
        self.text = capture.text
        self._squashed: str | None = None
        self._sentences: list[tuple[int, int, frozenset[str]]] | None = None

    @property
    def squashed(self) -> str:
        if self._squashed is None:
            self._squashed = _squash(self.text)
        return self._squashed

    def sentences(self) -> list[tuple[int, int, frozenset[str]]]:
        if self._sentences is None:
            from claims.extraction import split_sentences

            self._sentences = [
                (s.start, s.end, content_words(self.text[s.start : s.end]))
                for s in split_sentences(self.text)
            ]
        return self._sentences


def _figures_in(text: str) -> list[str]:
    from claims.extraction import find_figures

    return [" ".join(f.raw.split()) for f in find_figures(text, 0, len(text))]


def _passage_change(evidence: Evidence, new: _NewCapture) -> tuple[str, str, str] | None:
    """(reason, what the new capture says instead, detail) or None when the passage is intact."""
    old = evidence.capture
    passage = evidence.passage_text
    start, end = evidence.passage_start, evidence.passage_end
    if old is not None and old.sha256 == new.capture.sha256:
        return None
    if new.text[start:end] == passage or passage in new.text:
        return None
    if _squash(passage) in new.squashed:
        return None  # only the line breaks or spacing moved
    wanted = content_words(passage)
    best, best_share = None, 0.0
    if wanted:
        for s_start, s_end, words in new.sentences():
            share = len(wanted & words) / len(wanted)
            if share > best_share:
                best, best_share = (s_start, s_end), share
    if best is None or best_share < _CHANGED_OVERLAP:
        return (
            RecheckReason.MISSING,
            "",
            "the new capture has no sentence that keeps most of the passage's words",
        )
    now = new.text[best[0] : best[1]]
    was_figures, now_figures = _figures_in(passage), _figures_in(now)
    if was_figures != now_figures:
        detail = (
            f"figures were {', '.join(was_figures) or 'none'}; "
            f"now {', '.join(now_figures) or 'none'}"
        )
    else:
        detail = "the wording changed; the figures read the same"
    return RecheckReason.CHANGED, now, detail[:500]


def evidence_recheck_capture(*, capture_id: int) -> list[RecheckAlert]:
    """A source was captured again: flag published claims whose passage changed or vanished.

    Looks at confirmed evidence pinned to a passage of an earlier capture of the same source,
    on claims that are published. A passage found again (at its offsets, elsewhere, or with only
    its spacing changed) is intact. Otherwise a RecheckAlert is raised for the editor, with an
    audit event by the system actor "recheck". Idempotent: an alert is not raised twice for the
    same capture, nor again for the same change already flagged (open or resolved).
    """
    from claims.models import ClaimState

    capture = Capture.objects.filter(pk=capture_id, state=CaptureState.ARCHIVED).first()
    if capture is None:
        return []
    pinned = (
        Evidence.objects.filter(
            source_id=capture.source_id,
            capture__isnull=False,
            passage_start__isnull=False,
            claim__state=ClaimState.PUBLISHED,
            capture__queued_at__lt=capture.queued_at,
        )
        .exclude(capture_id=capture.pk)
        .select_related("claim", "capture")
        .defer("capture__text", "capture__headers")
        .order_by("pk")
    )
    new = _NewCapture(capture)
    alerts = []
    for evidence in pinned:
        change = _passage_change(evidence, new)
        if change is None:
            continue
        reason, now, detail = change
        flagged = RecheckAlert.objects.filter(evidence=evidence).filter(
            Q(new_capture=capture) | Q(reason=reason, new_passage_text=now)
        )
        if flagged.exists():
            continue
        assert evidence.capture_id is not None  # pinned passages always name their capture
        with transaction.atomic():
            alert = RecheckAlert.objects.create(
                claim=evidence.claim,
                evidence=evidence,
                old_capture_id=evidence.capture_id,
                new_capture=capture,
                reason=reason,
                new_passage_text=now,
                detail=detail,
            )
            audit_record(
                action="recheck.alert_raised",
                obj=alert,
                system_actor=RECHECK,
                claim=evidence.claim,
                after={
                    "evidence": evidence.pk,
                    "old_capture": evidence.capture_id,
                    "new_capture": capture.pk,
                    "reason": reason,
                    "detail": detail,
                },
            )
        alerts.append(alert)
    return alerts


@transaction.atomic
def recheck_alert_resolve(*, actor: Any, alert: RecheckAlert, note: str = "") -> RecheckAlert:
    """An editor has looked at the verdict again: close the alert, with an optional note."""
    if not is_editor(actor):
        raise DomainError("only an editor may resolve a re-check alert", code="forbidden")
    locked = RecheckAlert.objects.select_for_update().filter(pk=alert.pk).first()
    if locked is None:
        raise DomainError("this alert no longer exists", code="not_found")
    if locked.resolved_at is not None:
        raise DomainError("this alert was already resolved", code="conflict")
    locked.resolved_at = timezone.now()
    locked.resolved_by = actor
    locked.resolution_note = note.strip()
    locked.save(update_fields=["resolved_at", "resolved_by", "resolution_note"])
    audit_record(
        action="recheck.alert_resolved",
        obj=locked,
        actor=actor,
        claim=locked.claim,
        after={"note": locked.resolution_note, "reason": locked.reason},
    )
    if alert is not locked:
        for name in ("resolved_at", "resolved_by_id", "resolution_note"):
            setattr(alert, name, getattr(locked, name))
    return alert
