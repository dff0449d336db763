"""Each workflow transition: who may take it, from which states, and the audit event it writes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from claims import services, workflow
from claims.models import Claim, ClaimComment, ClaimState, CommentKind
from claims.selectors import claim_comments, claim_history
from claims.signals import claim_state_changed, verdict_published
from factcheck.errors import DomainError
from factcheck.roles import EDITOR, FACT_CHECKER

S = ClaimState
ROLES = ["assignee", "fact_checker", "editor", "staff_admin", "outsider"]
EDITORS = frozenset({"editor", "staff_admin"})
ASSIGNEE_OR_EDITORS = EDITORS | {"assignee"}
DESK = ASSIGNEE_OR_EDITORS | {"fact_checker"}


@pytest.fixture
def people(make_user, staff_admin, outsider):
    return {
        "assignee": make_user(FACT_CHECKER),
        "fact_checker": make_user(FACT_CHECKER),
        "editor": make_user(EDITOR),
        "staff_admin": staff_admin,
        "outsider": outsider,
        # Not an actor: the one an assignment hands the claim to.
        "other": make_user(FACT_CHECKER),
    }


@dataclass(frozen=True)
class Case:
    action: str
    state: str  # a state the action is allowed from
    audit: str
    after: str
    allowed: frozenset[str]
    call: Callable[[Any, Claim, dict], Any]
    setup: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return self.action


CASES = [
    Case(
        "start_research",
        S.NEW,
        "claim.research_started",
        S.RESEARCHING,
        ASSIGNEE_OR_EDITORS,
        lambda a, c, x: services.claim_start_research(actor=a, claim=c),
    ),
    Case(
        "assign",
        S.RESEARCHING,
        "claim.assigned",
        S.RESEARCHING,
        EDITORS,
        lambda a, c, x: services.claim_assign(actor=a, claim=c, assignee=x["other"]),
    ),
    Case(
        "schedule",
        S.RESEARCHING,
        "claim.scheduled",
        S.RESEARCHING,
        EDITORS,
        lambda a, c, x: services.claim_schedule(actor=a, claim=c, priority=3),
    ),
    Case(
        "submit_for_review",
        S.RESEARCHING,
        "claim.submitted_for_review",
        S.IN_REVIEW,
        ASSIGNEE_OR_EDITORS,
        lambda a, c, x: services.claim_submit_for_review(actor=a, claim=c),
    ),
    Case(
        "request_approval",
        S.IN_REVIEW,
        "claim.approval_requested",
        S.AWAITING_APPROVAL,
        ASSIGNEE_OR_EDITORS,
        lambda a, c, x: services.claim_request_approval(actor=a, claim=c),
        {"ratings": 2},
    ),
    Case(
        "send_back",
        S.AWAITING_APPROVAL,
        "claim.sent_back",
        S.RESEARCHING,
        EDITORS,
        lambda a, c, x: services.claim_send_back(
            actor=a, claim=c, comment="Find the customs office's own figure."
        ),
    ),
    Case(
        "approve",
        S.AWAITING_APPROVAL,
        "verdict.approved",
        S.AWAITING_APPROVAL,
        EDITORS,
        lambda a, c, x: services.verdict_approve(
            actor=a,
            claim=c,
            rating=x["scale"]("false"),
            conclusion="False: exports fell.",
            explanation="Customs data show a 4% fall.",
        ),
        {"ratings": 2},
    ),
    Case(
        "publish",
        S.AWAITING_APPROVAL,
        "claim.published",
        S.PUBLISHED,
        EDITORS,
        lambda a, c, x: services.claim_publish(actor=a, claim=c),
        {"verdict": True},
    ),
    Case(
        "correct",
        S.PUBLISHED,
        "verdict.corrected",
        S.PUBLISHED,
        EDITORS,
        lambda a, c, x: services.verdict_correct(
            actor=a,
            claim=c,
            rating=x["scale"]("mostly-false"),
            conclusion="Mostly false: exports were flat.",
            explanation="Revised customs data show no change.",
            correction_note="Customs revised its 2022 figures.",
        ),
    ),
    Case(
        "dismiss",
        S.NEW,
        "claim.dismissed",
        S.DISMISSED,
        EDITORS,
        lambda a, c, x: services.claim_dismiss(actor=a, claim=c, reason="An opinion, not a fact."),
    ),
    Case(
        "restore",
        S.DISMISSED,
        "claim.restored",
        S.NEW,
        EDITORS,
        lambda a, c, x: services.claim_restore(actor=a, claim=c),
    ),
    Case(
        "edit",
        S.RESEARCHING,
        "claim.updated",
        S.RESEARCHING,
        DESK,
        lambda a, c, x: services.claim_update(
            actor=a, claim=c, expected_version=c.version, text="Exports rose 42% in 2022."
        ),
    ),
    Case(
        "rate",
        S.IN_REVIEW,
        "rating.submitted",
        S.IN_REVIEW,
        DESK,
        lambda a, c, x: services.rating_submit(
            actor=a, claim=c, scale=x["scale"]("false"), rationale="Customs data disagree."
        ),
    ),
    Case(
        "comment",
        S.NEW,
        "claim.commented",
        S.NEW,
        DESK,
        lambda a, c, x: services.claim_comment_add(actor=a, claim=c, body="Ask the ministry."),
    ),
]


def test_the_cases_cover_every_workflow_action():
    assert sorted(c.action for c in CASES) == sorted(workflow.ACTIONS)
    for case in CASES:
        assert case.state in workflow.ACTIONS[case.action].sources


@pytest.fixture
def ctx(people, scale):
    return {"scale": scale, "other": people["other"]}


def _trail(claim: Claim) -> list[tuple[str, int]]:
    return [(e.action, e.pk) for e in claim_history(claim)]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_who_may_take_each_transition(case, role, people, claim_in, ctx):
    claim = claim_in(case.state, assignee=people["assignee"], **case.setup)
    actor = people[role]
    trail, version = _trail(claim), claim.version
    if role in case.allowed:
        case.call(actor, claim, ctx)
        events = list(claim_history(claim))[len(trail) :]
        assert [e.action for e in events] == [case.audit]
        event = events[0]
        assert event.actor == actor
        assert event.before.get("state", case.state) == case.state
        assert event.after["state"] == case.after
        assert Claim.objects.get(pk=claim.pk).state == case.after
    else:
        with pytest.raises(DomainError) as refused:
            case.call(actor, claim, ctx)
        assert refused.value.code == "forbidden"
        assert refused.value.http_status == 403
        fresh = Claim.objects.get(pk=claim.pk)
        assert (fresh.state, fresh.version) == (case.state, version)
        assert _trail(claim) == trail


WRONG_STATES = [
    (case, state)
    for case in CASES
    for state in S.values
    if state not in workflow.ACTIONS[case.action].sources
]


@pytest.mark.parametrize(
    ("case", "state"), WRONG_STATES, ids=[f"{c.action}-from-{s}" for c, s in WRONG_STATES]
)
def test_each_transition_is_refused_from_the_other_states(case, state, people, claim_in, ctx):
    claim = claim_in(state, assignee=people["assignee"], **case.setup)
    trail, version = _trail(claim), claim.version
    with pytest.raises(DomainError) as refused:
        case.call(people["editor"], claim, ctx)
    error = refused.value
    assert error.code == "invalid"
    label = S(state).label.lower()
    allowed = " or ".join(
        S(s).label.lower() for s in S.values if s in workflow.ACTIONS[case.action].sources
    )
    assert f"the claim is {label}" in error.message
    assert f"allowed only when it is {allowed}" in error.message
    fresh = Claim.objects.get(pk=claim.pk)
    assert (fresh.state, fresh.version) == (state, version)
    assert _trail(claim) == trail


def test_wrong_state_message_says_what_is_possible_instead(claim_in, editor):
    claim = claim_in(S.IN_REVIEW)
    with pytest.raises(DomainError) as refused:
        services.claim_publish(actor=editor, claim=claim)
    assert refused.value.message == (
        "Cannot publish: the claim is in review; publish is allowed only when it is awaiting "
        "approval. While in review you may: assign, set the priority and due date, request "
        "approval, edit, rate, comment."
    )


@pytest.mark.parametrize("comment", ["", "   \n"])
def test_send_back_needs_a_comment(comment, claim_in, editor):
    claim = claim_in(S.AWAITING_APPROVAL, ratings=2)
    trail = _trail(claim)
    with pytest.raises(DomainError) as refused:
        services.claim_send_back(actor=editor, claim=claim, comment=comment)
    assert refused.value.code == "invalid"
    assert refused.value.fields == {"comment": ["required"]}
    assert "needs a comment" in refused.value.message
    assert Claim.objects.get(pk=claim.pk).state == S.AWAITING_APPROVAL
    assert _trail(claim) == trail
    assert not ClaimComment.objects.exists()


def test_send_back_comment_is_kept_readable_and_audited(claim_in, editor, fact_checker):
    claim = claim_in(S.AWAITING_APPROVAL, assignee=fact_checker, ratings=2)
    services.claim_send_back(
        actor=editor, claim=claim, comment="  The 43% compares different years.  "
    )
    (comment,) = claim_comments(claim)
    assert (comment.kind, comment.author, comment.body) == (
        CommentKind.SEND_BACK,
        editor,
        "The 43% compares different years.",
    )
    assert comment.claim_state == S.AWAITING_APPROVAL
    event = claim_history(claim).last()
    assert event.action == "claim.sent_back"
    assert event.note == "The 43% compares different years."
    assert event.after["comment"] == comment.pk
    # Back with the same researcher, who finds it in their queue.
    assert (claim.state, claim.assignee) == (S.RESEARCHING, fact_checker)


def test_dismiss_needs_a_reason_and_restore_brings_the_claim_back(claim_in, editor):
    claim = claim_in(S.NEW)
    with pytest.raises(DomainError) as refused:
        services.claim_dismiss(actor=editor, claim=claim, reason=" ")
    assert refused.value.fields == {"reason": ["required"]}
    services.claim_dismiss(actor=editor, claim=claim, reason="Opinion, not checkable.")
    services.claim_restore(actor=editor, claim=claim, reason="It has a figure after all.")
    assert claim.state == S.NEW
    assert [(c.kind, c.body) for c in claim_comments(claim)] == [
        (CommentKind.DISMISSAL, "Opinion, not checkable."),
        (CommentKind.RESTORE, "It has a figure after all."),
    ]
    assert [(e.action, e.before.get("state"), e.after["state"]) for e in claim_history(claim)] == [
        ("claim.created", None, S.NEW),
        ("claim.dismissed", S.NEW, S.DISMISSED),
        ("claim.restored", S.DISMISSED, S.NEW),
    ]


@pytest.mark.parametrize(("required", "ratings"), [(2, 0), (2, 1), (3, 2)])
def test_approval_is_refused_with_too_few_ratings(required, ratings, settings, claim_in, editor):
    settings.RATINGS_REQUIRED = required
    claim = claim_in(S.IN_REVIEW, ratings=ratings)
    with pytest.raises(DomainError) as refused:
        services.claim_request_approval(actor=editor, claim=claim)
    assert refused.value.code == "invalid"
    assert f"too few ratings ({ratings} of {required})" in refused.value.message
    assert Claim.objects.get(pk=claim.pk).state == S.IN_REVIEW


def test_start_research_assigns_the_actor_by_default(claim_in, fact_checker):
    claim = claim_in(S.NEW)
    services.claim_start_research(actor=fact_checker, claim=claim)
    assert (claim.state, claim.assignee) == (S.RESEARCHING, fact_checker)
    event = claim_history(claim).last()
    assert (event.before["assignee"], event.after["assignee"]) == (None, fact_checker.pk)


def test_start_research_keeps_the_assignee_an_editor_chose(claim_in, editor, make_user):
    chosen = make_user(FACT_CHECKER)
    claim = claim_in(S.NEW)
    services.claim_assign(actor=editor, claim=claim, assignee=chosen)
    services.claim_start_research(actor=chosen, claim=claim)
    assert claim.assignee == chosen


def test_editor_starts_research_for_a_fact_checker(claim_in, editor, fact_checker):
    claim = claim_in(S.NEW)
    services.claim_start_research(actor=editor, claim=claim, assignee=fact_checker)
    assert claim.assignee == fact_checker


def test_a_fact_checker_cannot_put_someone_else_on_a_claim(claim_in, make_user):
    me, colleague = make_user(FACT_CHECKER), make_user(FACT_CHECKER)
    claim = claim_in(S.NEW)
    with pytest.raises(DomainError) as refused:
        services.claim_start_research(actor=me, claim=claim, assignee=colleague)
    assert refused.value.code == "forbidden"
    with pytest.raises(DomainError) as refused:
        services.claim_assign(actor=me, claim=claim, assignee=colleague)
    assert refused.value.code == "forbidden"


def test_a_fact_checker_takes_an_unassigned_claim(claim_in, fact_checker):
    claim = claim_in(S.IN_REVIEW)
    services.claim_assign(actor=fact_checker, claim=claim, assignee=fact_checker)
    assert claim.assignee == fact_checker
    assert claim_history(claim).last().action == "claim.assigned"


@pytest.mark.parametrize("who", ["outsider", "inactive"])
def test_only_active_desk_members_can_be_assigned(who, claim_in, editor, outsider, make_user):
    assignee = outsider
    if who == "inactive":
        assignee = make_user(FACT_CHECKER)
        assignee.is_active = False
        assignee.save(update_fields=["is_active"])
    claim = claim_in(S.NEW)
    with pytest.raises(DomainError) as refused:
        services.claim_start_research(actor=editor, claim=claim, assignee=assignee)
    assert (refused.value.code, list(refused.value.fields)) == ("invalid", ["assignee"])


def test_assigning_the_same_person_again_writes_nothing(claim_in, editor, fact_checker):
    claim = claim_in(S.RESEARCHING, assignee=fact_checker)
    trail, version = _trail(claim), claim.version
    services.claim_assign(actor=editor, claim=claim, assignee=fact_checker)
    assert (_trail(claim), claim.version) == (trail, version)


def test_every_transition_bumps_the_version_and_updates_the_callers_instance(
    claim_in, fact_checker
):
    claim = claim_in(S.NEW)
    services.claim_start_research(actor=fact_checker, claim=claim, expected_version=1)
    assert (claim.state, claim.version) == (S.RESEARCHING, 2)
    services.claim_submit_for_review(actor=fact_checker, claim=claim, expected_version=2)
    assert (claim.state, claim.version) == (S.IN_REVIEW, 3)


def test_a_stale_version_is_a_conflict_carrying_the_current_claim(claim_in, make_user):
    first, second = make_user(EDITOR), make_user(EDITOR)
    claim = claim_in(S.NEW)
    stale = Claim.objects.get(pk=claim.pk)
    services.claim_dismiss(actor=first, claim=claim, reason="Not checkable.", expected_version=1)
    with pytest.raises(DomainError) as refused:
        services.claim_start_research(actor=second, claim=stale, expected_version=1)
    error = refused.value
    assert (error.code, error.http_status) == ("conflict", 409)
    assert error.current["state"] == S.DISMISSED
    assert error.current["version"] == 2
    assert "version 1" in error.message and "version 2" in error.message
    assert claim_history(claim).last().action == "claim.dismissed"


def test_state_changes_are_announced_after_commit(
    claim_in, fact_checker, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs | {"sender": sender})

    claim_state_changed.connect(receiver)
    try:
        claim = claim_in(S.NEW)
        with django_capture_on_commit_callbacks() as callbacks:
            services.claim_start_research(actor=fact_checker, claim=claim)
            assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
    finally:
        claim_state_changed.disconnect(receiver)
    assert received == [
        {
            "sender": Claim,
            "signal": claim_state_changed,
            "claim_id": claim.pk,
            "from_state": S.NEW,
            "to_state": S.RESEARCHING,
            "action": "claim.research_started",
            "actor_id": fact_checker.pk,
        }
    ]


def test_a_refused_transition_announces_nothing(
    claim_in, fact_checker, django_capture_on_commit_callbacks
):
    claim = claim_in(S.NEW)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(DomainError):
        services.claim_publish(actor=fact_checker, claim=claim)
    assert callbacks == []


def test_a_failing_receiver_is_logged_and_does_not_undo_the_transition(
    claim_in, editor, django_capture_on_commit_callbacks, caplog
):
    def broken(sender, **kwargs):
        raise RuntimeError("webhook endpoint down")

    delivered = []

    def record(sender, **kwargs):
        delivered.append(kwargs["number"])

    verdict_published.connect(broken)
    verdict_published.connect(record)
    try:
        claim = claim_in(S.AWAITING_APPROVAL, verdict=True)
        with (
            caplog.at_level(logging.ERROR, logger="claims.signals"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            services.claim_publish(actor=editor, claim=claim)
    finally:
        # Only this test's receivers: the app's own (API webhooks) must stay connected.
        verdict_published.disconnect(broken)
        verdict_published.disconnect(record)
    assert delivered == [1]
    assert "webhook endpoint down" in caplog.text
    assert Claim.objects.get(pk=claim.pk).state == S.PUBLISHED
