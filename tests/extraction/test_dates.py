"""Dates: absolute, relative to the published day, anaphoric, ranges, inherited periods."""

from __future__ import annotations

import datetime as dt

import pytest

from claims.extraction import DateContext, DateRef, extract_claims, find_dates

PUBLISHED = dt.date(2024, 1, 5)  # a Friday
D = dt.date


def dates_in(text: str, published: dt.date | None = PUBLISHED) -> list[DateRef]:
    return [d for c in extract_claims(text, published) for d in c.dates]


def periods(text: str, published: dt.date | None = PUBLISHED) -> list[tuple]:
    return [(d.start, d.end, d.precision) for d in dates_in(text, published)]


# (sentence, raw, "first-day last-day precision")
ABSOLUTE = [
    (
        "The summit took place on September 13 of 2023.",
        "September 13 of 2023",
        "2023-09-13 2023-09-13 day",
    ),
    (
        "The summit took place on 13 September 2023.",
        "13 September 2023",
        "2023-09-13 2023-09-13 day",
    ),
    (
        "The summit took place on September 13, 2023.",
        "September 13, 2023",
        "2023-09-13 2023-09-13 day",
    ),
    ("The ceasefire was signed on Jan. 5, 2022.", "Jan. 5, 2022", "2022-01-05 2022-01-05 day"),
    ("The summit opened on 2023-09-13 in the far east.", "2023-09-13", "2023-09-13 2023-09-13 day"),
    (
        "In SEPTEMBER 2023, the two leaders met in the far east.",
        "SEPTEMBER 2023",
        "2023-09-01 2023-09-30 month",
    ),
    ("By April 2023, fuel deliveries had restarted.", "April 2023", "2023-04-01 2023-04-30 month"),
    ("The deal was brokered in March of 2023.", "March of 2023", "2023-03-01 2023-03-31 month"),
    (
        "Imports doubled in the first two months of 2023.",
        "the first two months of 2023",
        "2023-01-01 2023-02-28 month",
    ),
    (
        "Growth slowed in the first quarter of 2022.",
        "the first quarter of 2022",
        "2022-01-01 2022-03-31 month",
    ),
    (
        "Sales rose in the second half of 2021.",
        "the second half of 2021",
        "2021-07-01 2021-12-31 month",
    ),
    ("Growth reached a peak in Q2 2023.", "Q2 2023", "2023-04-01 2023-06-30 month"),
    ("The agency plans new satellite launches in 2024.", "2024", "2024-01-01 2024-12-31 year"),
    ("Exports had reached record levels by 2022.", "2022", "2022-01-01 2022-12-31 year"),
    ("By mid-2023 the fund had run dry.", "mid-2023", "2023-01-01 2023-12-31 year"),
    ("The war in the 1990s displaced whole towns.", "the 1990s", "1990-01-01 1999-12-31 year"),
    (
        "Output fell between March and May 2022.",
        "between March and May 2022",
        "2022-03-01 2022-05-31 month",
    ),
    ("The programme ran from 2018 to 2021.", "from 2018 to 2021", "2018-01-01 2021-12-31 year"),
]


@pytest.mark.parametrize(("sentence", "raw", "spec"), ABSOLUTE, ids=[c[1] for c in ABSOLUTE])
def test_absolute_date(sentence, raw, spec):
    first, last, precision = spec.split()
    found = dates_in(sentence)
    assert [(d.raw, d.start.isoformat(), d.end.isoformat(), d.precision) for d in found] == [
        (raw, first, last, precision)
    ]
    assert found[0].source == "explicit"
    assert sentence[found[0].span.start : found[0].span.end] == raw


# Relative to the published day, Friday 5 January 2024: (sentence, start, end, precision)
RELATIVE = [
    ("Inflation was unusually high last year.", D(2023, 1, 1), D(2023, 12, 31), "year"),
    ("Inflation is expected to ease this year.", D(2024, 1, 1), D(2024, 12, 31), "year"),
    ("Unemployment rose sharply last month.", D(2023, 12, 1), D(2023, 12, 31), "month"),
    ("The plant closed two years ago.", D(2022, 1, 1), D(2022, 12, 31), "year"),
    ("The minister resigned yesterday.", D(2024, 1, 4), D(2024, 1, 4), "day"),
    ("The envoy arrived on Tuesday.", D(2024, 1, 2), D(2024, 1, 2), "day"),
    ("Shipments had been halted since August 2020.", D(2020, 8, 1), D(2024, 1, 5), "month"),
    ("Prices have risen every year since 2015.", D(2015, 1, 1), D(2024, 1, 5), "year"),
    ("The border reopened in October.", D(2023, 10, 1), D(2023, 10, 31), "month"),
]


