"""A person's decision on a suggested passage: confirmed as pinned evidence (verified against
the archived bytes first) or discarded."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from claims.evidence.models import (
    RELATION_FOR_VERDICT,
    Evidence,
    EvidenceSuggestion,
    SuggestionStatus,
    SuggestionVerdict,
)
from factcheck.audit import audit_record
from factcheck.errors import DomainError
from factcheck.roles import require_fact_checker
from sources.services import passage_verify


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
    require_fact_checker(actor, "confirm evidence")
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
    require_fact_checker(actor, "discard suggested evidence")
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
