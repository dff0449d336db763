"""The search page and prior checks: grouped, highlighted, escaped, and checked against roles."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from claims.models import Article, Claim, ClaimState
from claims.search import highlight, prior_checks, search
from sources.models import Capture, CaptureState, Source

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def corpus(db, scale):
    """A published claim, an unpublished one, an article and an archived capture, all about
    containers; the capture's text carries markup that must never come back as markup."""
    published = Claim.objects.create(
        text="North Korea sent more than 1,000 containers of munitions to Russia.",
        state=ClaimState.PUBLISHED,
        published_at=timezone.now(),
        rating=scale("mostly-true"),
    )
    draft = Claim.objects.create(text="Rajin port loaded 2,000 containers bound for Russia.")
    article = Article.objects.create(
        title="Containers cross the border",
        body="Trains carried containers of shells north from Rajin in October.",
        content_hash="a" * 64,
    )
    source = Source.objects.create(url="https://example.org/port-report")
    capture = Capture.objects.create(
        source=source,
        state=CaptureState.ARCHIVED,
        sha256="b" * 64,
        title="Port report",
        text=f"Satellite images show containers stacked at Rajin. {HOSTILE} More containers "
        "arrived in November.",
    )
    return published, draft, article, capture


def test_the_desk_finds_claims_articles_and_captures_grouped(corpus, fact_checker):
    published, draft, article, capture = corpus
    results = search(fact_checker, "container")
    assert {hit.pk for hit in results.claims} == {published.pk, draft.pk}
    assert [hit.pk for hit in results.articles] == [article.pk]
    assert [hit.pk for hit in results.captures] == [capture.pk]
    assert [kind for kind, _heading, _hits in results.groups] == ["claims", "articles", "captures"]
    # Stemmed: "container" finds "containers", and the word is marked where it matched.
    assert "<mark>containers</mark>" in results.captures[0].snippet
    assert "<mark>Containers</mark>" in results.articles[0].title
    assert results.claims[0].url == reverse("claims:detail", args=[results.claims[0].pk])


def test_archived_markup_is_escaped_in_snippets(corpus, fact_checker, client):
    client.force_login(fact_checker)
    page = client.get(reverse("search"), {"q": "containers onerror alert"}).content.decode()
    assert "Port report" in page  # the capture was found, and its snippet shown
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;img src=x" in page
    assert "<mark>containers</mark>" in page


def test_a_query_with_markup_is_escaped(corpus, fact_checker, client):
    client.force_login(fact_checker)
    page = client.get(reverse("search"), {"q": '"><script>x</script>'}).content.decode()
    assert "<script>x</script>" not in page
    assert "&quot;&gt;&lt;script&gt;" in page


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_outside_the_desk_only_published_claims_are_found(corpus, client, outsider, who):
    published, draft, article, capture = corpus
    user = AnonymousUser()
    if who == "outsider":
        client.force_login(outsider)
        user = outsider
    results = search(user, "containers")
    assert [hit.pk for hit in results.claims] == [published.pk]
    assert results.articles == [] and results.captures == []
    assert results.claims[0].url == reverse("claims:verdict", args=[published.pk])
    page = client.get(reverse("search"), {"q": "containers"}).content.decode()
    assert "1,000" in page  # the published claim
    assert "2,000" not in page and "Rajin" not in page and "Port report" not in page
    assert "Articles" not in page and "Archived sources" not in page


def test_the_search_page_takes_a_bounded_number_of_queries(
    corpus, fact_checker, client, django_assert_max_num_queries
):
    client.force_login(fact_checker)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("search"), {"q": "containers"})
    assert response.status_code == 200


def test_an_empty_query_shows_the_box_only(client):
    response = client.get(reverse("search"), {"q": "   "})
    assert response.status_code == 200
    assert 'role="search"' in response.content.decode()


def test_the_plain_highlighter_escapes_and_marks():
    marked = highlight(f"Before {HOSTILE} then 1,000 Containers arrived.", "containers")
    assert "<mark>Containers</mark>" in marked
    assert "<script>" not in marked and "&lt;script&gt;" in marked


# Prior checks ----------------------------------------------------------------------------------


@pytest.fixture
def earlier(db, scale):
    """Earlier claims: one published, saying much the same; one dismissed; one unrelated."""
    same = Claim.objects.create(
        text="North Korea sent more than 1,000 containers of munitions to Russia in October.",
        state=ClaimState.PUBLISHED,
        published_at=timezone.now(),
        rating=scale("mostly-true"),
    )
    dismissed = Claim.objects.create(
        text="North Korea sent more than 1,000 containers of munitions to Russia.",
        state=ClaimState.DISMISSED,
    )
    unrelated = Claim.objects.create(text="Exports to China reached $114 billion in 2022.")
    return same, dismissed, unrelated


def test_prior_checks_find_earlier_claims_that_say_much_the_same(earlier):
    same, _dismissed, _unrelated = earlier
    claim = Claim.objects.create(
        text="North Korea shipped over 1,000 containers of munitions to Russia in October 2023."
    )
    later = Claim.objects.create(text=claim.text)  # made afterwards: not a prior check
    found = prior_checks(claim)
    assert [p.claim for p in found] == [same]
    assert found[0].published and found[0].rating.slug == "mostly-true"
    assert 0.3 <= found[0].similarity <= 1
    assert later not in [p.claim for p in prior_checks(claim, limit=10)]


def test_prior_checks_outside_the_desk_are_published_ones_only(earlier, outsider):
    same, _dismissed, _unrelated = earlier
    in_progress = Claim.objects.create(
        text="North Korea sent more than 1,000 containers of munitions to Russia last autumn."
    )
    claim = Claim.objects.create(
        text="North Korea sent more than 1,000 containers of munitions to Russia in autumn."
    )
    assert in_progress in [p.claim for p in prior_checks(claim)]
    assert [p.claim for p in prior_checks(claim, user=outsider)] == [same]


def test_the_prior_checks_include_shows_verdicts(earlier, rf, fact_checker):
    same, _dismissed, _unrelated = earlier
    claim = Claim.objects.create(
        text="North Korea sent more than 1,000 containers of munitions to Russia in October 2023."
    )
    request = rf.get("/")
    request.user = fact_checker
    html = render_to_string(
        "claims/_prior_checks.html",
        {"claim": claim, "prior_checks": prior_checks(claim)},
        request=request,
    )
    assert "Checked before" in html
    assert reverse("claims:detail", args=[same.pk]) in html
    assert "Mostly true" in html or "mostly true" in html.lower()
    assert reverse("claims:verdict", args=[same.pk]) in html
    empty = render_to_string(
        "claims/_prior_checks.html", {"claim": same, "prior_checks": []}, request=request
    )
    assert "No earlier claim" in empty
