"""Editing a claim under optimistic locking, and comments on it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from claims.models import Article, Claim, ClaimState
from claims.selectors import claim_comments, claim_history
from claims.services import claim_comment_add, claim_create, claim_update
from factcheck.errors import DomainError

S = ClaimState


def test_an_edit_saves_the_changed_fields_and_bumps_the_version(claim_in, fact_checker):
    claim = claim_in(S.RESEARCHING)
    claim_update(
        actor=fact_checker,
        claim=claim,
        expected_version=1,
        text="Exports rose 42% in 2022.",
        kind="percentage",
        value=Decimal("42"),
        unit="percent",
        period_start=dt.date(2022, 1, 1),
        period_end=dt.date(2022, 12, 31),
        date_precision="year",
    )
    fresh = Claim.objects.get(pk=claim.pk)
    assert (fresh.text, fresh.value, fresh.qualifier, fresh.version) == (
        "Exports rose 42% in 2022.",
        Decimal("42"),
        "exact",
        2,
    )
    assert (claim.version, claim.text) == (2, fresh.text)  # the caller's instance follows
    event = claim_history(claim).last()
    assert event.action == "claim.updated"
    assert (event.before["text"], event.after["text"]) == (
        "Exports rose 43% in 2022.",
        "Exports rose 42% in 2022.",
    )
    assert (event.before["version"], event.after["version"]) == (1, 2)
    assert event.before["state"] == event.after["state"] == S.RESEARCHING


def test_an_edit_from_a_stale_version_is_a_conflict_and_overwrites_nothing(claim_in, make_user):
    claim = claim_in(S.RESEARCHING)
    mine, theirs = Claim.objects.get(pk=claim.pk), Claim.objects.get(pk=claim.pk)
    claim_update(actor=make_user(), claim=theirs, expected_version=1, claimant="The ministry")
    with pytest.raises(DomainError) as refused:
        claim_update(actor=make_user(), claim=mine, expected_version=1, claimant="The minister")
    assert refused.value.code == "conflict"
    assert refused.value.current["claimant"] == "The ministry"
    assert refused.value.current["version"] == 2
    assert Claim.objects.get(pk=claim.pk).claimant == "The ministry"


def test_a_published_claim_is_corrected_not_edited(claim_in, fact_checker):
    claim = claim_in(S.PUBLISHED)
    with pytest.raises(DomainError) as refused:
        claim_update(actor=fact_checker, claim=claim, expected_version=claim.version, text="x")
    assert refused.value.code == "invalid"
    assert "the claim is published" in refused.value.message
    assert "correct the verdict" in refused.value.message


@pytest.mark.parametrize("name", ["state", "version", "assignee", "rating", "published_at"])
def test_workflow_fields_are_not_editable(name, claim_in, editor):
    claim = claim_in(S.RESEARCHING)
    with pytest.raises(DomainError) as refused:
        claim_update(actor=editor, claim=claim, expected_version=1, **{name: None})
    assert refused.value.fields == {name: ["not editable"]}


def test_an_edit_is_checked_as_a_whole(claim_in, fact_checker):
    claim = claim_in(S.RESEARCHING)
    with pytest.raises(DomainError) as refused:
        claim_update(actor=fact_checker, claim=claim, expected_version=1, value=Decimal("5"))
    assert list(refused.value.fields) == ["unit"]
    with pytest.raises(DomainError):
        claim_update(
            actor=fact_checker,
            claim=claim,
            expected_version=1,
            period_start=dt.date(2023, 5, 1),
            period_end=dt.date(2023, 4, 1),
            date_precision="day",
        )
    assert Claim.objects.get(pk=claim.pk).version == 1


def test_an_edit_that_changes_nothing_writes_nothing(claim_in, fact_checker):
    claim = claim_in(S.RESEARCHING)
    events = claim_history(claim).count()
    claim_update(actor=fact_checker, claim=claim, expected_version=1, text="  " + claim.text)
    assert Claim.objects.get(pk=claim.pk).version == 1
    assert claim_history(claim).count() == events


def test_an_edit_moves_the_span_and_clearing_the_figure_clears_its_qualifier(fact_checker):
    body = "Officials said exports rose 43% in 2022, a record."
    article = Article.objects.create(title="A", body=body, content_hash="edit-span")
    claim = claim_create(
        actor=fact_checker,
        text="Exports rose 43% in 2022.",
        article=article,
        span=(15, 39),
        value=Decimal("43"),
        unit="percent",
    )
    claim_update(actor=fact_checker, claim=claim, expected_version=1, span=(15, 32), value=None)
    fresh = Claim.objects.get(pk=claim.pk)
    assert fresh.span_text == body[15:32]
    assert (fresh.value, fresh.qualifier) == (None, "")
    with pytest.raises(DomainError) as refused:
        claim_update(actor=fact_checker, claim=claim, expected_version=2, span=(15, 999))
    assert refused.value.fields == {"span": ["out of range"]}


def test_comments_are_kept_in_order_and_audited(claim_in, fact_checker, editor):
    claim = claim_in(S.IN_REVIEW)
    claim_comment_add(actor=fact_checker, claim=claim, body="Customs answered.")
    claim_comment_add(actor=editor, claim=claim, body="Thanks; use series B.")
    assert [(c.author, c.body, c.claim_state) for c in claim_comments(claim)] == [
        (fact_checker, "Customs answered.", S.IN_REVIEW),
        (editor, "Thanks; use series B.", S.IN_REVIEW),
    ]
    assert [e.action for e in claim_history(claim)][-2:] == ["claim.commented"] * 2
    with pytest.raises(DomainError):
        claim_comment_add(actor=editor, claim=claim, body=" ")
