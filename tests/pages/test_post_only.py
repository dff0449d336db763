"""Opening the address of a form's action (a reload, a shared link) leads back to its page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims.evidence.models import EvidenceSuggestion
from claims.models import Article
from claims.services import claim_create
from factcheck.pages import POST_ONLY
from sources.models import Capture, Source


@pytest.fixture
def claim(db):
    return claim_create(system_actor="test-setup", text="Cashew exports rose 30% in 2023.")


@pytest.fixture
def suggestion(claim):
    source = Source.objects.create(url="https://example.org/cashew")
    capture = Capture.objects.create(
        source=source, state="archived", sha256="a" * 64, text="Cashew up 30%."
    )
    return EvidenceSuggestion.objects.create(
        claim=claim,
        capture=capture,
        passage_start=0,
        passage_end=14,
        passage_text="Cashew up 30%.",
        figure_start=10,
        figure_end=13,
        verdict="agrees",
        score=0.9,
        comparison="30% in the passage, 30% in the claim",
    )


def test_every_post_only_claim_address_leads_back_to_the_claim_with_a_message(
    client_for, editor, claim, suggestion
):
    client = client_for(editor)
    page = reverse("claims:detail", args=[claim.pk])
    addresses = [
        reverse("claims:action", args=[claim.pk, "rate"]),
        reverse("claims:action", args=[claim.pk, "comment"]),
        reverse("evidence:add", args=[claim.pk]),
        reverse("evidence:upload", args=[claim.pk]),
        reverse("evidence:match-again", args=[claim.pk]),
        reverse("evidence:suggestion-confirm", args=[suggestion.pk]),
        reverse("evidence:suggestion-discard", args=[suggestion.pk]),
    ]
    for address in addresses:
        response = client.get(address, follow=True)
        assert response.redirect_chain == [(page, 302)], address
        assert response.status_code == 200
        assert POST_ONLY in response.content.decode()


def test_a_candidate_action_address_leads_back_to_the_article(client_for, fact_checker):
    article = Article.objects.create(title="A", body="Exports rose 43% in 2022.", content_hash="h")
    response = client_for(fact_checker).get(
        reverse("claims:candidate", args=[article.pk, "accept"]), follow=True
    )
    assert response.redirect_chain == [(reverse("claims:article", args=[article.pk]), 302)]
    assert POST_ONLY in response.content.decode()


def test_the_address_of_a_suggestion_that_is_gone_leads_to_the_dashboard(client_for, editor):
    response = client_for(editor).get(
        reverse("evidence:suggestion-confirm", args=[999999]), follow=True
    )
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert POST_ONLY in response.content.decode()


def test_an_anonymous_visitor_is_not_told_which_claim_a_suggestion_belongs_to(
    client, claim, suggestion
):
    response = client.get(reverse("evidence:suggestion-confirm", args=[suggestion.pk]))
    assert response["Location"] == reverse("home")  # which sends them to log in


def test_another_method_is_refused_with_a_reason_and_the_allowed_one(client_for, editor, claim):
    response = client_for(editor).put(reverse("claims:action", args=[claim.pk, "rate"]))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.content.decode() == "Only POST is allowed here."


def test_opening_the_log_out_address_leads_to_the_dashboard_still_logged_in(client_for, editor):
    client = client_for(editor)
    response = client.get(reverse("logout"), follow=True)
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert response.wsgi_request.user == editor
    assert client.post(reverse("logout")).status_code == 302  # the button still logs out
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
