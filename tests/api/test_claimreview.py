"""ClaimReview JSON-LD, read back with extruct as a crawler would, has what Google lists."""

from __future__ import annotations

import datetime as dt
import json

import extruct
import pytest

from claims.claimreview import claimreview_for
from claims.evidence.models import Evidence
from claims.models import Article, Claim, ClaimState, VerdictVersion
from claims.services import verdict_correct
from sources.models import Source


@pytest.fixture
def published(claim_in):
    article = Article.objects.create(
        title="Exports soar to record",
        publisher="Phnom Penh Post",
        author="Jane Reporter",
        published_on=dt.date(2024, 1, 5),
        url="https://news.example/exports-soar",
        content_hash="e" * 64,
    )
    claim = claim_in(ClaimState.PUBLISHED, text="Rice exports rose 43% in 2023.")
    Claim.objects.filter(pk=claim.pk).update(article=article, claimant="The trade minister")
    cited = Source.objects.create(url="https://ministry.example/statement", title="Statement")
    refuting = Source.objects.create(url="https://customs.example/data.csv")
    Evidence.objects.create(claim=claim, source=cited, relation="cited")
    Evidence.objects.create(claim=claim, source=refuting, relation="refutes")
    claim.refresh_from_db()
    return claim


def _parse(document: dict) -> dict:
    html = (
        "<html><head><script type='application/ld+json'>"
        + json.dumps(document)
        + "</script></head><body></body></html>"
    )
    data = extruct.extract(html, base_url="https://desk.example.org/", syntaxes=["json-ld"])
    [review] = data["json-ld"]
    return review


def test_the_document_has_every_required_and_recommended_property(client_for, published):
    response = client_for("anonymous").get(f"/api/v1/claims/{published.pk}/claimreview/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    review = _parse(response.json())

    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == "Rice exports rose 43% in 2023."
    assert review["url"] == f"https://desk.example.org/verdicts/{published.pk}/"
    assert review["author"] == {
        "@type": "Organization",
        "name": "Example Fact Desk",
        "url": "https://desk.example.org/",
    }
    assert dt.datetime.fromisoformat(review["datePublished"]) == published.published_at
    rating = review["reviewRating"]
    assert rating == {
        "@type": "Rating",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "False",
    }
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {"@type": "Person", "name": "The trade minister"}
    assert item["datePublished"] == "2024-01-05"
    urls = [a["url"] for a in item["appearance"]]
    # Where the claim was made: the article; our evidence (cited or not) is no appearance of it.
    assert urls == ["https://news.example/exports-soar"]
    assert item["appearance"][0]["publisher"]["name"] == "Phnom Penh Post"


def test_the_feed_holds_the_same_documents(client_for, published):
    feed = client_for("consumer").get("/api/v1/claimreview/").json()["results"]
    verdict = VerdictVersion.objects.get(claim=published)
    assert feed == [json.loads(json.dumps(claimreview_for(published, verdict), default=str))]


def test_a_correction_keeps_the_first_date_and_adds_date_modified(
    client_for, published, make_user, scale
):
    verdict_correct(
        actor=make_user("editor"),
        claim=published,
        rating=scale("misleading"),
        conclusion="Misleading.",
        explanation="Revised figures.",
        correction_note="Figures revised.",
    )
    review = _parse(
        client_for("anonymous").get(f"/api/v1/claims/{published.pk}/claimreview/").json()
    )
    assert review["reviewRating"]["alternateName"] == "Misleading"
    assert review["reviewRating"]["ratingValue"] == 2
    assert dt.datetime.fromisoformat(review["datePublished"]) == published.published_at
    assert dt.datetime.fromisoformat(review["dateModified"]) > published.published_at


def test_a_rating_off_the_numeric_scale_keeps_its_name(published, scale):
    verdict = VerdictVersion.objects.get(claim=published)
    verdict.rating = scale("unproven")
    assert claimreview_for(published, verdict)["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Unproven",
    }


def test_an_unpublished_claim_has_no_claimreview(client_for, claim_in):
    claim = claim_in(ClaimState.AWAITING_APPROVAL, verdict=True)
    assert client_for("editor").get(f"/api/v1/claims/{claim.pk}/claimreview/").status_code == 404


# What Google's ClaimReview documentation lists, by object: required, then recommended.
GOOGLE_PROPERTIES = {
    "ClaimReview": (("claimReviewed", "reviewRating", "url"), ("author", "datePublished")),
    "Claim": ((), ("appearance", "author", "datePublished", "firstAppearance")),
    "Rating": (("alternateName",), ("bestRating", "ratingValue", "worstRating")),
}


def _missing_google_properties(review: dict) -> list[str]:
    missing = []
    for kind, node in (
        ("ClaimReview", review),
        ("Claim", review.get("itemReviewed", {})),
        ("Rating", review.get("reviewRating", {})),
    ):
        required, recommended = GOOGLE_PROPERTIES[kind]
        missing += [f"{kind}.{name}" for name in (*required, *recommended) if name not in node]
    return missing


def test_an_organisation_claimant_is_reviewed_as_one_with_the_articles_date_and_url(
    client_for, published, make_user
):
    from claims.services import claim_update

    Claim.objects.filter(pk=published.pk).update(state=ClaimState.RESEARCHING)
    claim = Claim.objects.get(pk=published.pk)
    claim_update(
        actor=make_user("editor"),
        claim=claim,
        expected_version=claim.version,
        claimant="Ministry of Commerce",
        claimant_kind="organization",
    )
    Claim.objects.filter(pk=published.pk).update(state=ClaimState.PUBLISHED)
    page = client_for("anonymous").get(f"/verdicts/{published.pk}/")
    data = extruct.extract(
        page.content.decode(), base_url="https://desk.example.org/", syntaxes=["json-ld"]
    )
    [review] = data["json-ld"]
    assert _missing_google_properties(review) == []
    item = review["itemReviewed"]
    assert item["author"] == {"@type": "Organization", "name": "Ministry of Commerce"}
    # The date the claim was made and where: the article, not the day we published nor our sources.
    assert item["datePublished"] == "2024-01-05"
    assert [a["url"] for a in item["appearance"]] == ["https://news.example/exports-soar"]
    assert item["firstAppearance"]["url"] == "https://news.example/exports-soar"
    assert review["author"]["@type"] == "Organization"


def test_a_claim_with_no_dated_article_gives_no_date_it_was_made(claim_in):
    claim = claim_in(ClaimState.PUBLISHED, text="Imports fell by a third last year.")
    verdict = VerdictVersion.objects.get(claim=claim)
    item = claimreview_for(claim, verdict)["itemReviewed"]
    # The day the desk typed it in is not the day someone said it: better absent than wrong.
    assert "datePublished" not in item and "appearance" not in item
