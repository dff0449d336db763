"""On a long claim page, the next thing its reader must do is on screen without scrolling
(1280×800, Chromium), for each role and state; a link to a form further down reaches it."""

from __future__ import annotations

import pytest

from claims.evidence.models import Evidence
from claims.models import Claim, ClaimComment, ClaimState
from claims.services import claim_comment_add
from factcheck.roles import EDITOR, FACT_CHECKER
from sources.models import Capture, Source
from tests.support.browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORT = {"width": 1280, "height": 800}
LONG_TEXT = (
    "The ministry said shipments of milled rice through the southern ports rose by more than "
    "a quarter in the first nine months of the year, to about 480,000 tonnes, compared with "
    "the same period of the year before, and that the number of buyers had doubled."
)


def make_long(claim: Claim, author) -> Claim:
    """Sources, comments and history enough to make the page as long as a worked claim's."""
    Claim.objects.filter(pk=claim.pk).update(
        text=LONG_TEXT, span_text=LONG_TEXT, claimant="The ministry", assignee=claim.assignee
    )
    for n in range(8):
        source = Source.objects.create(url=f"https://example.org/rice-{claim.pk}-{n}", title="A")
        Evidence.objects.create(
            claim=claim, source=source, relation="supports", note="Table 3 of the bulletin."
        )
        Capture.objects.create(source=source, state="archived", sha256="e" * 64, text="Rice.")
    for n in range(6):
        claim_comment_add(actor=author, claim=claim, body=f"Note {n}: ask the port office again.")
    assert ClaimComment.objects.filter(claim=claim).count() == 6
    claim.refresh_from_db()
    return claim


def on_screen(page, locator) -> dict:
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    assert box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT["height"], box
    return box


def open_claim(chromium, live_server, user, claim: Claim, name: str):
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height > 2 * VIEWPORT["height"], f"the page is only {height} px: not a long page"
    screenshot(page, f"next-action-{name}")
    return page


def test_a_fact_checker_sees_start_research_and_submit_for_review_at_the_top(
    chromium, live_server, make_user, claim_in
):
    checker = make_user(FACT_CHECKER)
    new = make_long(claim_in(ClaimState.NEW), checker)
    page = open_claim(chromium, live_server, checker, new, "start-research")
    on_screen(page, page.get_by_role("heading", name="Next: start research"))
    on_screen(page, page.locator("#next-action").get_by_role("button", name="Start research"))
    page.context.close()

    researching = make_long(claim_in(ClaimState.RESEARCHING, assignee=checker), checker)
    page = open_claim(chromium, live_server, checker, researching, "submit-for-review")
    button = page.locator("#next-action").get_by_role("button", name="Submit for review")
    on_screen(page, button)
    button.click()
    page.wait_for_load_state()
    researching.refresh_from_db()
    assert researching.state == ClaimState.IN_REVIEW
    page.context.close()


def test_a_reviewer_sees_the_whole_rating_form_at_the_top(
    chromium, live_server, make_user, claim_in, scale
):
    reviewer = make_user(FACT_CHECKER)
    claim = make_long(claim_in(ClaimState.IN_REVIEW), make_user(FACT_CHECKER))
    page = open_claim(chromium, live_server, reviewer, claim, "rate")
    block = page.locator("#next-action")
    on_screen(page, block.get_by_role("heading", name="Next: rate this claim"))
    on_screen(page, block.get_by_label("False", exact=True))
    on_screen(page, block.get_by_label("Rationale"))
    submit = block.get_by_role("button", name="Submit my rating")
    on_screen(page, submit)
    block.get_by_label("False", exact=True).check()
    block.get_by_label("Rationale").fill("The bulletin's table counts 410,000 tonnes, not 480,000.")
    submit.click()
    page.wait_for_load_state()
    assert claim.ratings.get(reviewer=reviewer).scale == scale("false")
    # The page returns to the ratings, now visible to them; nothing more is theirs to do, and
    # the top of the page says what the claim waits for.
    assert page.url.endswith("#ratings")
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    on_screen(page, page.get_by_role("heading", name="Waiting for ratings"))
    page.context.close()


def test_an_editor_sees_approve_then_publish_and_the_link_reaches_the_form(
    chromium, live_server, make_user, claim_in
):
    editor = make_user(EDITOR)
    claim = make_long(claim_in(ClaimState.AWAITING_APPROVAL, ratings=2), editor)
    page = open_claim(chromium, live_server, editor, claim, "approve")
    link = page.locator("#next-action").get_by_role("link", name="Go to the approval form")
    on_screen(page, page.get_by_role("heading", name="Next: approve a verdict or send it back"))
    on_screen(page, link)
    link.click()
    on_screen(page, page.locator("#approve").get_by_label("Conclusion (one line)"))
    page.context.close()

    approved = make_long(claim_in(ClaimState.AWAITING_APPROVAL, ratings=2, verdict=True), editor)
    page = open_claim(chromium, live_server, editor, approved, "publish")
    link = page.locator("#next-action").get_by_role("link", name="Review and publish")
    on_screen(page, page.get_by_role("heading", name="Next: publish the verdict"))
    on_screen(page, link)
    link.click()
    # Publishing goes through the preview of the public page (then a confirmation).
    preview = page.locator("#editor").get_by_role(
        "link", name="Preview the public page, then publish"
    )
    on_screen(page, preview)
    preview.click()
    on_screen(page, page.get_by_role("button", name="Confirm: publish this verdict"))
    page.context.close()


def test_a_fact_checker_waiting_for_the_editor_is_told_so_at_the_top(
    chromium, live_server, claim_in, make_user
):
    claim = claim_in(ClaimState.AWAITING_APPROVAL, ratings=2)
    rater = claim.ratings.first().reviewer
    claim = make_long(claim, rater)
    page = open_claim(chromium, live_server, rater, claim, "waiting-for-editor")
    on_screen(page, page.get_by_role("heading", name="Waiting for an editor"))
    page.context.close()
