"""Writes for verdicts: approve a version, publish it, correct a published verdict."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from claims import notifications, workflow
from claims.models import Claim, ClaimState, RatingScale, VerdictVersion
from claims.services._base import (
    Actor,
    begin,
    check_scale,
    claim_evidence,
    claim_snapshot,
    record_change,
    required_text,
    save_claim,
    sync_instance,
)
from claims.signals import send_on_commit, verdict_published
from factcheck.audit import audit_record
from factcheck.errors import DomainError

CONCLUSION_MAX: int = VerdictVersion._meta.get_field("conclusion").max_length or 0


def verdict_snapshot(verdict: VerdictVersion, evidence_ids: Iterable[int]) -> dict[str, Any]:
    return {
        "number": verdict.number,
        "rating": verdict.rating.slug,
        "conclusion": verdict.conclusion,
        "explanation": verdict.explanation,
        "evidence": sorted(evidence_ids),
        "approved_by": verdict.approved_by_id,
        "approved_at": verdict.approved_at.isoformat(),
        "published_at": verdict.published_at.isoformat() if verdict.published_at else None,
        "correction_note": verdict.correction_note,
    }


def _verdict_text(conclusion: str, explanation: str) -> tuple[str, str]:
    conclusion = required_text(conclusion, "conclusion", "A verdict needs a one-line conclusion.")
    if len(conclusion) > CONCLUSION_MAX:
        raise DomainError(
            f"The conclusion is {len(conclusion)} characters; keep it to {CONCLUSION_MAX}.",
            fields={"conclusion": ["too long"]},
        )
    explanation = required_text(explanation, "explanation", "A verdict needs an explanation.")
    return conclusion, explanation


# "not true", "isn't false": a label negated is not the verdict naming that rating.
_NEGATED = re.compile(r"(?:\bnot|n't|\bno|\bnever)\s+$", re.IGNORECASE)


def _labels_named(text: str, labels: list[RatingScale]) -> list[RatingScale]:
    """The scale entries whose label `text` names (whole words, longest label first, so "Mostly
    false" is not also "False"), leaving out negated mentions."""
    named: list[RatingScale] = []
    taken: list[tuple[int, int]] = []
    for entry in sorted(labels, key=lambda e: -len(e.label)):
        pattern = re.compile(rf"(?<!\w){re.escape(entry.label)}(?!\w)", re.IGNORECASE)
        for found in pattern.finditer(text):
            span = found.span()
            if any(start < span[1] and span[0] < end for start, end in taken):
                continue
            taken.append(span)
            if not _NEGATED.search(text[: span[0]]) and entry not in named:
                named.append(entry)
    return named


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]


def check_verdict_consistency(
    *,
    rating: RatingScale,
    conclusion: str,
    explanation: str,
    previous: VerdictVersion | None = None,
) -> None:
    """Refuse a verdict whose words say another rating than the one it gives.

    The conclusion, and the explanation's first sentence, may not name another entry of the
    scale ("False: ..." rated Mostly true). A correction that changes the rating must change the
    conclusion and the explanation too: the old words argued for the old rating.
    """
    entries = list(RatingScale.objects.all())
    for field, text in (("conclusion", conclusion), ("explanation", _first_sentence(explanation))):
        others = [e for e in _labels_named(text, entries) if e.pk != rating.pk]
        if others:
            named = ", ".join(f"“{e.label}”" for e in others)
            where = "conclusion" if field == "conclusion" else "explanation's first sentence"
            raise DomainError(
                f"The {where} says {named} but the rating is “{rating.label}”: make the words "
                f"and the rating agree.",
                fields={field: [f"names another rating: {named}"]},
            )
    if previous is not None and previous.rating_id != rating.pk:
        for field, old, new in (
            ("conclusion", previous.conclusion, conclusion),
            ("explanation", previous.explanation, explanation),
        ):
            if old.strip() == new.strip():
                raise DomainError(
                    f"The rating changes from “{previous.rating.label}” to “{rating.label}” but "
                    f"the {field} is still the one of version {previous.number}: say why the "
                    f"rating changed.",
                    fields={field: ["unchanged while the rating changed"]},
                )


