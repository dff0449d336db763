"""Desk writes through the API run the workflow services: a claim from creation to correction."""

from __future__ import annotations

from rest_framework.test import APIClient

from claims.evidence.models import Evidence
from claims.models import Claim, ClaimState, VerdictVersion
from factcheck.models import AuditEvent
from sources.models import Capture


def test_a_claim_goes_from_creation_to_a_correction_through_the_api(client_for, make_user):
    editor = client_for("editor")
    checker_user = make_user("fact-checker")
    checker = client_for("fact-checker", user=checker_user)

    created = checker.post(
        "/api/v1/claims/",
        {
            "text": "Exports rose 43% in 2022.",
            "kind": "percentage",
            "value": "43",
            "unit": "percent",
            "period_start": "2022-01-01",
            "period_end": "2022-12-31",
            "date_precision": "year",
            "claimant": "The ministry",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    claim = created.json()
    assert claim["state"] == "new" and claim["figure"]["value"] == "43"
    assert claim["period"] == {"start": "2022-01-01", "end": "2022-12-31", "precision": "year"}
    pk = claim["id"]

    def act(client, action, **extra):
        version = Claim.objects.get(pk=pk).version
        return client.post(
            f"/api/v1/claims/{pk}/transitions/",
            {"action": action, "expected_version": version, **extra},
            format="json",
        )

    edited = checker.patch(
        f"/api/v1/claims/{pk}/",
        {"expected_version": claim["version"], "claimant": "The trade ministry"},
        format="json",
    )
    assert edited.status_code == 200 and edited.json()["claimant"] == "The trade ministry"

    linked = checker.post(
        f"/api/v1/claims/{pk}/sources/",
        {"url": "https://customs.example.org/2022.pdf", "relation": "refutes"},
        format="json",
    )
    assert linked.status_code == 201 and linked.json()["relation"] == "refutes"
    evidence_id = linked.json()["id"]

    assert act(checker, "start_research").json()["claim"]["state"] == "researching"
    assert act(checker, "submit_for_review").json()["claim"]["state"] == "in_review"
    for reviewer in (checker, client_for("fact-checker")):
        rated = reviewer.post(
            f"/api/v1/claims/{pk}/ratings/",
            {"rating": "false", "rationale": "Customs data.", "evidence_ids": [evidence_id]},
            format="json",
        )
        assert rated.status_code == 201, rated.content
    assert Claim.objects.get(pk=pk).state == ClaimState.AWAITING_APPROVAL

    refused = act(checker, "publish")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"

    approved = act(
        editor,
        "approve",
        rating="false",
        conclusion="False: exports fell.",
        explanation="Customs figures show a fall.",
        evidence_ids=[evidence_id],
    )
    assert approved.status_code == 200 and approved.json()["verdict"]["number"] == 1
    published = act(editor, "publish").json()["claim"]
    assert published["state"] == "published"
    assert published["public_url"] == f"https://desk.example.org/verdicts/{pk}/"
    assert published["rating"]["slug"] == "false"

    corrected = act(
        editor,
        "correct",
        rating="mostly-false",
        conclusion="Mostly false.",
        explanation="Revised figures.",
        correction_note="The ministry revised its figures.",
    )
    assert corrected.status_code == 200 and corrected.json()["verdict"]["number"] == 2
    detail = client_for("consumer").get(f"/api/v1/claims/{pk}/").json()
    assert detail["verdict"]["correction_note"] == "The ministry revised its figures."
    # Never archived (no worker ran): readers see only sources with an archived copy.
    assert detail["sources"] == []
    desk = checker.get(f"/api/v1/claims/{pk}/").json()
    assert desk["sources"][0]["source"]["url"] == "https://customs.example.org/2022.pdf"
    assert VerdictVersion.objects.filter(claim_id=pk).count() == 2
    actions = set(AuditEvent.objects.filter(claim_id=pk).values_list("action", flat=True))
    assert {"claim.created", "claim.published", "verdict.corrected"} <= actions


def test_a_stale_expected_version_is_a_409_with_the_claim_as_it_is(editor_client, claim_in):
    claim = claim_in(ClaimState.NEW)
    response = editor_client.post(
        f"/api/v1/claims/{claim.pk}/transitions/",
        {"action": "dismiss", "expected_version": claim.version + 5, "reason": "dup"},
        format="json",
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict" and error["current"]["version"] == claim.version
    assert Claim.objects.get(pk=claim.pk).state == ClaimState.NEW


def test_a_refused_state_change_is_a_400_naming_the_state(editor_client, claim_in):
    claim = claim_in(ClaimState.NEW)
    response = editor_client.post(
        f"/api/v1/claims/{claim.pk}/transitions/",
        {"action": "publish", "expected_version": claim.version},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"state": ["new"]}


def test_send_back_needs_a_comment(editor_client, claim_in):
    claim = claim_in(ClaimState.AWAITING_APPROVAL, ratings=2)
    response = editor_client.post(
        f"/api/v1/claims/{claim.pk}/transitions/",
        {"action": "send_back", "expected_version": claim.version},
        format="json",
    )
    assert response.status_code == 400 and "comment" in response.json()["error"]["fields"]


def test_session_writes_need_the_csrf_token(make_user, claim_in):
    editor = make_user("editor")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post("/api/v1/claims/", {"text": "Exports rose."}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]
    assert not Claim.objects.exists()
    client.get("/api/v1/claims/")  # any page sets no cookie; take the token as the browser would
    from django.middleware.csrf import _get_new_csrf_string

    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    ok = client.post(
        "/api/v1/claims/", {"text": "Exports rose."}, format="json", HTTP_X_CSRFTOKEN=token
    )
    assert ok.status_code == 201


def test_linking_a_source_reuses_it_and_queues_one_capture(checker_client, claim_in):
    claim = claim_in(ClaimState.RESEARCHING)
    for _ in range(2):
        response = checker_client.post(
            f"/api/v1/claims/{claim.pk}/sources/",
            {"url": "HTTPS://Example.org/report#top"},
            format="json",
        )
        assert response.status_code == 201
    assert Evidence.objects.filter(claim=claim).count() == 1
    assert response.json()["capture"]["state"] == "queued"
    source = Evidence.objects.get(claim=claim).source
    assert source.url == "https://example.org/report"
    assert Capture.objects.filter(source=source, state="queued").count() == 1


def test_an_unknown_rating_slug_is_a_400(editor_client, claim_in):
    claim = claim_in(ClaimState.AWAITING_APPROVAL, ratings=2)
    response = editor_client.post(
        f"/api/v1/claims/{claim.pk}/transitions/",
        {
            "action": "approve",
            "expected_version": claim.version,
            "rating": "pants-on-fire",
            "conclusion": "c",
            "explanation": "e",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"rating": ["unknown rating"]}
