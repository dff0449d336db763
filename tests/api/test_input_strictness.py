"""Query parameters and bodies mean what the schema says: an empty cursor is the first page,
an empty ordering and a number where text belongs are refused, date_precision is documented."""

from __future__ import annotations

import json

from claims.evidence.models import Evidence
from claims.models import Claim


def _schema(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_an_empty_cursor_is_the_first_page(editor_client, claim_in):
    for _ in range(3):
        claim_in("new")
    first = editor_client.get("/api/v1/claims/?page_size=2")
    empty = editor_client.get("/api/v1/claims/?page_size=2&cursor=")
    assert empty.status_code == 200, empty.content
    assert [c["id"] for c in empty.json()["results"]] == [c["id"] for c in first.json()["results"]]
    assert empty.json()["next"]


def test_an_empty_ordering_is_refused_like_any_unknown_one(editor_client):
    response = editor_client.get("/api/v1/claims/?ordering=")
    assert response.status_code == 400
    assert "ordering" in response.json()["error"]["fields"]
    feed = editor_client.get("/api/v1/claimreview/?ordering=")
    assert feed.status_code == 400


def test_a_number_as_a_note_is_refused_and_nothing_is_linked(checker_client, claim_in):
    claim = claim_in("researching")
    response = checker_client.post(
        f"/api/v1/claims/{claim.pk}/sources/",
        {"url": "https://example.org/a", "note": 7},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"note": ["Not a valid string."]}
    assert not Evidence.objects.filter(claim=claim).exists()


def test_numbers_where_text_belongs_are_refused_in_every_body(editor_client):
    response = editor_client.post(
        "/api/v1/claims/", {"text": 12345, "claimant": 3.5}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"text", "claimant"}
    assert not Claim.objects.exists()


def test_a_period_without_its_precision_is_refused_naming_the_field(editor_client):
    response = editor_client.post(
        "/api/v1/claims/",
        {"text": "Arrivals doubled in 2021.", "period_start": "2021-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "date_precision" in response.json()["error"]["fields"]
    assert not Claim.objects.exists()


def test_the_schema_says_what_the_api_does(editor_client):
    schema = _schema(editor_client)
    params = {p["name"]: p for p in schema["paths"]["/api/v1/claims/"]["get"]["parameters"]}
    assert "minLength" not in params["cursor"]["schema"]  # empty is allowed, and it works
    assert "" not in params["ordering"]["schema"]["enum"]  # empty is not offered, and refused
    body = schema["components"]["schemas"]["ClaimCreateRequest"]["properties"]
    assert body["date_precision"]["description"].startswith("Required (not empty) when")
    assert body["claimant"]["type"] == "string"


def test_a_refused_list_request_is_refused_before_any_304(editor_client):
    for path in ("/api/v1/claims/", "/api/v1/claimreview/"):
        for query in ("ordering=sideways", "page_size=0", "cursor=not-one-of-ours"):
            response = editor_client.get(f"{path}?{query}", HTTP_IF_NONE_MATCH="*")
            assert response.status_code == 400, (path, query)
