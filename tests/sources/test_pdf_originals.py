"""A PDF's JavaScript never runs in our origin: Chromium is handed the original as a download,
and the reader view shows the PDF's text and its first page drawn as an image."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.urls import reverse

from claims.evidence.services import source_upload
from claims.models import Claim
from sources.models import CaptureState
from sources.services import capture_perform
from tests.support import hostile
from tests.support.browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pdf_with_an_openaction_alert_is_downloaded_and_read_without_running_it(
    live_server, browser_page, fact_checker
):
    pdf = hostile.script_pdf("pdf-script-ran")
    claim = Claim.objects.create(text="The council approved 640 new homes in 2024.")
    evidence = source_upload(
        actor=fact_checker, claim=claim, upload=io.BytesIO(pdf), filename="council.pdf"
    )
    capture = evidence.source.captures.get()
    assert capture_perform(capture_id=capture.pk).state == CaptureState.ARCHIVED

    page = browser_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, live_server, fact_checker)

    page.goto(live_server.url + reverse("sources:capture", args=[capture.pk]))
    assert "A PDF with a script in its OpenAction." in page.inner_text(".archived-text")
    image = page.locator("figure.page-image img")
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const i = document.querySelector('figure.page-image img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    screenshot(page, "pdf-reader-first-page")

    with page.expect_download() as clicked:
        page.click('[data-role="original-download"]')
    download = clicked.value
    assert download.suggested_filename == f"capture-{capture.pk}-original.pdf"
    assert Path(download.path()).read_bytes() == pdf

    # Opening the original's address directly is a download too, never the PDF viewer.
    with page.expect_download() as opened:
        try:
            page.goto(live_server.url + reverse("sources:capture-original", args=[capture.pk]))
        except Exception as exc:  # Playwright reports a navigation that became a download
            assert "Download is starting" in str(exc)
    assert Path(opened.value.path()).read_bytes() == pdf
    page.wait_for_timeout(1000)
    assert dialogs == []
