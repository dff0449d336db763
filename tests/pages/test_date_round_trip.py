"""Every date input shows its date in Chromium and survives a save that changes another field.

A browser shows a `type="date"` input whose value is not an ISO date as blank and submits it
blank; these tests drive real Chromium through each form with a date (the article's details,
"Edit, then accept", the claim and its figures), change one other field, and check every date.
The verdict forms (approve, correct) hold no date input.
"""

from __future__ import annotations

import datetime as dt

import pytest

from claims.models import Article, Claim, ClaimFigure, ClaimState
from claims.services import article_import_text, claim_create
from factcheck.roles import FACT_CHECKER
from tests.support.browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "Pepper report\n\n"
    "Traders said Vietnam shipped 2,400 tonnes of pepper to India in April 2024.\n"
    "Port officials said cargo fees rose 6% in the first quarter of 2024.\n"
)


def desk_page(chromium, live_server, user):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, live_server, user)
    return page


def test_the_article_details_keep_the_publication_date_when_the_publisher_changes(
    chromium, live_server, make_user
):
    user = make_user(FACT_CHECKER)
    article, _ = article_import_text(
        actor=user, body=BODY, publisher="Wire", published_on=dt.date(2024, 5, 2)
    )
    page = desk_page(chromium, live_server, user)
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    page.click("text=Correct the article's details")
    assert page.input_value("#id_published_on") == "2024-05-02"  # shown, not blank
    page.fill("#id_publisher", "Harbour Wire")
    page.click("button:has-text('Save details')")
    page.wait_for_selector("text=Article details saved.")
    article.refresh_from_db()
    assert (article.publisher, article.published_on) == ("Harbour Wire", dt.date(2024, 5, 2))
    page.context.close()


def test_edit_then_accept_keeps_the_period_when_only_the_text_changes(
    chromium, live_server, make_user
):
    user = make_user(FACT_CHECKER)
    article, _ = article_import_text(actor=user, body=BODY, published_on=dt.date(2024, 5, 2))
    page = desk_page(chromium, live_server, user)
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    page.locator("a:has-text('Edit, then accept')").first.click()
    page.wait_for_selector("#id_text")
    assert page.input_value("#id_period_start") == "2024-04-01"
    assert page.input_value("#id_period_end") == "2024-04-30"
    page.fill("#id_text", "Vietnam shipped 2,400 tonnes of pepper to India in April 2024.")
    page.click("button:has-text('Accept as a claim')")
    page.wait_for_selector("text=created")
    screenshot(page, "date-round-trip-accepted")
    claim = Claim.objects.get(article=article)
    assert (claim.period_start, claim.period_end) == (dt.date(2024, 4, 1), dt.date(2024, 4, 30))
    assert claim.date_precision == "month"
    assert [(f.value, f.unit) for f in claim.figures.all()] == [(2400, "tonne")]
    page.context.close()


def test_the_claim_form_keeps_the_claims_and_each_figures_dates_when_the_claimant_changes(
    chromium, live_server, make_user
):
    user = make_user(FACT_CHECKER)
    claim = claim_create(
        actor=user,
        text="Cargo fees rose 6% in the first quarter; in March alone, 310 ships called.",
        kind="quantity",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 3, 31),
        date_precision="quarter",
        figures=[
            {"value": "6", "unit": "percent", "direction": "up", "change": "change"},
            {
                "value": "310",
                "unit": "ship",
                "period_start": dt.date(2024, 3, 1),
                "period_end": dt.date(2024, 3, 31),
                "date_precision": "month",
            },
        ],
    )
    Claim.objects.filter(pk=claim.pk).update(state=ClaimState.RESEARCHING, assignee=user)
    page = desk_page(chromium, live_server, user)
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    page.click("text=Edit the claim and its figures")
    assert page.input_value("#id_edit-period_start") == "2024-01-01"
    assert page.input_value("#id_edit-figure-1-period_start") == "2024-03-01"
    assert page.input_value("#id_edit-figure-1-value") == "310"
    page.fill("#id_edit-claimant", "The port authority")
    page.click("button:has-text('Save the claim')")
    page.wait_for_selector("text=Claim saved.")
    screenshot(page, "date-round-trip-claim")
    claim.refresh_from_db()
    assert claim.claimant == "The port authority"
    assert (claim.period_start, claim.period_end, claim.date_precision) == (
        dt.date(2024, 1, 1),
        dt.date(2024, 3, 31),
        "quarter",
    )
    shares, own = ClaimFigure.objects.filter(claim=claim).order_by("position")
    assert shares.period_start is None  # still about the claim's quarter
    assert (own.period_start, own.period_end, own.date_precision) == (
        dt.date(2024, 3, 1),
        dt.date(2024, 3, 31),
        "month",
    )
    assert (shares.direction, shares.change) == ("up", "change")
    page.context.close()


def test_the_pasted_article_form_takes_the_date_the_picker_gives(chromium, live_server, make_user):
    user = make_user(FACT_CHECKER)
    page = desk_page(chromium, live_server, user)
    page.goto(f"{live_server.url}/articles/import/")
    page.fill("#id_paste-published_on", "2024-05-02")
    page.fill("#id_paste-body", BODY)
    page.locator("form:has(#id_paste-body) button[type=submit]").click()
    page.wait_for_selector("text=Candidate claims")
    assert Article.objects.get().published_on == dt.date(2024, 5, 2)
    page.context.close()
