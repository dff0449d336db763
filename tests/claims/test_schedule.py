"""Deadlines and priority: editors set them on open claims through claim_schedule, audited;
everyone else is refused with a reason, and nothing changes."""

from __future__ import annotations

import datetime as dt

import pytest

from claims import deadlines
from claims.models import ClaimState
from claims.services import KEEP, claim_schedule
from factcheck.errors import DomainError
from factcheck.models import AuditEvent

TODAY = dt.date(2031, 3, 10)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(deadlines, "today", lambda: TODAY)


def test_editor_sets_priority_and_due_date_with_an_audit_event(claim_in, editor):
    claim = claim_in(ClaimState.RESEARCHING)
    version = claim.version
    claim_schedule(
        actor=editor,
        claim=claim,
        priority=4,
        due_date=TODAY + dt.timedelta(days=2),
        expected_version=version,
    )
    claim.refresh_from_db()
    assert (claim.priority, claim.due_date) == (4, dt.date(2031, 3, 12))
    assert claim.version == version + 1
    event = AuditEvent.objects.get(claim=claim, action="claim.scheduled")
    assert event.actor == editor
    assert event.before["priority"] == 0 and event.before["due_date"] is None
    assert event.after["priority"] == 4 and event.after["due_date"] == "2031-03-12"
    assert event.note == "priority Urgent, due 12 March 2031"


def test_keep_leaves_the_due_date_and_none_clears_it(claim_in, editor):
    claim = claim_in(ClaimState.NEW)
    claim_schedule(actor=editor, claim=claim, due_date=TODAY)
    claim_schedule(actor=editor, claim=claim, priority=2, due_date=KEEP)
    claim.refresh_from_db()
    assert (claim.priority, claim.due_date) == (2, TODAY)
    claim_schedule(actor=editor, claim=claim, due_date=None)
    claim.refresh_from_db()
    assert claim.due_date is None and claim.priority == 2


def test_a_fact_checker_may_not_schedule(claim_in, fact_checker):
    claim = claim_in(ClaimState.RESEARCHING, assignee=fact_checker)
    with pytest.raises(DomainError) as refused:
        claim_schedule(actor=fact_checker, claim=claim, priority=3)
    assert refused.value.code == "forbidden"
    assert "Only an editor" in refused.value.message
    claim.refresh_from_db()
    assert claim.priority == 0
    assert not AuditEvent.objects.filter(claim=claim, action="claim.scheduled").exists()


@pytest.mark.parametrize("state", [ClaimState.PUBLISHED, ClaimState.DISMISSED])
def test_closed_claims_have_no_schedule(claim_in, editor, state):
    claim = claim_in(state)
    with pytest.raises(DomainError, match="allowed only when it is new or researching"):
        claim_schedule(actor=editor, claim=claim, due_date=TODAY)


def test_a_new_due_date_in_the_past_is_refused_naming_today(claim_in, editor):
    claim = claim_in(ClaimState.NEW)
    with pytest.raises(DomainError) as refused:
        claim_schedule(actor=editor, claim=claim, due_date=TODAY - dt.timedelta(days=1))
    assert "9 March 2031 is before today (10 March 2031)" in refused.value.message
    assert refused.value.fields == {"due_date": ["in the past"]}


def test_a_priority_off_the_scale_is_refused(claim_in, editor):
    claim = claim_in(ClaimState.NEW)
    with pytest.raises(DomainError) as refused:
        claim_schedule(actor=editor, claim=claim, priority=5)
    assert "urgent, high, normal, low, none" in refused.value.message


def test_a_stale_version_is_a_conflict(claim_in, editor):
    claim = claim_in(ClaimState.NEW)
    with pytest.raises(DomainError) as refused:
        claim_schedule(actor=editor, claim=claim, priority=1, expected_version=claim.version + 1)
    assert refused.value.code == "conflict"


def test_changing_nothing_records_nothing(claim_in, editor):
    claim = claim_in(ClaimState.NEW)
    claim_schedule(actor=editor, claim=claim, priority=0, due_date=None)
    assert not AuditEvent.objects.filter(claim=claim, action="claim.scheduled").exists()


def test_the_scale_comes_from_the_setting(settings, claim_in, editor):
    settings.CLAIM_PRIORITIES = ["Routine", "Breaking"]
    assert deadlines.priority_choices() == [(2, "Breaking"), (1, "Routine"), (0, "No priority")]
    assert deadlines.priority_from_slug("breaking") == 2
    claim = claim_in(ClaimState.NEW)
    with pytest.raises(DomainError):
        claim_schedule(actor=editor, claim=claim, priority=3)
    # A value the shortened scale no longer has is shown as such, not hidden.
    assert deadlines.priority_label(4) == "priority 4 (no longer on the scale)"


def test_only_open_claims_are_overdue():
    past = TODAY - dt.timedelta(days=1)
    assert deadlines.due_status(past, ClaimState.RESEARCHING) == "overdue"
    assert deadlines.due_status(TODAY, ClaimState.NEW) == "today"
    assert deadlines.due_status(past, ClaimState.PUBLISHED) == ""
    assert deadlines.due_status(None, ClaimState.NEW) == ""
