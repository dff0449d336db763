"""The period a figure of news is about (issue #14): months without a year, fiscal years,
parts of a year, periods carried through a paragraph, datelines. Our own sentences."""

from __future__ import annotations

import datetime as dt

import pytest

from claims.extraction import Candidate, extract_claims

PUBLISHED = dt.date(2024, 3, 15)


def claim(text: str, marker: str, published: dt.date = PUBLISHED) -> Candidate:
    found = [c for c in extract_claims(text, published) if marker in c.text]
    assert found, f"no candidate with {marker!r}"
    return found[0]


def period(candidate: Candidate) -> tuple[str, str, str]:
    date = candidate.period
    assert date is not None, f"no period for {candidate.text!r}"
    return date.start.isoformat(), date.end.isoformat(), date.precision


def test_a_month_without_a_year_takes_the_year_of_its_paragraph():
    text = "Ferry trips reached 5,000 in January 2019. In August, trips rose 4% to 5,200."
    assert period(claim(text, "In August")) == ("2019-08-01", "2019-08-31", "month")


def test_a_month_without_a_year_in_another_paragraph_is_the_publications_last_one():
    text = "Ferry trips reached 5,000 in January 2019.\n\nIn August, trips rose 4% to 5,200."
    assert period(claim(text, "In August")) == ("2023-08-01", "2023-08-31", "month")


def test_last_month_is_always_counted_from_the_publication():
    text = "Ferry trips reached 5,000 in January 2019. Last month trips rose 4% to 5,200."
    assert period(claim(text, "Last month")) == ("2024-02-01", "2024-02-29", "month")


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (
            "New Delhi: India's tax receipts rose 9% to Rs 18 lakh crore in FY24.",
            PUBLISHED,
            ("2023-04-01", "2024-03-31", "fiscal_year"),
        ),
        (
            "Islamabad: Pakistan's deficit was Rs7.1 trillion in FY2023-24, "
            "the finance ministry in Pakistan said.",
            PUBLISHED,
            ("2023-07-01", "2024-06-30", "fiscal_year"),
        ),
        (
            "Tokyo: Japan's budget for fiscal 2025 totals 112 trillion yen.",
            PUBLISHED,
            ("2025-04-01", "2026-03-31", "fiscal_year"),
        ),
        (
            "Tokyo: Japan's cabinet approved 110 trillion yen for the next fiscal year.",
            dt.date(2024, 12, 20),
            ("2025-04-01", "2026-03-31", "fiscal_year"),
        ),
    ],
    ids=["india-fy24", "pakistan-fy2023-24", "japan-fiscal-2025", "japan-next-fiscal-year"],
)
def test_a_fiscal_year_has_its_countrys_real_start_and_end(text, published, expected):
    (candidate,) = extract_claims(text, published)
    assert period(candidate) == expected


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("Exports rose 6% to $4 billion in the first six months of 2023.", PUBLISHED),
        ("Exports rose 6% to $4 billion in the first six months.", dt.date(2023, 8, 1)),
        ("Exports rose 6% to $4 billion between January and June.", dt.date(2023, 8, 1)),
        ("Exports rose 6% to $4 billion during January-June.", dt.date(2023, 8, 1)),
    ],
)
def test_the_first_six_months_is_the_whole_range_never_its_last_month(text, published):
    (candidate,) = extract_claims(text, published)
    assert period(candidate) == ("2023-01-01", "2023-06-30", "month")


def test_a_sentence_without_a_date_carries_the_period_of_the_one_before():
    text = "Car sales rose 6% in the first half of 2023. The firm sold 40,000 cars."
    carried = claim(text, "The firm sold")
    assert period(carried) == ("2023-01-01", "2023-06-30", "month")
    assert carried.figures[0].period == carried.period
    assert carried.period is not None and carried.period.source == "inherited"


def test_a_sentence_with_only_a_comparison_date_is_about_the_period_before_it():
    text = (
        "Exports reached $5 billion in September 2023. "
        "Chip exports rose 12% compared with the same month last year."
    )
    chips = claim(text, "Chip exports")
    assert period(chips) == ("2023-09-01", "2023-09-30", "month")
    baseline = [d for d in chips.dates if d.role == "baseline"]
    assert [(d.start.isoformat(), d.precision) for d in baseline] == [("2022-09-01", "month")]
    assert chips.figures[0].baseline == "the same month last year"


def test_a_dateline_takes_the_publication_year():
    text = "HAMBURG, Feb 13 (Reuters) - Container volumes rose 3% to 2,100 boxes."
    candidate = claim(text, "Container volumes", dt.date(2024, 2, 14))
    assert period(candidate) == ("2024-02-13", "2024-02-13", "day")


def test_a_release_date_is_not_the_period_of_the_figures():
    text = (
        "Imports were $3 billion in May 2023. "
        "Exports came to $4 billion, the ministry said on Friday."
    )
    exports = claim(text, "Exports came")
    assert period(exports)[:2] == ("2023-05-01", "2023-05-31")
