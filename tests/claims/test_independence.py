"""Verdicts mean what they say: an independent approver, ratings of the claim as it now reads,
words that agree with the rating, and sources that can be retracted."""

from __future__ import annotations

import pytest

from claims.evidence.models import Evidence
from claims.models import Claim, ClaimState, Rating
from claims.selectors import QueueFilters, claim_history, claim_queue, public_sources
from claims.services import (
    claim_request_approval,
    claim_update,
    evidence_retract,
    rating_confirm,
    rating_submit,
    verdict_approve,
    verdict_correct,
)
from factcheck.errors import DomainError
from factcheck.roles import EDITOR, FACT_CHECKER
from sources.models import Capture

S = ClaimState


def _approve(editor, claim, scale, **overrides):
    fields = {
        "rating": scale("false"),
        "conclusion": "False: shipments fell in 2023.",
        "explanation": "The port authority counted fewer boxes.",
    }
    return verdict_approve(actor=editor, claim=claim, **(fields | overrides))


def _rate(reviewer, claim, scale, slug="false", rationale="Port figures show a fall."):
    return rating_submit(actor=reviewer, claim=claim, scale=scale(slug), rationale=rationale)


def test_an_editor_who_rated_cannot_be_the_second_pair_of_eyes(claim_in, make_user, scale):
    claim = claim_in(S.IN_REVIEW)
    editor = make_user(EDITOR)
    _rate(make_user(FACT_CHECKER), claim, scale)
    _rate(editor, claim, scale)
    assert claim.state == S.AWAITING_APPROVAL  # two people rated: it awaits an approver

    with pytest.raises(DomainError) as refused:
        _approve(editor, claim, scale)
    assert "1 of 2 independent ratings count" in refused.value.message
    assert "Your own rating does not count" in refused.value.message
    assert not claim.verdicts.exists()

    other = make_user(EDITOR)
    assert _approve(other, claim, scale).approved_by == other


def test_the_setting_lets_an_approver_be_one_of_the_raters(claim_in, make_user, scale, settings):
    settings.APPROVER_MAY_RATE = True
    claim = claim_in(S.IN_REVIEW)
    editor = make_user(EDITOR)
    _rate(make_user(FACT_CHECKER), claim, scale)
    _rate(editor, claim, scale)
    assert _approve(editor, claim, scale).approved_by == editor


def test_ratings_before_an_edit_of_the_figures_do_not_count_until_confirmed(
    claim_in, make_user, scale
):
    claim = claim_in(S.RESEARCHING)
    first, second = make_user(FACT_CHECKER), make_user(FACT_CHECKER)
    _rate(first, claim, scale)
    _rate(second, claim, scale)
    claim_update(
        actor=first, claim=claim, expected_version=claim.version, text="Shipments fell 9% in 2023."
    )
    claim.refresh_from_db()
    Claim.objects.filter(pk=claim.pk).update(state=S.IN_REVIEW, assignee=first)
    claim.refresh_from_db()

    with pytest.raises(DomainError) as refused:
        claim_request_approval(actor=first, claim=claim)
    message = refused.value.message
    assert "too few ratings (0 of 2)" in message
    assert "2 of the ratings were given before the claim's statement or figures" in message
    assert first.username not in message and second.username not in message  # blind rule

    rating_confirm(actor=first, claim=claim)
    assert claim.state == S.IN_REVIEW
    # A revision counts as well: the second reviewer looks again and changes their mind.
    _rate(second, claim, scale, slug="mostly-false", rationale="A smaller fall than said.")
    assert claim.state == S.AWAITING_APPROVAL
    actions = [e.action for e in claim_history(claim)]
    assert actions[-3:] == ["rating.confirmed", "rating.revised", "claim.approval_requested"]


def test_an_unchanged_resubmission_confirms_a_stale_rating(claim_in, make_user, scale):
    claim = claim_in(S.RESEARCHING)
    reviewer = make_user(FACT_CHECKER)
    _rate(reviewer, claim, scale)
    claim_update(
        actor=reviewer, claim=claim, expected_version=claim.version, value=9, unit="percent"
    )
    claim.refresh_from_db()
    rating = Rating.objects.get(claim=claim)
    assert rating.content_revision < claim.content_revision
    _rate(reviewer, claim, scale)
    rating.refresh_from_db()
    assert (rating.content_revision, rating.revision) == (claim.content_revision, 1)


def test_editing_who_said_it_leaves_the_ratings_standing(claim_in, make_user, scale):
    claim = claim_in(S.RESEARCHING)
    reviewer = make_user(FACT_CHECKER)
    _rate(reviewer, claim, scale)
    claim_update(
        actor=reviewer, claim=claim, expected_version=claim.version, claimant="The port authority"
    )
    with pytest.raises(DomainError, match="nothing to confirm"):
        rating_confirm(actor=reviewer, claim=claim)


