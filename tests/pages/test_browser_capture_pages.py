"""A browser capture in the desk: the claim page's thumbnail and button, the reader's screenshot
and rendered text, the provenance page, the sandboxed screenshot, and the API's fields. The
capture itself is real (Chromium through the fetcher, against a page served on 127.0.0.1), run
in the test's process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from claims.evidence.services import source_link
from claims.models import Claim
from factcheck.models import AuditEvent
from factcheck.roles import EDITOR
from sources.browser.capture import browser_capture_perform, browser_capture_request
from sources.models import Capture, CaptureKind, CaptureState
from sources.services import capture_text_read, capture_text_rerun
from tests.sources.httpserver import HTTPTestServer, Reply
from tests.support.browser import log_in
from tests.support.worker import flush_broker

pytestmark = pytest.mark.django_db(transaction=True)

HTML = [("Content-Type", "text/html; charset=utf-8")]
PAGE = b"""<html><head><title>Grain report</title></head><body><main id="m"></main>
<script>
for (const line of [
  'Wheat stocks at the two silos stood at 182,400 tonnes at the end of June.',
  'The figure is the lowest for the season in a decade, the cooperative said.',
  'Farmers blamed the late rains for a harvest that came in three weeks behind.',
]) { const p = document.createElement('p'); p.textContent = line; m.appendChild(p); }
fetch('/tracker').catch(() => null);
</script></body></html>"""


@pytest.fixture
def captured(settings, fact_checker):
    """A claim citing a page, and that page's browser capture, run here and now."""
    settings.FETCH_ALLOW_PRIVATE = True
    settings.BROWSER_CAPTURE_AFTER_HTTP = False
    settings.BROWSER_LOAD_TIMEOUT = 5
    settings.BROWSER_CAPTURE_TIMEOUT = 12
    flush_broker()
    with HTTPTestServer() as server:
        server.route("/grain", Reply(body=PAGE, headers=HTML))
        server.route("/tracker", Reply(status=404, body=b"gone"))
        claim = Claim.objects.create(text="Wheat stocks stood at 182,400 tonnes in June.")
        source = source_link(actor=fact_checker, claim=claim, url=server.url("/grain")).source
        capture = browser_capture_request(actor=fact_checker, source=source)
        browser_capture_perform(capture_id=capture.pk)
    capture.refresh_from_db()
    assert capture.state == CaptureState.ARCHIVED, capture.failure_reason
    return claim, capture


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_claim_page_shows_the_screenshot_thumbnail_and_links(captured, fact_checker):
    claim, capture = captured
    page = signed_in(fact_checker).get(reverse("claims:detail", args=[claim.pk])).content.decode()
    screenshot = reverse("sources:capture-screenshot", args=[capture.pk])
    assert f'<img src="{screenshot}"' in page and 'data-role="screenshot-thumb"' in page
    assert f'href="{screenshot}" data-role="screenshot-full"' in page
    assert reverse("sources:capture-provenance", args=[capture.pk]) in page
    assert reverse("sources:capture-browser", args=[capture.source_id]) in page


def test_reader_shows_the_rendered_text_and_the_screenshot(captured, fact_checker):
    _, capture = captured
    page = signed_in(fact_checker).get(reverse("sources:capture", args=[capture.pk]))
    body = page.content.decode()
    assert "Rendered text" in body and "182,400 tonnes" in body
    assert reverse("sources:capture-screenshot", args=[capture.pk]) in body


def test_screenshot_is_served_sandboxed_and_only_to_the_desk(captured, fact_checker):
    _, capture = captured
    url = reverse("sources:capture-screenshot", args=[capture.pk])
    response = signed_in(fact_checker).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"
    assert Client().get(url).status_code == 404  # the claim is not published


def test_provenance_page_says_how_the_copy_was_made(captured, fact_checker):
    _, capture = captured
    page = signed_in(fact_checker).get(reverse("sources:capture-provenance", args=[capture.pk]))
    body = page.content.decode()
    assert capture.provenance["software"]["chromium"] in body
    assert "whole capture 12.0 s" in body
    assert "127.0.0.1" in body
    # The tracker answered 404: the fetcher's reason is on the page.
    assert "/tracker" in body and "404" in body


