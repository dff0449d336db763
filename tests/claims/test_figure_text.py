"""Figures, periods and scores in the words a person reads, never as internal tokens."""

from __future__ import annotations

import datetime as dt

import pytest

from claims.figure_text import figure_text, period_text, worthiness_text


@pytest.mark.parametrize(
    ("figure", "words"),
    [
        (
            {"value": "1000", "qualifier": "more_than", "unit": "container"},
            "more than 1,000 containers",
        ),
        ({"value": "104000", "unit": "tonne"}, "104,000 tonnes"),
        ({"value": "1", "unit": "tonne"}, "1 tonne"),
        (
            {"value": "2.5", "unit": "barrel per day", "scale": "million"},
            "2.5 million barrels per day",
        ),
        (
            {"value": "0.75", "unit": "percentage_point", "direction": "down", "change": "change"},
            "down 0.75 percentage points",
        ),
        ({"value": "114", "unit": "USD", "scale": "billion"}, "USD 114 billion"),
        ({"value": "-0.8", "unit": "percent"}, "-0.8%"),
        (
            {"value": "30", "value_high": "35", "unit": "hour", "qualifier": "about"},
            "about 30 to 35 hours",
        ),
        ({"value": "256", "unit": "GB"}, "256 GB"),
        ({"value": "12", "unit": "person", "direction": "up"}, "12 people, after a rise"),
    ],
)
def test_a_figure_reads_as_a_person_says_it(figure, words):
    assert figure_text(**figure) == words


@pytest.mark.parametrize(
    ("start", "end", "precision", "words"),
    [
        (dt.date(2024, 1, 5), dt.date(2024, 1, 5), "day", "5 January 2024"),
        (dt.date(2024, 1, 1), dt.date(2024, 6, 30), "month", "January 2024 – June 2024"),
        (dt.date(2024, 4, 1), dt.date(2024, 6, 30), "quarter", "Q2 2024"),
        (dt.date(2024, 1, 1), dt.date(2024, 6, 30), "half", "first half of 2024"),
        (dt.date(2023, 7, 1), dt.date(2024, 6, 30), "fiscal_year", "fiscal year 2023–24"),
        (dt.date(2022, 1, 1), dt.date(2023, 12, 31), "year", "2022 – 2023"),
    ],
)
def test_a_period_reads_as_a_person_says_it(start, end, precision, words):
    assert period_text(start, end, precision) == words


@pytest.mark.parametrize(("score", "words"), [(0.83, "high"), (0.5, "medium"), (0.1, "low")])
def test_check_worthiness_is_said_in_words(score, words):
    assert worthiness_text(score) == f"check-worthiness {words}"
