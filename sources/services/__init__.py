"""Writes of the archive: sources, the capture queue, running captures, uploads, reading text
and proving passages. One module per concept; this package re-exports their public names, so
``from sources.services import capture_request`` keeps working.

Compatibility layer: linking a source to a claim, uploads to a claim, evidence matching,
suggestions and re-check alerts moved to the desk (claims.evidence.services, #16), and the
archive imports nothing of claims. Scripts written before the move, among them the evaluation
scorers, still call ``sources.services.source_link``, ``source_upload`` and
``evidence_match_capture``: those names (every public name of the new module) resolve on first
use through the module named by the setting ``SOURCES_MOVED_SERVICES`` (factcheck.moved), not
through an import. New code imports them from claims.evidence.services.
"""

from __future__ import annotations

from factcheck.moved import moved_to
from sources.services.archive_files import SOFTWARE
from sources.services.capturing import CaptureOutcome, capture_perform, capture_timed_out
from sources.services.jobs import (
    SWEEP,
    WORKER,
    capture_request,
    capture_request_many,
    captures_requeue_stale,
)
from sources.services.passages import passage_verify
from sources.services.registry import SOURCES, fetch_policy, source_for_url, source_url_check
from sources.services.text_reading import (
    READER,
    capture_text_read,
    capture_text_rerun,
    text_limits,
)
from sources.services.uploads import UPLOAD_TYPES, upload_store

__all__ = [
    "READER",
    "SOFTWARE",
    "SOURCES",
    "SWEEP",
    "UPLOAD_TYPES",
    "WORKER",
    "CaptureOutcome",
    "capture_perform",
    "capture_request",
    "capture_request_many",
    "capture_text_read",
    "capture_text_rerun",
    "capture_timed_out",
    "captures_requeue_stale",
    "fetch_policy",
    "passage_verify",
    "source_for_url",
    "source_url_check",
    "text_limits",
    "upload_store",
]

# The names that moved to the desk resolve there (see the module docstring).
__getattr__ = moved_to("SOURCES_MOVED_SERVICES", __name__)
