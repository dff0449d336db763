"""Figures: value as written, qualifier, unit, scale, currency, amount; and what is no figure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from claims.extraction import Figure, extract_claims

PUBLISHED = dt.date(2024, 1, 5)


def figures_in(sentence: str) -> list[Figure]:
    return [f for c in extract_claims(sentence, PUBLISHED) for f in c.figures]


# (sentence, raw, "value qualifier unit scale currency kind"), "-" for empty
CASES = [
    (
        "The port handled 1,000 containers in March 2023.",
        "1,000 containers",
        "1000 exact container - - quantity",
    ),
    (
        "A European port logged 1.000 containers in March 2023.",
        "1.000 containers",
        "1000 exact container - - quantity",
    ),
    (
        "Officials counted one thousand containers in 2022.",
        "one thousand containers",
        "1 exact container thousand - quantity",
    ),
    (
        "The minister began a six-day tour of Asia in May 2023.",
        "six-day",
        "6 exact day - - quantity",
    ),
    ("The dispute over the dam has lasted two years.", "two years", "2 exact year - - quantity"),
    (
        "The siege lasted nearly two years, residents said.",
        "nearly two years",
        "2 nearly year - - quantity",
    ),
    ("The court handed down a 10-year sentence in 2023.", "10-year", "10 exact year - - quantity"),
    (
        "The government spent $114 billion on roads in 2022.",
        "$114 billion",
        "114 exact USD billion USD money",
    ),
    ("The start-up raised US$5m from investors in 2021.", "US$5m", "5 exact USD million USD money"),
    (
        "The bank lent \u20ac3.2bn to the utility in 2020.",
        "\u20ac3.2bn",
        "3.2 exact EUR billion EUR money",
    ),
    (
        "The levy raised \xa340 million last year.",
        "\xa340 million",
        "40 exact GBP million GBP money",
    ),
    ("Trade was worth 5 million yuan in 2023.", "5 million yuan", "5 exact CNY million CNY money"),
    (
        "The firm lost 12.5 billion roubles in 2022.",
        "12.5 billion roubles",
        "12.5 exact RUB billion RUB money",
    ),
    (
        "The charity spent 2.5 million dollars in 2022.",
        "2.5 million dollars",
        "2.5 exact USD million USD money",
    ),
    ("The loan was USD 5 million in 2021.", "USD 5 million", "5 exact USD million USD money"),
    ("Exports reached $3.5 trillion in 2022.", "$3.5 trillion", "3.5 exact USD trillion USD money"),
    (
        "The budget set aside 1.5 trillion won in 2023.",
        "1.5 trillion won",
        "1.5 exact KRW trillion KRW money",
    ),
    (
        "The deal was worth 20 million euros in 2022.",
        "20 million euros",
        "20 exact EUR million EUR money",
    ),
    (
        "Food prices rose 161.5 per cent in 2023.",
        "161.5 per cent",
        "161.5 exact percent - - percentage",
    ),
    ("Turnout reached 43% in the 2022 election.", "43%", "43 exact percent - - percentage"),
    (
        "About 50 percent of voters backed the plan in 2021.",
        "About 50 percent",
        "50 about percent - - percentage",
    ),
    (
        "Support fell 5 percentage points in 2023.",
        "5 percentage points",
        "5 exact percentage_point - - percentage",
    ),
    ("Inflation hit 12.75 percent in 2023.", "12.75 percent", "12.75 exact percent - - percentage"),
    (
        "The factory employed more than 2,500 workers in 2019.",
        "more than 2,500 workers",
        "2500 more_than worker - - quantity",
    ),
    (
        "Fewer than 300 people attended the rally in 2023.",
        "Fewer than 300 people",
        "300 less_than person - - quantity",
    ),
    (
        "At least 12 soldiers were killed in August 2023.",
        "At least 12 soldiers",
        "12 at_least soldier - - quantity",
    ),
    (
        "Up to 40,000 troops were deployed in 2022.",
        "Up to 40,000 troops",
        "40000 up_to troop - - quantity",
    ),
    (
        "Nearly 70 ships sailed through the strait in 2023.",
        "Nearly 70 ships",
        "70 nearly ship - - quantity",
    ),
    (
        "Around 67,300 barrels of fuel arrived in April 2023.",
        "Around 67,300 barrels",
        "67300 about barrel - - quantity",
    ),
    (
        "Roughly 800 tonnes of rice arrived in June 2023.",
        "Roughly 800 tonnes",
        "800 about tonne - - quantity",
    ),
    (
        "As many as 5,000 drones were ordered in 2023.",
        "As many as 5,000 drones",
        "5000 up_to drone - - quantity",
    ),
    (
        "Some 300 families were evacuated in July 2023.",
        "Some 300 families",
        "300 about family - - quantity",
    ),
    (
        "More than 500 rockets were fired in 2023.",
        "More than 500 rockets",
        "500 more_than rocket - - quantity",
    ),
    (
        "The convoy brought 90 rounds of ammunition in 2023.",
        "90 rounds",
        "90 exact round - - quantity",
    ),
    (
        "The charity fed 500 or more children in 2023.",
        "500 or more children",
        "500 at_least child - - quantity",
    ),
    (
        "The firm hired 500+ engineers in 2023.",
        "500+ engineers",
        "500 at_least engineer - - quantity",
    ),
    (
        "Nearly half a million people fled in 2022.",
        "Nearly half a million people",
        "0.5 nearly person million - quantity",
    ),
    (
        "The city added 1.2 million residents in 2020.",
        "1.2 million residents",
        "1.2 exact resident million - quantity",
    ),
    ("The company sold 10k cars in 2023.", "10k cars", "10 exact car thousand - quantity"),
    (
        "The treaty was signed by 50 countries in 1997.",
        "50 countries",
        "50 exact country - - quantity",
    ),
    ("The agency recorded 2000 arrests in 2022.", "2000 arrests", "2000 exact arrest - - quantity"),
    (
        "The survey covered twenty-five villages in 2023.",
        "twenty-five villages",
        "25 exact village - - quantity",
    ),
    (
        "The army lost two hundred tanks in 2022.",
        "two hundred tanks",
        "200 exact tank - - quantity",
    ),
    (
        "A 5,000-strong force was deployed in 2023.",
        "5,000-strong",
        "5000 exact person - - quantity",
    ),
    ("The plant produced 500 MW of power in 2021.", "500 MW", "500 exact megawatt - - quantity"),
    (
        "Output reached 10 million barrels per day in 2023.",
        "10 million barrels per day",
        "10 exact barrel_per_day million - quantity",
    ),
    (
        "The army fired 122mm shells at the town in June 2023.",
        "122mm",
        "122 exact millimetre - - measurement",
    ),
    (
        "The army fired 155-mm rounds in June 2023.",
        "155-mm",
        "155 exact millimetre - - measurement",
    ),
    ("A 5m wall was built along the border in 2023.", "5m", "5 exact metre - - measurement"),
    ("A 40-foot container was seized in May 2023.", "40-foot", "40 exact foot - - measurement"),
    (
        "Repairs added 10 to 14 days to each voyage in 2023.",
        "10 to 14 days",
        "10 exact day - - quantity",
    ),
    (
        "The new road is 1,200 km long and opened in 2023.",
        "1,200 km",
        "1200 exact kilometre - - quantity",
    ),
]


@pytest.mark.parametrize(("sentence", "raw", "spec"), CASES, ids=[case[1] for case in CASES])
def test_figure_is_parsed(sentence, raw, spec):
    value, qualifier, unit, scale, currency, kind = (
        "" if part == "-" else part for part in spec.split()
    )
    found = figures_in(sentence)
    matching = [f for f in found if f.raw == raw]
    assert matching, f"no figure {raw!r} in {[f.raw for f in found]}"
    figure = matching[0]
    assert (figure.value, figure.qualifier, figure.unit, figure.scale) == (
        value,
        qualifier,
        unit,
        scale,
    )
    assert (figure.currency, figure.kind) == (currency, kind)
    assert sentence[figure.span.start : figure.span.end] == raw


@pytest.mark.parametrize(
    ("sentence", "amount"),
    [
        ("The government spent $114 billion on roads in 2022.", "114000000000"),
        ("The bank lent \u20ac3.2bn to the utility in 2020.", "3200000000"),
        ("The start-up raised US$5m from investors in 2021.", "5000000"),
        ("Officials counted one thousand containers in 2022.", "1000"),
        ("Nearly half a million people fled in 2022.", "500000"),
        ("Food prices rose 161.5 per cent in 2023.", "161.5"),
    ],
)
def test_amount_applies_the_scale_to_the_value_as_written(sentence, amount):
    figure = figures_in(sentence)[0]
    assert figure.amount == amount
    assert (
        figure.decimal_amount
        == Decimal(figure.value)
        * {
            "": 1,
            "thousand": 10**3,
            "million": 10**6,
            "billion": 10**9,
        }[figure.scale]
    )


# Sentences whose numbers are no quantity claims: years, ordinals, identifiers, references.
TRAPS = [
    ("Exports to the region fell sharply in 2023.", "a year"),
    ("The two countries signed a pact in 2023.", "two countries"),
    ("The three leaders met in Beijing in 2023.", "the three leaders"),
    ("China was the first country to sign the pact in 2023.", "ordinal first"),
    ("It was the 21st summit of the bloc since 2001.", "ordinal 21st"),
    ("See No. 5 of the agreement signed in 2021.", "No. 5"),
    ("The details are on page 12 of the report published in 2022.", "page number"),
    ("The treaty [4] entered into force in 2021.", "footnote marker"),
    ("Talks at the G7 summit in 2023 covered Covid-19.", "names with digits"),
    ("The meeting began at 10:30 on 5 May 2023.", "clock time"),
    ("The firm rolled out 5G coverage in 2020.", "5G"),
    ("On one side, the ministry said in 2023 that talks would go on.", "one side"),
    ("It was believed that two types of munitions were sent in 2023.", "two types"),
    ("The ministry published its annual review in the first two months of 2023.", "in a date"),
]


@pytest.mark.parametrize(("sentence", "why"), TRAPS, ids=[why for _, why in TRAPS])
def test_no_quantity_claim_is_made_of(sentence, why):
    assert figures_in(sentence) == [], why


def test_calibre_does_not_make_a_shipment_count():
    sentence = "Artillery units received 122mm rockets from the north in October 2023."
    (candidate,) = extract_claims(sentence, PUBLISHED)
    assert [f.kind for f in candidate.figures] == ["measurement"]
    assert candidate.kind == "date_event"


def test_several_figures_in_one_sentence_keep_their_order_and_the_kind_picks_money():
    sentence = "Exports reached $114 billion in 2022, up 43% on a year earlier, a report said."
    (candidate,) = extract_claims(sentence, PUBLISHED)
    assert [f.raw for f in candidate.figures] == ["$114 billion", "43%"]
    assert candidate.kind == "money"
