"""The claim's state transitions, one function each: assign, research, review, send back, dismiss.

Each one locks the claim's row, checks the actor's role, the expected version and the state
(claims.workflow), writes the change with its audit event in the same transaction, and announces
a state change on commit (claims.signals). Publishing and corrections live in verdicts.py.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from claims import notifications, workflow
from claims.models import Claim, ClaimState, CommentKind
from claims.services._base import (
    Actor,
    begin,
    claim_snapshot,
    record_change,
    required_text,
    sync_instance,
)
from claims.services.editing import comment_create
from claims.services.verdicts import discard_draft_verdict
from factcheck.errors import DomainError
from factcheck.roles import is_editor, is_fact_checker


def _move(
    actor: Actor,
    claim: Claim,
    locked: Claim,
    *,
    action: str,
    to: str | None = None,
    note: str = "",
    extra: dict[str, Any] | None = None,
    **changes: Any,
) -> Claim:
    """Change the locked claim (its state `to`, and `changes`), save it with its audit event and
    state-change announcement, and copy it back onto the caller's instance."""
    before = claim_snapshot(locked)
    fields = list(changes)
    if to is not None:
        locked.state = to
        fields.insert(0, "state")
    for name, value in changes.items():
        setattr(locked, name, value)
    record_change(
        actor=actor,
        claim=locked,
        before=before,
        action=action,
        fields=fields,
        note=note,
        extra=extra,
    )
    sync_instance(claim, locked)
    return claim


def _check_assignee(actor: Actor, assignee: Actor) -> None:
    if not (getattr(assignee, "is_active", False) and is_fact_checker(assignee)):
        raise DomainError(
            f"{assignee} cannot be assigned: only active fact-checkers and editors work on claims.",
            fields={"assignee": ["not a fact-checker or editor"]},
        )
    if assignee.pk != actor.pk and not is_editor(actor):
        raise DomainError("Only an editor may assign a claim to someone else.", code="forbidden")


@transaction.atomic
def claim_assign(
    *, actor: Actor, claim: Claim, assignee: Actor, expected_version: int | None = None
) -> Claim:
    """Give an open claim to a fact-checker. Editors assign anyone; a fact-checker takes one."""
    locked = begin(actor=actor, claim=claim, action="assign", expected_version=expected_version)
    _check_assignee(actor, assignee)
    if locked.assignee_id == assignee.pk:
        sync_instance(claim, locked)
        return claim
    _move(actor, claim, locked, action="claim.assigned", assignee=assignee)
    notifications.notify_assigned(claim=locked, assignee=assignee, actor=actor)
    return claim


@transaction.atomic
def claim_start_research(
    *,
    actor: Actor,
    claim: Claim,
    assignee: Actor | None = None,
    expected_version: int | None = None,
) -> Claim:
    """new -> researching. The assignee is the one given, else the current one, else the actor."""
    locked = begin(
        actor=actor, claim=claim, action="start_research", expected_version=expected_version
    )
    target = assignee or locked.assignee or actor
    _check_assignee(actor, target)
    newly_assigned = locked.assignee_id != target.pk
    _move(
        actor,
        claim,
        locked,
        action="claim.research_started",
        to=ClaimState.RESEARCHING,
        assignee=target,
    )
    if newly_assigned:
        notifications.notify_assigned(claim=locked, assignee=target, actor=actor)
    return claim


@transaction.atomic
def claim_submit_for_review(
    *, actor: Actor, claim: Claim, expected_version: int | None = None
) -> Claim:
    """researching -> in_review, by the assignee or an editor."""
    locked = begin(
        actor=actor, claim=claim, action="submit_for_review", expected_version=expected_version
    )
    return _move(actor, claim, locked, action="claim.submitted_for_review", to=ClaimState.IN_REVIEW)


