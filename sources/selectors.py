"""Reads of captures that playback and the desk share; who may see a capture is the setting
CAPTURE_VISIBLE_TO's answer (the archive does not know who the desk is).

Compatibility layer: the evidence selectors moved to claims.evidence.selectors (#16). Scripts
written before, among them the evaluation scorers, still call
``sources.selectors.evidence_suggestions_for_claim``: the names it no longer defines resolve on
first use through the module named by the setting SOURCES_MOVED_SELECTORS (factcheck.moved),
not through an import of claims.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

from factcheck.moved import moved_to
from sources.models import Capture, CaptureKind
from sources.package_status import package_summary

__getattr__ = moved_to("SOURCES_MOVED_SELECTORS", __name__)


def capture_summary(capture: Capture | None) -> dict[str, Any]:
    if capture is None:
        return {"state": "none", "label": "not captured"}
    # An upload has no URL to fetch: while it waits for a worker, it is being read.
    reading = capture.is_pending and not capture.requested_url
    return {
        "id": capture.pk,
        "state": capture.state,
        "label": "Being read" if reading else capture.get_state_display(),
        "pending": capture.is_pending or capture.is_reading_text or capture.wacz_pending,
        "text_status": capture.text_status,
        "text_label": capture.get_text_status_display(),
        "text_reason": capture.text_reason,
        "text_problem": capture.text_problem,
        "attempts": capture.attempts,
        "reason": capture.failure_reason,
        "http_status": capture.http_status,
        "size": capture.size,
        "sha256": capture.sha256,
        "finished_at": capture.finished_at.isoformat() if capture.finished_at else None,
        "package": package_summary(capture),
        "kind": capture.kind,
        "screenshot": (
            reverse("sources:capture-screenshot", args=[capture.pk]) if capture.screenshot else None
        ),
    }


def browser_capture_of(source: Any) -> Capture | None:
    """A source's newest browser capture, from its prefetched captures (no query)."""
    return next((c for c in source.captures.all() if c.kind == CaptureKind.BROWSER), None)


def capture_for_playback(capture_id: int) -> Capture | None:
    return Capture.objects.select_related("source", "same_payload_as").filter(pk=capture_id).first()


def capture_visible_to(user: Any, capture: Capture) -> bool:
    """May this user see this capture (reader view, WARC, original, page image)?

    Asked of the function the setting CAPTURE_VISIBLE_TO names (a dotted path; the desk's rule by
    default: claims.evidence.selectors.capture_visible_to), so playback holds no rule of its own.
    """
    rule = import_string(settings.CAPTURE_VISIBLE_TO)
    return bool(rule(user, capture))


@dataclass(frozen=True)
class CapturePassage:
    """The reader view's text cut around a passage, for ?passage=start-end."""

    start: int
    end: int
    before: str
    passage: str
    after: str


def capture_passage(capture: Capture, passage: str | None) -> CapturePassage | None:
    """Parse "start-end" and cut the capture's text there; None if absent or out of range."""
    if not passage:
        return None
    first, _, last = passage.partition("-")
    if not (first.isdigit() and last.isdigit()):
        return None
    start, end = int(first), int(last)
    text = capture.text
    if not 0 <= start < end <= len(text):
        return None
    return CapturePassage(start, end, text[:start], text[start:end], text[end:])
