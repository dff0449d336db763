"""The editorial workflow's rules: which action a role may take on a claim in which state.

Checks with no writes: the services call them before and after locking a claim, and
selectors call them to tell pages which actions to offer. Each refusal is a DomainError whose
message names the claim's state and what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.conf import settings

from claims.models import Claim, ClaimState, Rating
from factcheck.errors import DomainError
from factcheck.roles import is_editor, is_fact_checker


class Who(Enum):
    FACT_CHECKER = "fact-checker"
    EDITOR = "editor"
    # The claim's assignee (a fact-checker) or any editor.
    ASSIGNEE_OR_EDITOR = "assignee-or-editor"
    # As above, and any fact-checker while nobody is assigned.
    ASSIGNEE_IF_ANY_OR_EDITOR = "assignee-if-any-or-editor"
    # Any editor; a fact-checker only to take an unassigned claim for themselves.
    ASSIGNER = "assigner"


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: frozenset[str]
    # The state the action moves the claim to; None when the state stays.
    target: str | None
    who: Who


S = ClaimState
_OPEN = frozenset({S.NEW, S.RESEARCHING, S.IN_REVIEW, S.AWAITING_APPROVAL})
_RATABLE = frozenset({S.RESEARCHING, S.IN_REVIEW, S.AWAITING_APPROVAL})

ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action(
            "start_research",
            "start research",
            frozenset({S.NEW}),
            S.RESEARCHING,
            Who.ASSIGNEE_IF_ANY_OR_EDITOR,
        ),
        Action("assign", "assign", _OPEN, None, Who.ASSIGNER),
        Action("schedule", "set the priority and due date", _OPEN, None, Who.EDITOR),
        Action(
            "submit_for_review",
            "submit for review",
            frozenset({S.RESEARCHING}),
            S.IN_REVIEW,
            Who.ASSIGNEE_OR_EDITOR,
        ),
        Action(
            "request_approval",
            "request approval",
            frozenset({S.IN_REVIEW}),
            S.AWAITING_APPROVAL,
            Who.ASSIGNEE_OR_EDITOR,
        ),
        Action(
            "send_back", "send back", frozenset({S.AWAITING_APPROVAL}), S.RESEARCHING, Who.EDITOR
        ),
        Action(
            "approve", "approve the verdict", frozenset({S.AWAITING_APPROVAL}), None, Who.EDITOR
        ),
        Action("publish", "publish", frozenset({S.AWAITING_APPROVAL}), S.PUBLISHED, Who.EDITOR),
        Action("correct", "correct the verdict", frozenset({S.PUBLISHED}), None, Who.EDITOR),
        Action("dismiss", "dismiss", frozenset({S.NEW}), S.DISMISSED, Who.EDITOR),
        Action("restore", "restore", frozenset({S.DISMISSED}), S.NEW, Who.EDITOR),
        Action("edit", "edit", frozenset(S.values) - {S.PUBLISHED}, None, Who.FACT_CHECKER),
        Action("rate", "rate", _RATABLE, None, Who.FACT_CHECKER),
        Action("comment", "comment", frozenset(S.values), None, Who.FACT_CHECKER),
    ]
}


def _state_label(state: str) -> str:
    return ClaimState(state).label.lower()


def role_refusal(user: Any, action: str, claim: Claim) -> DomainError | None:
    """Why this user's role does not allow the action on this claim, or None."""
    spec = ACTIONS[action]
    if spec.who is Who.EDITOR:
        allowed = is_editor(user)
        message = f"Only an editor may {spec.label}."
    elif spec.who is Who.FACT_CHECKER:
        allowed = is_fact_checker(user)
        message = f"Only fact-checkers and editors may {spec.label}."
    elif spec.who is Who.ASSIGNEE_OR_EDITOR:
        allowed = is_editor(user) or (
            is_fact_checker(user) and claim.assignee_id is not None and claim.assignee_id == user.pk
        )
        message = f"Only the claim's assignee or an editor may {spec.label}."
    elif spec.who is Who.ASSIGNEE_IF_ANY_OR_EDITOR:
        allowed = is_editor(user) or (
            is_fact_checker(user) and claim.assignee_id in (None, user.pk)
        )
        message = (
            f"This claim is assigned to someone else; only they or an editor may {spec.label}."
        )
    else:
        allowed = is_editor(user) or (is_fact_checker(user) and claim.assignee_id is None)
        message = "Only an editor may reassign a claim; a fact-checker may take an unassigned one."
    return None if allowed else DomainError(message, code="forbidden")


