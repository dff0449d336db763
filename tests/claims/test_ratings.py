"""Independent ratings: one per reviewer, revised with history, blind until you rate, and the
last required rating moving the claim on to the editor."""

from __future__ import annotations

import pytest

from claims.models import ClaimState, Rating, RatingRevision, RatingScale
from claims.selectors import (
    claim_history,
    rating_disagreement,
    rating_revisions,
    ratings_visible_to,
)
from claims.services import (
    claim_request_approval,
    claim_submit_for_review,
    rating_submit,
)
from factcheck.errors import DomainError
from factcheck.roles import EDITOR, FACT_CHECKER

S = ClaimState


def test_a_fact_checker_rates_a_claim_with_evidence(claim_in, fact_checker, scale, evidence_for):
    claim = claim_in(S.RESEARCHING)
    evidence = evidence_for(claim)
    rating = rating_submit(
        actor=fact_checker,
        claim=claim,
        scale=scale("false"),
        rationale="  The customs office reports a fall.  ",
        evidence_ids=[evidence.pk],
    )
    assert (rating.reviewer, rating.scale.slug, rating.revision) == (fact_checker, "false", 1)
    assert rating.rationale == "The customs office reports a fall."
    assert list(rating.evidence.all()) == [evidence]
    event = claim_history(claim).last()
    assert event.action == "rating.submitted"
    assert event.before == {}
    assert event.after == {
        "reviewer": fact_checker.pk,
        "scale": "false",
        "rationale": "The customs office reports a fall.",
        "evidence": [evidence.pk],
        "revision": 1,
        "state": S.RESEARCHING,
    }


def test_revising_a_rating_keeps_what_it_said_before(claim_in, fact_checker, scale, evidence_for):
    claim = claim_in(S.IN_REVIEW)
    evidence = evidence_for(claim)
    first = rating_submit(
        actor=fact_checker,
        claim=claim,
        scale=scale("false"),
        rationale="A fall.",
        evidence_ids=[evidence.pk],
    )
    first_time = first.updated_at
    rating = rating_submit(
        actor=fact_checker, claim=claim, scale=scale("mostly-false"), rationale="Flat, not down."
    )
    assert rating.pk == first.pk
    assert (rating.scale.slug, rating.rationale, rating.revision) == (
        "mostly-false",
        "Flat, not down.",
        2,
    )
    assert list(rating.evidence.all()) == []
    (old,) = rating_revisions(rating)
    assert (old.revision, old.scale.slug, old.rationale, old.evidence_ids) == (
        1,
        "false",
        "A fall.",
        [evidence.pk],
    )
    assert old.rated_at == first_time
    event = claim_history(claim).last()
    assert event.action == "rating.revised"
    assert (event.before["scale"], event.before["revision"]) == ("false", 1)
    assert (event.after["scale"], event.after["revision"]) == ("mostly-false", 2)
    assert Rating.objects.filter(claim=claim).count() == 1


def test_resubmitting_the_same_rating_writes_nothing(claim_in, fact_checker, scale):
    claim = claim_in(S.RESEARCHING)
    rating_submit(actor=fact_checker, claim=claim, scale=scale("true"), rationale="Right.")
    events = claim_history(claim).count()
    again = rating_submit(actor=fact_checker, claim=claim, scale=scale("true"), rationale="Right.")
    assert again.revision == 1
    assert claim_history(claim).count() == events
    assert not RatingRevision.objects.exists()


@pytest.mark.parametrize("rationale", ["", "  "])
def test_a_rating_needs_a_rationale(rationale, claim_in, fact_checker, scale):
    claim = claim_in(S.RESEARCHING)
    with pytest.raises(DomainError) as refused:
        rating_submit(actor=fact_checker, claim=claim, scale=scale("true"), rationale=rationale)
    assert (refused.value.code, refused.value.fields) == ("invalid", {"rationale": ["required"]})
    assert not Rating.objects.exists()


def test_a_rating_is_refused_once_the_claim_is_published(claim_in, fact_checker, scale):
    claim = claim_in(S.PUBLISHED)
    with pytest.raises(DomainError) as refused:
        rating_submit(actor=fact_checker, claim=claim, scale=scale("true"), rationale="Late.")
    assert refused.value.code == "invalid"
    assert "the claim is published" in refused.value.message


