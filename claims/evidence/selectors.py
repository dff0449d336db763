"""Reads of the desk's evidence that the claim page, the playback hook and the API share:
a claim's links with their captures, the links a verdict may rest on or readers see, suggested
passages and open re-check alerts."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When

from claims.evidence.models import Evidence, EvidenceSuggestion, RecheckAlert, SuggestionStatus
from factcheck.roles import is_editor, is_fact_checker
from sources.models import Capture, CaptureKind, CaptureState
from sources.selectors import browser_capture_of, capture_summary


def evidence_for_claim(claim_id: int) -> QuerySet[Evidence]:
    """A claim's evidence with each source's captures in three queries: HTTP captures newest
    first, then browser captures newest first (a source's state is its HTTP capture's; a browser
    capture follows it and is shown beside it: see sources.selectors.browser_capture_of)."""
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
    latest = Capture.objects.latest_per_source().filter(source_id=OuterRef("source_id"))
    latest_state = latest.values("state")[:1]
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


def capture_visible_to(user: Any, capture: Capture) -> bool:
    """Desk roles see every capture; anyone sees the archives behind a published verdict (not
    those of a source retracted from it).

    The archive's playback asks this through the setting CAPTURE_VISIBLE_TO (see
    sources.selectors.capture_visible_to): it knows captures, not who may see them.
    """
    if is_fact_checker(user):
        return True
    return (
        capture.state == CaptureState.ARCHIVED
        and Evidence.objects.filter(
            source_id=capture.source_id, claim__state="published", retracted_at__isnull=True
        ).exists()
    )


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
    """The context of the claim page's evidence includes (claims/_suggestions.html and
    claims/_recheck_alerts.html): suggestions, open re-check alerts, and whether this user may
    resolve those (editors)."""
    rows = evidence_suggestions_for_claim(claim.pk)
    return {
        # Comparisons first, then mentions (each group best first): the card lists them so.
        "suggestions": sorted(rows, key=lambda s: not s.is_comparison),
        "recheck_alerts": list(open_recheck_alerts(claim)),
        "recheck_can_resolve": is_editor(user),
    }
