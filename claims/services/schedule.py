"""A claim's schedule: its priority and due date, set by an editor on an open claim.

One write for the claim page, the API's PATCH and the queue's bulk actions: it locks the row,
checks the role, the state and the version, and records a `claim.scheduled` audit event.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from claims import deadlines, workflow
from claims.models import Claim
from claims.services._base import (
    Actor,
    _lock_claim,
    check_version,
    claim_snapshot,
    record_change,
    sync_instance,
)
from factcheck.errors import DomainError
from factcheck.roles import is_editor


class _Keep:
    """The due date is left as it is (None clears it)."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = _Keep()


def schedule_refusal(user: Any, claim: Claim) -> DomainError | None:
    """Why this user may not set this claim's priority or due date now, or None."""
    if not is_editor(user):
        return DomainError(
            "Only an editor may set a claim's priority or due date.", code="forbidden"
        )
    # Only open claims have a schedule: the workflow's rule for the action, and its words.
    return workflow.state_refusal("schedule", claim)


def check_priority(priority: int) -> int:
    top = len(deadlines.priority_labels())
    if not isinstance(priority, int) or isinstance(priority, bool) or not 0 <= priority <= top:
        raise DomainError(
            f"Priority must be one of: {', '.join(deadlines.priority_slugs())}.",
            fields={"priority": ["not on the priority scale"]},
        )
    return priority


def check_due_date(due_date: dt.date | None, current: dt.date | None) -> dt.date | None:
    """A new due date may not lie in the past (an existing one may stay, overdue)."""
    if due_date is None or due_date == current:
        return due_date
    today = deadlines.today()
    if due_date < today:
        raise DomainError(
            f"A due date cannot be in the past: {due_date:%-d %B %Y} is before today "
            f"({today:%-d %B %Y}).",
            fields={"due_date": ["in the past"]},
        )
    return due_date


@transaction.atomic
def claim_schedule(
    *,
    actor: Actor,
    claim: Claim,
    priority: int | None = None,
    due_date: dt.date | None | _Keep = KEEP,
    expected_version: int | None = None,
) -> Claim:
    """Set the priority (None: keep it) and the due date (KEEP: keep it; None: clear it).

    Changing nothing writes nothing and records nothing.
    """
    locked = _lock_claim(claim)
    if (refusal := schedule_refusal(actor, locked)) is not None:
        raise refusal
    check_version(locked, expected_version)
    changes: dict[str, Any] = {}
    if priority is not None and check_priority(priority) != locked.priority:
        changes["priority"] = priority
    if not isinstance(due_date, _Keep):
        due_date = check_due_date(due_date, locked.due_date)
        if due_date != locked.due_date:
            changes["due_date"] = due_date
    if not changes:
        sync_instance(claim, locked)
        return claim
    before = claim_snapshot(locked)
    for name, value in changes.items():
        setattr(locked, name, value)
    parts = []
    if "priority" in changes:
        parts.append(f"priority {deadlines.priority_label(locked.priority) or 'none'}")
    if "due_date" in changes:
        parts.append(f"due {locked.due_date:%-d %B %Y}" if locked.due_date else "no due date")
    record_change(
        actor=actor,
        claim=locked,
        before=before,
        action="claim.scheduled",
        fields=list(changes),
        note=", ".join(parts),
    )
    sync_instance(claim, locked)
    return claim
