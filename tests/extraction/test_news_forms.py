"""The forms real news writes figures in: each read with its value, unit, qualifier, direction,
what it counts and the period it is about (issue #14). Every sentence here is our own."""

from __future__ import annotations

import datetime as dt

import pytest

from claims.extraction import Figure, extract_claims

PUBLISHED = dt.date(2024, 3, 15)


def figure(text: str, raw: str, published: dt.date = PUBLISHED) -> Figure:
    found = [f for c in extract_claims(text, published) for f in c.figures]
    matching = [f for f in found if f.raw == raw]
    assert matching, f"no figure {raw!r} in {[f.raw for f in found]}"
    return matching[0]


# (sentence, raw, value, value_high, unit, qualifier, direction, concept words, period start)
FORMS = [
    # Currencies written before the digits, glued or with a country mark.
    (
        "Islamabad: Pakistan's deficit widened to Rs4.1 trillion in 2023, the ministry said.",
        "Rs4.1 trillion",
        ("4.1", "", "PKR", "exact", "up", {"deficit"}, "2023-01-01"),
    ),
    (
        "India's tax take rose to Rs 2.6 lakh crore in January 2024 on strong demand.",
        "Rs 2.6 lakh crore",
        ("2.6", "", "INR", "exact", "up", {"tax", "take"}, "2024-01-01"),
    ),
    (
        "The Sydney start-up raised $A25m from investors in 2023.",
        "$A25m",
        ("25", "", "AUD", "exact", "none", {"start-up"}, "2023-01-01"),
    ),
    (
        "The harbour tunnel cost HK$9.5 billion when it opened in 2022.",
        "HK$9.5 billion",
        ("9.5", "", "HKD", "exact", "none", {"harbour", "tunnel"}, "2022-01-01"),
    ),
    (
        "A bowl of noodles now sells for RM14.20 in Penang, up from 2021.",
        "RM14.20",
        ("14.20", "", "MYR", "exact", "up", {"bowl", "noodle"}, None),
    ),
    (
        "The miner booked USD45m in profit in 2023.",
        "USD45m",
        ("45", "", "USD", "exact", "none", {"miner"}, "2023-01-01"),
    ),
    (
        "The carmaker lost \xa33.1bn in 2023 as sales slumped.",
        "\xa33.1bn",
        ("3.1", "", "GBP", "exact", "none", {"carmaker"}, "2023-01-01"),
    ),
    (
        "A season ticket now costs 2,750\u20ac at the club, the board said in 2023.",
        "2,750\u20ac",
        ("2750", "", "EUR", "exact", "none", {"season", "ticket"}, "2023-01-01"),
    ),
    # Indian numbering.
    (
        "Sugar output reached 320 lakh tonnes in 2023, the federation said.",
        "320 lakh tonnes",
        ("32", "", "tonne", "exact", "none", {"sugar", "output"}, "2023-01-01"),
    ),
    (
        "The scheme paid Rs 2,34,512 crore to farmers in 2023.",
        "Rs 2,34,512 crore",
        ("2.34512", "", "INR", "exact", "none", {"scheme"}, "2023-01-01"),
    ),
    (
        "The state registered 14,62,205 vehicles in 2023.",
        "14,62,205 vehicles",
        ("1462205", "", "vehicle", "exact", "none", {"state"}, "2023-01-01"),
    ),
    # Digit groups with spaces and decimal commas.
    (
        "Border crossings rose to 214 000 in 2023, the agency said.",
        "214 000",
        ("214000", "", "crossing", "exact", "up", {"border", "crossing"}, "2023-01-01"),
    ),
    (
        "Port revenue reached $63,7 billion in 2023.",
        "$63,7 billion",
        ("63.7", "", "USD", "exact", "none", {"port", "revenue"}, "2023-01-01"),
    ),
    # Written-out numbers, decimals, fractions and multiples.
    (
        "The exporter shipped two million bicycles in 2023.",
        "two million bicycles",
        ("2", "", "bicycle", "exact", "none", {"exporter"}, "2023-01-01"),
    ),
    (
        "Chip exports climbed to four-point-seven trillion won in 2023.",
        "four-point-seven trillion won",
        ("4.7", "", "KRW", "exact", "up", {"chip", "export"}, "2023-01-01"),
    ),
    (
        "Youth unemployment hit 14-point-two percent in 2023.",
        "14-point-two percent",
        ("14.2", "", "percent", "exact", "none", {"youth", "unemployment"}, "2023-01-01"),
    ),
    (
        "In 2023 a quarter of the harvest was lost to floods.",
        "a quarter",
        ("25", "", "percent", "exact", "none", {"harvest"}, "2023-01-01"),
    ),
    (
        "In 2023 a fifth of all flights were late.",
        "a fifth",
        ("20", "", "percent", "exact", "none", {"flight"}, "2023-01-01"),
    ),
    (
        "Two-thirds of the voters backed the plan in 2023.",
        "Two-thirds",
        ("66.67", "", "percent", "exact", "none", {"voter"}, "2023-01-01"),
    ),
    (
        "Solar capacity grew 3.5-fold between 2019 and 2023.",
        "3.5-fold",
        ("3.5", "", "time", "exact", "up", {"solar", "capacity"}, "2019-01-01"),
    ),
    (
        "Wheat imports doubled in 2023 as the drought went on.",
        "doubled",
        ("2", "", "time", "exact", "up", {"wheat", "import"}, "2023-01-01"),
    ),
    (
        "Output shrank -1.3% in the fourth quarter of 2023.",
        "-1.3%",
        ("-1.3", "", "percent", "exact", "down", {"output"}, "2023-10-01"),
    ),
    (
        "Farmers lost half of their maize crop in 2023.",
        "half",
        ("50", "", "percent", "exact", "down", {"maize", "crop"}, "2023-01-01"),
    ),
    (
        "The fund raised US$40m in 2023.",
        "US$40m",
        ("40", "", "USD", "exact", "none", {"fund"}, "2023-01-01"),
    ),
    # Units glued to the digits: the size of a thing, not a count.
    (
        "The sports car makes 620bhp in its 2024 version.",
        "620bhp",
        ("620", "", "brake_horsepower", "exact", "none", {"sport", "car"}, "2024-01-01"),
    ),
    (
        "Its screen refreshes at 144Hz, the maker said in 2024.",
        "144Hz",
        ("144", "", "hertz", "exact", "none", {"screen"}, "2024-01-01"),
    ),
    (
        "Each flat measures 52m2, the developer said in 2023.",
        "52m2",
        ("52", "", "square_metre", "exact", "none", {"flat"}, "2023-01-01"),
    ),
    (
        "The new handset ships with 512GB of storage in 2024.",
        "512GB",
        ("512", "", "gigabyte", "exact", "none", {"storage"}, "2024-01-01"),
    ),
    # The unit written away from its number.
    (
        "In 2024, 48.5 million of the 70.3 million voters cast a ballot.",
        "48.5 million",
        ("48.5", "", "voter", "exact", "none", {"voter"}, "2024-01-01"),
    ),
    (
        "In 2023 traffic deaths fell to 3,150 from 3,420 deaths a year earlier.",
        "3,150",
        ("3150", "", "death", "exact", "down", {"traffic", "death"}, "2023-01-01"),
    ),
    (
        "The army fired three million 152mm shells in 2023.",
        "three million 152mm shells",
        ("3", "", "shell", "exact", "none", {"army"}, "2023-01-01"),
    ),
    # Rates.
    (
        "The field pumped 650,000 barrels a day in 2023.",
        "650,000 barrels a day",
        ("650000", "", "barrel_per_day", "exact", "none", {"field"}, "2023-01-01"),
    ),
    (
        "The terminal sent out 2.1 bcf/d of gas in 2023.",
        "2.1 bcf/d",
        ("2.1", "", "cubic_foot_per_day", "exact", "none", {"gas"}, "2023-01-01"),
    ),
    (
        "The refinery processed 210,000 b/d in 2023.",
        "210,000 b/d",
        ("210000", "", "barrel_per_day", "exact", "none", {"refinery"}, "2023-01-01"),
    ),
    (
        "The clinic treats 3,500 patients a month in 2023.",
        "3,500 patients a month",
        ("3500", "", "patient_per_month", "exact", "none", {"clinic"}, "2023-01-01"),
    ),
    # Ranges: one figure with a low and a high end.
    (
        "The crossing takes 40 to 45 hours, the operator said in 2023.",
        "40 to 45 hours",
        ("40", "45", "hour", "exact", "none", {"crossing"}, "2023-01-01"),
    ),
    (
        "The bridge will cost $12 to $14 billion, planners said in 2023.",
        "$12 to $14 billion",
        ("12", "14", "USD", "exact", "none", {"bridge"}, "2023-01-01"),
    ),
    (
        "Analysts expect fares to rise 8-12% in 2024.",
        "8-12%",
        ("8", "12", "percent", "exact", "up", {"fare"}, "2024-01-01"),
    ),
]


