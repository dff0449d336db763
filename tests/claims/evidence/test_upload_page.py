"""The claim page shows an upload being read, then how its reading ended, without a reload."""

from __future__ import annotations

import pytest

from claims.models import Claim
from tests.support import hostile
from tests.support.browser import log_in, screenshot
from tests.support.worker import celery_worker, flush_broker

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_an_uploaded_poison_pdf_is_shown_being_read_then_failed_with_its_reason(
    live_server, browser_page, fact_checker
):
    from playwright.sync_api import expect

    claim = Claim.objects.create(text="The port authority spent 12 million on dredging in 2022.")
    flush_broker()  # before the upload: its capture's task is sent to the broker on commit
    page = browser_page
    log_in(page, live_server, fact_checker)
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    page.set_input_files(
        "#source-file",
        files=[
            {
                "name": "dredging.pdf",
                "mimeType": "application/pdf",
                "buffer": hostile.cpu_bomb_pdf(),
            }
        ],
    )
    page.click("text=Upload and archive")
    page.wait_for_load_state("load")
    assert "dredging.pdf is stored; its text is being read." in page.inner_text("body")
    state = page.locator('[data-role="capture-state"]').first
    assert state.inner_text() == "Being read"  # no worker yet: the request did not read it
    screenshot(page, "upload-being-read")

    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    with celery_worker(concurrency=1, env={"TEXT_EXTRACTION_CPU_SECONDS": "1"}):
        expect(state).to_have_text(
            "Failed: text extraction exceeded its limit: it used more than 1 s of CPU time "
            "(the upload is kept)",
            timeout=60000,
        )
    screenshot(page, "upload-failed-at-limit")
    assert navigations == []  # it changed in place
