"""Forms a source writes a claim's figure in: a fraction after a verb of change ("fell by about a
quarter"), "its latest fiscal year", and verbs of motion that say nothing of what is counted
("ships crossing" and "vessels that sailed through" count the same ships)."""

from __future__ import annotations

import datetime as dt

from claims.extraction import DateContext, find_dates, find_figures
from sources.matching import AGREES, DISAGREES, analyse_text, match_claim
from tests.claims.evidence.test_same_quantity import about, claim

APRIL_TO_MARCH = (dt.date(2022, 4, 1), dt.date(2023, 3, 31), "year")
MARCH_2023 = (dt.date(2023, 3, 1), dt.date(2023, 3, 31), "month")


def figures(text: str) -> list[tuple[str, str, str]]:
    return [(f.raw, f.value, f.qualifier) for f in find_figures(text, 0, len(text), [])]


def test_a_fraction_after_a_verb_of_change_is_a_percentage():
    assert figures("Ferry income shrank by about a quarter over the winter.") == [
        ("about a quarter", "25", "about")
    ]
    assert figures("Rice prices rose by a fifth.") == [("a fifth", "20", "exact")]


def test_a_quarter_of_time_after_by_is_no_figure():
    assert figures("The opening was delayed by a quarter.") == []


def test_its_latest_fiscal_year_is_the_last_one_completed():
    text = "Ferry income fell in its latest fiscal year, and in the most recent fiscal year."
    dates = find_dates(
        text, 0, len(text), DateContext(published=dt.date(2023, 8, 3), fiscal_start=7)
    )
    assert [(d.start, d.end) for d in dates] == [
        (dt.date(2022, 7, 1), dt.date(2023, 6, 30)),
        (dt.date(2022, 7, 1), dt.date(2023, 6, 30)),
    ]


def test_about_a_quarter_in_the_latest_fiscal_year_agrees_with_around_25_percent():
    facts = claim(
        "Lakeland's ferry income dropped by around 25% in fiscal 2022-23.",
        "25",
        "percent",
        APRIL_TO_MARCH,
        qualifier="about",
    )
    source = (
        "Lakeland, 3 May 2023\n\n"
        "Lakeland's ferry income decreased by about a quarter in its latest fiscal year, "
        "the harbour master said."
    )
    found = about(match_claim(facts, analyse_text(source)), "about a quarter")
    assert found.verdict == AGREES
    assert "about a quarter" in found.comparison


def test_ships_crossing_and_vessels_sailing_through_are_the_same_count():
    facts = claim(
        "The number of ships crossing the Lakeland strait fell 30% in March 2023.",
        "30",
        "percent",
        MARCH_2023,
    )
    source = (
        "Lakeland, 4 April 2023\n\n"
        "The number of vessels that sailed through the Lakeland strait in March fell 22% from "
        "a year earlier, the strait authority said."
    )
    found = about(match_claim(facts, analyse_text(source)), "sailed through")
    assert found.verdict == DISAGREES
    assert "for March 2023" in found.comparison


def test_a_season_counted_to_a_day_is_the_months_from_its_start_to_that_day():
    facts = claim(
        "Lakeland's maize exports for the 2022/23 season had reached 2.1 million tonnes by "
        "October 12, 2022.",
        "2.1",
        "tonne",
        (dt.date(2022, 9, 1), dt.date(2022, 10, 12), "day"),
        scale="million",
    )
    source = (
        "Lakeland's maize exports stood at 2.6 million tonnes in the 2022/23 September-August "
        "season as of Oct. 12, ministry data showed.\n\n"
        "Lakeland had exported 2.1 million tonnes of maize at the same date in 2021."
    )
    matches = match_claim(facts, analyse_text(source))
    found = about(matches, "2.6 million tonnes")
    assert found.verdict == DISAGREES
    assert "for 1 September 2022 – 12 October 2022" in found.comparison
    # Last season's figure for the same day is another period: not compared at all.
    assert not [m for m in matches if "2.1 million tonnes" in m.passage_text]
