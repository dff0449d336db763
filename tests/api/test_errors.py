"""One error shape for everything; bad input of any kind is a 400 with the reason, never a 500."""

from __future__ import annotations

import pytest

from claims.models import ClaimState


def _error(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) >= {"code", "message", "fields"} and error["message"]
    return error


def test_malformed_json_is_a_400(editor_client):
    response = editor_client.post(
        "/api/v1/claims/", data=b'{"text": "unterminated', content_type="application/json"
    )
    assert _error(response, 400)["code"] == "malformed"


def test_wrong_types_are_400s_naming_the_fields(editor_client):
    response = editor_client.post(
        "/api/v1/claims/",
        {"text": ["a list"], "value": "forty", "period_start": 12, "check_worthiness": 2},
        format="json",
    )
    error = _error(response, 400)
    assert error["code"] == "invalid"
    assert {"text", "value", "period_start", "check_worthiness"} <= set(error["fields"])


def test_a_domain_refusal_keeps_its_fields(editor_client):
    response = editor_client.post(
        "/api/v1/claims/", {"text": "Exports rose", "value": "43"}, format="json"
    )
    assert "unit" in _error(response, 400)["fields"]


def test_a_non_json_body_is_a_415(editor_client):
    response = editor_client.post("/api/v1/claims/", data="text=x", content_type="text/plain")
    assert _error(response, 415)["code"] == "unsupported_media_type"


def test_a_wrong_method_is_a_405(editor_client):
    assert _error(editor_client.delete("/api/v1/claims/"), 405)["code"] == "method_not_allowed"


@pytest.mark.parametrize("path", ["/api/v1/nothing/", "/api/v2/claims/", "/api/v1/claims/abc/"])
def test_unknown_paths_under_api_are_json_404s(editor_client, path):
    assert _error(editor_client.get(path), 404)["code"] == "not_found"
    assert _error(editor_client.post(path, {}, format="json"), 404)["code"] == "not_found"


def test_a_huge_id_is_a_404_not_a_500(editor_client):
    assert _error(editor_client.get("/api/v1/claims/99999999999999999999999/"), 404)


def test_an_unknown_token_is_a_401_with_the_scheme(client_for):
    client = client_for("anonymous")
    client.credentials(HTTP_AUTHORIZATION="Bearer fcd_not-a-token")
    response = client.get("/api/v1/claims/")
    assert _error(response, 401)["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_malformed_authorization_header_is_a_401(client_for):
    client = client_for("anonymous")
    client.credentials(HTTP_AUTHORIZATION="Bearer two words")
    assert _error(client.get("/api/v1/claims/"), 401)


def test_nul_characters_are_refused(editor_client, claim_in):
    claim_in(ClaimState.NEW)
    assert _error(editor_client.get("/api/v1/claims/?q=a%00b"), 400)
    response = editor_client.post("/api/v1/claims/", {"text": "a\x00b"}, format="json")
    assert "text" in _error(response, 400)["fields"]