@pytest.mark.parametrize(("sentence", "raw", "expected"), FORMS, ids=[f[1] for f in FORMS])
def test_news_form_is_read_whole(sentence, raw, expected):
    value, high, unit, qualifier, direction, words, period = expected
    found = figure(sentence, raw)
    assert (found.value, found.value_high, found.unit, found.qualifier) == (
        value,
        high,
        unit,
        qualifier,
    )
    assert found.direction == direction
    assert words <= set(found.concept_words), found.concept_words
    got_period = found.period.start.isoformat() if found.period else None
    assert got_period == period


def test_a_range_gives_both_ends_in_the_json_and_one_figure_on_the_candidate():
    (candidate,) = extract_claims("Analysts expect fares to rise 8-12% in 2024.", PUBLISHED)
    assert [(f.value, f.value_high) for f in candidate.figures] == [("8", "12")]
    figures = candidate.to_dict()["figures"]
    assert [(f["value"], f.get("range_high_of")) for f in figures] == [("8", None), ("12", 0)]


def test_rupees_are_pakistani_when_the_article_is_about_pakistan():
    text = (
        "Karachi: The budget gap reached Rs9.1 trillion in 2023, the State Bank of Pakistan said."
    )
    assert figure(text, "Rs9.1 trillion").currency == "PKR"
    indian = "Mumbai: The insurer paid Rs9.1 trillion in claims in 2023, India's regulator said."
    assert figure(indian, "Rs9.1 trillion").currency == "INR"


