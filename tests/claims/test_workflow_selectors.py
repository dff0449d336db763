"""The workflow's shared reads: visibility, my queue, the history, the actions to offer."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from claims.models import ClaimState
from claims.selectors import claim_actions_for, claim_history, claims_visible_to, my_queue
from claims.services import claim_assign, claim_dismiss, claim_restore, claim_submit_for_review
from factcheck.roles import EDITOR, FACT_CHECKER

S = ClaimState


@pytest.fixture
def one_of_each(claim_in):
    return {state: claim_in(state) for state in S.values}


@pytest.mark.parametrize(
    ("who", "states"),
    [
        ("anonymous", {S.PUBLISHED}),
        ("outsider", {S.PUBLISHED}),
        ("fact_checker", set(S.values)),
        ("editor", set(S.values)),
        ("staff_admin", set(S.values)),
    ],
)
def test_only_the_desk_sees_unpublished_claims(
    who, states, one_of_each, fact_checker, editor, staff_admin, outsider
):
    user = {
        "anonymous": AnonymousUser(),
        "outsider": outsider,
        "fact_checker": fact_checker,
        "editor": editor,
        "staff_admin": staff_admin,
    }[who]
    assert {c.state for c in claims_visible_to(user)} == states


def test_my_queue_lists_my_open_claims_most_recently_changed_first(
    claim_in, make_user, editor, django_assert_num_queries
):
    me, colleague = make_user(FACT_CHECKER), make_user(FACT_CHECKER)
    older = claim_in(S.RESEARCHING, assignee=me, text="Older claim.")
    newer = claim_in(S.NEW, assignee=me, text="Newer claim.")
    claim_in(S.PUBLISHED, assignee=me)
    claim_in(S.DISMISSED, assignee=me)
    claim_in(S.RESEARCHING, assignee=colleague)
    waiting = claim_in(S.RESEARCHING, assignee=colleague, text="Handed over.")
    claim_assign(actor=editor, claim=waiting, assignee=me)  # changed last: first in the queue
    with django_assert_num_queries(1):
        queue = [(c.text, c.assignee.username, c.rating, c.article) for c in my_queue(me)]
    assert [text for text, *_ in queue] == ["Handed over.", newer.text, older.text]
    claim_submit_for_review(actor=me, claim=older)
    assert [c.pk for c in my_queue(me)][0] == older.pk
    assert list(my_queue(AnonymousUser())) == []


def test_the_queue_and_the_public_list_do_not_grow_queries_with_their_length(
    claim_in, make_user, django_assert_num_queries
):
    me = make_user(FACT_CHECKER)
    for _ in range(6):
        claim_in(S.RESEARCHING, assignee=me)
        claim_in(S.PUBLISHED)
    with django_assert_num_queries(1):
        assert all(c.assignee and c.article is None for c in my_queue(me))
    with django_assert_num_queries(1):
        assert all(c.rating.label for c in claims_visible_to(AnonymousUser()))


def test_claim_history_is_in_order_with_its_actors(claim_in, editor, django_assert_num_queries):
    claim = claim_in(S.NEW)
    claim_dismiss(actor=editor, claim=claim, reason="Opinion.")
    claim_restore(actor=editor, claim=claim)
    claim_in(S.NEW)  # another claim's events stay out
    with django_assert_num_queries(1):
        events = [(e.action, e.actor_name) for e in claim_history(claim)]
    assert events == [
        ("claim.created", "test-setup"),
        ("claim.dismissed", editor.username),
        ("claim.restored", editor.username),
    ]


@pytest.mark.parametrize(
    ("state", "role", "actions"),
    [
        (S.NEW, "assignee", ["start_research", "edit", "comment"]),
        (S.NEW, "fact_checker", ["edit", "comment"]),
        (
            S.NEW,
            "editor",
            ["start_research", "assign", "schedule", "dismiss", "edit", "comment"],
        ),
        (S.RESEARCHING, "assignee", ["submit_for_review", "edit", "rate", "comment"]),
        (S.RESEARCHING, "fact_checker", ["edit", "rate", "comment"]),
        (
            S.AWAITING_APPROVAL,
            "editor",
            ["assign", "schedule", "send_back", "approve", "publish", "edit", "rate", "comment"],
        ),
        (S.PUBLISHED, "editor", ["correct", "comment"]),
        (S.PUBLISHED, "fact_checker", ["comment"]),
        (S.PUBLISHED, "outsider", []),
    ],
)
def test_the_actions_offered_follow_role_and_state(
    state, role, actions, claim_in, make_user, outsider
):
    people = {
        "assignee": make_user(FACT_CHECKER),
        "fact_checker": make_user(FACT_CHECKER),
        "editor": make_user(EDITOR),
        "outsider": outsider,
    }
    claim = claim_in(state, assignee=people["assignee"])
    assert claim_actions_for(people[role], claim) == actions