@pytest.mark.parametrize(
    ("sentence", "start", "end", "precision"), RELATIVE, ids=[c[0] for c in RELATIVE]
)
def test_date_relative_to_the_published_day(sentence, start, end, precision):
    assert periods(sentence) == [(start, end, precision)]
    assert dates_in(sentence)[0].source == "relative"


# Anaphoric dates resolve against the last date mentioned: (text, marker, start, end, precision)
IN_CONTEXT = [
    (
        "The envoy visited in September 2023. A month after the visit, talks resumed.",
        "A month after",
        D(2023, 10, 1),
        D(2023, 10, 31),
        "month",
    ),
    (
        "Talks began in March 2023. In the following month, a deal was signed.",
        "the following month",
        D(2023, 4, 1),
        D(2023, 4, 30),
        "month",
    ),
    (
        "The leaders met in September 2023. Trade jumped in October alone.",
        "October",
        D(2023, 10, 1),
        D(2023, 10, 31),
        "month",
    ),
    (
        "Output fell in 2022. The following year, the mine recovered.",
        "The following year",
        D(2023, 1, 1),
        D(2023, 12, 31),
        "year",
    ),
    (
        "The talks were held in May 2021 and again on 4 June.",
        "4 June",
        D(2021, 6, 4),
        D(2021, 6, 4),
        "day",
    ),
    (
        "The accord was signed on 2 March 2022. Two days later, the troops left.",
        "Two days later",
        D(2022, 3, 4),
        D(2022, 3, 4),
        "day",
    ),
    (
        "By April 2023, fuel deliveries resumed after being halted since August 2020.",
        "since August 2020",
        D(2020, 8, 1),
        D(2023, 4, 30),
        "month",
    ),
]


@pytest.mark.parametrize(
    ("text", "raw", "start", "end", "precision"), IN_CONTEXT, ids=[c[1] for c in IN_CONTEXT]
)
def test_date_resolved_against_an_earlier_date(text, raw, start, end, precision):
    matching = [d for d in dates_in(text) if d.raw == raw]
    assert matching, [d.raw for d in dates_in(text)]
    assert (matching[0].start, matching[0].end, matching[0].precision) == (start, end, precision)


def test_comparison_point_is_a_baseline_not_the_period():
    text = "In 2023, food imports rose 12 per cent compared to the previous year."
    (candidate,) = extract_claims(text, PUBLISHED)
    assert [(d.start.year, d.role) for d in candidate.dates] == [
        (2023, "reference"),
        (2022, "baseline"),
    ]
    assert candidate.period.start == D(2023, 1, 1)


def test_an_earlier_period_after_the_sentence_period_is_its_baseline():
    text = "Revenue reached $9.4bn in June 2023, up from $7bn a year earlier."
    (candidate,) = extract_claims(text, PUBLISHED)
    assert [(d.raw, d.start.year, d.role) for d in candidate.dates] == [
        ("June 2023", 2023, "reference"),
        ("a year earlier", 2022, "baseline"),
    ]


def test_month_compared_with_a_later_named_month_stays_in_the_past():
    text = "Traffic fell 42% in January compared with December, the authority said."
    (candidate,) = extract_claims(text, dt.date(2024, 2, 2))
    assert [(d.start, d.role) for d in candidate.dates] == [
        (D(2024, 1, 1), "reference"),
        (D(2023, 12, 1), "baseline"),
    ]


def test_figure_without_a_date_inherits_the_previous_sentence_period():
    text = "Exports reached $5 billion by 2022. Gas made up 30 per cent of the total."
    second = extract_claims(text, PUBLISHED)[1]
    (date,) = second.dates
    assert (date.start, date.end, date.precision, date.source) == (
        D(2022, 1, 1),
        D(2022, 12, 31),
        "year",
        "inherited",
    )
    assert text[date.span.start : date.span.end] == "2022"


def test_sentence_without_figures_does_not_inherit():
    text = "Exports reached $5 billion by 2022. Officials welcomed the news."
    assert [c.text for c in extract_claims(text, PUBLISHED)] == [
        "Exports reached $5 billion by 2022."
    ]


def test_present_perfect_duration_is_true_as_of_publication():
    (candidate,) = extract_claims("The war has dragged on for almost three years.", PUBLISHED)
    (date,) = candidate.dates
    assert (date.start, date.end, date.precision, date.source) == (
        PUBLISHED,
        PUBLISHED,
        "day",
        "publication",
    )
    assert date.raw == "for almost three years"


def test_relative_dates_need_a_published_day():
    assert dates_in("Unemployment rose by 3 per cent last year.", published=None) == []
    assert periods("Unemployment rose by 3 per cent in 2023.", published=None) == [
        (D(2023, 1, 1), D(2023, 12, 31), "year")
    ]


def test_lowercase_may_and_march_are_not_months():
    text = "Prices may rise in 2023 and workers may march in protest."
    found = find_dates(text, 0, len(text), DateContext(PUBLISHED))
    assert [d.raw for d in found] == ["2023"]