def test_a_person_asks_for_a_browser_capture_and_it_is_audited(captured, fact_checker, make_user):
    _, capture = captured
    url = reverse("sources:capture-browser", args=[capture.source_id])
    page = signed_in(fact_checker).get(reverse("claims:detail", args=[captured[0].pk]))
    token = page.content.decode().split('name="submission_token" value="', 1)[1].split('"', 1)[0]
    response = signed_in(fact_checker).post(url, {"submission_token": token, "next": "/"})
    assert response.status_code == 302
    queued = Capture.objects.filter(source_id=capture.source_id, kind=CaptureKind.BROWSER)
    assert queued.count() == 2
    newest = queued.order_by("-pk").first()
    assert newest.state == CaptureState.QUEUED and newest.requested_by == fact_checker
    event = AuditEvent.objects.get(action="capture.queued", object_id=str(newest.pk))
    assert event.actor == fact_checker and event.after["kind"] == "browser"


def test_someone_without_a_desk_role_cannot_ask_for_one(captured, django_user_model):
    _, capture = captured
    outsider = django_user_model.objects.create_user(username="passer-by", password="x")
    url = reverse("sources:capture-browser", args=[capture.source_id])
    response = signed_in(outsider).post(url, {"next": "/"})
    assert response.status_code == 403
    assert Capture.objects.filter(kind=CaptureKind.BROWSER).count() == 1


def test_api_capture_carries_kind_screenshot_text_chars_and_provenance(captured, make_user):
    _, capture = captured
    api = APIClient()
    api.force_authenticate(make_user(EDITOR))
    detail = api.get(f"/api/v1/captures/{capture.pk}/").json()
    assert detail["kind"] == "browser"
    assert detail["screenshot_url"].endswith(f"/captures/{capture.pk}/screenshot.png")
    assert detail["text_chars"] == len(capture.text) > 100
    assert detail["provenance"]["budgets"]["capture_seconds"] == 12
    listed = api.get("/api/v1/captures/").json()["results"]
    browser = next(item for item in listed if item["id"] == capture.pk)
    assert browser["kind"] == "browser" and browser["text_chars"] == len(capture.text)
    http = next(item for item in listed if item["id"] != capture.pk)
    assert http["kind"] == "http" and http["screenshot_url"] is None


def test_the_claim_page_shows_the_screenshot_as_soon_as_the_capture_ends(
    settings, live_server, browser_page, fact_checker
):
    """In Chromium: the page polls while the browser capture runs, then shows its thumbnail
    without a reload."""
    settings.FETCH_ALLOW_PRIVATE = True
    settings.BROWSER_CAPTURE_AFTER_HTTP = False
    settings.BROWSER_LOAD_TIMEOUT = 5
    settings.BROWSER_CAPTURE_TIMEOUT = 12
    flush_broker()
    with HTTPTestServer() as server:
        server.route("/grain", Reply(body=PAGE, headers=HTML))
        claim = Claim.objects.create(text="Wheat stocks stood at 182,400 tonnes in June.")
        source = source_link(actor=fact_checker, claim=claim, url=server.url("/grain")).source
        Capture.objects.filter(source=source).delete()  # no worker here: only the browser's
        capture = browser_capture_request(actor=fact_checker, source=source)
        log_in(browser_page, live_server, fact_checker)
        browser_page.goto(f"{live_server.url}/claims/{claim.pk}/")
        state = browser_page.locator('[data-role="capture-state"]')
        assert state.inner_text().startswith("Queued")
        assert browser_page.locator('[data-role="screenshot-thumb"]').count() == 0
        browser_capture_perform(capture_id=capture.pk)
    thumb = browser_page.locator('[data-role="screenshot-thumb"]')
    thumb.wait_for(timeout=15_000)
    assert state.inner_text() == "Archived"
    assert thumb.get_attribute("src") == f"/captures/{capture.pk}/screenshot.png"
    assert thumb.evaluate("img => img.naturalWidth") > 0  # the PNG loads from the sandboxed URL
    browser_page.get_by_role("link", name="Provenance of the browser capture").click()
    assert "Chromium" in browser_page.locator('[data-role="software"]').inner_text()


def test_the_browser_warc_passes_warcio_check(captured):
    _, capture = captured
    path = default_storage.path(capture.warc.name)
    done = subprocess.run(
        [str(Path(sys.executable).with_name("warcio")), "check", "-v", path],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "digest pass" in done.stdout


def test_reading_the_text_again_reads_the_rendered_page(captured, fact_checker):
    _, capture = captured
    Capture.objects.filter(pk=capture.pk).update(text="", text_status="empty", text_reason="x")
    capture.refresh_from_db()
    capture_text_rerun(actor=fact_checker, capture=capture)
    assert capture_text_read(capture_id=capture.pk) == "ok"
    capture.refresh_from_db()
    assert "182,400 tonnes" in capture.text  # written by the page's script: not in the raw HTML
