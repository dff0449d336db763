"""In Chromium: a capture whose body was cut short says so on the claim page and in the reader."""

from __future__ import annotations

import gzip

import pytest

from claims.evidence.services import source_link
from claims.models import Claim
from sources.models import CaptureState
from sources.services import capture_perform
from tests.sources.httpserver import HTTPTestServer, Reply
from tests.support.browser import log_in

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = b"<html><body>" + b"<p>The depot stored 12,600 tyres at the end of June.</p>" * 40


def test_a_truncated_page_reads_as_an_incomplete_copy(
    settings, live_server, browser_page, fact_checker
):
    settings.FETCH_ALLOW_PRIVATE = True  # the hostile server listens on 127.0.0.1
    claim = Claim.objects.create(text="The depot stored 12,600 tyres at the end of June.")
    whole = gzip.compress(PAGE)
    with HTTPTestServer() as server:
        server.route(
            "/tyres",
            Reply(body=whole[: len(whole) * 2 // 3], headers=[("Content-Encoding", "gzip")]),
        )
        capture = source_link(actor=fact_checker, claim=claim, url=server.url("/tyres"))
        capture = capture.source.captures.get()
        assert capture_perform(capture_id=capture.pk).state == CaptureState.PARTIAL

    log_in(browser_page, live_server, fact_checker)
    browser_page.goto(f"{live_server.url}/claims/{claim.pk}/")
    state = browser_page.locator('[data-role="capture-state"]')
    assert state.inner_text().startswith("Incomplete copy: the gzip body is truncated")
    browser_page.get_by_role("link", name="Read what arrived").click()
    notice = browser_page.locator('[data-role="capture-incomplete"]')
    assert notice.is_visible()
    assert "This copy is incomplete." in notice.inner_text()
    assert "The depot stored 12,600" in browser_page.locator(".archived-text").inner_text()
