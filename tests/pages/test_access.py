"""Who may open what: anonymous visitors see no internal page, users without a role get the 403
page, every form carries a CSRF token and a POST without one is refused."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from claims.evidence.models import Evidence
from claims.models import Article, ClaimState
from sources.models import Capture, Source

SECRET = "Customs data shows 1,000 containers left Rason in October."


@pytest.fixture
def internal(claim_in):
    """An unpublished claim with an article, a source and an archived capture; its internal URLs."""
    article = Article.objects.create(title="Internal article", body=SECRET, content_hash="i" * 64)
    claim = claim_in(ClaimState.RESEARCHING, text=SECRET)
    claim.article = article
    claim.save(update_fields=["article"])
    source = Source.objects.create(url="https://example.org/customs")
    Evidence.objects.create(claim=claim, source=source)
    capture = Capture.objects.create(
        source=source, state="archived", sha256="c" * 64, text=SECRET, title="Customs"
    )
    urls = [
        reverse("home"),
        reverse("claims:queue"),
        reverse("claims:queue") + "?q=containers",
        reverse("claims:detail", args=[claim.pk]),
        reverse("claims:article-import"),
        reverse("claims:article", args=[article.pk]),
        reverse("claims:article-status", args=[article.pk]),
        reverse("claims:candidate-edit", args=[article.pk]) + "?span=0-10",
        reverse("evidence:claim-captures", args=[claim.pk]),
        reverse("sources:capture", args=[capture.pk]),
        reverse("sources:capture-warc", args=[capture.pk]),
        reverse("sources:capture-original", args=[capture.pk]),
        reverse("claims:verdict", args=[claim.pk]),  # public, but not published: 404
    ]
    return claim, urls


def test_an_anonymous_visitor_reaches_no_internal_page(internal):
    claim, urls = internal
    client = Client()
    for url in urls:
        response = client.get(url)
        body = response.content.decode(errors="replace")
        assert SECRET not in body, url
        assert "Internal article" not in body, url
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/?next="), url
        else:
            # The sources app answers its JSON poll with 403 rather than a login redirect.
            assert response.status_code in (403, 404), (url, response.status_code)


def test_an_anonymous_post_changes_nothing(internal):
    claim, _urls = internal
    client = Client()
    for name in ("edit", "rate", "comment", "start_research", "approve", "publish"):
        response = client.post(reverse("claims:action", args=[claim.pk, name]), {})
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    claim.refresh_from_db()
    assert claim.version == 1


def test_a_user_without_a_role_gets_the_403_page(client_for, outsider, internal):
    claim, _urls = internal
    client = client_for(outsider)
    for url in (
        reverse("home"),
        reverse("claims:queue"),
        reverse("claims:detail", args=[claim.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        page = response.content.decode()
        assert "You cannot open this page" in page
        assert "ask an editor" in page.lower()
        assert SECRET not in page
    response = client.post(
        reverse("claims:action", args=[claim.pk, "comment"]), {"comment-body": "x"}
    )
    assert response.status_code == 403


def test_every_post_form_on_the_desk_pages_carries_a_csrf_token(client_for, editor, claim_in):
    client = client_for(editor)
    claims = [
        claim_in(ClaimState.NEW),
        claim_in(ClaimState.AWAITING_APPROVAL, ratings=2, verdict=True),
        claim_in(ClaimState.PUBLISHED),
        claim_in(ClaimState.DISMISSED),
    ]
    pages = [reverse("home"), reverse("claims:queue")] + [
        reverse("claims:detail", args=[c.pk]) for c in claims
    ]
    forms_seen = 0
    for url in pages:
        html = client.get(url).content.decode()
        for form in re.findall(r"<form\b[^>]*>.*?</form>", html, re.S):
            if 'method="post"' in form:
                forms_seen += 1
                assert 'name="csrfmiddlewaretoken"' in form, (url, form[:200])
    assert forms_seen > 15


def test_a_post_without_the_csrf_token_is_refused(editor, claim_in):
    claim = claim_in(ClaimState.NEW)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(
        reverse("claims:action", args=[claim.pk, "dismiss"]),
        {"dismiss-expected_version": claim.version, "dismiss-reason": "Not checkable."},
    )
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.state == ClaimState.NEW


def test_login_and_logout(client_for, fact_checker):
    from tests.support.fixtures import PASSWORD

    client = Client()
    page = client.get(reverse("login")).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    response = client.post(
        reverse("login"), {"username": fact_checker.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302
