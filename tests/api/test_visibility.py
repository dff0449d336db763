"""Who sees what, endpoint by endpoint: anonymous, consumer token, fact-checker, editor."""

from __future__ import annotations

import pytest
from django.utils import timezone

from claims.models import Article, Claim, ClaimState
from sources.models import Capture, CaptureState

ROLES = ("anonymous", "consumer", "fact-checker", "editor")
DESK = {"fact-checker", "editor"}


@pytest.fixture
def world(claim_in, evidence_for):
    """A published and an unpublished claim, each with an article, a source and a capture."""
    out = {}
    for name, state in (("published", ClaimState.PUBLISHED), ("draft", ClaimState.RESEARCHING)):
        article = Article.objects.create(title=f"{name} article", content_hash=name[:5] * 8)
        claim = claim_in(state)
        Claim.objects.filter(pk=claim.pk).update(article=article)
        evidence = evidence_for(claim)
        capture = Capture.objects.create(
            source=evidence.source,
            state=CaptureState.ARCHIVED,
            sha256="b" * 64,
            finished_at=timezone.now(),
        )
        out[name] = {
            "claim": claim.pk,
            "article": article.pk,
            "source": evidence.source_id,
            "capture": capture.pk,
        }
    return out


def _ids(response):
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("collection", "key"),
    [
        ("claims", "claim"),
        ("articles", "article"),
        ("sources", "source"),
        ("captures", "capture"),
    ],
)
def test_lists_show_the_desk_everything_and_others_what_is_published(
    client_for, world, role, collection, key
):
    response = client_for(role).get(f"/api/v1/{collection}/")
    assert response.status_code == 200
    expected = {world["published"][key]}
    if role in DESK:
        expected.add(world["draft"][key])
    assert _ids(response) == expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("claims/{}/", "claim"),
        ("claims/{}/status/", "claim"),
        ("articles/{}/", "article"),
        ("sources/{}/", "source"),
        ("captures/{}/", "capture"),
    ],
)
def test_details_of_unpublished_work_are_404_outside_the_desk(client_for, world, role, path, key):
    client = client_for(role)
    assert client.get("/api/v1/" + path.format(world["published"][key])).status_code == 200
    hidden = client.get("/api/v1/" + path.format(world["draft"][key]))
    assert hidden.status_code == (200 if role in DESK else 404)
    if role not in DESK:
        assert hidden.json()["error"]["code"] == "not_found"


def test_consumers_see_only_archived_captures_behind_published_claims(client_for, world):
    published_source = world["published"]["source"]
    pending = Capture.objects.create(source_id=published_source, state=CaptureState.QUEUED)
    assert pending.pk not in _ids(client_for("consumer").get("/api/v1/captures/"))
    assert pending.pk in _ids(client_for("editor").get("/api/v1/captures/"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["claims/{}/ratings/", "claims/{}/verdicts/"])
def test_ratings_and_verdicts_are_for_the_desk(client_for, world, role, path):
    response = client_for(role).get("/api/v1/" + path.format(world["published"]["claim"]))
    expected = {"anonymous": 401, "consumer": 403, "fact-checker": 200, "editor": 200}[role]
    assert response.status_code == expected
    if expected == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("role", ROLES)
def test_claimreview_feed_and_document_cover_published_claims_only(client_for, world, role):
    client = client_for(role)
    feed = client.get("/api/v1/claimreview/").json()["results"]
    assert [r["url"] for r in feed] == [
        f"https://desk.example.org/verdicts/{world['published']['claim']}/"
    ]
    assert client.get(f"/api/v1/claims/{world['draft']['claim']}/claimreview/").status_code == 404


@pytest.mark.parametrize("role", ["anonymous", "consumer"])
def test_writes_are_refused_outside_the_desk(client_for, world, role):
    client = client_for(role)
    expected = 401 if role == "anonymous" else 403
    claim = world["published"]["claim"]
    attempts = [
        client.post("/api/v1/claims/", {"text": "A new claim"}, format="json"),
        client.patch(f"/api/v1/claims/{claim}/", {"expected_version": 1}, format="json"),
        client.post(
            f"/api/v1/claims/{claim}/transitions/",
            {"action": "correct", "expected_version": 1},
            format="json",
        ),
        client.post(
            f"/api/v1/claims/{claim}/ratings/",
            {"rating": "false", "rationale": "x"},
            format="json",
        ),
        client.post(
            f"/api/v1/claims/{claim}/sources/", {"url": "https://example.org/x"}, format="json"
        ),
    ]
    assert [r.status_code for r in attempts] == [expected] * len(attempts)
    assert Claim.objects.count() == 2


def test_the_desk_sees_the_assignee_and_its_actions_consumers_do_not(
    client_for, claim_in, make_user
):
    checker = make_user("fact-checker")
    claim = claim_in(ClaimState.PUBLISHED, assignee=checker)
    desk = client_for("editor").get(f"/api/v1/claims/{claim.pk}/").json()
    public = client_for("consumer").get(f"/api/v1/claims/{claim.pk}/").json()
    assert desk["assignee"] == checker.username and "correct" in desk["actions"]
    assert public["assignee"] is None and public["actions"] == []


def test_session_users_without_a_role_see_published_claims_only(outsider, world):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(outsider)
    assert _ids(client.get("/api/v1/claims/")) == {world["published"]["claim"]}