def test_a_rating_cannot_rest_on_another_claims_evidence(
    claim_in, fact_checker, scale, evidence_for
):
    claim, other = claim_in(S.RESEARCHING), claim_in(S.RESEARCHING)
    foreign = evidence_for(other)
    with pytest.raises(DomainError) as refused:
        rating_submit(
            actor=fact_checker,
            claim=claim,
            scale=scale("true"),
            rationale="See the source.",
            evidence_ids=[foreign.pk],
        )
    assert f"Evidence {foreign.pk} is not linked to this claim" in refused.value.message
    assert not Rating.objects.exists()


def test_a_retired_scale_entry_cannot_be_used(claim_in, fact_checker, scale):
    retired = scale("misleading")
    RatingScale.objects.filter(pk=retired.pk).update(active=False)
    retired.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        rating_submit(
            actor=fact_checker, claim=claim_in(S.RESEARCHING), scale=retired, rationale="x"
        )
    assert list(refused.value.fields) == ["scale"]


def test_a_second_tab_with_a_stale_revision_gets_a_conflict(claim_in, fact_checker, scale):
    claim = claim_in(S.RESEARCHING)
    rating_submit(
        actor=fact_checker, claim=claim, scale=scale("true"), rationale="A.", expected_revision=0
    )
    with pytest.raises(DomainError) as refused:
        rating_submit(
            actor=fact_checker,
            claim=claim,
            scale=scale("false"),
            rationale="B.",
            expected_revision=0,
        )
    assert refused.value.code == "conflict"
    assert refused.value.current["scale"] == "true"
    assert Rating.objects.get().scale.slug == "true"


def test_the_last_required_rating_sends_the_claim_to_the_editor(
    claim_in, make_user, scale, settings
):
    settings.RATINGS_REQUIRED = 2
    claim = claim_in(S.IN_REVIEW, ratings=1)
    last = make_user(FACT_CHECKER)
    rating_submit(actor=last, claim=claim, scale=scale("false"), rationale="Down 4%.")
    assert claim.state == S.AWAITING_APPROVAL
    rated, moved = list(claim_history(claim))[-2:]
    assert rated.action == "rating.submitted"
    assert (moved.action, moved.actor) == ("claim.approval_requested", last)
    assert (moved.before["state"], moved.after["state"]) == (S.IN_REVIEW, S.AWAITING_APPROVAL)
    assert moved.note == "automatically: 2 of 2 ratings"


def test_a_rating_short_of_the_required_number_leaves_the_claim_in_review(
    claim_in, make_user, scale, settings
):
    settings.RATINGS_REQUIRED = 3
    claim = claim_in(S.IN_REVIEW, ratings=1)
    rating_submit(actor=make_user(FACT_CHECKER), claim=claim, scale=scale("true"), rationale="x")
    assert claim.state == S.IN_REVIEW


def test_ratings_given_during_research_wait_for_an_explicit_request(claim_in, make_user, scale):
    assignee = make_user(FACT_CHECKER)
    claim = claim_in(S.RESEARCHING, assignee=assignee)
    for _ in range(2):
        rating_submit(
            actor=make_user(FACT_CHECKER), claim=claim, scale=scale("true"), rationale="x"
        )
    assert claim.state == S.RESEARCHING
    claim_submit_for_review(actor=assignee, claim=claim)
    assert claim.state == S.IN_REVIEW
    claim_request_approval(actor=assignee, claim=claim)
    assert claim.state == S.AWAITING_APPROVAL
    assert claim_history(claim).last().note == "2 of 2 ratings"


# The blind rule --------------------------------------------------------------------------------


@pytest.fixture
def rated_claim(claim_in, make_user, scale):
    """A claim in review rated by two fact-checkers (true and false)."""
    claim = claim_in(S.IN_REVIEW)
    for slug in ("true", "false"):
        rating_submit(actor=make_user(FACT_CHECKER), claim=claim, scale=scale(slug), rationale=slug)
    return claim


