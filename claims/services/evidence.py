"""Writes for a claim's evidence that the workflow answers for: retracting a source from a claim.

Linking lives in claims.evidence.services (it queues captures in the archive); retracting is
the desk's judgement on a claim, so it locks the claim, withdraws an approval that rested on the
source, and keeps the link and its archive for the record.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from claims.evidence.models import Evidence
from claims.models import Claim, ClaimState
from claims.services._base import Actor, _lock_claim, required_text, save_claim, sync_instance
from claims.services.verdicts import discard_draft_verdict
from factcheck.audit import audit_record
from factcheck.errors import DomainError
from factcheck.roles import is_editor, is_fact_checker


@transaction.atomic
def evidence_retract(*, actor: Actor, claim: Claim, evidence: Evidence, reason: str) -> Evidence:
    """Retract a source from a claim, with the reason; the link and its captures stay.

    A retracted source is no longer evidence a rating or verdict can rest on, and leaves the
    public page and ClaimReview. Fact-checkers retract from open claims; from a published
    verdict only an editor may (its readers see the change). An approved, unpublished verdict is
    withdrawn: it was approved on the sources as they were.
    """
    if not is_fact_checker(actor):
        raise DomainError("Only fact-checkers and editors may retract a source.", code="forbidden")
    reason = required_text(
        reason, "reason", "Retracting a source needs a reason (what is wrong with it)."
    )
    locked = _lock_claim(claim)
    if locked.state == ClaimState.PUBLISHED and not is_editor(actor):
        raise DomainError(
            "Only an editor may retract a source from a published verdict.", code="forbidden"
        )
    row = (
        Evidence.objects.select_for_update()
        .select_related("source")
        .filter(pk=evidence.pk, claim_id=locked.pk)
        .first()
    )
    if row is None:
        raise DomainError("This source is not linked to this claim.", code="not_found")
    if row.retracted_at is not None:
        raise DomainError(
            f"This source was already retracted: {row.retraction_reason}",
            code="conflict",
        )
    row.retracted_at = timezone.now()
    row.retracted_by = actor
    row.retraction_reason = reason
    row.save(update_fields=["retracted_at", "retracted_by", "retraction_reason", "updated_at"])
    discard_draft_verdict(
        actor=actor,
        claim=locked,
        note="a source was retracted after the verdict was approved; approve it again",
    )
    save_claim(locked, [])
    audit_record(
        action="evidence.retracted",
        obj=row,
        actor=actor,
        claim=locked,
        before={"source": row.source_id, "relation": row.relation, "retracted": False},
        after={
            "source": row.source_id,
            "relation": row.relation,
            "retracted": True,
            "claim_version": locked.version,
        },
        note=reason,
    )
    sync_instance(claim, locked)
    for name in ("retracted_at", "retracted_by_id", "retraction_reason"):
        setattr(evidence, name, getattr(row, name))
    return row
