"""One ClaimFilter (claims.filters) for the claim queue and the API: the same filters find the
same claims through both, and who works on a claim stays the desk's business."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from claims.models import Claim, ClaimKind, ClaimState
from claims.selectors import QueueFilters, claim_queue
from factcheck.roles import EDITOR, FACT_CHECKER

TEXTS = [
    ("Rice exports to the Philippines doubled in March.", ClaimKind.QUANTITY, ClaimState.NEW),
    ("Garment factories shed 12% of their workers.", ClaimKind.PERCENTAGE, ClaimState.RESEARCHING),
    ("Rice prices fell by a third after the harvest.", ClaimKind.PERCENTAGE, ClaimState.IN_REVIEW),
    ("The port handled 300,000 containers last year.", ClaimKind.QUANTITY, ClaimState.RESEARCHING),
]


@pytest.fixture
def desk(claim_in, make_user):
    editor = make_user(EDITOR)
    checker = make_user(FACT_CHECKER)
    claims = []
    for n, (text, kind, state) in enumerate(TEXTS):
        claim = claim_in(state, text=text, assignee=checker if n % 2 else None)
        Claim.objects.filter(pk=claim.pk).update(kind=kind)
        claims.append(claim)
    return editor, checker, claims


FILTERS = [
    {"q": "rice"},
    {"q": "rice", "state": ClaimState.NEW},
    {"kind": ClaimKind.PERCENTAGE},
    {"state": ClaimState.RESEARCHING},
    {"assignee": "none"},
    {"q": '"shed 12%" -rice'},
]


@pytest.mark.parametrize("query", FILTERS, ids=[str(f) for f in FILTERS])
def test_the_queue_and_the_api_find_the_same_claims(desk, query):
    editor, _checker, claims = desk
    queue = {c.pk for c in claim_queue(editor, QueueFilters(**query)).rows}
    api = APIClient()
    api.force_authenticate(editor)
    answer = api.get(reverse("api:claim-list"), query)
    assert answer.status_code == 200, answer.json()
    listed = {row["id"] for row in answer.json()["results"]}
    assert queue == listed
    assert queue  # every filter here finds something, so a filter that finds nothing fails


def test_the_queue_page_shows_what_the_filter_finds(desk):
    editor, checker, claims = desk
    client = Client()
    client.force_login(checker)
    page = client.get(reverse("claims:queue"), {"assignee": "me"}).content.decode()
    assert "Garment factories shed 12%" in page
    assert "The port handled 300,000 containers" in page
    assert "Rice" not in page  # nobody's yet
    page = client.get(reverse("claims:queue"), {"assignee": "me", "q": "port"}).content.decode()
    assert "The port handled 300,000 containers" in page
    assert "Garment factories" not in page


def test_only_the_desk_may_filter_by_assignee(desk, published_claim_for_readers):
    editor, checker, _claims = desk
    reader = APIClient()
    refused = reader.get(reverse("api:claim-list"), {"assignee": str(checker.pk)})
    assert refused.status_code == 400
    assert "assignee" in refused.json()["error"]["fields"]
    desk_client = APIClient()
    desk_client.force_authenticate(editor)
    mine = desk_client.get(reverse("api:claim-list"), {"assignee": str(checker.pk)}).json()
    assert {row["id"] for row in mine["results"]} == {
        c.pk for c in Claim.objects.filter(assignee=checker)
    }


@pytest.fixture
def published_claim_for_readers(claim_in, make_user):
    return claim_in(ClaimState.PUBLISHED, assignee=make_user(FACT_CHECKER))
