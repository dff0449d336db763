"""Reads of sources, evidence and captures that the claim page, playback and the API share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.urls import reverse

from factcheck.roles import is_editor, is_fact_checker
from sources.models import (
    Capture,
    CaptureKind,
    CaptureState,
    Evidence,
    EvidenceSuggestion,
    RecheckAlert,
    SuggestionStatus,
)


def evidence_for_claim(claim_id: int) -> QuerySet[Evidence]:
    """A claim's evidence with each source's captures in three queries: HTTP captures newest
    first, then browser captures newest first (a source's state is its HTTP capture's; a browser
    capture follows it and is shown beside it: see browser_capture_of)."""
    browser_last = Case(When(kind=CaptureKind.BROWSER, then=Value(1)), default=Value(0))
    captures = Capture.objects.order_by(browser_last, "-queued_at", "-id").defer("text", "headers")
    return (
        Evidence.objects.filter(claim_id=claim_id)
        .select_related("source", "added_by")
        .prefetch_related(Prefetch("source__captures", queryset=captures))
        .order_by("created_at", "id")
    )


def _standing(evidence: QuerySet[Evidence]) -> QuerySet[Evidence]:
    """Leave out retracted links, and sources never archived whose latest capture failed or was
    blocked: nothing can rest on them."""
    same_source = Capture.objects.filter(source_id=OuterRef("source_id"))
    latest_state = same_source.order_by("-queued_at", "-id").values("state")[:1]
    return (
        evidence.filter(retracted_at__isnull=True)
        .annotate(
            has_archive=Exists(same_source.filter(state=CaptureState.ARCHIVED)),
            latest_state=Subquery(latest_state),
        )
        .filter(
            Q(has_archive=True)
            | Q(latest_state__isnull=True)
            | ~Q(latest_state__in=[CaptureState.FAILED, CaptureState.BLOCKED])
        )
    )


def evidence_usable(claim_id: int) -> QuerySet[Evidence]:
    """The evidence a rating or verdict may rest on: standing links (see _standing), archived or
    still being archived."""
    return _standing(evidence_for_claim(claim_id))


def evidence_public(claim_id: int) -> QuerySet[Evidence]:
    """The evidence readers see (public page, ClaimReview, the API's anonymous view): standing
    links to sources with an archived copy, since only archived copies are public."""
    return _standing(evidence_for_claim(claim_id)).filter(has_archive=True)


def capture_summary(capture: Capture | None) -> dict[str, Any]:
    if capture is None:
        return {"state": "none", "label": "not captured"}
    # An upload has no URL to fetch: while it waits for a worker, it is being read.
    reading = capture.is_pending and not capture.requested_url
    return {
        "id": capture.pk,
        "state": capture.state,
        "label": "Being read" if reading else capture.get_state_display(),
        "pending": capture.is_pending or capture.is_reading_text,
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
        "kind": capture.kind,
        "screenshot": (
            reverse("sources:capture-screenshot", args=[capture.pk]) if capture.screenshot else None
        ),
    }


def browser_capture_of(source: Any) -> Capture | None:
    """A source's newest browser capture, from its prefetched captures (no query)."""
    return next((c for c in source.captures.all() if c.kind == CaptureKind.BROWSER), None)


def claim_capture_states(claim_id: int) -> list[dict[str, Any]]:
    """Each linked source's latest capture (and latest browser capture), for the live poll."""
    rows = []
    for evidence in evidence_for_claim(claim_id):
        latest = next(iter(evidence.source.captures.all()), None)
        browser = browser_capture_of(evidence.source)
        row = {"evidence": evidence.pk, "source": evidence.source_id, **capture_summary(latest)}
        if browser is not None and browser is not latest:
            row["browser"] = capture_summary(browser)
            row["pending"] = row["pending"] or row["browser"]["pending"]
        rows.append(row)
    return rows


def capture_for_playback(capture_id: int) -> Capture | None:
    return Capture.objects.select_related("source", "same_payload_as").filter(pk=capture_id).first()


def capture_visible_to(user: Any, capture: Capture) -> bool:
    """Desk roles see every capture; anyone sees the archives behind a published verdict (not
    those of a source retracted from it)."""
    if is_fact_checker(user):
        return True
    return (
        capture.state == CaptureState.ARCHIVED
        and Evidence.objects.filter(
            source_id=capture.source_id, claim__state="published", retracted_at__isnull=True
        ).exists()
    )


# Evidence matching ---------------------------------------------------------------------------

# Capture columns a suggestion or alert list never shows: the text alone can run to megabytes.
_HEAVY_CAPTURE_FIELDS = ("text", "headers", "redirect_chain")


def evidence_suggestions_for_claim(
    claim_id: int, *, status: str = SuggestionStatus.OPEN, limit: int = 20
) -> list[EvidenceSuggestion]:
    """A claim's suggested passages, best first, with capture and source, in one query."""
    return list(
        EvidenceSuggestion.objects.filter(claim_id=claim_id, status=status)
        .select_related("capture__source")
        .defer(*(f"capture__{name}" for name in _HEAVY_CAPTURE_FIELDS))
        .order_by("-score", "passage_start", "id")[:limit]
    )


def open_recheck_alerts(claim: Any = None) -> QuerySet[RecheckAlert]:
    """Unresolved re-check alerts, newest first (one claim's when `claim` is given)."""
    alerts = RecheckAlert.objects.filter(resolved_at__isnull=True)
    if claim is not None:
        alerts = alerts.filter(claim_id=getattr(claim, "pk", claim))
    heavy = [
        f"{capture}__{name}"
        for capture in ("old_capture", "new_capture")
        for name in _HEAVY_CAPTURE_FIELDS
    ]
    return (
        alerts.select_related("claim", "evidence__source", "old_capture", "new_capture")
        .defer(*heavy)
        .order_by("-created_at", "-id")
    )


def claim_evidence_panels(claim: Any, user: Any = None) -> dict[str, Any]:
    """The context of the claim page's evidence includes (sources/_suggestions.html and
    sources/_recheck_alerts.html): suggestions, open re-check alerts, and whether this user may
    resolve those (editors)."""
    rows = evidence_suggestions_for_claim(claim.pk)
    return {
        # Comparisons first, then mentions (each group best first): the card lists them so.
        "suggestions": sorted(rows, key=lambda s: not s.is_comparison),
        "recheck_alerts": list(open_recheck_alerts(claim)),
        "recheck_can_resolve": is_editor(user),
    }


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
