"""Consumer tokens: only a hash is stored; made and revoked by command or admin; revoked is 401."""

from __future__ import annotations

import hashlib
from io import StringIO

from django.core.management import call_command
from rest_framework.test import APIClient

from api.models import ApiToken


def _client(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_the_command_creates_lists_and_revokes_tokens(consumer):
    out = StringIO()
    call_command(
        "api_token", "create", consumer.username, "--name", "CMS", stdout=out, stderr=StringIO()
    )
    raw = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert raw.startswith("fcd_") and token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.values().get())  # the token itself is not stored
    assert _client(raw).get("/api/v1/claims/").status_code == 200
    token.refresh_from_db()
    assert token.last_used is not None

    listing = StringIO()
    call_command("api_token", "list", stdout=listing)
    assert "CMS" in listing.getvalue() and token.prefix in listing.getvalue()

    call_command("api_token", "revoke", str(token.pk), stdout=StringIO())
    response = _client(raw).get("/api/v1/claims/")
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"


def test_the_admin_shows_a_new_token_once_and_revokes_it(client, staff_admin, consumer):
    client.force_login(staff_admin)
    response = client.post(
        "/admin/api/apitoken/add/", {"owner": consumer.pk, "name": "Platform"}, follow=True
    )
    assert response.status_code == 200
    message = next(str(m) for m in response.context["messages"])
    raw = message.split(" is ")[1].split(" ")[0]
    assert _client(raw).get("/api/v1/claims/").status_code == 200
    token = ApiToken.objects.get(name="Platform")
    client.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
        follow=True,
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert _client(raw).get("/api/v1/claims/").status_code == 401


def test_an_inactive_owner_s_token_stops_working(consumer, token_for):
    raw = token_for(consumer)
    consumer.is_active = False
    consumer.save()
    assert _client(raw).get("/api/v1/claims/").status_code == 401


def test_the_docs_page_and_schema_are_served_from_our_origin(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>" not in html and "<style>" not in html  # the CSP allows neither
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "script-src 'self'" in page["Content-Security-Policy"]
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/claims/{id}/transitions/" in schema.json()["paths"]
