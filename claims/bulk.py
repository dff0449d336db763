"""Bulk actions on many claims: assign, set priority or due date, start research, dismiss.

Each claim goes through the same service as the single action on the claim page, all of them in
one transaction: a claim the service refuses (role, state, a bad input) is rolled back to its own
savepoint and reported with the refusal's message, while the others are kept. Every change has
its service's audit event; every refusal gets a `claim.bulk_refused` event on the claim with the
reason, so the claim's history says what was tried and why it did not happen.

Claims are locked in id order, so two bulk actions over overlapping claims cannot deadlock. A
bulk action acts on each claim as it is when it runs (no expected version): the services' own
state and role checks run on the locked row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from claims import services
from claims.models import Claim
from factcheck.audit import audit_record
from factcheck.errors import DomainError

# At most this many claims per bulk action: one transaction holds their row locks until it ends.
BULK_MAX_CLAIMS = 500

# Action name -> what the page calls it; the services come from _runner.
BULK_ACTIONS: dict[str, str] = {
    "assign": "Assign",
    "priority": "Set priority",
    "due_date": "Set due date",
    "start_research": "Start research",
    "dismiss": "Dismiss",
}


@dataclass(frozen=True)
class BulkOutcome:
    claim_id: int
    text: str
    done: bool
    # What happened, or why the service refused: its DomainError message.
    message: str


@dataclass(frozen=True)
class BulkReport:
    action: str
    outcomes: list[BulkOutcome]

    @property
    def done(self) -> list[BulkOutcome]:
        return [o for o in self.outcomes if o.done]

    @property
    def refused(self) -> list[BulkOutcome]:
        return [o for o in self.outcomes if not o.done]


Run = Callable[[Any, Claim], Any]


def _runner(
    action: str,
    *,
    assignee: Any = None,
    priority: int | None = None,
    due_date: dt.date | None = None,
    reason: str = "",
) -> Run:
    """The single-claim service call of `action`, its inputs checked once for all claims."""
    if action == "assign":
        if assignee is None:
            raise DomainError(
                "Choose whom to assign the claims to.", fields={"assignee": ["required"]}
            )
        return lambda actor, claim: services.claim_assign(
            actor=actor, claim=claim, assignee=assignee
        )
    if action == "start_research":
        return lambda actor, claim: services.claim_start_research(
            actor=actor, claim=claim, assignee=assignee
        )
    if action == "priority":
        if priority is None:
            raise DomainError("Choose the priority to set.", fields={"priority": ["required"]})
        return lambda actor, claim: services.claim_schedule(
            actor=actor, claim=claim, priority=priority
        )
    if action == "due_date":
        # An empty date clears the due date: that is a choice, not a missing input.
        return lambda actor, claim: services.claim_schedule(
            actor=actor, claim=claim, due_date=due_date
        )
    if action == "dismiss":
        if not reason.strip():
            raise DomainError("Dismissing claims needs a reason.", fields={"reason": ["required"]})
        return lambda actor, claim: services.claim_dismiss(actor=actor, claim=claim, reason=reason)
    raise DomainError(f"No bulk action {action!r}.", fields={"action": ["unknown action"]})


def bulk_apply(
    *,
    actor: Any,
    claim_ids: Iterable[int],
    action: str,
    assignee: Any = None,
    priority: int | None = None,
    due_date: dt.date | None = None,
    reason: str = "",
) -> BulkReport:
    """Run `action` on each claim (at most BULK_MAX_CLAIMS) in one transaction; report each."""
    ids = sorted(set(claim_ids))
    if not ids:
        raise DomainError("Select at least one claim.", fields={"claims": ["none selected"]})
    if len(ids) > BULK_MAX_CLAIMS:
        raise DomainError(
            f"{len(ids)} claims are more than one bulk action may change ({BULK_MAX_CLAIMS}): "
            "narrow the filter or select fewer.",
            fields={"claims": ["too many"]},
        )
    run = _runner(action, assignee=assignee, priority=priority, due_date=due_date, reason=reason)
    label = BULK_ACTIONS[action]
    outcomes: list[BulkOutcome] = []
    with transaction.atomic():
        claims = {c.pk: c for c in Claim.objects.filter(pk__in=ids).order_by("pk")}
        for pk in ids:
            claim = claims.get(pk)
            if claim is None:
                outcomes.append(BulkOutcome(pk, "", False, "This claim no longer exists."))
                continue
            before = claim.version
            try:
                with transaction.atomic():
                    run(actor, claim)
            except DomainError as refusal:
                outcomes.append(BulkOutcome(pk, claim.text, False, refusal.message))
                audit_record(
                    action="claim.bulk_refused",
                    obj=claim,
                    actor=actor,
                    after={"bulk_action": action},
                    note=refusal.message,
                )
                continue
            changed = claim.version != before
            outcomes.append(
                BulkOutcome(pk, claim.text, True, "Done." if changed else "Already so: unchanged.")
            )
    return BulkReport(label, outcomes)
