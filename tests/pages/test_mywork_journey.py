"""My work in Chromium: a checker sees a new assignment and its notification arrive without
reloading, rates it; a second checker finds it under "Needs my rating"; the editor finds it
awaiting approval and sends it back; the first checker's open page shows it flagged with the
comment. Then the workbench: its columns, its sticky bar, its shortcuts and the @mention box."""

from __future__ import annotations

import re

import pytest

from claims.models import ClaimState, Notification
from claims.services import claim_assign, claim_create
from factcheck.roles import EDITOR, FACT_CHECKER
from tests.pages.test_accessibility import AXE, SERIOUS
from tests.support.browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST = "The customs yearbook gives 41,200 tonnes for that year, not 52,000."
SECOND = "The ministry's own bulletin repeats the yearbook's figure."
SENT_BACK = "Add the yearbook's table number and the bulletin's date."


@pytest.fixture
def fast_live(settings):
    settings.LIVE_POLL_MS = 400


def desk_page(chromium, live_server, user):
    page = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, live_server, user)
    # axe-core is served as if from our own origin, so the pages keep their CSP (script-src
    # 'self') while it runs: the live scripts are tested under the policy they ship with.
    page.route(
        "**/__axe__.js",
        lambda route: route.fulfill(body=AXE.read_bytes(), content_type="text/javascript"),
    )
    return page


