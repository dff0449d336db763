"""Every list and detail endpoint runs a fixed number of queries, whatever the number of rows.

Each case builds n rows (5, then 50) and pins the exact count for an editor's token: one query
finds the token with its owner, one reads the owner's roles, the rest are the endpoint's own.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from api.models import WebhookDelivery, WebhookSubscription
from api.versions import bump_all
from claims.evidence.models import Evidence
from claims.models import (
    Article,
    Claim,
    ClaimFigure,
    ClaimState,
    Rating,
    RatingScale,
    VerdictVersion,
)
from sources.models import Capture, CaptureState, Source


def _claims(n, state=ClaimState.PUBLISHED, **extra):
    now = timezone.now()
    published = {"published_at": now} if state == ClaimState.PUBLISHED else {}
    return Claim.objects.bulk_create(
        Claim(text=f"Claim {i}", state=state, **published, **extra) for i in range(n)
    )


def _sources(n, tag):
    return Source.objects.bulk_create(
        Source(url=f"https://example.org/{tag}/{i}", domain="example.org") for i in range(n)
    )


def _captures(sources, per_source=1):
    now = timezone.now()
    return Capture.objects.bulk_create(
        Capture(source=s, state=CaptureState.ARCHIVED, sha256="c" * 64, finished_at=now)
        for s in sources
        for _ in range(per_source)
    )


def _evidence(claim, n, tag):
    sources = _sources(n, tag)
    _captures(sources, per_source=2)
    Evidence.objects.bulk_create(Evidence(claim=claim, source=s, relation="cited") for s in sources)


def _verdicts(claim, n, editor):
    now = timezone.now()
    false = RatingScale.objects.get(slug="false")
    VerdictVersion.objects.bulk_create(
        VerdictVersion(
            claim=claim,
            number=i + 1,
            rating=false,
            conclusion="False.",
            explanation="Because.",
            approved_by=editor,
            approved_at=now,
            published_at=now,
            correction_note="" if i == 0 else f"Correction {i}",
        )
        for i in range(n)
    )


def _figures(claims, per_claim):
    ClaimFigure.objects.bulk_create(
        ClaimFigure(claim=c, position=i, value=i + 1, unit="tonne")
        for c in claims
        for i in range(per_claim)
    )


def claims_list(n, ctx):
    _figures(_claims(n), per_claim=3)
    return f"/api/v1/claims/?page_size={n}"


def claim_detail(n, ctx):
    [claim] = _claims(1)
    _figures([claim], per_claim=n)
    _evidence(claim, n, "detail")
    _verdicts(claim, 1, ctx["editor"])
    return f"/api/v1/claims/{claim.pk}/"


def claim_status(n, ctx):
    [claim] = _claims(1)
    _evidence(claim, n, "status")
    return f"/api/v1/claims/{claim.pk}/status/"


def claim_ratings(n, ctx):
    [claim] = _claims(1, state=ClaimState.IN_REVIEW)
    scale = RatingScale.objects.get(slug="false")
    Rating.objects.bulk_create(
        Rating(claim=claim, reviewer=ctx["make_user"]("fact-checker"), scale=scale, rationale="x")
        for _ in range(n)
    )
    return f"/api/v1/claims/{claim.pk}/ratings/"


def claim_verdicts(n, ctx):
    [claim] = _claims(1)
    _verdicts(claim, n, ctx["editor"])
    return f"/api/v1/claims/{claim.pk}/verdicts/"


def claimreview_feed(n, ctx):
    article = Article.objects.create(title="A", content_hash="f" * 64, url="https://news.example")
    for claim in _claims(n, article=article):
        _verdicts(claim, 1, ctx["editor"])
        Evidence.objects.create(
            claim=claim, source=_sources(1, f"feed{claim.pk}")[0], relation="cited"
        )
    return f"/api/v1/claimreview/?page_size={n}"


def claimreview_document(n, ctx):
    [claim] = _claims(1)
    _verdicts(claim, 2, ctx["editor"])
    _evidence(claim, n, "doc")
    return f"/api/v1/claims/{claim.pk}/claimreview/"


def articles_list(n, ctx):
    articles = Article.objects.bulk_create(
        Article(title=f"A{i}", content_hash=f"{i:064d}") for i in range(n)
    )
    _claims(n, article=articles[0])
    return f"/api/v1/articles/?page_size={n}"


def article_detail(n, ctx):
    article = Article.objects.create(title="A", content_hash="d" * 64, body="text")
    _claims(n, article=article)
    return f"/api/v1/articles/{article.pk}/"


def sources_list(n, ctx):
    _captures(_sources(n, "list"), per_source=2)
    return f"/api/v1/sources/?page_size={n}"


def source_detail(n, ctx):
    [source] = _sources(1, "one")
    _captures([source], per_source=n)
    return f"/api/v1/sources/{source.pk}/"


def captures_list(n, ctx):
    _captures(_sources(n, "caps"))
    return f"/api/v1/captures/?page_size={n}"


def capture_detail(n, ctx):
    [capture] = _captures(_sources(1, "cap"))
    return f"/api/v1/captures/{capture.pk}/"


def rating_scale(n, ctx):
    return "/api/v1/rating-scale/"


def webhooks_list(n, ctx):
    WebhookSubscription.objects.bulk_create(
        WebhookSubscription(owner=ctx["editor"], url=f"https://hooks.example/{i}", secret="s")
        for i in range(n)
    )
    return f"/api/v1/webhooks/?page_size={n}"


def webhook_detail(n, ctx):
    sub = WebhookSubscription.objects.create(
        owner=ctx["editor"], url="https://h.example", secret="s"
    )
    return f"/api/v1/webhooks/{sub.pk}/"


def webhook_deliveries(n, ctx):
    sub = WebhookSubscription.objects.create(
        owner=ctx["editor"], url="https://h.example", secret="s"
    )
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(subscription=sub, event="verdict.published", payload={}) for _ in range(n)
    )
    return f"/api/v1/webhooks/{sub.pk}/deliveries/?page_size={n}"


# endpoint -> (setup, queries beyond authentication)
CASES = {
    "claims list": (claims_list, 3),  # roles, the page, its figures
    "claim detail": (claim_detail, 6),  # roles, claim, figures, verdict, evidence, captures
    "claim status": (claim_status, 2),  # roles, the row
    "claim ratings": (claim_ratings, 4),  # roles, claim, ratings, evidence (editors: no own check)
    "claim verdicts": (claim_verdicts, 4),  # roles, claim, verdicts, evidence
    "claimreview feed": (claimreview_feed, 2),  # claims with their articles, verdicts
    "claimreview document": (claimreview_document, 2),
    "articles list": (articles_list, 2),  # roles, the page with counts
    "article detail": (article_detail, 2),
    "sources list": (sources_list, 3),  # roles, the page, latest captures
    "source detail": (source_detail, 3),
    "captures list": (captures_list, 2),
    "capture detail": (capture_detail, 2),
    "rating scale": (rating_scale, 1),
    "webhooks list": (webhooks_list, 1),
    "webhook detail": (webhook_detail, 1),
    "webhook deliveries": (webhook_deliveries, 2),  # the subscription, the page
}
AUTHENTICATION = 1  # the token with its owner


@pytest.mark.parametrize("endpoint", list(CASES))
@pytest.mark.parametrize("rows", [5, 50])
def test_query_count_does_not_grow_with_rows(
    endpoint, rows, client_for, make_user, django_assert_num_queries
):
    setup, queries = CASES[endpoint]
    client = client_for("editor")
    url = setup(rows, {"editor": client.user, "make_user": make_user})
    warm = client.get(url)  # also writes the token's last_used, once a minute
    assert warm.status_code == 200, warm.content
    bump_all()  # measure the uncached path: polled bodies are cached per data version
    with django_assert_num_queries(AUTHENTICATION + queries):
        response = client.get(url)
    assert response.status_code == 200
    body = response.json()
    results = body["results"] if isinstance(body, dict) and "results" in body else body
    if endpoint.endswith(("list", "feed", "ratings", "verdicts", "deliveries")):
        assert len(results) == rows
