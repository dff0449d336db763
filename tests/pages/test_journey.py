"""The whole desk in a real browser: from a pasted article to a public verdict with ClaimReview.

Chromium (Debian's, through Playwright) drives the live server; a real Celery worker archives the
source from a local test server. Screenshots of each step go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from claims.models import Claim, ClaimState
from factcheck.roles import EDITOR, FACT_CHECKER
from tests.sources.httpserver import HTTPTestServer, Reply
from tests.support.browser import log_in, screenshot
from tests.support.worker import celery_worker, flush_broker

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SEED_ARTICLE = Path(__file__).resolve().parents[2].parent / "shared/seed/article.txt"
HTML = [("Content-Type", "text/html; charset=utf-8")]
REPORT = (
    b"<!doctype html><title>Port authority monthly bulletin</title>"
    b"<h1>Rajin port: October traffic</h1>"
    b"<p>Outbound boxes handled in October: 870, of which 610 were bound for Vladivostok.</p>"
)
FIRST_RATIONALE = "The port bulletin counts 870 boxes in October, not more than a thousand."
SECOND_RATIONALE = "Rounded up from the bulletin's 870; the direction is right, the size is not."


@pytest.fixture
def report_server():
    with HTTPTestServer() as server:
        # A short delay keeps the capture pending while the page first renders.
        server.route("/bulletin", Reply(body=REPORT, headers=HTML, delay=2.0))
        yield server


def desk_page(chromium, live_server, user):
    """A page in a fresh browser context, logged in as ``user``."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, live_server, user)
    return page


def test_from_article_to_public_verdict(chromium, live_server, make_user, report_server):
    from playwright.sync_api import expect

    checker = make_user(FACT_CHECKER)
    second = make_user(FACT_CHECKER)
    editor = make_user(EDITOR)
    flush_broker()
    with celery_worker(concurrency=2):
        # 1. A fact-checker imports the article by pasting its text.
        page = desk_page(chromium, live_server, checker)
        page.goto(f"{live_server.url}/articles/import/")
        page.fill("#id_paste-publisher", "The Phnom Penh Post")
        page.fill("#id_paste-published_on", "2024-01-05")
        page.fill("#id_paste-body", SEED_ARTICLE.read_text(encoding="utf-8"))
        screenshot(page, "journey-01-import")
        page.get_by_role("button", name="Import text").click()
        expect(page).to_have_url(re.compile(r"/articles/\d+/$"))

        # 2. ...accepts two of the candidate claims on the article page...
        containers = page.locator("li.candidate", has_text="containers").first
        containers.get_by_role("button", name="Accept", exact=True).click()
        page.locator("li.candidate-open", has_text="barrels").first.get_by_role(
            "button", name="Accept", exact=True
        ).click()
        expect(page.get_by_text("2 accepted")).to_be_visible()
        screenshot(page, "journey-02-article-accepted")

        # 3. ...opens the containers claim, starts research, and adds a source that a real
        # worker archives while the page watches (no reload).
        page.locator("li.candidate", has_text="containers").first.get_by_role(
            "link", name=re.compile("open claim")
        ).click()
        expect(page).to_have_url(re.compile(r"/claims/\d+/$"))
        claim_id = int(re.search(r"/claims/(\d+)/", page.url).group(1))
        claim_url = f"{live_server.url}/claims/{claim_id}/"
        expect(page.locator("h1")).to_contain_text("containers")
        page.get_by_role("button", name="Start research").click()
        expect(page.locator(".claim .meta")).to_contain_text("Researching")
        page.fill("#source-url", report_server.url("/bulletin"))
        page.select_option("#source-relation", "refutes")
        page.get_by_role("button", name="Add and archive").click()
        state = page.locator('[data-role="capture-state"]').first
        assert state.inner_text() in ("Queued", "Fetching")
        screenshot(page, "journey-03-source-pending")
        navigations = []
        page.on("framenavigated", lambda frame: navigations.append(frame.url))
        expect(state).to_have_text("Archived", timeout=30000)
        assert navigations == []
        link = page.locator('[data-role="capture-link"]').first
        expect(link).to_be_visible()
        screenshot(page, "journey-04-source-archived")

        # 4. ...submits it for review and rates it.
        page.get_by_role("button", name="Submit for review").click()
        expect(page.locator(".claim .meta")).to_contain_text("In review")
        page.locator("#rate").get_by_label("Mostly false").check()
        page.fill("#id_rate-rationale", FIRST_RATIONALE)
        page.locator("#rate").get_by_label(re.compile("Port authority")).check()
        page.get_by_role("button", name="Submit my rating").click()
        expect(page.locator("#ratings")).to_contain_text(FIRST_RATIONALE)
        screenshot(page, "journey-05-first-rating")
        assert page.locator("#editor").count() == 0

        # 5. A second fact-checker rates blind: the first rationale is not in the page until then.
        page2 = desk_page(chromium, live_server, second)
        page2.goto(claim_url)
        expect(page2.locator("#ratings")).to_contain_text("Ratings are blind")
        assert FIRST_RATIONALE not in page2.content()
        assert checker.username not in page2.locator("#ratings").inner_text()
        screenshot(page2, "journey-06-second-reviewer-blind")
        page2.locator("#rate").get_by_label("False", exact=True).check()
        page2.fill("#id_rate-rationale", SECOND_RATIONALE)
        page2.get_by_role("button", name="Submit my rating").click()
        expect(page2.locator("#ratings")).to_contain_text(FIRST_RATIONALE)
        expect(page2.locator("#ratings")).to_contain_text(SECOND_RATIONALE)
        # The last required rating moved the claim on; still no editor's controls for a checker.
        expect(page2.locator(".claim .meta")).to_contain_text("Awaiting approval")
        assert page2.locator("#editor").count() == 0
        assert page2.get_by_role("button", name="Approve").count() == 0
        assert page2.get_by_role("button", name="Publish the verdict").count() == 0
        screenshot(page2, "journey-07-second-rating")
        page2.context.close()

        # 6. An editor compares the ratings, approves a verdict and publishes it.
        page3 = desk_page(chromium, live_server, editor)
        page3.goto(claim_url)
        expect(page3.locator("#ratings")).to_contain_text(FIRST_RATIONALE)
        expect(page3.locator("#ratings")).to_contain_text(SECOND_RATIONALE)
        page3.select_option("#id_approve-rating", label="Mostly false")
        page3.fill(
            "#id_approve-conclusion", "Mostly false: the port counted 870 boxes, not 1,000+."
        )
        page3.fill(
            "#id_approve-explanation",
            "The port's own October bulletin counts 870 outbound boxes.",
        )
        page3.locator("#approve").get_by_label(re.compile("Port authority")).check()
        screenshot(page3, "journey-08-editor-approves")
        page3.get_by_role("button", name="Approve", exact=True).click()
        expect(page3.locator(".draft")).to_contain_text("Approved, not yet published")
        page3.get_by_role("link", name="Preview the public page, then publish").click()
        expect(page3.locator("#preview")).to_contain_text("Preview: not published yet")
        page3.get_by_role("button", name="Confirm: publish this verdict").click()
        expect(page3.locator(".claim .meta")).to_contain_text("Published")
        screenshot(page3, "journey-09-published")
        page3.context.close()
        page.context.close()

    claim = Claim.objects.get(pk=claim_id)
    assert claim.state == ClaimState.PUBLISHED and claim.rating.slug == "mostly-false"

    # 7. A visitor, not logged in, reads the public page and its ClaimReview.
    visitor = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    response = visitor.goto(f"{live_server.url}/verdicts/{claim_id}/")
    assert response.status == 200
    expect(visitor.locator(".verdict-rating")).to_have_text("Mostly false")
    review = json.loads(visitor.locator('script[type="application/ld+json"]').text_content())
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == claim.text
    assert review["reviewRating"]["alternateName"] == "Mostly false"
    assert review["itemReviewed"]["appearance"][0]["publisher"]["name"] == "The Phnom Penh Post"
    assert review["itemReviewed"]["datePublished"] == "2024-01-05"
    screenshot(visitor, "journey-10-public-verdict")
    visitor.get_by_role("link", name="archived copy").click()
    expect(visitor.locator("h1")).to_have_text("Archived copy")
    expect(visitor.locator(".archived-text")).to_contain_text("870")
    screenshot(visitor, "journey-11-public-archived-copy")
    visitor.set_viewport_size({"width": 390, "height": 844})
    visitor.goto(f"{live_server.url}/verdicts/{claim_id}/")
    screenshot(visitor, "journey-12-public-verdict-phone")
    visitor.context.close()


