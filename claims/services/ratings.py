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
    approval in the same transaction. A rating (new or revised) is given on the claim's current
    content revision; one given before the last edit of the statement or figures is stale until
    its reviewer revises it or confirms it (rating_confirm, or submitting it unchanged).
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
            claim=locked,
            reviewer=actor,
            scale=scale,
            rationale=rationale,
            content_revision=locked.content_revision,
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
            if rating.content_revision < locked.content_revision:
                # The same rating given again on the edited claim: the reviewer confirms it.
                _confirm(actor, locked, rating)
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
        rating.content_revision = locked.content_revision
        rating.save(
            update_fields=["scale", "rationale", "revision", "content_revision", "updated_at"]
        )
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


def _confirm(actor: Actor, locked: Claim, rating: Rating) -> None:
    before = {"content_revision": rating.content_revision, "state": locked.state}
    rating.content_revision = locked.content_revision
    rating.save(update_fields=["content_revision", "updated_at"])
    audit_record(
        action="rating.confirmed",
        obj=rating,
        actor=actor,
        claim=locked,
        before=before,
        after={"content_revision": rating.content_revision, "state": locked.state},
        note="the rating stands for the edited claim",
    )
    advance_when_rated(actor=actor, claim=locked)


@transaction.atomic
def rating_confirm(*, actor: Actor, claim: Claim, expected_revision: int | None = None) -> Rating:
    """The reviewer says their stale rating still stands for the claim as it was edited since.

    Only one's own rating, and only a stale one: a rating given on the current statement and
    figures has nothing to confirm. Counts again from now on (and may complete the ratings a
    claim in review needs, moving it on to awaiting approval).
    """
    locked = begin(actor=actor, claim=claim, action="rate", expected_version=None)
    rating = (
        Rating.objects.select_for_update()
        .select_related("scale")
        .filter(claim=locked, reviewer_id=actor.pk)
        .first()
    )
    if rating is None:
        raise DomainError(
            "You have not rated this claim: there is no rating of yours to confirm.",
            fields={"rating": ["none"]},
        )
    if expected_revision is not None and expected_revision != rating.revision:
        raise DomainError(
            f"Your rating of this claim changed elsewhere (you had revision {expected_revision}, "
            f"it is now revision {rating.revision}). Reload it and try again.",
            code="conflict",
        )
    if rating.content_revision >= locked.content_revision:
        raise DomainError(
            "Your rating was given on the claim as it is now: there is nothing to confirm.",
            fields={"rating": ["not stale"]},
        )
    _confirm(actor, locked, rating)
    sync_instance(claim, locked)
    return rating