def test_rose_to_a_level_is_up_and_the_change_before_it_too():
    text = "Cambodia's rice exports rose 14% to 112,400 tonnes in 2023 compared with 2019."
    change = figure(text, "14%")
    level = figure(text, "112,400 tonnes")
    assert (change.direction, change.change) == ("up", "change")
    assert (level.direction, level.change) == ("up", "level")
    assert change.baseline == level.baseline == "2019"
    assert {"rice", "export", "cambodia"} <= set(level.concept_words)
    assert level.period is not None and level.period.start == dt.date(2023, 1, 1)


def test_a_comparison_point_has_no_direction_and_the_figure_after_it_follows_the_verb():
    text = "In 2023 the number of ferries fell from 1,240 ferries to 1,105."
    before = figure(text, "1,240 ferries")
    after = figure(text, "1,105")
    assert (before.direction, after.direction) == ("none", "down")
    assert after.unit == "ferry"


def test_a_level_reached_through_a_comparison_keeps_the_verbs_direction():
    text = "In 2023 shipments climbed 8.2% from a year earlier to 41,300 containers."
    assert figure(text, "41,300 containers").direction == "up"
    text = "In 2023 fleet spending reached $9.8 billion, up 6% from 2022 and 11% from 2019."
    assert figure(text, "$9.8 billion").direction == "up"
    assert figure(text, "11%").direction == "up"


def test_a_percentage_point_is_a_change():
    text = "Its market share slipped 2 percentage points to 31 per cent in 2023."
    step = figure(text, "2 percentage points")
    share = figure(text, "31 per cent")
    assert (step.unit, step.direction, step.change) == ("percentage_point", "down", "change")
    assert (share.direction, share.change) == ("down", "level")


@pytest.mark.parametrize(
    "sentence",
    [
        "The S&P 500 closed higher in 2023.",
        "Sales of the iPhone 15 began in 2023.",
        "The Game 5 crowd cheered loudly in 2023.",
        "Nord Stream 1 was damaged in 2022.",
        "Gas flows through Power of Siberia-2 were discussed in 2023.",
        "The Su-35 jets landed in 2023.",
        "Covid-19 cases were counted in 2021.",
        "The G20 met in Delhi in 2023.",
        "Article 5 was invoked in 2001.",
        "Protesters gathered at 10 Downing Street in 2023.",
        "One of the ministers resigned in 2023.",
        "A 53-year-old driver was stopped in 2023.",
        "Prices are averaged over the 12 months ending in June 2023.",
    ],
)
def test_numbers_inside_names_ages_and_windows_are_not_counted(sentence):
    counted = [
        f
        for c in extract_claims(sentence, PUBLISHED)
        for f in c.figures
        if f.kind in ("money", "percentage", "quantity")
    ]
    assert counted == []


def test_a_headline_without_a_full_stop_does_not_run_into_the_story():
    text = (
        "Harbour traffic slows as fees rise for the third year running in the port city\n\n"
        "The port handled 8,200 ships in 2023, down 4% on the year before."
    )
    (candidate,) = extract_claims(text, PUBLISHED)
    assert candidate.text.startswith("The port handled")


def test_a_sentence_glued_to_the_next_without_a_space_is_split():
    text = "Exports rose 6% in 2023.During the year imports fell 2% to $4 billion."
    texts = [c.text for c in extract_claims(text, PUBLISHED)]
    assert texts == ["Exports rose 6% in 2023.", "During the year imports fell 2% to $4 billion."]
