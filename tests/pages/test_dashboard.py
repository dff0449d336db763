"""The dashboard: counts by state and rating, the archive's trouble, my claims, two SVG charts."""

from __future__ import annotations

import re

from django.urls import reverse

from claims.models import Article, ClaimState
from sources.models import Capture, Source


def test_the_dashboard_counts_and_charts(client_for, fact_checker, claim_in):
    claim_in(ClaimState.NEW)
    claim_in(ClaimState.NEW)
    mine = claim_in(ClaimState.RESEARCHING, assignee=fact_checker, text="Rice exports doubled.")
    claim_in(ClaimState.PUBLISHED)  # rated false by the factory
    article = Article.objects.create(title="Trade weekly", content_hash="t" * 64)
    failing = Source.objects.create(url="https://example.org/gone")
    Capture.objects.create(source=failing, state="failed", failure_reason="HTTP 404 Not Found")
    recovered = Source.objects.create(url="https://example.org/back")
    Capture.objects.create(source=recovered, state="failed", failure_reason="timeout")
    Capture.objects.create(source=recovered, state="archived", sha256="d" * 64)
    Capture.objects.create(source=Source.objects.create(url="https://example.org/q"))

    page = client_for(fact_checker).get(reverse("home")).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "New 2" in text and "Researching 1" in text and "Published 1" in text
    assert "Queued or fetching 1" in text
    assert "Failing 1" in text  # the recovered source no longer counts
    assert "HTTP 404 Not Found" in text and "timeout" not in text
    assert "Rice exports doubled." in text
    assert reverse("claims:detail", args=[mine.pk]) in page
    assert reverse("claims:article", args=[article.pk]) in page
    assert page.count("<svg") == 2
    assert re.search(r'<rect [^>]*fill="#b00020"[^>]*width="\d+"|fill="#b00020"', page)
    assert "False: 1." in page  # the rating chart's text alternative
    assert " style=" not in page  # the CSP allows no inline style
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # nor inline script


def test_the_dashboard_needs_a_desk_role(client_for, outsider):
    assert client_for(outsider).get(reverse("home")).status_code == 403
    response = client_for().get(reverse("home"))
    assert response.status_code == 302
