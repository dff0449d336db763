"""The public verdict page: published claims only, archived sources, corrections, ClaimReview."""

from __future__ import annotations

import json
import re

from django.urls import reverse
from django.utils import timezone

from claims.evidence.models import Evidence
from claims.models import Article, Claim, ClaimState, VerdictVersion
from sources.models import Capture, Source


def json_ld(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_only_published_claims_have_a_public_page(client_for, claim_in, fact_checker):
    for state in (ClaimState.NEW, ClaimState.AWAITING_APPROVAL, ClaimState.DISMISSED):
        claim = claim_in(state, verdict=state == ClaimState.AWAITING_APPROVAL)
        response = client_for().get(reverse("claims:verdict", args=[claim.pk]))
        assert response.status_code == 404
        assert "This page does not exist" in response.content.decode()
    assert client_for().get(reverse("claims:verdict", args=[99999])).status_code == 404


def test_the_public_page_shows_the_verdict_sources_corrections_and_claimreview(
    client_for, claim_in, scale, make_user
):
    claim = claim_in(ClaimState.PUBLISHED, text="North Korea sent 1,000 containers </script>.")
    article = Article.objects.create(
        title="Is China concerned?",
        publisher="The Phnom Penh Post",
        url="https://example.org/article",
        content_hash="p" * 64,
    )
    Claim.objects.filter(pk=claim.pk).update(article=article, claimant="A US official")
    claim.refresh_from_db()
    first = claim.verdicts.get()
    VerdictVersion.objects.create(
        claim=claim,
        number=2,
        rating=scale("mostly-false"),
        conclusion="Mostly false: fewer containers.",
        explanation="Revised port data.",
        approved_by=first.approved_by,
        approved_at=timezone.now(),
        published_at=timezone.now(),
        correction_note="The port revised its October figures.",
    )
    VerdictVersion.objects.create(
        claim=claim,
        number=3,
        rating=scale("mostly-false"),
        conclusion="Mostly false: fewer containers, later.",
        explanation="Second revision.",
        approved_by=first.approved_by,
        approved_at=timezone.now(),
        published_at=timezone.now(),
        correction_note="A second revision of the port data.",
    )
    archived_source = Source.objects.create(url="https://example.org/report", title="Port report")
    Evidence.objects.create(claim=claim, source=archived_source, relation="refutes")
    capture = Capture.objects.create(source=archived_source, state="archived", sha256="e" * 64)
    Evidence.objects.create(claim=claim, source=Source.objects.create(url="https://example.org/x"))

    client = client_for()
    response = client.get(reverse("claims:verdict", args=[claim.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mostly false: fewer containers, later." in page
    assert "Second revision." in page
    assert page.index("A second revision of the port data.") < page.index(
        "The port revised its October figures."
    )  # latest correction first
    assert reverse("sources:capture", args=[capture.pk]) in page
    assert client.get(reverse("sources:capture", args=[capture.pk])).status_code == 200
    assert "Log out" not in page and "Claims</a>" not in page  # no desk navigation

    review = json_ld(page)
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == claim.text  # "</script>" could not break out of the block
    assert review["reviewRating"]["alternateName"] == "Mostly false"
    assert review["reviewRating"]["ratingValue"] == 2
    assert review["url"].endswith(f"/verdicts/{claim.pk}/")
    assert "dateModified" in review
    assert "</script>." not in page.split("application/ld+json")[1].split("</script>")[0]
