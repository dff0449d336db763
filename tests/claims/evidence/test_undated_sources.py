"""A source with no published date is dated by its own report, not by its page furniture: a
calendar widget or footer does not set the day its relative dates are read against, a month
compared year on year dates the text a year after it, and a place written in full or as its
initials is one place."""

from __future__ import annotations

import datetime as dt

from claims.extraction import DateContext, find_dates
from sources.matching import AGREES, DISAGREES, MENTIONS, analyse_text, match_claim, source_date
from tests.claims.evidence.test_same_quantity import about, claim

FISCAL_2019_20 = (dt.date(2019, 4, 1), dt.date(2020, 3, 31), "year")
SEPTEMBER_2021 = (dt.date(2021, 9, 1), dt.date(2021, 9, 30), "month")

WIDGET_PAGE = (
    "Lakeland's 2019/20 copper output up 4.1 percent\n\n"
    "Copper output at Lakeland's mines rose 4.1 percent in the fiscal year that ended March 31, "
    "figures from the mining office showed on Tuesday.\n\n"
    "The mines produced 812,000 tonnes in the twelve months from April 2019 to March 2020.\n\n"
    "Mining Desk\n\n"
    "Share this story\n\n"
    "<< Jun 2023 >>\n\n"
    "1 2 3 4 5 6 7\n\n"
    "8 9 10 11 12 13 14\n\n"
    "Events 2023\n\n"
    "The region's largest gathering of mining engineers and their suppliers returns next spring."
)


def test_a_calendar_widget_below_the_report_does_not_date_the_source():
    day, basis = source_date(WIDGET_PAGE)
    assert day == dt.date(2020, 4, 1)
    assert "estimated" in basis


def test_a_figure_for_the_fiscal_year_that_ended_on_a_day_agrees_with_that_fiscal_year():
    facts = claim(
        "Lakeland's copper output rose 4.1% in fiscal 2019/20.", "4.1", "percent", FISCAL_2019_20
    )
    found = about(match_claim(facts, analyse_text(WIDGET_PAGE)), "fiscal year that ended")
    assert found.verdict == AGREES
    assert "1 April 2019 – 31 March 2020" in found.comparison
    assert "read from 1 April 2020" in found.comparison


def test_the_year_that_ended_on_a_day_is_the_twelve_months_to_it():
    text = "Sales rose 3% in the year ending 30 June 2024, 5% in the fiscal year that ended May 31"
    dates = find_dates(text, 0, len(text), DateContext(published=dt.date(2024, 7, 15)))
    assert [(d.start, d.end) for d in dates] == [
        (dt.date(2023, 7, 1), dt.date(2024, 6, 30)),
        (dt.date(2023, 6, 1), dt.date(2024, 5, 31)),
    ]


YEAR_ON_YEAR = (
    "Figures from the dealers' association showed that in September, sales of new bicycles "
    "in the European Union fell by 9.4% per year, to 212,400 units, after a rise of 1.1% in "
    "August.\n\n"
    "Sales fell in Lakeland (-14.2%) and Hillshire (-6.0%).\n\n"
    "The association said that in September, the electric bicycle share rose to 31.5% from "
    "28.2% in September 2020."
)


def test_a_month_compared_year_on_year_dates_an_undated_source_a_year_later():
    day, _basis = source_date(YEAR_ON_YEAR)
    assert day == dt.date(2021, 10, 1)


def test_the_initials_and_the_full_name_of_a_place_are_one_place():
    facts = claim(
        "Sales of new bicycles in the EU fell 9.4% year on year in September 2021.",
        "9.4",
        "percent",
        SEPTEMBER_2021,
    )
    matches = match_claim(facts, analyse_text(YEAR_ON_YEAR))
    assert matches[0].verdict == AGREES
    assert "European Union fell by 9.4%" in matches[0].passage_text
    assert "for September 2021" in matches[0].comparison
    # A member country's fall is that country's, not the Union's.
    member = about(matches, "Lakeland (-14.2%)")
    assert member.verdict == MENTIONS
    assert "Lakeland" in member.comparison


def test_the_euro_area_is_not_the_eu():
    facts = claim(
        "Unemployment in the EU was 6.4% in September 2021.", "6.4", "percent", SEPTEMBER_2021
    )
    source = (
        "Luxembourg, 2 November 2021\n\n"
        "Unemployment in the euro area was 7.4% in September 2021, the statistics office said."
    )
    found = about(match_claim(facts, analyse_text(source)), "7.4%")
    assert found.verdict == MENTIONS
    assert "euroarea, not europeanunion" in found.comparison


def test_a_short_plural_is_the_same_word_as_its_singular():
    facts = claim(
        "Lakeland's car exports fell to 41,000 in September 2021.", "41000", "car", SEPTEMBER_2021
    )
    source = (
        "Lakeland, 4 October 2021\n\n"
        "Lakeland exported 38,500 cars in September, the ports authority said."
    )
    found = about(match_claim(facts, analyse_text(source)), "38,500 cars")
    assert found.verdict == DISAGREES