def test_an_anonymous_visitor_reaches_no_internal_page_in_the_browser(
    chromium, live_server, claim_in
):
    claim = claim_in(ClaimState.IN_REVIEW, text="Internal: a claim still in review.")
    internal = [
        "/",
        "/claims/",
        f"/claims/{claim.pk}/",
        "/articles/import/",
        f"/claims/{claim.pk}/captures.json",
        f"/verdicts/{claim.pk}/",
        "/admin/",
    ]
    page = chromium.new_context().new_page()
    for path in internal:
        response = page.goto(live_server.url + path)
        landed = page.url.removeprefix(live_server.url)
        redirected = landed.startswith(("/accounts/login/", "/admin/login/"))
        assert redirected or response.status in (403, 404), (path, landed, response.status)
        assert claim.text not in page.content(), path
    screenshot(page, "anonymous-redirected-to-login")
    page.context.close()


def test_two_people_edit_one_claim_and_the_second_is_told_to_reload(
    chromium, live_server, make_user, claim_in
):
    from playwright.sync_api import expect

    claim = claim_in(ClaimState.RESEARCHING, text="Rice exports rose 43% in 2022.")
    first = desk_page(chromium, live_server, make_user(FACT_CHECKER))
    second = desk_page(chromium, live_server, make_user(FACT_CHECKER))
    for page in (first, second):
        page.goto(f"{live_server.url}/claims/{claim.pk}/")
        page.get_by_text("Edit the claim and its figures").click()
    first.fill("#id_edit-text", "Rice exports rose 43% in 2022, by value.")
    first.get_by_role("button", name="Save the claim").click()
    expect(first.locator(".messages")).to_contain_text("Claim saved.")

    second.fill("#id_edit-text", "Rice exports rose by 43 per cent in 2022.")
    second.get_by_role("button", name="Save the claim").click()
    alert = second.get_by_role("alert")
    expect(alert).to_contain_text("Someone else changed this claim")
    expect(second.locator("#id_edit-text")).to_have_value(
        "Rice exports rose by 43 per cent in 2022."
    )
    screenshot(second, "conflict-reload")
    alert.get_by_role("link", name="Reload the claim").click()
    expect(second.locator("h1")).to_have_text("Rice exports rose 43% in 2022, by value.")
    first.context.close()
    second.context.close()
