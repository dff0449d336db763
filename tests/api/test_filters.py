"""Each filter of the lists, one per test; bad values and unknown parameters are 400s."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from claims.models import Article, Claim, ClaimState
from sources.models import Capture, CaptureState, Source


def _ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def claims(claim_in):
    return [claim_in(state) for state in (ClaimState.NEW, ClaimState.PUBLISHED)]


def test_state_filter(editor_client, claims):
    assert _ids(editor_client.get("/api/v1/claims/?state=new")) == [claims[0].pk]


def test_rating_filter_takes_a_scale_slug(editor_client, claims, scale):
    Claim.objects.filter(pk=claims[0].pk).update(rating=scale("true"))
    assert _ids(editor_client.get("/api/v1/claims/?rating=false")) == [claims[1].pk]
    unknown = editor_client.get("/api/v1/claims/?rating=pants-on-fire")
    assert unknown.status_code == 400 and "rating" in unknown.json()["error"]["fields"]


def test_kind_filter(editor_client, claims):
    Claim.objects.filter(pk=claims[1].pk).update(kind="money")
    assert _ids(editor_client.get("/api/v1/claims/?kind=money")) == [claims[1].pk]


def test_article_filter(editor_client, claims):
    article = Article.objects.create(title="A", content_hash="c" * 64)
    Claim.objects.filter(pk=claims[0].pk).update(article=article)
    assert _ids(editor_client.get(f"/api/v1/claims/?article={article.pk}")) == [claims[0].pk]


def test_updated_since_filter(editor_client, claims):
    old = timezone.now() - dt.timedelta(days=3)
    Claim.objects.filter(pk=claims[0].pk).update(updated_at=old)
    since = (old + dt.timedelta(days=1)).isoformat()
    response = editor_client.get("/api/v1/claims/", {"updated_since": since})
    assert _ids(response) == [claims[1].pk]


def test_published_since_filter(editor_client, claim_in):
    early, late = claim_in(ClaimState.PUBLISHED), claim_in(ClaimState.PUBLISHED)
    Claim.objects.filter(pk=early.pk).update(published_at=timezone.now() - dt.timedelta(days=9))
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert _ids(editor_client.get("/api/v1/claims/", {"published_since": since})) == [late.pk]


def test_q_is_full_text_search_on_the_claim(editor_client, claim_in):
    rice = claim_in(text="Rice exports reached 656,000 tonnes.")
    claim_in(text="Garment shipments fell by a third.")
    # Stemming: "export" finds "exports" (PostgreSQL full-text search, English).
    assert _ids(editor_client.get("/api/v1/claims/?q=export tonne")) == [rice.pk]
    assert _ids(editor_client.get('/api/v1/claims/?q="rice exports" -garment')) == [rice.pk]


def test_source_kind_filter(editor_client):
    pdf = Source.objects.create(url="https://example.org/a.pdf", kind="pdf")
    Source.objects.create(url="https://example.org/b")
    assert _ids(editor_client.get("/api/v1/sources/?kind=pdf")) == [pdf.pk]


def test_source_domain_filter(editor_client):
    gov = Source.objects.create(url="https://customs.gov.kh/x", domain="customs.gov.kh")
    Source.objects.create(url="https://example.org/b", domain="example.org")
    assert _ids(editor_client.get("/api/v1/sources/?domain=customs.gov.kh")) == [gov.pk]


def test_capture_source_filter(editor_client):
    a, b = (Source.objects.create(url=f"https://example.org/{n}") for n in "ab")
    capture = Capture.objects.create(source=a)
    Capture.objects.create(source=b)
    assert _ids(editor_client.get(f"/api/v1/captures/?source={a.pk}")) == [capture.pk]


def test_capture_state_filter(editor_client):
    source = Source.objects.create(url="https://example.org/a")
    Capture.objects.create(source=source)
    failed = Capture.objects.create(
        source=source, state=CaptureState.FAILED, failure_reason="HTTP 404"
    )
    assert _ids(editor_client.get("/api/v1/captures/?state=failed")) == [failed.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("state=finished", "state"),
        ("kind=rumour", "kind"),
        ("article=abc", "article"),
        ("article=1.5", "article"),
        ("updated_since=yesterday", "updated_since"),
        ("published_since=2024-13-45", "published_since"),
        ("stat=new", "stat"),
        ("state=new&state=published", "state"),
        ("ordering=text", "ordering"),
    ],
)
def test_bad_filter_values_and_unknown_parameters_are_400s(editor_client, query, field):
    response = editor_client.get(f"/api/v1/claims/?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"]
    assert field in error["message"]


def test_unknown_parameters_are_refused_on_every_list(editor_client):
    for path in ("articles", "sources", "captures", "claimreview", "webhooks"):
        response = editor_client.get(f"/api/v1/{path}/?colour=blue")
        assert response.status_code == 400, path
        assert "colour" in response.json()["error"]["fields"]