def _draft(claim: Claim) -> VerdictVersion | None:
    return (
        VerdictVersion.objects.select_for_update()
        .select_related("rating")
        .filter(claim=claim, published_at__isnull=True)
        .first()
    )


def _evidence_ids(verdict: VerdictVersion) -> list[int]:
    return sorted(verdict.evidence.values_list("pk", flat=True))


@transaction.atomic
def verdict_approve(
    *,
    actor: Actor,
    claim: Claim,
    expected_version: int | None = None,
    rating: RatingScale,
    conclusion: str,
    explanation: str,
    evidence_ids: Iterable[int] = (),
) -> VerdictVersion:
    """An editor approves the verdict of a claim awaiting approval; claim_publish publishes it.

    The first approval writes version 1. Approving again before publication rewrites that same
    unpublished version (version numbers are public, and every number after 1 is a correction);
    the audit log keeps what it said before. The claim's version is bumped, so an editor who
    publishes with an older expected_version gets a conflict instead of publishing unseen text.

    The approver is a second pair of eyes: settings.RATINGS_REQUIRED ratings by other people,
    none of them stale (claims.workflow.rating_tally), must stand, unless APPROVER_MAY_RATE.
    The conclusion and explanation must not name another rating (check_verdict_consistency).
    """
    locked = begin(actor=actor, claim=claim, action="approve", expected_version=expected_version)
    tally = workflow.rating_tally(locked, approver=actor)
    if not tally.enough:
        raise DomainError(
            f"Cannot approve: {tally.summary()}",
            fields={"ratings": [f"{tally.counted} of {tally.required}"]},
        )
    check_scale(rating, "rating")
    conclusion, explanation = _verdict_text(conclusion, explanation)
    check_verdict_consistency(rating=rating, conclusion=conclusion, explanation=explanation)
    evidence = claim_evidence(locked, evidence_ids)
    now = timezone.now()
    draft = _draft(locked)
    if draft is not None:
        before = {**verdict_snapshot(draft, _evidence_ids(draft)), "state": locked.state}
        draft.rating = rating
        draft.conclusion = conclusion
        draft.explanation = explanation
        draft.approved_by = actor
        draft.approved_at = now
        draft.save(
            update_fields=["rating", "conclusion", "explanation", "approved_by", "approved_at"]
        )
        verdict = draft
    else:
        before = {"state": locked.state}
        latest = VerdictVersion.objects.filter(claim=locked).aggregate(n=Max("number"))["n"]
        verdict = VerdictVersion.objects.create(
            claim=locked,
            number=(latest or 0) + 1,
            rating=rating,
            conclusion=conclusion,
            explanation=explanation,
            approved_by=actor,
            approved_at=now,
        )
    verdict.evidence.set(evidence)
    save_claim(locked, [])
    audit_record(
        action="verdict.approved",
        obj=verdict,
        actor=actor,
        claim=locked,
        before=before,
        after={
            **verdict_snapshot(verdict, [e.pk for e in evidence]),
            "state": locked.state,
            "claim_version": locked.version,
        },
    )
    sync_instance(claim, locked)
    verdict.claim = claim
    return verdict


def discard_draft_verdict(*, actor: Actor, claim: Claim, note: str = "") -> VerdictVersion | None:
    """Inside a transition on a locked claim: delete the unpublished verdict, audit keeps it.

    Also called when a rating or the claim's content changes after the verdict was approved: the
    approval was given on what the claim and its ratings were then, so it must be given again.
    A draft exists only while the claim awaits approval (approving needs that state; sending
    back and publishing end it), so in any other state there is nothing to look for.
    """
    if claim.state != ClaimState.AWAITING_APPROVAL:
        return None
    draft = _draft(claim)
    if draft is None:
        return None
    audit_record(
        action="verdict.discarded",
        obj=draft,
        actor=actor,
        claim=claim,
        before={**verdict_snapshot(draft, _evidence_ids(draft)), "state": claim.state},
        note=note,
    )
    draft.delete()
    return draft


