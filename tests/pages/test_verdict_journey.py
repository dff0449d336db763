"""Verdicts that mean what they say, in a real browser: the approver is not one of the raters,
ratings of an edited claim are confirmed before they count, a source is retracted, the public
page is previewed and publishing confirmed, and a correction is checked and shown once."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from claims.evidence.models import Evidence
from claims.models import Article, Claim, ClaimState, RatingScale
from claims.services import claim_create, rating_submit
from factcheck.roles import EDITOR, FACT_CHECKER
from sources.models import Capture, Source
from tests.support.browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE_URL = "https://harbour-news.example/2024/03/boxes"


def _source(claim: Claim, url: str, title: str, text: str) -> Evidence:
    source = Source.objects.create(url=url, title=title)
    Capture.objects.create(
        source=source,
        state="archived",
        sha256=(title.encode().hex() * 64)[:64],
        text=text,
        finished_at=timezone.now(),
    )
    return Evidence.objects.create(claim=claim, source=source, relation="refutes")


def _page(chromium, live_server, user):
    page = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, live_server, user)
    return page


def test_independent_approval_retraction_preview_and_correction(chromium, live_server, make_user):
    from playwright.sync_api import expect

    checker, rater_editor, approver = (
        make_user(FACT_CHECKER),
        make_user(EDITOR),
        make_user(EDITOR),
    )
    article = Article.objects.create(
        title="Harbour traffic doubles",
        publisher="Harbour News",
        url=ARTICLE_URL,
        published_on=dt.date(2024, 3, 2),
        content_hash="h" * 64,
    )
    claim = claim_create(
        system_actor="test-setup",
        text="The harbour shipped 2,000 boxes in February.",
        article=article,
        claimant="The harbour board",
    )
    kept = _source(claim, "https://stats.example.org/feb", "Harbour statistics", "1,150 boxes.")
    wrong = _source(claim, "https://blog.example.org/boxes", "A blog post", "About 2,000 boxes.")
    Claim.objects.filter(pk=claim.pk).update(state=ClaimState.IN_REVIEW, assignee=checker)
    rating_submit(
        actor=checker,
        claim=Claim.objects.get(pk=claim.pk),
        scale=RatingScale.objects.get(slug="false"),
        rationale="The statistics office counted 1,150 boxes.",
    )
    url = f"{live_server.url}/claims/{claim.pk}/"

    # 1. An editor rates the claim, then cannot be the one who approves it.
    editor_page = _page(chromium, live_server, rater_editor)
    editor_page.goto(url)
    editor_page.get_by_text("Rate this claim").click()  # folded away for editors
    editor_page.locator("#rate").get_by_label("False", exact=True).check()
    editor_page.fill("#id_rate-rationale", "The official count is far lower.")
    editor_page.get_by_role("button", name="Submit my rating").click()
    expect(editor_page.locator(".claim .meta")).to_contain_text("Awaiting approval")
    tally = editor_page.locator('[data-role="rating-tally"]')
    expect(tally).to_contain_text("Your own rating does not count")
    editor_page.select_option("#id_approve-rating", label="False")
    editor_page.fill("#id_approve-conclusion", "False: 1,150 boxes, not 2,000.")
    editor_page.fill("#id_approve-explanation", "The statistics office counted 1,150 boxes.")
    editor_page.get_by_role("button", name="Approve", exact=True).click()
    expect(editor_page.get_by_role("alert")).to_contain_text(
        "Cannot approve: 1 of 2 independent ratings count."
    )
    screenshot(editor_page, "verdicts-01-approver-rated")

    # 2. The fact-checker corrects the statement: both ratings go stale until confirmed.
    checker_page = _page(chromium, live_server, checker)
    checker_page.goto(url)
    checker_page.get_by_text("Edit the claim and its figures").click()
    checker_page.fill("#id_edit-text", "The harbour shipped 2,000 boxes in February 2024.")
    checker_page.get_by_role("button", name="Save the claim").click()
    expect(checker_page.locator('[data-role="stale-rating"]')).to_have_count(2)
    screenshot(checker_page, "verdicts-02-stale-ratings")
    checker_page.get_by_role("button", name="Confirm my rating").click()
    expect(checker_page.locator(".messages")).to_contain_text("Your rating is confirmed")
    expect(checker_page.locator('[data-role="stale-rating"]')).to_have_count(1)
    editor_page.goto(url)
    editor_page.get_by_role("button", name="Confirm my rating").click()
    expect(editor_page.locator('[data-role="stale-rating"]')).to_have_count(0)

    # 3. Another editor retracts the blog post, approves, previews and confirms publication.
    page = _page(chromium, live_server, approver)
    page.goto(url)
    expect(page.locator('[data-role="rating-tally"]')).to_contain_text("2 of 2")
    blog = page.locator(f'li[data-evidence="{wrong.pk}"]')
    blog.get_by_text("Retract this source").click()
    blog.get_by_label("Why it is retracted").fill("A blog repeating the claim, not a source.")
    blog.get_by_role("button", name="Retract the source").click()
    blog = page.locator(f'li[data-evidence="{wrong.pk}"]')
    expect(blog.locator('[data-role="retracted"]')).to_contain_text("A blog repeating the claim")
    assert page.locator("#approve").get_by_label("A blog post").count() == 0
    page.select_option("#id_approve-rating", label="False")
    page.fill("#id_approve-conclusion", "False: 1,150 boxes, not 2,000.")
    page.fill("#id_approve-explanation", "The statistics office counted 1,150 boxes.")
    page.locator("#approve").get_by_label(re.compile("Harbour statistics")).check()
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator(".draft")).to_contain_text("Approved, not yet published")
    assert page.get_by_role("button", name=re.compile("^Publish")).count() == 0
    page.get_by_role("link", name="Preview the public page, then publish").click()
    preview = page.locator("#preview")
    expect(preview).to_contain_text("Preview: not published yet")
    expect(page.locator(".verdict-public")).to_contain_text("False: 1,150 boxes, not 2,000.")
    expect(page.locator(".public-sources")).to_contain_text("Harbour statistics")
    expect(page.locator(".verdict-public")).not_to_contain_text("A blog post")
    assert Claim.objects.get(pk=claim.pk).state == ClaimState.AWAITING_APPROVAL
    screenshot(page, "verdicts-03-preview")
    preview.get_by_role("button", name="Confirm: publish this verdict").click()
    expect(page.locator(".claim .meta")).to_contain_text("Published")

    # 4. A correction starts from the current verdict; words that contradict the rating are
    # refused with a message, then the corrected version is published.
    page.get_by_text("Correct the published verdict").click()
    expect(page.locator("#id_correct-conclusion")).to_have_value("False: 1,150 boxes, not 2,000.")
    page.select_option("#id_correct-rating", label="Mostly false")
    page.fill("#id_correct-explanation", "A revised count found 1,700 boxes.")
    page.fill("#id_correct-correction_note", "The statistics office revised its count.")
    page.get_by_role("button", name="Preview the correction").click()
    expect(page.locator("#correct")).to_contain_text("The conclusion says “False”")
    screenshot(page, "verdicts-04-correction-refused")
    page.fill("#id_correct-conclusion", "Mostly false: 1,700 boxes, not 2,000.")
    page.get_by_role("button", name="Preview the correction").click()
    expect(page.locator("#preview")).to_contain_text("this correction")
    expect(page.locator("#corrections")).to_contain_text("The statistics office revised")
    screenshot(page, "verdicts-05-correction-preview")
    page.get_by_role("button", name="Confirm: publish the correction").click()
    expect(page.locator(".messages")).to_contain_text("Correction published.")
    for open_page in (page, editor_page, checker_page):
        open_page.context.close()

    # 5. Readers see one rating, the correction history below it, no retracted source, and a
    # ClaimReview whose claim appeared in the article on the article's date.
    visitor = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    visitor.goto(f"{live_server.url}/verdicts/{claim.pk}/")
    expect(visitor.locator(".rating")).to_have_count(1)
    expect(visitor.locator(".verdict-rating")).to_have_text("Mostly false")
    expect(visitor.locator("#corrections")).to_contain_text(
        "The statistics office revised its count."
    )
    expect(visitor.locator("#corrections")).not_to_contain_text("False")
    body = visitor.locator("body").inner_text()
    assert body.index("Mostly false: 1,700 boxes") < body.index("Correction history")
    assert "A blog post" not in body and "Harbour statistics" in body
    review = json.loads(visitor.locator('script[type="application/ld+json"]').text_content())
    assert review["reviewRating"]["alternateName"] == "Mostly false"
    assert [a["url"] for a in review["itemReviewed"]["appearance"]] == [ARTICLE_URL]
    assert review["itemReviewed"]["datePublished"] == "2024-03-02"
    screenshot(visitor, "verdicts-06-public-corrected")
    visitor.context.close()
    assert kept.pk  # the kept source stayed linked throughout
