"""In Chromium: the claim page's capture card learns of the WACZ package without a reload."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims.evidence.services import source_link
from claims.models import Claim
from sources.models import Capture, CaptureState
from sources.services import capture_perform
from sources.wacz import package_capture
from tests.sources.httpserver import HTTPTestServer, Reply
from tests.support.browser import log_in
from tests.support.tsa import TSA_NAME

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = b"<html><body><p>Fuel imports reached 3.4 million litres in August.</p></body></html>"


def test_the_card_shows_the_package_once_it_is_written(
    settings, live_server, browser_page, fact_checker, signing_key, tsa
):
    settings.FETCH_ALLOW_PRIVATE = True
    claim = Claim.objects.create(text="Fuel imports reached 3.4 million litres in August.")
    with HTTPTestServer() as server:
        server.route("/fuel", Reply(body=PAGE, headers=[("Content-Type", "text/html")]))
        source_link(actor=fact_checker, claim=claim, url=server.url("/fuel"))
        capture = Capture.objects.get()
        assert capture_perform(capture_id=capture.pk).state == CaptureState.ARCHIVED
    # The moment between the two steps: archived, its package not written yet.
    Capture.objects.filter(pk=capture.pk).update(wacz="", wacz_problem="")

    log_in(browser_page, live_server, fact_checker)
    browser_page.goto(f"{live_server.url}/claims/{claim.pk}/")
    card = browser_page.locator('[data-role="capture-package"]')
    assert card.inner_text().startswith("Packaging as WACZ…")
    package_capture(Capture.objects.select_related("source").get(pk=capture.pk))
    label = browser_page.locator('[data-role="package-label"]')
    label.filter(has_text=f"Signed WACZ, timestamped by {TSA_NAME}").wait_for(timeout=10_000)
    download = browser_page.locator('[data-role="package-download"]')
    assert download.is_visible()
    assert download.get_attribute("href") == reverse("sources:capture-wacz", args=[capture.pk])