@transaction.atomic
def claim_publish(*, actor: Actor, claim: Claim, expected_version: int | None = None) -> Claim:
    """awaiting_approval -> published, by an editor: the approved verdict goes public.

    Sets published_at on the verdict version and the claim, and the claim's rating to the
    verdict's. Announces claim_state_changed and verdict_published on commit.
    """
    locked = begin(actor=actor, claim=claim, action="publish", expected_version=expected_version)
    draft = _draft(locked)
    if draft is None:
        raise DomainError(
            "Cannot publish: no verdict has been approved for this claim yet; approve one first.",
            fields={"verdict": ["none approved"]},
        )
    now = timezone.now()
    draft.published_at = now
    draft.save(update_fields=["published_at"])
    before = claim_snapshot(locked)
    locked.state = ClaimState.PUBLISHED
    locked.published_at = locked.published_at or now
    locked.rating_id = draft.rating_id
    record_change(
        actor=actor,
        claim=locked,
        before=before,
        action="claim.published",
        fields=["state", "published_at", "rating"],
        note=f"verdict v{draft.number}: {draft.rating.label}",
        extra={"verdict": draft.number},
    )
    send_on_commit(
        verdict_published,
        sender=VerdictVersion,
        claim_id=locked.pk,
        verdict_id=draft.pk,
        number=draft.number,
        is_correction=False,
        actor_id=actor.pk,
    )
    notifications.notify_published(claim=locked, actor=actor)
    sync_instance(claim, locked)
    return claim


@transaction.atomic
def verdict_correct(
    *,
    actor: Actor,
    claim: Claim,
    expected_version: int | None = None,
    rating: RatingScale,
    conclusion: str,
    explanation: str,
    correction_note: str,
    evidence_ids: Iterable[int] = (),
) -> VerdictVersion:
    """An editor corrects a published verdict: version n+1, published at once, with a public note.

    Earlier versions stay as they were; the claim's rating follows the new version. The new
    version's words must agree with its rating (check_verdict_consistency).
    """
    locked = begin(actor=actor, claim=claim, action="correct", expected_version=expected_version)
    check_scale(rating, "rating")
    conclusion, explanation = _verdict_text(conclusion, explanation)
    correction_note = required_text(
        correction_note,
        "correction_note",
        "A correction needs a public note saying what changed and why.",
    )
    evidence = claim_evidence(locked, evidence_ids)
    previous = (
        VerdictVersion.objects.select_related("rating")
        .filter(claim=locked, published_at__isnull=False)
        .order_by("-number")
        .first()
    )
    if previous is None:  # a published claim always has one; refuse rather than invent number 1
        raise DomainError("This claim has no published verdict to correct.")
    check_verdict_consistency(
        rating=rating, conclusion=conclusion, explanation=explanation, previous=previous
    )
    now = timezone.now()
    verdict = VerdictVersion.objects.create(
        claim=locked,
        number=previous.number + 1,
        rating=rating,
        conclusion=conclusion,
        explanation=explanation,
        approved_by=actor,
        approved_at=now,
        published_at=now,
        correction_note=correction_note,
    )
    verdict.evidence.set(evidence)
    locked.rating = rating
    save_claim(locked, ["rating"])
    audit_record(
        action="verdict.corrected",
        obj=verdict,
        actor=actor,
        claim=locked,
        before={**verdict_snapshot(previous, _evidence_ids(previous)), "state": locked.state},
        after={
            **verdict_snapshot(verdict, [e.pk for e in evidence]),
            "state": locked.state,
            "claim_version": locked.version,
        },
        note=correction_note,
    )
    send_on_commit(
        verdict_published,
        sender=VerdictVersion,
        claim_id=locked.pk,
        verdict_id=verdict.pk,
        number=verdict.number,
        is_correction=True,
        actor_id=actor.pk,
    )
    sync_instance(claim, locked)
    verdict.claim = claim
    return verdict
