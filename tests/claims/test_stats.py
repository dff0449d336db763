"""Desk statistics: medians, claims per state per week, per person, and rater agreement."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, ClaimState, Rating, RatingScale, VerdictVersion
from claims.stats import SUBMITTED_FOR_REVIEW, cohen_kappa, default_period, desk_statistics
from factcheck.models import AuditEvent
from factcheck.roles import EDITOR, FACT_CHECKER

_texts = itertools.count(1)


def scale(slug: str) -> RatingScale:
    return RatingScale.objects.get(slug=slug)


def claim_at(created: dt.datetime, **fields) -> Claim:
    claim = Claim.objects.create(text=f"Imports of rice rose {next(_texts)}% last year.", **fields)
    Claim.objects.filter(pk=claim.pk).update(created_at=created)
    return claim


def event(claim: Claim, action: str, at: dt.datetime, before: str, after: str) -> None:
    made = AuditEvent.objects.create(
        actor_name="someone",
        action=action,
        object_type="claims.claim",
        object_id=str(claim.pk),
        claim=claim,
        before={"state": before},
        after={"state": after},
    )
    AuditEvent.objects.filter(pk=made.pk).update(created_at=at)


def rate(claim: Claim, reviewer, slug: str, at: dt.datetime) -> None:
    rating = Rating.objects.create(
        claim=claim, reviewer=reviewer, scale=scale(slug), rationale="Checked the source."
    )
    Rating.objects.filter(pk=rating.pk).update(created_at=at)


NOW = timezone.now()
HOUR = dt.timedelta(hours=1)


def test_kappa_of_a_two_category_example_worked_by_hand():
    # 4 agree true, 3 agree false, 1 true/false, 2 false/true: p_o = 0.7; the first rater says
    # true 5 times in 10, the second 6: p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5; kappa = 0.2 / 0.5.
    pairs = [("t", "t")] * 4 + [("f", "f")] * 3 + [("t", "f")] + [("f", "t")] * 2
    assert cohen_kappa(pairs) == pytest.approx(0.4)


def test_kappa_weighted_and_unweighted_on_a_three_step_example_worked_by_hand():
    pairs = [(0, 0), (0, 1), (1, 1), (2, 2), (2, 1), (0, 2)]
    # Unweighted: p_o = 3/6; margins (3,1,2) and (1,3,2): p_e = 10/36; (18-10)/(36-10) = 8/26.
    assert cohen_kappa(pairs) == pytest.approx(8 / 26)
    # Linear weights |i-j|/2: observed disagreement 2/6, expected 17/36: 1 - 12/17 = 5/17.
    assert cohen_kappa(pairs, order={0: 0, 1: 1, 2: 2}) == pytest.approx(5 / 17)


def test_kappa_is_undefined_without_pairs_or_when_every_rating_is_the_same():
    assert cohen_kappa([]) is None
    assert cohen_kappa([("t", "t"), ("t", "t")]) is None


@pytest.fixture
def raters(make_user):
    return make_user(FACT_CHECKER), make_user(FACT_CHECKER)


@pytest.mark.django_db
def test_agreement_share_and_kappa_from_the_database(raters):
    first, second = raters
    pairs = [("true", "true")] * 4 + [("false", "false")] * 3
    pairs += [("true", "false")] + [("false", "true")] * 2 + [("misleading", "misleading")]
    for index, (a, b) in enumerate(pairs):
        claim = claim_at(NOW - 30 * HOUR)
        rate(claim, first, a, NOW - (20 - index) * HOUR)
        rate(claim, second, b, NOW - (19 - index) * HOUR + dt.timedelta(minutes=30))
    agreement = desk_statistics(default_period()).agreement
    assert agreement.claims == 11
    assert agreement.agreeing == 8  # the misleading pair agrees too
    assert agreement.graded_pairs == 10  # but is off the graded scale
    assert agreement.kappa == pytest.approx(0.4)
    assert agreement.weighted_kappa == pytest.approx(0.4)  # true and false: the two ends


@pytest.mark.django_db
def test_median_times_from_import_to_published_and_review_to_approved(editor):
    for hours in (1, 3, 10):
        claim = claim_at(NOW - 48 * HOUR)
        Claim.objects.filter(pk=claim.pk).update(
            state=ClaimState.PUBLISHED, published_at=NOW - 48 * HOUR + hours * HOUR
        )
    for hours in (2, 4):
        claim = claim_at(NOW - 40 * HOUR)
        event(claim, SUBMITTED_FOR_REVIEW, NOW - 30 * HOUR, "researching", "in_review")
        VerdictVersion.objects.create(
            claim=claim,
            number=1,
            rating=scale("true"),
            conclusion="Accurate.",
            explanation="The figure matches the ministry's table.",
            approved_by=editor,
            approved_at=NOW - 30 * HOUR + hours * HOUR,
        )
    claim_at(NOW - 5 * HOUR)  # not published: not measured
    stats = desk_statistics(default_period())
    assert stats.import_to_published.value == 3 * HOUR
    assert stats.import_to_published.count == 3
    assert stats.review_to_approved.value == 3 * HOUR  # the middle of 2 h and 4 h
    assert stats.review_to_approved.count == 2


@pytest.mark.django_db
def test_claims_per_state_per_week_count_each_claim_once_per_state_entered():
    monday = (NOW - dt.timedelta(days=NOW.weekday() + 7)).replace(hour=12)
    a, b = claim_at(monday), claim_at(monday)
    event(a, "claim.created", monday, "", "new")
    event(a, "claim.research_started", monday + HOUR, "new", "researching")
    event(a, "claim.updated", monday + 2 * HOUR, "researching", "researching")  # no move
    event(b, "claim.research_started", monday + HOUR, "new", "researching")
    week = next(w for w in desk_statistics(default_period()).weeks if w["week"] == monday.date())
    assert week["counts"]["researching"] == 2
    assert week["counts"]["new"] == 1
    assert week["counts"]["published"] == 0


@pytest.mark.django_db
def test_ratings_per_person_and_their_median_time_to_rate(raters):
    first, second = raters
    for hours in (1, 2, 6):
        claim = claim_at(NOW - 50 * HOUR)
        event(claim, SUBMITTED_FOR_REVIEW, NOW - 40 * HOUR, "researching", "in_review")
        rate(claim, first, "true", NOW - 40 * HOUR + hours * HOUR)
    claim = claim_at(NOW - 50 * HOUR)
    event(claim, SUBMITTED_FOR_REVIEW, NOW - 40 * HOUR, "researching", "in_review")
    rate(claim, second, "false", NOW - 39 * HOUR)
    people = {p.username: p for p in desk_statistics(default_period()).people}
    assert people[first.username].ratings == 3
    assert people[first.username].median_time_to_rate == 2 * HOUR
    assert people[second.username].median_time_to_rate == HOUR


def visible(page: bytes) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page.decode()).split())


def _desk(count: int, raters) -> None:
    first, second = raters
    for _ in range(count):
        claim = claim_at(NOW - 10 * HOUR)
        event(claim, SUBMITTED_FOR_REVIEW, NOW - 9 * HOUR, "researching", "in_review")
        rate(claim, first, "true", NOW - 8 * HOUR)
        rate(claim, second, "mostly-true", NOW - 7 * HOUR)


@pytest.mark.django_db
def test_the_stats_page_costs_the_same_queries_for_3_and_30_claims(
    client, make_user, raters, django_assert_max_num_queries
):
    client.force_login(make_user(EDITOR))
    _desk(3, raters)
    with django_assert_max_num_queries(14) as small:
        assert client.get(reverse("claims:stats")).status_code == 200
    _desk(27, raters)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(reverse("claims:stats"))
    assert "Claims with two ratings in the period 30" in visible(page.content)


@pytest.mark.django_db
def test_the_stats_page_is_for_editors(client, fact_checker):
    client.force_login(fact_checker)
    assert client.get(reverse("claims:stats")).status_code == 403
    client.logout()
    assert client.get(reverse("claims:stats")).status_code == 302


@pytest.mark.django_db
def test_a_chosen_period_is_used_and_a_bad_one_is_explained(client, editor, raters):
    _desk(2, raters)
    client.force_login(editor)
    today = timezone.localdate()
    long_ago = visible(
        client.get(reverse("claims:stats"), {"from": "2020-01-01", "to": "2020-02-01"}).content
    )
    assert "1 Jan 2020 to 1 Feb 2020" in long_ago
    assert "Claims with two ratings in the period 0" in long_ago
    bad = visible(
        client.get(reverse("claims:stats"), {"from": "yesterday", "to": str(today)}).content
    )
    assert "The period was not used: “yesterday” is not a date (use YYYY-MM-DD)" in bad
    assert "Claims with two ratings in the period 2" in bad
    backwards = visible(
        client.get(reverse("claims:stats"), {"from": str(today), "to": "2020-01-01"}).content
    )
    assert "the period ends before it starts" in backwards


@pytest.mark.django_db
def test_the_dashboard_shows_editors_the_summary(client, editor, fact_checker, raters):
    _desk(2, raters)
    client.force_login(editor)
    page = visible(client.get(reverse("home")).content)
    assert "Raters agree 0% of 2 claims" in page
    client.force_login(fact_checker)
    assert "Raters agree" not in visible(client.get(reverse("home")).content)