@transaction.atomic
def claim_request_approval(
    *, actor: Actor, claim: Claim, expected_version: int | None = None
) -> Claim:
    """in_review -> awaiting_approval once settings.RATINGS_REQUIRED ratings stand.

    Ratings are counted as claims.workflow.rating_tally does: one per person, none that was given
    before the last edit of the claim's statement or figures.

    The same move happens by itself when the last required rating arrives while the claim is in
    review (see advance_when_rated); this is the explicit way, e.g. when the ratings were all
    given during research.
    """
    locked = begin(
        actor=actor, claim=claim, action="request_approval", expected_version=expected_version
    )
    tally = workflow.rating_tally(locked)
    count, required = tally.counted, tally.required
    if not tally.enough:
        raise DomainError(
            f"Cannot request approval: too few ratings ({count} of {required}). "
            f"A claim needs {required} independent ratings before an editor approves it."
            # No names: whoever asks may not yet be allowed to know who rated (the blind rule).
            + "".join(f" {reason}" for reason in tally.reasons(named=False)),
            fields={"ratings": [f"{count} of {required}"]},
        )
    _move(
        actor,
        claim,
        locked,
        action="claim.approval_requested",
        to=ClaimState.AWAITING_APPROVAL,
        note=f"{count} of {required} ratings",
    )
    notifications.notify_awaiting_approval(claim=locked, actor=actor)
    return claim


def advance_when_rated(*, actor: Actor, claim: Claim) -> bool:
    """Move a locked claim in review to awaiting approval if it now has enough ratings."""
    if claim.state != ClaimState.IN_REVIEW:
        return False
    tally = workflow.rating_tally(claim)
    count, required = tally.counted, tally.required
    if not tally.enough:
        return False
    before = claim_snapshot(claim)
    claim.state = ClaimState.AWAITING_APPROVAL
    record_change(
        actor=actor,
        claim=claim,
        before=before,
        action="claim.approval_requested",
        fields=["state"],
        note=f"automatically: {count} of {required} ratings",
    )
    notifications.notify_awaiting_approval(claim=claim, actor=actor)
    return True


@transaction.atomic
def claim_send_back(
    *, actor: Actor, claim: Claim, comment: str, expected_version: int | None = None
) -> Claim:
    """awaiting_approval -> researching, by an editor, with a comment the desk reads later.

    An approved but unpublished verdict is discarded (its text stays in the audit log): after
    more research it must be approved again.
    """
    locked = begin(actor=actor, claim=claim, action="send_back", expected_version=expected_version)
    workflow_comment = required_text(
        comment, "comment", "Sending a claim back needs a comment saying what is missing."
    )
    note = comment_create(
        claim=locked, author=actor, kind=CommentKind.SEND_BACK, body=workflow_comment
    )
    discard_draft_verdict(actor=actor, claim=locked)
    _move(
        actor,
        claim,
        locked,
        action="claim.sent_back",
        to=ClaimState.RESEARCHING,
        note=workflow_comment,
        extra={"comment": note.pk},
    )
    notifications.notify_sent_back(claim=locked, comment=note, actor=actor)
    return claim


@transaction.atomic
def claim_dismiss(
    *, actor: Actor, claim: Claim, reason: str, expected_version: int | None = None
) -> Claim:
    """new -> dismissed (not check-worthy), by an editor, with the reason."""
    locked = begin(actor=actor, claim=claim, action="dismiss", expected_version=expected_version)
    reason = required_text(reason, "reason", "Dismissing a claim needs a reason.")
    note = comment_create(claim=locked, author=actor, kind=CommentKind.DISMISSAL, body=reason)
    return _move(
        actor,
        claim,
        locked,
        action="claim.dismissed",
        to=ClaimState.DISMISSED,
        note=reason,
        extra={"comment": note.pk},
    )


@transaction.atomic
def claim_restore(
    *, actor: Actor, claim: Claim, reason: str = "", expected_version: int | None = None
) -> Claim:
    """dismissed -> new, by an editor; the reason is optional."""
    reason = (reason or "").strip()
    locked = begin(actor=actor, claim=claim, action="restore", expected_version=expected_version)
    extra = {}
    if reason:
        note = comment_create(claim=locked, author=actor, kind=CommentKind.RESTORE, body=reason)
        extra["comment"] = note.pk
    return _move(
        actor,
        claim,
        locked,
        action="claim.restored",
        to=ClaimState.NEW,
        note=reason,
        extra=extra,
    )
