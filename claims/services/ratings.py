"""Writes for ratings: each reviewer's own rating of a claim, revised with its history kept."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from claims.models import Claim, Rating, RatingRevision, RatingScale
from claims.services._base import (
    Actor,
    begin,
    check_scale,
    claim_evidence,
    required_text,
    sync_instance,
)
from claims.services.transitions import advance_when_rated
from claims.services.verdicts import discard_draft_verdict
from factcheck.audit import audit_record
from factcheck.errors import DomainError


def rating_snapshot(rating: Rating, evidence_ids: Iterable[int]) -> dict[str, Any]:
    return {
        "reviewer": rating.reviewer_id,
        "scale": rating.scale.slug,
        "rationale": rating.rationale,
        "evidence": sorted(evidence_ids),
        "revision": rating.revision,
    }


@transaction.atomic
def rating_submit(
    *,
    actor: Actor,
    claim: Claim,
    scale: RatingScale,
    rationale: str,
    evidence_ids: Iterable[int] = (),
    expected_revision: int | None = None,
) -> Rating:
    """Create or revise the actor's own rating of a claim (researching to awaiting approval).

    A revision keeps the superseded scale, rationale and evidence as a RatingRevision and bumps
    the revision counter; resubmitting the same rating writes nothing. `expected_revision` (0 for
    "I have no rating yet") turns a stale second tab into a conflict. When this rating completes
    settings.RATINGS_REQUIRED while the claim is in review, the claim moves on to awaiting
    approval in the same transaction.
    """
    locked = begin(actor=actor, claim=claim, action="rate", expected_version=None)
    rationale = required_text(rationale, "rationale", "A rating needs a written rationale.")
    check_scale(scale)
    evidence = claim_evidence(locked, evidence_ids)
    new_ids = sorted(e.pk for e in evidence)
    rating = (
        Rating.objects.select_for_update()
        .select_related("scale")
        .filter(claim=locked, reviewer_id=actor.pk)
        .first()
    )
    current = rating.revision if rating is not None else 0
    if expected_revision is not None and expected_revision != current:
        raise DomainError(
            f"Your rating of this claim changed elsewhere (you had revision {expected_revision}, "
            f"it is now revision {current}). Reload it and try again.",
            code="conflict",
            current=rating_snapshot(rating, rating.evidence.values_list("pk", flat=True))
            if rating is not None
            else None,
        )

    if rating is None:
        rating = Rating.objects.create(
            claim=locked, reviewer=actor, scale=scale, rationale=rationale
        )
        rating.evidence.set(evidence)
        audit_record(
            action="rating.submitted",
            obj=rating,
            actor=actor,
            claim=locked,
            after={**rating_snapshot(rating, new_ids), "state": locked.state},
        )
    else:
        old_ids = sorted(rating.evidence.values_list("pk", flat=True))
        if (rating.scale_id, rating.rationale, old_ids) == (scale.pk, rationale, new_ids):
            sync_instance(claim, locked)
            return rating
        before = {**rating_snapshot(rating, old_ids), "state": locked.state}
        RatingRevision.objects.create(
            rating=rating,
            revision=rating.revision,
            scale_id=rating.scale_id,
            rationale=rating.rationale,
            evidence_ids=old_ids,
            rated_at=rating.updated_at,
        )
        rating.scale = scale
        rating.rationale = rationale
        rating.revision += 1
        rating.save(update_fields=["scale", "rationale", "revision", "updated_at"])
        rating.evidence.set(evidence)
        audit_record(
            action="rating.revised",
            obj=rating,
            actor=actor,
            claim=locked,
            before=before,
            after={**rating_snapshot(rating, new_ids), "state": locked.state},
        )
    discard_draft_verdict(
        actor=actor,
        claim=locked,
        note="a rating changed after the verdict was approved; approve it again",
    )
    advance_when_rated(actor=actor, claim=locked)
    sync_instance(claim, locked)
    return rating
