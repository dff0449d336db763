"""The API runs the same verdict rules as the pages: the approver's own rating does not count,
stale ratings are marked and confirmed, and a retracted source leaves what readers see."""

from __future__ import annotations

from claims.evidence.models import Evidence
from claims.models import Claim, ClaimState, RatingScale
from claims.services import rating_submit
from sources.models import Capture, Source


def _transition(client, pk, action, **extra):
    version = Claim.objects.get(pk=pk).version
    return client.post(
        f"/api/v1/claims/{pk}/transitions/",
        {"action": action, "expected_version": version, **extra},
        format="json",
    )


APPROVAL = {
    "rating": "false",
    "conclusion": "False: the depot held half as much.",
    "explanation": "The depot's inventory shows half the stated stock.",
}


def test_an_editor_who_rated_cannot_approve_through_the_api(client_for, claim_in, make_user):
    claim = claim_in(ClaimState.IN_REVIEW)
    editor = make_user("editor")
    false = RatingScale.objects.get(slug="false")
    for reviewer in (make_user("fact-checker"), editor):
        rating_submit(actor=reviewer, claim=claim, scale=false, rationale="Inventory data.")
    refused = _transition(client_for("editor", user=editor), claim.pk, "approve", **APPROVAL)
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert "Your own rating does not count" in error["message"]
    assert error["fields"] == {"ratings": ["1 of 2"]}
    assert _transition(client_for("editor"), claim.pk, "approve", **APPROVAL).status_code == 200


def test_a_stale_rating_is_marked_and_confirmed_through_the_api(client_for, claim_in, make_user):
    claim = claim_in(ClaimState.RESEARCHING)
    reviewer = make_user("fact-checker")
    client = client_for("fact-checker", user=reviewer)
    rated = client.post(
        f"/api/v1/claims/{claim.pk}/ratings/",
        {"rating": "false", "rationale": "Inventory data."},
        format="json",
    )
    assert rated.status_code == 201 and rated.json()["stale"] is False
    edited = client.patch(
        f"/api/v1/claims/{claim.pk}/",
        {"expected_version": Claim.objects.get(pk=claim.pk).version, "text": "Stock fell 8%."},
        format="json",
    )
    assert edited.status_code == 200
    [rating] = client.get(f"/api/v1/claims/{claim.pk}/ratings/").json()
    assert rating["stale"] is True

    confirmed = client.post(
        f"/api/v1/claims/{claim.pk}/ratings/confirm/", {"expected_revision": 1}, format="json"
    )
    assert confirmed.status_code == 200 and confirmed.json()["stale"] is False
    again = client.post(f"/api/v1/claims/{claim.pk}/ratings/confirm/", {}, format="json")
    assert again.status_code == 400 and "nothing to confirm" in again.json()["error"]["message"]


def test_a_retracted_source_leaves_the_public_claim(client_for, claim_in):
    claim = claim_in(ClaimState.PUBLISHED)
    source = Source.objects.create(url="https://depot.example.org/inventory")
    Capture.objects.create(source=source, state="archived", sha256="c" * 64)
    evidence = Evidence.objects.create(claim=claim, source=source, relation="refutes")
    reader = client_for("consumer")
    assert len(reader.get(f"/api/v1/claims/{claim.pk}/").json()["sources"]) == 1

    url = f"/api/v1/claims/{claim.pk}/sources/{evidence.pk}/retraction/"
    checker = client_for("fact-checker")
    assert checker.post(url, {"reason": "Forged."}, format="json").status_code == 403
    assert client_for("editor").post(url, {}, format="json").status_code == 400
    retracted = client_for("editor").post(url, {"reason": "Forged."}, format="json")
    assert retracted.status_code == 200
    assert retracted.json()["retracted"]["reason"] == "Forged."
    assert reader.get(f"/api/v1/claims/{claim.pk}/").json()["sources"] == []
    assert reader.get(f"/api/v1/sources/{source.pk}/").status_code == 404
    desk = client_for("editor").get(f"/api/v1/claims/{claim.pk}/").json()
    assert desk["sources"][0]["retracted"]["reason"] == "Forged."
    assert client_for("editor").post(url, {"reason": "Again."}, format="json").status_code == 409