def state_refusal(action: str, claim: Claim) -> DomainError | None:
    """Why the claim's state does not allow the action, or None."""
    spec = ACTIONS[action]
    if claim.state in spec.sources:
        return None
    allowed = " or ".join(_state_label(s) for s in S.values if s in spec.sources)
    possible = ", ".join(a.label for a in ACTIONS.values() if claim.state in a.sources)
    return DomainError(
        f"Cannot {spec.label}: the claim is {_state_label(claim.state)}; "
        f"{spec.label} is allowed only when it is {allowed}. "
        f"While {_state_label(claim.state)} you may: {possible}.",
        code="invalid",
        fields={"state": [claim.state]},
    )


def require_role(user: Any, action: str, claim: Claim) -> None:
    if (refusal := role_refusal(user, action, claim)) is not None:
        raise refusal


def require_state(action: str, claim: Claim) -> None:
    if (refusal := state_refusal(action, claim)) is not None:
        raise refusal


def allowed_actions(user: Any, claim: Claim) -> list[str]:
    """The actions this user's role and the claim's state allow (inputs are checked later)."""
    return [
        name
        for name in ACTIONS
        if role_refusal(user, name, claim) is None and state_refusal(name, claim) is None
    ]


# Independent ratings ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingTally:
    """The ratings of a claim that count toward settings.RATINGS_REQUIRED, and why others do not.

    A rating counts once per person, when it was given on (or confirmed for) the claim's current
    statement and figures, and when its reviewer is not the approving editor (unless
    settings.APPROVER_MAY_RATE).
    """

    counted: int
    required: int
    # Usernames whose ratings predate the last edit of the claim's statement or figures.
    stale: tuple[str, ...] = ()
    # The approver's own rating was set aside.
    approver_excluded: bool = False

    @property
    def enough(self) -> bool:
        return self.counted >= self.required

    def reasons(self, *, named: bool = True) -> list[str]:
        """Why ratings given do not count: stale ones, the approver's own. `named=False` leaves
        the reviewers' names out, for people the blind rule keeps from knowing who rated."""
        reasons = []
        if self.stale:
            who = (
                f"The rating of {', '.join(self.stale)} was"
                if named
                else f"{len(self.stale)} of the ratings were"
            )
            reasons.append(
                f"{who} given before the claim's statement or figures were last edited: "
                f"{'it counts' if named else 'they count'} again once confirmed or revised."
            )
        if self.approver_excluded:
            reasons.append(
                "Your own rating does not count: the approving editor must not be one of the "
                "reviewers. Ask another editor to approve, or another reviewer to rate."
            )
        return reasons

    def summary(self) -> str:
        """The count and the reasons, in the desk's words (for the editor's panel)."""
        head = f"{self.counted} of {self.required} independent ratings count."
        return " ".join([head, *self.reasons()])


def rating_tally(claim: Claim, *, approver: Any = None) -> RatingTally:
    """Count the claim's ratings that stand, as of the claim's current content revision."""
    rows = Rating.objects.filter(claim_id=claim.pk).values_list(
        "reviewer_id", "reviewer__username", "content_revision"
    )
    counted: set[int] = set()
    stale: list[str] = []
    excluded = False
    for reviewer_id, username, revision in rows.order_by("created_at", "id"):
        if revision < claim.content_revision:
            stale.append(username)
        elif approver is not None and reviewer_id == approver.pk and not settings.APPROVER_MAY_RATE:
            excluded = True
        else:
            counted.add(reviewer_id)
    return RatingTally(
        counted=len(counted),
        required=settings.RATINGS_REQUIRED,
        stale=tuple(stale),
        approver_excluded=excluded,
    )


def is_stale(rating: Rating, claim: Claim) -> bool:
    """The rating was given on an earlier statement or figures of the claim."""
    return rating.content_revision < claim.content_revision
