"""A source is read with the same conventions the extractor reads an article with (the country
it names sets when its fiscal year starts and which rupee "Rs" is), and each figure is dated by
its own clause and paragraph."""

from __future__ import annotations

import datetime as dt

from claims.evidence.matching import AGREES, DISAGREES, analyse_text, match_claim
from tests.claims.evidence.test_same_quantity import about, claim

JULY_TO_JUNE = (dt.date(2022, 7, 1), dt.date(2023, 6, 30), "year")


PAKISTAN_SOURCE = (
    "Islamabad, 12 August 2023\n\n"
    "Pakistan's trade deficit was recorded at Rs7.25 trillion during fiscal year 2022-23, "
    "the finance ministry said on Saturday.\n\n"
    "Pakistan's tax revenue reached 9.1% of GDP in FY23, the ministry added."
)


def test_a_pakistani_fiscal_year_in_the_source_is_july_to_june():
    facts = claim(
        "Pakistan's trade deficit was Rs7,250 billion in fiscal year 2022-23.",
        "7250",
        "PKR",
        JULY_TO_JUNE,
        scale="billion",
    )
    found = about(match_claim(facts, analyse_text(PAKISTAN_SOURCE)), "Rs7.25 trillion")
    assert found.verdict == AGREES
    assert "another period" not in found.comparison


def test_a_different_share_for_the_same_pakistani_fiscal_year_disagrees():
    facts = claim(
        "Pakistan's tax revenue came in at 10.4% of GDP in fiscal year 2022-23.",
        "10.4",
        "percent",
        JULY_TO_JUNE,
    )
    found = about(match_claim(facts, analyse_text(PAKISTAN_SOURCE)), "9.1%")
    assert found.verdict == DISAGREES


def test_a_month_without_a_year_takes_its_own_paragraphs_year_not_an_earlier_ones():
    source = (
        "Colombo, 4 April 2022\n\n"
        "Lakeland's tea exports reached 2.1 million tonnes in 2021, the board said.\n\n"
        "In March alone, Lakeland exported 190,000 tonnes of tea, the board added."
    )
    facts = claim(
        "Lakeland exported 190,000 tonnes of tea in March 2022.",
        "190000",
        "tonne",
        (dt.date(2022, 3, 1), dt.date(2022, 3, 31), "month"),
    )
    found = about(match_claim(facts, analyse_text(source)), "190,000 tonnes")
    assert found.verdict == AGREES
    assert "March 2022" in found.comparison


def test_a_date_beyond_another_clauses_figure_is_that_figures_not_this_ones():
    source = (
        "Colombo, 2 September 2022\n\n"
        "In August, Lakeland's steel mills cut output by 12%, after a 3% rise in July."
    )
    facts = claim(
        "Lakeland's steel output fell 12% in August 2022.",
        "12",
        "percent",
        (dt.date(2022, 8, 1), dt.date(2022, 8, 31), "month"),
    )
    found = about(match_claim(facts, analyse_text(source)), "12%")
    assert found.verdict == AGREES
    assert "August 2022" in found.comparison