def test_a_reviewer_sees_no_other_rating_until_they_have_rated(rated_claim, fact_checker, scale):
    assert ratings_visible_to(fact_checker, rated_claim) == []
    mine = rating_submit(
        actor=fact_checker, claim=rated_claim, scale=scale("half-true"), rationale="Both halves."
    )
    visible = ratings_visible_to(fact_checker, rated_claim)
    assert [r.scale.slug for r in visible] == ["true", "false", "half-true"]
    assert mine in visible


@pytest.mark.parametrize(
    ("who", "sees"),
    [("editor", 2), ("staff_admin", 2), ("outsider", 0), ("anonymous", 0)],
)
def test_editors_see_every_rating_and_outsiders_none(
    who, sees, rated_claim, editor, staff_admin, outsider
):
    from django.contrib.auth.models import AnonymousUser

    user = {
        "editor": editor,
        "staff_admin": staff_admin,
        "outsider": outsider,
        "anonymous": AnonymousUser(),
    }[who]
    assert len(ratings_visible_to(user, rated_claim)) == sees


def test_the_blind_selector_loads_ratings_in_a_fixed_number_of_queries(
    rated_claim, editor, evidence_for, make_user, scale, django_assert_num_queries
):
    for _ in range(3):
        evidence = evidence_for(rated_claim)
        rating_submit(
            actor=make_user(EDITOR),
            claim=rated_claim,
            scale=scale("true"),
            rationale="x",
            evidence_ids=[evidence.pk],
        )
    editor._desk_roles = {EDITOR}  # roles are cached on the user after the first check
    with django_assert_num_queries(2):  # ratings with reviewer and scale; their evidence
        ratings = ratings_visible_to(editor, rated_claim)
        assert sum(len(r.evidence.all()) for r in ratings) == 3
        assert all(r.reviewer.username and r.scale.label for r in ratings)


# Disagreement ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slugs", "disagree"),
    [
        ([], False),
        (["false"], False),
        (["half-true", "half-true"], False),
        (["true", "mostly-true"], False),
        (["true", "half-true"], True),
        (["true", "mostly-true", "half-true"], True),
        (["mostly-false", "false"], False),
        (["true", "false"], True),
        # Off the true ... false axis: a different kind of judgement, never one step away.
        (["false", "misleading"], True),
        (["misleading", "unproven"], True),
        (["true", "unproven"], True),
        (["misleading", "misleading"], False),
        (["unproven", "unproven", "unproven"], False),
    ],
)
def test_disagreement_is_two_ratings_more_than_one_step_apart(
    slugs, disagree, claim_in, make_user, scale
):
    claim = claim_in(S.IN_REVIEW)
    for slug in slugs:
        rating_submit(actor=make_user(FACT_CHECKER), claim=claim, scale=scale(slug), rationale="x")
    assert rating_disagreement(claim) is disagree
    loaded = list(Rating.objects.filter(claim=claim).select_related("scale"))
    assert rating_disagreement(claim, ratings=loaded) is disagree


def test_disagreement_counts_steps_not_gaps_in_the_order(claim_in, make_user, scale):
    # An edited scale with gaps: true=10, mostly-true=20 ... still one step apart.
    for entry in RatingScale.objects.order_by("-order"):
        RatingScale.objects.filter(pk=entry.pk).update(order=entry.order * 10)
    claim = claim_in(S.IN_REVIEW)
    for slug in ("true", "mostly-true"):
        rating_submit(actor=make_user(FACT_CHECKER), claim=claim, scale=scale(slug), rationale="x")
    assert rating_disagreement(claim) is False


def test_an_entry_an_editor_marks_graded_counts_in_steps(claim_in, make_user, scale):
    # The desk decides misleading sits on its axis, next to false: then they are one step apart.
    RatingScale.objects.filter(slug="misleading").update(graded=True)
    claim = claim_in(S.IN_REVIEW)
    for slug in ("false", "misleading"):
        rating_submit(actor=make_user(FACT_CHECKER), claim=claim, scale=scale(slug), rationale="x")
    assert rating_disagreement(claim) is False