def test_a_conclusion_naming_another_rating_is_refused(claim_in, make_user, scale):
    claim = claim_in(S.AWAITING_APPROVAL, ratings=2)
    with pytest.raises(DomainError) as refused:
        _approve(make_user(EDITOR), claim, scale, rating=scale("mostly-true"))
    assert refused.value.message.startswith("The conclusion says “False” but the rating is")
    assert refused.value.fields == {"conclusion": ["names another rating: “False”"]}
    # A negated label is no claim of that rating; "Mostly false" is not also "False".
    _approve(
        make_user(EDITOR),
        claim,
        scale,
        rating=scale("mostly-false"),
        conclusion="Mostly false, not true as stated: shipments fell.",
    )


def test_a_correction_that_changes_the_rating_must_change_its_words(claim_in, make_user, scale):
    claim = claim_in(S.PUBLISHED)  # version 1: False, "False: exports fell."
    editor = make_user(EDITOR)
    correction = {
        "rating": scale("mostly-false"),
        "correction_note": "The customs office revised its figures.",
    }
    with pytest.raises(DomainError) as refused:
        verdict_correct(
            actor=editor,
            claim=claim,
            conclusion="Mostly false: exports fell less than said.",
            explanation="The customs figures show a fall.",  # version 1's explanation
            **correction,
        )
    assert "the explanation is still the one of version 1" in refused.value.message
    with pytest.raises(DomainError, match="The conclusion says “False”"):
        verdict_correct(
            actor=editor,
            claim=claim,
            conclusion="False: exports fell.",
            explanation="Revised figures show a smaller fall.",
            **correction,
        )
    verdict = verdict_correct(
        actor=editor,
        claim=claim,
        conclusion="Mostly false: exports fell less than said.",
        explanation="Revised figures show a smaller fall.",
        **correction,
    )
    assert verdict.number == 2


def test_a_retracted_source_keeps_its_archive_and_leaves_the_verdict(
    claim_in, make_user, scale, evidence_for
):
    claim = claim_in(S.PUBLISHED)
    evidence = evidence_for(claim)
    capture = Capture.objects.create(source=evidence.source, state="archived", sha256="a" * 64)
    assert [e.pk for e in public_sources(claim)] == [evidence.pk]

    with pytest.raises(DomainError, match="Only an editor may retract a source from a published"):
        evidence_retract(
            actor=make_user(FACT_CHECKER), claim=claim, evidence=evidence, reason="Forged."
        )
    with pytest.raises(DomainError, match="needs a reason"):
        evidence_retract(actor=make_user(EDITOR), claim=claim, evidence=evidence, reason=" ")

    version = Claim.objects.get(pk=claim.pk).version
    editor = make_user(EDITOR)
    evidence_retract(
        actor=editor, claim=claim, evidence=evidence, reason="The report was withdrawn."
    )
    evidence.refresh_from_db()
    assert evidence.retraction_reason == "The report was withdrawn."
    assert evidence.retracted_by == editor
    assert Capture.objects.filter(pk=capture.pk).exists()  # the archive is kept
    assert public_sources(claim) == []
    [row] = claim_queue(editor, QueueFilters()).rows
    assert (row.evidence_count, row.sources_archived) == (0, 0)  # the queue counts what stands
    assert Claim.objects.get(pk=claim.pk).version == version + 1
    event = claim_history(claim).last()
    assert (event.action, event.note, event.actor_id) == (
        "evidence.retracted",
        "The report was withdrawn.",
        editor.pk,
    )
    with pytest.raises(DomainError, match="retracted"):
        verdict_correct(
            actor=editor,
            claim=claim,
            rating=scale("false"),
            conclusion="False: exports fell.",
            explanation="Other customs figures show the fall.",
            correction_note="A source was withdrawn.",
            evidence_ids=[evidence.pk],
        )


def test_a_source_whose_capture_failed_is_no_evidence_to_rest_on(
    claim_in, make_user, scale, evidence_for
):
    claim = claim_in(S.RESEARCHING)
    failed = evidence_for(claim)
    Capture.objects.create(source=failed.source, state="failed", failure_reason="HTTP 404")
    pending = evidence_for(claim)
    Capture.objects.create(source=pending.source, state="queued")
    with pytest.raises(DomainError) as refused:
        rating_submit(
            actor=make_user(FACT_CHECKER),
            claim=claim,
            scale=scale("false"),
            rationale="The report says otherwise.",
            evidence_ids=[failed.pk],
        )
    assert "its capture failed" in refused.value.message
    rating = rating_submit(
        actor=make_user(FACT_CHECKER),
        claim=claim,
        scale=scale("false"),
        rationale="The report says otherwise.",
        evidence_ids=[pending.pk],
    )
    assert [e.pk for e in rating.evidence.all()] == [pending.pk]


def test_linking_a_retracted_source_again_makes_a_new_link(claim_in, make_user):
    from claims.evidence.services import source_link

    claim = claim_in(S.RESEARCHING)
    checker = make_user(FACT_CHECKER)
    first = source_link(actor=checker, claim=claim, url="https://stats.example.org/ports")
    evidence_retract(actor=checker, claim=claim, evidence=first, reason="Wrong year.")
    again = source_link(actor=checker, claim=claim, url="https://stats.example.org/ports")
    assert again.pk != first.pk and again.retracted_at is None
    assert Evidence.objects.filter(claim=claim).count() == 2
