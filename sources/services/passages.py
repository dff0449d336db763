"""Proving that a passage points into the exact archived bytes of a capture."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.storage import default_storage
from warcio.archiveiterator import ArchiveIterator

from factcheck.errors import DomainError
from sources.models import Capture, CaptureState
from sources.warc import (
    WarcReadError,
)


def _warc_payload_sha256(name: str) -> str:
    """SHA-256 of the payload of the WARC's response (or resource) record, read from storage.

    The payload is hashed as stored (still content-encoded if the server compressed it), which
    is what Capture.sha256 records; warcio checks the record's own WARC-Payload-Digest as it
    reads.
    """
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
