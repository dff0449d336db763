"""The one role guard (factcheck.pages.role_required) on every desk page: anonymous visitors are
sent to the login page and come back where they were going, a signed-in user whose role does not
fit gets the 403 page saying why."""

from __future__ import annotations

from urllib.parse import quote

from django.test import Client
from django.urls import reverse

from claims.models import Article, ClaimState


def _desk_pages(claim, article) -> list[str]:
    return [
        reverse("home"),
        reverse("claims:queue"),
        reverse("claims:detail", args=[claim.pk]),
        reverse("claims:preview", args=[claim.pk]),
        reverse("claims:article-import"),
        reverse("claims:article", args=[article.pk]),
        reverse("claims:article-status", args=[article.pk]),
    ]


def _article() -> Article:
    return Article.objects.create(
        title="Port figures", body="The port handled 300,000 containers.", content_hash="p" * 64
    )


def test_anonymous_visitors_go_to_the_login_page_and_back(claim_in):
    claim = claim_in(ClaimState.AWAITING_APPROVAL, ratings=2, verdict=True)
    for url in _desk_pages(claim, _article()):
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('login')}?next={quote(url)}", url


def test_a_user_without_a_desk_role_is_told_why(client_for, outsider, claim_in):
    claim = claim_in(ClaimState.AWAITING_APPROVAL, ratings=2, verdict=True)
    client = client_for(outsider)
    for url in _desk_pages(claim, _article()):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "You cannot open this page" in response.content.decode(), url


def test_only_an_editor_previews_a_verdict(client_for, fact_checker, editor, claim_in):
    claim = claim_in(ClaimState.AWAITING_APPROVAL, ratings=2, verdict=True)
    url = reverse("claims:preview", args=[claim.pk])
    refused = client_for(fact_checker).get(url)
    assert refused.status_code == 403
    assert "Only an editor may preview a verdict" in refused.content.decode()
    assert client_for(editor).get(url).status_code == 200
