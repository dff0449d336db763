"""Evidence matching: a claim's figures and dates matched against the latest archive of each
linked source, the passages kept as suggestions (idempotent, people's decisions kept)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from claims.evidence.matching import (
    ClaimFacts,
    TextFacts,
    analyse_text,
    claim_figure,
    match_claim,
)
from claims.evidence.models import (
    Evidence,
    EvidenceSuggestion,
    SuggestionStatus,
)
from claims.evidence.services.recheck import evidence_recheck_capture
from claims.evidence.tasks import match_evidence_for_claim
from claims.models import Claim
from factcheck.audit import audit_record
from sources.models import Capture, CaptureState, SourceKind

MATCHER = "evidence-matcher"

_SUGGESTION_FIELDS = (
    "passage_text",
    "figure_start",
    "figure_end",
    "verdict",
    "score",
    "comparison",
    "found",
)


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


def _store_matches(claim: Any, capture: Capture, matches: list) -> MatchSummary:
    """Write one claim's suggestions for one capture: idempotent, decisions kept.

    New passages are added; open and discarded ones are refreshed (a discarded passage stays
    discarded); confirmed ones are left as they were confirmed. Open suggestions the matcher no
    longer finds (the claim was edited) are removed, as are open suggestions on earlier captures
    of the same source, which this capture supersedes.
    """
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
    claim = Claim.objects.filter(pk=claim_id).first()
    summary = MatchSummary()
    if claim is None:
        return summary
    # A retracted link is kept for the record; nothing is suggested from it.
    linked = Evidence.objects.filter(claim_id=claim_id, retracted_at__isnull=True)
    if source_id is not None:
        linked = linked.filter(source_id=source_id)
    source_ids = list(linked.values_list("source_id", flat=True).distinct())
    latest = Capture.objects.latest_per_source(state=CaptureState.ARCHIVED)
    for capture in latest.filter(source_id__in=source_ids).order_by("pk"):
        summary += _match_and_store(claim, capture)
    return summary


def evidence_match_capture(*, capture_id: int) -> MatchSummary:
    """A capture was archived: match every claim linked to its source, then run the re-check.

    The text is read once for all the claims. A capture that finished after a newer capture of
    the same source (a slow retry) is not matched: the newer one's suggestions stand.
    """
    summary = MatchSummary()
    capture = Capture.objects.filter(pk=capture_id, state=CaptureState.ARCHIVED).first()
    if capture is None:
        return summary
    latest = Capture.objects.latest_per_source(state=CaptureState.ARCHIVED)
    if latest.filter(pk=capture.pk).exists():
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
    transaction.on_commit(lambda: match_evidence_for_claim.delay(claim_id, source_id))
