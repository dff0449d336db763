"""Reads of sources, evidence and captures that the claim page, playback and the API share."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from factcheck.roles import is_fact_checker
from sources.models import Capture, CaptureState, Evidence


def evidence_for_claim(claim_id: int) -> QuerySet[Evidence]:
    """A claim's evidence with each source's captures (newest first) in three queries."""
    captures = Capture.objects.order_by("-queued_at", "-id").defer("text", "headers")
    return (
        Evidence.objects.filter(claim_id=claim_id)
        .select_related("source", "added_by")
        .prefetch_related(Prefetch("source__captures", queryset=captures))
        .order_by("created_at", "id")
    )


def capture_summary(capture: Capture | None) -> dict[str, Any]:
    if capture is None:
        return {"state": "none", "label": "not captured"}
    return {
        "id": capture.pk,
        "state": capture.state,
        "label": capture.get_state_display(),
        "pending": capture.is_pending,
        "attempts": capture.attempts,
        "reason": capture.failure_reason,
        "http_status": capture.http_status,
        "size": capture.size,
        "sha256": capture.sha256,
        "finished_at": capture.finished_at.isoformat() if capture.finished_at else None,
    }


def claim_capture_states(claim_id: int) -> list[dict[str, Any]]:
    """Each linked source's latest capture, for the page's live status poll."""
    rows = []
    for evidence in evidence_for_claim(claim_id):
        latest = next(iter(evidence.source.captures.all()), None)
        rows.append(
            {"evidence": evidence.pk, "source": evidence.source_id, **capture_summary(latest)}
        )
    return rows


def capture_for_playback(capture_id: int) -> Capture | None:
    return Capture.objects.select_related("source", "same_payload_as").filter(pk=capture_id).first()


def capture_visible_to(user: Any, capture: Capture) -> bool:
    """Desk roles see every capture; anyone sees the archives behind a published verdict."""
    if is_fact_checker(user):
        return True
    return (
        capture.state == CaptureState.ARCHIVED
        and Evidence.objects.filter(source_id=capture.source_id, claim__state="published").exists()
    )
