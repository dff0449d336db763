"""Verdicts: an editor approves version 1, publishes it, and corrects it with public versions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from claims.models import Claim, ClaimState, VerdictVersion
from claims.selectors import claim_history, claims_visible_to, verdict_history
from claims.services import (
    claim_publish,
    claim_request_approval,
    claim_send_back,
    claim_start_research,
    claim_submit_for_review,
    rating_submit,
    verdict_approve,
    verdict_correct,
)
from claims.signals import verdict_published
from factcheck.errors import DomainError
from factcheck.roles import EDITOR, FACT_CHECKER

S = ClaimState


def approve(editor, claim, scale, **overrides):
    fields = {
        "rating": scale("false"),
        "conclusion": "False: exports fell in 2022.",
        "explanation": "Customs data show a 4% fall.",
    }
    return verdict_approve(actor=editor, claim=claim, **(fields | overrides))


def test_an_editor_approves_version_1(claim_in, editor, scale, evidence_for):
    claim = claim_in(S.AWAITING_APPROVAL, ratings=2)
    evidence = evidence_for(claim)
    verdict = approve(editor, claim, scale, evidence_ids=[evidence.pk], expected_version=1)
    assert (verdict.number, verdict.rating.slug, verdict.approved_by) == (1, "false", editor)
    assert verdict.approved_at is not None and verdict.published_at is None
    assert list(verdict.evidence.all()) == [evidence]
    assert (claim.state, claim.version) == (S.AWAITING_APPROVAL, 2)
    event = claim_history(claim).last()
    assert (event.action, event.before, event.after["number"]) == (
        "verdict.approved",
        {"state": S.AWAITING_APPROVAL},
        1,
    )
    assert event.after["state"] == S.AWAITING_APPROVAL


def test_approving_again_before_publication_rewrites_version_1(claim_in, make_user, scale):
    first, second = make_user(EDITOR), make_user(EDITOR)
    claim = claim_in(S.AWAITING_APPROVAL, ratings=2)
    approve(first, claim, scale)
    verdict = approve(second, claim, scale, rating=scale("mostly-false"), conclusion="Flat.")
    assert VerdictVersion.objects.filter(claim=claim).count() == 1
    assert (verdict.number, verdict.conclusion, verdict.approved_by) == (1, "Flat.", second)
    event = claim_history(claim).last()
    assert event.before["conclusion"] == "False: exports fell in 2022."
    assert event.after["conclusion"] == "Flat."


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"conclusion": " "}, "conclusion"),
        ({"conclusion": "x" * 301}, "conclusion"),
        ({"explanation": ""}, "explanation"),
    ],
)
def test_approval_needs_a_conclusion_and_an_explanation(overrides, field, claim_in, editor, scale):
    claim = claim_in(S.AWAITING_APPROVAL, ratings=2)
    with pytest.raises(DomainError) as refused:
        approve(editor, claim, scale, **overrides)
    assert (refused.value.code, list(refused.value.fields)) == ("invalid", [field])
    assert not VerdictVersion.objects.exists()
    assert Claim.objects.get(pk=claim.pk).version == claim.version


def test_publish_needs_an_approved_verdict(claim_in, editor):
    claim = claim_in(S.AWAITING_APPROVAL, ratings=2)
    with pytest.raises(DomainError) as refused:
        claim_publish(actor=editor, claim=claim)
    assert refused.value.code == "invalid"
    assert "no verdict has been approved" in refused.value.message
    assert Claim.objects.get(pk=claim.pk).state == S.AWAITING_APPROVAL


def test_publishing_makes_the_approved_version_public(
    claim_in, editor, scale, django_capture_on_commit_callbacks
):
    claim = claim_in(S.AWAITING_APPROVAL, ratings=2)
    approve(editor, claim, scale, rating=scale("mostly-false"), conclusion="Mostly false.")
    announced = []

    def receiver(sender, **kwargs):
        announced.append(kwargs)

    verdict_published.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            claim_publish(actor=editor, claim=claim, expected_version=claim.version)
    finally:
        verdict_published.disconnect(receiver)
    verdict = VerdictVersion.objects.get(claim=claim)
    assert claim.state == S.PUBLISHED
    assert claim.published_at == verdict.published_at is not None
    assert claim.rating.slug == "mostly-false"
    event = claim_history(claim).last()
    assert (event.action, event.before["state"], event.after["state"]) == (
        "claim.published",
        S.AWAITING_APPROVAL,
        S.PUBLISHED,
    )
    assert event.after["verdict"] == 1
    assert [(a["claim_id"], a["number"], a["is_correction"]) for a in announced] == [
        (claim.pk, 1, False)
    ]


def test_publishing_with_a_version_from_before_a_reapproval_is_a_conflict(
    claim_in, make_user, scale
):
    first, second = make_user(EDITOR), make_user(EDITOR)
    claim = claim_in(S.AWAITING_APPROVAL, ratings=2)
    approve(first, claim, scale)
    seen_by_second = claim.version
    approve(first, claim, scale, conclusion="Reworded after a call with customs.")
    with pytest.raises(DomainError) as refused:
        claim_publish(actor=second, claim=claim, expected_version=seen_by_second)
    assert refused.value.code == "conflict"
    assert refused.value.current["state"] == S.AWAITING_APPROVAL


def test_sending_back_discards_the_unpublished_verdict(claim_in, editor, scale):
    claim = claim_in(S.AWAITING_APPROVAL, ratings=2)
    approve(editor, claim, scale)
    claim_send_back(actor=editor, claim=claim, comment="Check the revised series.")
    assert not VerdictVersion.objects.filter(claim=claim).exists()
    discarded, sent_back = list(claim_history(claim))[-2:]
    assert discarded.action == "verdict.discarded"
    assert discarded.before["conclusion"] == "False: exports fell in 2022."
    assert sent_back.action == "claim.sent_back"


def test_a_rating_revised_after_approval_withdraws_the_approval(claim_in, editor, scale):
    claim = claim_in(S.AWAITING_APPROVAL, ratings=2)
    approve(editor, claim, scale)
    reviewer = claim.ratings.order_by("pk").first().reviewer
    rating_submit(
        actor=reviewer, claim=claim, scale=scale("false"), rationale="The revised series fell."
    )
    assert not VerdictVersion.objects.filter(claim=claim).exists()
    discarded = claim_history(claim).filter(action="verdict.discarded").get()
    assert discarded.actor == reviewer
    assert "a rating changed after the verdict was approved" in discarded.note
    assert discarded.before["conclusion"] == "False: exports fell in 2022."
    with pytest.raises(DomainError, match="no verdict has been approved"):
        claim_publish(actor=editor, claim=claim)
    approve(editor, claim, scale, conclusion="False, on the revised series.")
    claim_publish(actor=editor, claim=claim)
    assert claim.state == S.PUBLISHED
    assert verdict_history(claim)[0].conclusion == "False, on the revised series."


def test_resubmitting_the_same_rating_keeps_the_approval(claim_in, editor, scale):
    claim = claim_in(S.AWAITING_APPROVAL, ratings=2)
    approve(editor, claim, scale)
    rating = claim.ratings.order_by("pk").first()
    rating_submit(
        actor=rating.reviewer, claim=claim, scale=rating.scale, rationale=rating.rationale
    )
    assert VerdictVersion.objects.filter(claim=claim, published_at__isnull=True).count() == 1


def test_editing_the_claim_after_approval_withdraws_the_approval(claim_in, editor, scale):
    from claims.services import claim_update

    claim = claim_in(S.AWAITING_APPROVAL, ratings=2)
    approve(editor, claim, scale)
    claim.refresh_from_db()
    checker = claim.ratings.order_by("pk").first().reviewer
    claim_update(
        actor=checker, claim=claim, expected_version=claim.version, text="Exports rose 34% in 2022."
    )
    assert not VerdictVersion.objects.filter(claim=claim).exists()
    discarded = claim_history(claim).filter(action="verdict.discarded").get()
    assert "the claim was edited after the verdict was approved" in discarded.note
    with pytest.raises(DomainError, match="no verdict has been approved"):
        claim_publish(actor=editor, claim=claim)


def test_a_correction_is_version_2_published_at_once_with_a_public_note(
    claim_in, editor, scale, django_capture_on_commit_callbacks
):
    claim = claim_in(S.AWAITING_APPROVAL, ratings=2)
    approve(editor, claim, scale)
    claim_publish(actor=editor, claim=claim)
    first_published = claim.published_at
    with django_capture_on_commit_callbacks() as callbacks:
        correction = verdict_correct(
            actor=editor,
            claim=claim,
            expected_version=claim.version,
            rating=scale("mostly-false"),
            conclusion="Mostly false: exports were flat.",
            explanation="Customs revised 2022 to +0.2%.",
            correction_note="Customs revised its 2022 figures on 3 March.",
        )
    # One hook (verdict_published) is scheduled; other on-commit work (API cache) may be too.
    hooks = [c for c in callbacks if c.__qualname__.startswith("send_on_commit")]
    assert len(hooks) == 1
    assert (correction.number, correction.published_at is not None) == (2, True)
    assert claim.rating.slug == "mostly-false"
    assert claim.published_at == first_published  # first publication stays the claim's date
    event = claim_history(claim).last()
    assert (event.action, event.before["number"], event.after["number"]) == (
        "verdict.corrected",
        1,
        2,
    )
    assert (event.before["state"], event.after["state"]) == (S.PUBLISHED, S.PUBLISHED)
    assert event.note == "Customs revised its 2022 figures on 3 March."


def test_a_correction_needs_its_note(claim_in, editor, scale):
    claim = claim_in(S.PUBLISHED)
    with pytest.raises(DomainError) as refused:
        verdict_correct(
            actor=editor,
            claim=claim,
            rating=scale("true"),
            conclusion="True.",
            explanation="x",
            correction_note="  ",
        )
    assert refused.value.fields == {"correction_note": ["required"]}
    assert VerdictVersion.objects.filter(claim=claim).count() == 1


def test_verdict_history_shows_published_versions_latest_first(claim_in, editor, scale):
    claim = claim_in(S.AWAITING_APPROVAL, ratings=2)
    approve(editor, claim, scale)
    assert list(verdict_history(claim)) == []
    assert [v.number for v in verdict_history(claim, include_draft=True)] == [1]


def test_a_claim_goes_from_new_to_corrected_and_every_step_is_public_or_audited(
    claim_in, make_user, scale, settings, django_assert_num_queries
):
    """The whole desk, through services only: research, two blind ratings, a send-back,
    approval, publication and a correction the public can read beside the original."""
    settings.RATINGS_REQUIRED = 2
    checker, second, editor = make_user(FACT_CHECKER), make_user(FACT_CHECKER), make_user(EDITOR)
    claim = claim_in(S.NEW)
    claim_start_research(actor=checker, claim=claim)
    rating_submit(actor=checker, claim=claim, scale=scale("false"), rationale="Customs: -4%.")
    claim_submit_for_review(actor=checker, claim=claim)
    rating_submit(actor=second, claim=claim, scale=scale("mostly-false"), rationale="Flat-ish.")
    assert claim.state == S.AWAITING_APPROVAL
    claim_send_back(actor=editor, claim=claim, comment="Which customs series?")
    rating_submit(actor=checker, claim=claim, scale=scale("false"), rationale="Series B: -4%.")
    claim_submit_for_review(actor=checker, claim=claim)
    # Both ratings are in already: the desk asks explicitly.
    claim_request_approval(actor=checker, claim=claim)
    approve(editor, claim, scale, expected_version=claim.version)
    claim_publish(actor=editor, claim=claim, expected_version=claim.version)
    verdict_correct(
        actor=editor,
        claim=claim,
        expected_version=claim.version,
        rating=scale("mostly-false"),
        conclusion="Mostly false.",
        explanation="Revised data.",
        correction_note="Customs revised its series.",
    )

    public = claims_visible_to(AnonymousUser())
    assert list(public) == [claim]
    with django_assert_num_queries(1):
        versions = [
            (v.number, v.rating.slug, v.correction_note, v.approved_by.username)
            for v in verdict_history(claim)
        ]
    assert versions == [
        (2, "mostly-false", "Customs revised its series.", editor.username),
        (1, "false", "", editor.username),
    ]
    with django_assert_num_queries(1):
        trail = [
            (e.action, e.actor_name, e.before.get("state"), e.after.get("state"))
            for e in claim_history(claim)
        ]
    assert trail == [
        ("claim.created", "test-setup", None, "new"),
        ("claim.research_started", checker.username, "new", "researching"),
        ("rating.submitted", checker.username, None, "researching"),
        ("claim.submitted_for_review", checker.username, "researching", "in_review"),
        ("rating.submitted", second.username, None, "in_review"),
        ("claim.approval_requested", second.username, "in_review", "awaiting_approval"),
        ("claim.sent_back", editor.username, "awaiting_approval", "researching"),
        ("rating.revised", checker.username, "researching", "researching"),
        ("claim.submitted_for_review", checker.username, "researching", "in_review"),
        ("claim.approval_requested", checker.username, "in_review", "awaiting_approval"),
        ("verdict.approved", editor.username, "awaiting_approval", "awaiting_approval"),
        ("claim.published", editor.username, "awaiting_approval", "published"),
        ("verdict.corrected", editor.username, "published", "published"),
    ]
