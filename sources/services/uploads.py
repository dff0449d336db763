"""Uploaded files as sources: typed by their bytes, hashed, stored as a WARC resource record,
and read by a worker."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Sequence
from typing import IO, Any

from django.conf import settings
from django.db import transaction

from factcheck.audit import audit_record
from factcheck.errors import DomainError
from sources.models import Capture, Source, SourceKind
from sources.services.archive_files import SOFTWARE, _store, _warc_name
from sources.services.jobs import _send_capture_tasks
from sources.services.registry import _source_created
from sources.uploads import ACCEPTED, SNIFF_BYTES, upload_type
from sources.warc import (
    write_upload_warc,
)

UPLOAD_TYPES = {
    "application/pdf": SourceKind.PDF,
    "text/html": SourceKind.UPLOAD,
    "text/plain": SourceKind.UPLOAD,
    "image/png": SourceKind.UPLOAD,
    "image/jpeg": SourceKind.UPLOAD,
    "image/gif": SourceKind.UPLOAD,
    "image/webp": SourceKind.UPLOAD,
}


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
    capture = source.captures.latest_per_source().first()
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