def axe_violations(page) -> list[str]:
    """Serious and critical axe-core violations of the page, one readable line each."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url="/__axe__.js")
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(", ".join(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


def rate(page, label, rationale):
    from playwright.sync_api import expect

    page.locator("#rate").get_by_label(label, exact=True).check()
    page.locator("#rate textarea").fill(rationale)
    page.get_by_role("button", name="Submit my rating").click()
    expect(page.locator("#ratings")).to_contain_text(rationale)


def test_assignment_rating_approval_and_send_back_through_my_work(
    chromium, live_server, make_user, fast_live
):
    from playwright.sync_api import expect

    checker, second = make_user(FACT_CHECKER), make_user(FACT_CHECKER)
    editor = make_user(EDITOR)
    claim = claim_create(actor=editor, text="Sugar exports reached 52,000 tonnes in 2022.")

    # 1. The checker's My work is open and empty; the editor assigns the claim elsewhere.
    mine = desk_page(chromium, live_server, checker)
    mine.goto(f"{live_server.url}/my-work/")
    assigned = mine.locator('[data-list="assigned"]')
    expect(assigned).to_contain_text("Nothing here.")
    navigations = []
    mine.on("framenavigated", lambda frame: navigations.append(frame.url))
    claim_assign(actor=editor, claim=claim, assignee=checker)

    # ...and it appears, with the unread notification in the navigation, without a reload.
    expect(assigned).to_contain_text("Sugar exports reached 52,000 tonnes", timeout=10000)
    expect(mine.locator('[data-live-count="unread"]')).to_have_text("1")
    expect(mine.locator('[data-live-count="waiting"]')).to_have_text("1")
    assert navigations == []
    screenshot(mine, "mywork-01-assigned-live")
    assert axe_violations(mine) == []

    # 2. The notification list shows it; opening it marks it read and goes to the claim.
    notes = desk_page(chromium, live_server, checker)
    notes.goto(f"{live_server.url}/notifications/")
    item = notes.locator(f'[data-notification="{Notification.objects.get().pk}"]')
    expect(item).to_contain_text("assigned you a claim")
    assert axe_violations(notes) == []
    notes.goto(f"{live_server.url}/notifications/preferences/")
    expect(notes.get_by_role("group", name="Mentioned in a comment")).to_be_visible()
    assert axe_violations(notes) == []
    notes.go_back()
    item.get_by_role("button", name="Open the claim").click()
    expect(notes).to_have_url(re.compile(rf"/claims/{claim.pk}/$"))
    expect(notes.locator('[data-live-count="unread"]')).to_be_hidden()

    # 3. The checker researches, submits for review and rates it.
    notes.locator("#next-action").get_by_role("button", name="Start research").click()
    notes.locator("#next-action").get_by_role("button", name="Submit for review").click()
    expect(notes.locator(".claim .meta")).to_contain_text("In review")
    rate(notes, "False", FIRST)
    notes.context.close()

    # 4. A second checker finds it under "Needs my rating" and rates it.
    other = desk_page(chromium, live_server, second)
    other.goto(f"{live_server.url}/my-work/")
    needs = other.locator('[data-list="needs_rating"]')
    expect(needs).to_contain_text("Sugar exports reached 52,000 tonnes")
    needs.get_by_role("link", name=re.compile("Sugar exports")).click()
    rate(other, "Mostly false", SECOND)
    expect(other.locator(".claim .meta")).to_contain_text("Awaiting approval")
    other.goto(f"{live_server.url}/my-work/")
    expect(other.locator('[data-list="needs_rating"]')).to_contain_text("Nothing here.")
    other.context.close()

    # 5. The editor finds it awaiting approval and sends it back with a comment.
    desk = desk_page(chromium, live_server, editor)
    desk.goto(f"{live_server.url}/my-work/")
    awaiting = desk.locator('[data-list="awaiting_approval"]')
    expect(awaiting).to_contain_text("Sugar exports reached 52,000 tonnes")
    assert axe_violations(desk) == []
    awaiting.get_by_role("link", name=re.compile("Sugar exports")).click()
    desk.locator("#send-back summary").click()
    desk.locator("#send-back textarea").fill(SENT_BACK)
    desk.locator("#send-back").get_by_role("button", name="Send back").click()
    expect(desk.locator(".claim .meta")).to_contain_text("Researching")
    desk.context.close()

    # 6. The checker's My work, still open since step 1, shows it flagged with the comment.
    sent_back = mine.locator('[data-list="sent_back"]')
    expect(sent_back).to_contain_text(SENT_BACK, timeout=10000)
    expect(sent_back.locator('[data-role="sent-back"]')).to_contain_text(editor.username)
    assert navigations == []
    screenshot(mine, "mywork-02-sent-back-live")
    assert axe_violations(mine) == []
    mine.context.close()


def test_the_workbench_keeps_the_next_action_in_view_and_answers_to_keys(
    chromium, live_server, make_user, claim_in
):
    from playwright.sync_api import expect

    checker = make_user(FACT_CHECKER)
    make_user(FACT_CHECKER, username="sokha")
    claim = claim_in(ClaimState.IN_REVIEW, assignee=checker, text="Rubber prices fell 11%.")
    from tests.pages.test_next_action import make_long

    make_long(claim, checker)
    page = desk_page(chromium, live_server, checker)
    page.goto(f"{live_server.url}/claims/{claim.pk}/")

    # Two columns: the claim on the left, the next action and ratings on the right.
    left = page.locator(".workbench-claim").bounding_box()
    side = page.locator("#workbench-side").bounding_box()
    assert side["x"] >= left["x"] + left["width"], (left, side)
    # Kept in view: at the foot of the page the summary bar and the next action still show.
    page.locator("#history").scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 900
    bar = page.locator("#summary-bar").bounding_box()
    assert 0 <= bar["y"] < 5
    heading = page.locator("#next-action h2").bounding_box()
    assert 0 <= heading["y"] < 900, heading
    expect(page.locator("#summary-bar")).to_contain_text(f"Assignee: {checker.username}")
    assert axe_violations(page) == []

    # `?` lists the shortcuts in a dialog; Escape closes it and gives the focus back.
    page.locator("body").press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Write a comment")
    assert axe_violations(page) == []
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # `c` goes to the comment box; keys typed there are text, not shortcuts.
    page.keyboard.press("c")
    box = page.locator("#comment-form textarea")
    expect(box).to_be_focused()
    page.keyboard.type("r? Ask @sok")
    expect(box).to_be_focused()
    expect(dialog).to_be_hidden()
    # The @ autocomplete offers the colleague; Enter picks them.
    option = page.get_by_role("option", name=re.compile("@sokha"))
    expect(option).to_be_visible()
    assert box.get_attribute("aria-activedescendant") == option.get_attribute("id")
    page.keyboard.press("Enter")
    expect(box).to_have_value("r? Ask @sokha ")
    expect(option).to_be_hidden()

    # `r` goes to the rating form (from outside any field).
    box.evaluate("el => el.blur()")
    page.keyboard.press("r")
    expect(page.locator("#rate input[type=radio]").first).to_be_focused()
    screenshot(page, "workbench-shortcuts")
