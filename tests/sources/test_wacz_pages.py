"""The desk shows a capture's package (signed, timestamped, or why not) and serves it safely."""

from __future__ import annotations

import html
import json
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from claims.evidence.services import source_link
from claims.models import Claim
from sources import signing
from sources.models import Capture
from sources.services import capture_perform
from tests.sources.httpserver import HTTPTestServer, Reply
from tests.support.tsa import TSA_NAME

PAGE = (
    b"<html><head><title>Grain report</title></head><body>"
    b"<p>Wheat stocks fell to 2.1 million tonnes by June, the lowest in a decade.</p>"
    b"</body></html>"
)


def visible(page: bytes) -> str:
    """The page's text as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.decode())).split())


@pytest.fixture
def packaged(settings, fact_checker, signing_key, tsa):
    settings.FETCH_ALLOW_PRIVATE = True
    with HTTPTestServer() as server:
        server.route("/grain", Reply(body=PAGE, headers=[("Content-Type", "text/html")]))
        claim = Claim.objects.create(text="Wheat stocks fell to 2.1 million tonnes by June.")
        evidence = source_link(actor=fact_checker, claim=claim, url=server.url("/grain"))
        capture = evidence.source.captures.get()
        capture_perform(capture_id=capture.pk)
    capture.refresh_from_db()
    assert capture.is_timestamped
    return claim, capture


@pytest.mark.django_db
def test_the_claim_page_card_says_signed_and_timestamped_and_offers_both_downloads(
    client, fact_checker, packaged
):
    claim, capture = packaged
    client.force_login(fact_checker)
    page = client.get(reverse("claims:detail", args=[claim.pk])).content
    assert f"Signed WACZ, timestamped by {TSA_NAME} on " in visible(page)
    assert reverse("sources:capture-wacz", args=[capture.pk]).encode() in page
    assert reverse("sources:capture-warc", args=[capture.pk]).encode() in page


@pytest.mark.django_db
def test_the_reader_checks_the_signature_now(client, fact_checker, packaged):
    _, capture = packaged
    client.force_login(fact_checker)
    page = visible(client.get(reverse("sources:capture", args=[capture.pk])).content)
    assert f"Signature valid , timestamped by {TSA_NAME} on " in page
    assert "(checked just now against the desk's public key )" in page
    assert "ReplayWeb.page" in page


@pytest.mark.django_db
def test_the_reader_says_what_failed_when_the_stored_package_was_altered(
    client, fact_checker, packaged
):
    _, capture = packaged
    stored = Path(default_storage.path(capture.wacz.name))
    with zipfile.ZipFile(stored) as wacz:
        entries = [(info, wacz.read(info)) for info in wacz.infolist()]
    with zipfile.ZipFile(stored, "w") as wacz:
        for info, data in entries:
            if info.filename == "datapackage.json":
                data = data.replace(b"Grain report", b"Other report")
            wacz.writestr(info, data)
    client.force_login(fact_checker)
    page = visible(client.get(reverse("sources:capture", args=[capture.pk])).content)
    assert "Not verified: digest: datapackage-digest.json says sha256:" in page
    assert "Signature valid" not in page


@pytest.mark.django_db
def test_a_capture_without_a_key_says_why_it_is_unsigned(client, fact_checker, settings):
    settings.FETCH_ALLOW_PRIVATE = True
    settings.ARCHIVE_SIGNING_KEY = settings.ARCHIVE_SIGNING_KEY_FILE = ""
    settings.TIMESTAMP_AUTHORITY_URL = ""
    with HTTPTestServer() as server:
        server.route("/grain", Reply(body=PAGE, headers=[("Content-Type", "text/html")]))
        claim = Claim.objects.create(text="Wheat stocks fell to 2.1 million tonnes by June.")
        source_link(actor=fact_checker, claim=claim, url=server.url("/grain"))
        capture_perform(capture_id=Capture.objects.get().pk)
    client.force_login(fact_checker)
    page = visible(client.get(reverse("claims:detail", args=[claim.pk])).content)
    assert "WACZ written: not signed: no signing key is configured" in page


@pytest.mark.django_db
def test_the_wacz_downloads_as_a_streamed_attachment_never_inline(client, fact_checker, packaged):
    _, capture = packaged
    client.force_login(fact_checker)
    response = client.get(reverse("sources:capture-wacz", args=[capture.pk]))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Disposition"] == f'attachment; filename="capture-{capture.pk}.wacz"'
    assert response["Content-Type"] == "application/wacz"
    assert response["X-Content-Type-Options"] == "nosniff"
    body = b"".join(response.streaming_content)
    assert body == Path(default_storage.path(capture.wacz.name)).read_bytes()


@pytest.mark.django_db
def test_the_wacz_of_an_unpublished_claim_is_not_for_the_public(client, packaged):
    _, capture = packaged
    assert client.get(reverse("sources:capture-wacz", args=[capture.pk])).status_code == 404


@pytest.mark.django_db
def test_the_public_key_is_published_at_a_stable_url(client, signing_key):
    response = client.get("/.well-known/factcheck-archive-key.pem")
    assert response.status_code == 200
    key = signing.load_public_key_pem(response.content)
    assert signing.public_key_pem(key) == signing.public_key_pem(signing.desk_public_key())


@pytest.mark.django_db
def test_no_key_means_no_published_key_and_a_reason(client, settings):
    settings.ARCHIVE_SIGNING_KEY = settings.ARCHIVE_SIGNING_KEY_FILE = ""
    response = client.get("/.well-known/factcheck-archive-key.pem")
    assert response.status_code == 404
    assert b"no archive signing key configured" in response.content
    api = client.get("/api/v1/archive-key/")
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_the_api_capture_carries_its_package(client, fact_checker, packaged):
    _, capture = packaged
    client.force_login(fact_checker)
    body = client.get(f"/api/v1/captures/{capture.pk}/").json()
    package = body["package"]
    assert package["state"] == "timestamped"
    assert package["wacz"].endswith(reverse("sources:capture-wacz", args=[capture.pk]))
    assert package["wacz_sha256"] == capture.wacz_sha256
    assert package["signed"] is True and package["timestamped"] is True
    assert package["timestamped_by"] == TSA_NAME
    key = client.get("/api/v1/archive-key/").json()
    assert key["fingerprint_sha256"] == package["signing_key"]
    assert "BEGIN PUBLIC KEY" in key["public_key_pem"]


@pytest.mark.django_db
def test_the_live_poll_waits_for_the_package_and_then_reports_it(client, fact_checker, packaged):
    claim, capture = packaged
    client.force_login(fact_checker)
    url = reverse("evidence:claim-captures", args=[claim.pk])
    done = json.loads(client.get(url).content)
    assert done["pending"] is False
    assert done["captures"][0]["package"]["state"] == "timestamped"
    # Archived but not yet packaged (the moment between the two): the poll keeps going.
    Capture.objects.filter(pk=capture.pk).update(wacz="", wacz_problem="")
    waiting = json.loads(client.get(url).content)
    assert waiting["pending"] is True
    assert waiting["captures"][0]["package"]["label"] == "Packaging as WACZ…"
