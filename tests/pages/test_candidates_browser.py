"""Merging two candidates in Chromium: every figure kept, only the disagreements asked."""

from __future__ import annotations

import datetime as dt

import pytest

from claims.models import Claim
from claims.services import article_import_text
from factcheck.roles import FACT_CHECKER
from tests.support.browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "Coffee report\n\n"
    "Growers said Laos sold 4,800 tonnes of coffee to Thailand in February 2024.\n"
    "The trade office said coffee prices fell 5% in March 2024, while bean imports rose to "
    "650 tonnes.\n"
)


def test_a_merge_in_the_browser_keeps_each_figure_and_asks_what_the_candidates_disagree_on(
    chromium, live_server, make_user
):
    from playwright.sync_api import expect

    user = make_user(FACT_CHECKER)
    article, _ = article_import_text(actor=user, body=BODY, published_on=dt.date(2024, 4, 10))
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    expect(page.locator(".candidate-facts").first).to_contain_text("4,800 tonnes")
    page.check("#merge-1")
    page.check("#merge-2")
    page.click("button:has-text('Merge the selected candidates')")
    notice = page.locator("#disagreements")
    expect(notice).to_contain_text("claimant")
    expect(notice).to_contain_text("February 2024; March 2024")
    assert page.locator("fieldset.figure-row").count() == 4  # three figures and a blank row
    assert page.input_value("#id_figure-0-period_start") == "2024-02-01"
    page.select_option("#id_kind", "quantity")
    page.fill("#id_claimant", "Growers")
    screenshot(page, "merge-disagreements")
    page.click("button:has-text('Accept as a claim')")
    page.wait_for_selector("text=created")
    claim = Claim.objects.get(article=article)
    assert (claim.kind, claim.claimant) == ("quantity", "Growers")
    assert claim.span_text.startswith("Growers said") and claim.span_text.endswith("650 tonnes.")
    figures = list(claim.figures.order_by("position"))
    assert [(f.value, f.unit) for f in figures] == [(4800, "tonne"), (5, "percent"), (650, "tonne")]
    context.close()
