"""The blind rule in the API: no other reviewer's rating reaches a fact-checker before theirs."""

from __future__ import annotations

import json

from claims.models import ClaimState
from claims.services import rating_submit


def test_a_fact_checker_sees_no_rating_until_their_own_is_in(
    client_for, claim_in, make_user, scale
):
    claim = claim_in(ClaimState.IN_REVIEW)
    other = make_user("fact-checker")
    rating_submit(actor=other, claim=claim, scale=scale("false"), rationale="Customs say no.")
    me = make_user("fact-checker")
    client = client_for("fact-checker", user=me)

    before = client.get(f"/api/v1/claims/{claim.pk}/ratings/")
    assert before.status_code == 200 and before.json() == []
    # Nor does anything else the fact-checker can read carry it.
    for path in ("", "status/", "verdicts/"):
        body = client.get(f"/api/v1/claims/{claim.pk}/{path}").content.decode()
        assert "Customs say no." not in body and other.username not in body
    listing = json.dumps(client.get("/api/v1/claims/").json())
    assert "Customs say no." not in listing

    mine = client.post(
        f"/api/v1/claims/{claim.pk}/ratings/",
        {"rating": "half-true", "rationale": "Partly.", "expected_revision": 0},
        format="json",
    )
    assert mine.status_code == 201
    # My own rating's answer holds only mine.
    assert mine.json()["reviewer"] == me.username and mine.json()["rationale"] == "Partly."

    after = client.get(f"/api/v1/claims/{claim.pk}/ratings/").json()
    assert {(r["reviewer"], r["rating"]["slug"]) for r in after} == {
        (other.username, "false"),
        (me.username, "half-true"),
    }


def test_an_editor_sees_every_rating_without_rating(client_for, claim_in, make_user, scale):
    claim = claim_in(ClaimState.IN_REVIEW)
    rating_submit(
        actor=make_user("fact-checker"), claim=claim, scale=scale("false"), rationale="No."
    )
    ratings = client_for("editor").get(f"/api/v1/claims/{claim.pk}/ratings/").json()
    assert [r["rationale"] for r in ratings] == ["No."]


def test_revising_a_rating_returns_200_and_a_stale_revision_is_a_conflict(checker_client, claim_in):
    claim = claim_in(ClaimState.RESEARCHING)
    url = f"/api/v1/claims/{claim.pk}/ratings/"
    first = checker_client.post(url, {"rating": "false", "rationale": "No."}, format="json")
    assert first.status_code == 201 and first.json()["revision"] == 1
    second = checker_client.post(
        url, {"rating": "true", "rationale": "Yes.", "expected_revision": 1}, format="json"
    )
    assert second.status_code == 200 and second.json()["revision"] == 2
    stale = checker_client.post(
        url, {"rating": "false", "rationale": "No!", "expected_revision": 1}, format="json"
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
