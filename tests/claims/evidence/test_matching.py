"""Claims against pages archived from 127.0.0.1: every form of figure and date agrees, disagrees
or is mentioned, with tolerances that follow the claim's qualifier, and offsets into the text."""

from __future__ import annotations

import datetime as dt

import pytest

from claims.evidence.models import EvidenceSuggestion
from claims.evidence.services import evidence_match_capture, evidence_match_claim
from tests.claims.evidence.conftest import suggestions_for

pytestmark = pytest.mark.django_db

OCT_2023 = (dt.date(2023, 10, 1), dt.date(2023, 10, 31), "month")
YEAR_2022 = (dt.date(2022, 1, 1), dt.date(2022, 12, 31), "year")
# Text a page carries besides the passage: no figure or date of the claims' kinds or periods.
DECOY = "The port of Rajin handled 300 ships in 2019, according to a separate survey."

CONTAINERS = {
    "text": "North Korea sent 1,000 containers of munitions to Russia in October 2023.",
    "value": "1000",
    "unit": "container",
    "period": OCT_2023,
}
CONTAINERS_IN_WORDS = {
    "text": "North Korea sent a thousand containers of munitions to Russia in October 2023.",
    "value": "1",
    "scale": "thousand",
    "unit": "container",
    "period": OCT_2023,
}
EXPORTS = {
    "text": "Russia's exports to China reached $114 billion in 2022.",
    "value": "114",
    "scale": "billion",
    "unit": "USD",
    "kind": "money",
    "period": YEAR_2022,
}
TRADE = {
    "text": "Trade between Russia and China rose 43% in 2022.",
    "value": "43",
    "unit": "percent",
    "kind": "percentage",
    "period": YEAR_2022,
}


def shipped(figure: str) -> str:
    return f"North Korea sent {figure} of munitions to Russia in October 2023, officials said."


def exports(figure: str) -> str:
    return f"Russia's exports to China reached {figure} in 2022, customs data show."


def trade(figure: str) -> str:
    return f"Trade between Russia and China rose {figure} in 2022, the ministry said."


def best(make_claim, archive, claim_fields: dict, sentence: str) -> EvidenceSuggestion:
    claim = make_claim(**claim_fields)
    capture = archive(claim, DECOY, sentence)
    assert sentence in capture.text
    evidence_match_capture(capture_id=capture.pk)
    found = suggestions_for(claim)
    assert found, f"no passage suggested for {claim.text!r} in {capture.text!r}"
    top = found[0]
    assert top.passage_text == sentence  # the passage is the sentence, nothing more
    return top


FORMS = [
    # Counted things: digits, words, separators, in either direction.
    ("a-thousand", CONTAINERS, shipped("a thousand containers"), "agrees", "a thousand containers"),
    (
        "one-thousand",
        CONTAINERS,
        shipped("one thousand containers"),
        "agrees",
        "one thousand containers",
    ),
    ("dot-separator", CONTAINERS, shipped("1.000 containers"), "agrees", "1.000 containers"),
    ("digits-for-words", CONTAINERS_IN_WORDS, shipped("1,000 containers"), "agrees", None),
    ("digits-differ", CONTAINERS, shipped("1,400 containers"), "disagrees", "1,400 containers"),
    ("words-differ", CONTAINERS, shipped("two thousand containers"), "disagrees", None),
    ("words-claim-differs", CONTAINERS_IN_WORDS, shipped("2,000 containers"), "disagrees", None),
    # Money: symbols, abbreviations, words and full digits are one amount of one currency.
    ("dollar-bn", EXPORTS, exports("$114bn"), "agrees", "$114bn"),
    ("dollars-in-words", EXPORTS, exports("114 billion dollars"), "agrees", "114 billion dollars"),
    ("us-dollar-prefix", EXPORTS, exports("US$114.2 billion"), "agrees", "US$114.2 billion"),
    ("full-digits", EXPORTS, exports("$114,000,000,000"), "agrees", "$114,000,000,000"),
    ("dollar-bn-differs", EXPORTS, exports("$107bn"), "disagrees", "$107bn"),
    ("us-dollars-differ", EXPORTS, exports("107 billion US dollars"), "disagrees", None),
    # Percentages: sign, "per cent", "percent".
    ("percent-sign", TRADE, trade("43%"), "agrees", "43%"),
    ("per-cent", TRADE, trade("43 per cent"), "agrees", "43 per cent"),
    ("percent-word", TRADE, trade("43 percent"), "agrees", "43 percent"),
    ("per-cent-differs", TRADE, trade("40 per cent"), "disagrees", "40 per cent"),
    ("percent-sign-differs", TRADE, trade("48.5%"), "disagrees", "48.5%"),
]


@pytest.mark.parametrize(
    ("claim_fields", "sentence", "verdict", "highlight"),
    [case[1:] for case in FORMS],
    ids=[case[0] for case in FORMS],
)
def test_figure_forms_are_normalised_before_they_are_compared(
    make_claim, archive, claim_fields, sentence, verdict, highlight
):
    top = best(make_claim, archive, claim_fields, sentence)
    assert top.verdict == verdict, top.comparison
    assert top.comparison.startswith("source says ")
    assert top.comparison.endswith(f": {verdict}")
    if highlight:
        assert top.passage_parts[1] == highlight


MENTIONS = [
    # Same period and topic, no comparable figure.
    (
        "no-figure",
        CONTAINERS,
        "North Korea sent containers of munitions to Russia by rail in October 2023.",
        "October 2023",
    ),
    (
        "other-currency",
        EXPORTS,
        "Russia's exports to China reached 800 billion yuan in 2022, customs data show.",
        "2022",
    ),
    (
        "percentage-points-are-not-percent",
        TRADE,
        "Trade between Russia and China rose by 3 percentage points in 2022.",
        "2022",
    ),
    # A yearly total against a monthly claim: context, not a test of the figure.
    (
        "longer-period",
        CONTAINERS,
        "North Korea sent 12,000 containers of munitions to Russia in 2023.",
        "12,000 containers",
    ),
]


@pytest.mark.parametrize(
    ("claim_fields", "sentence", "highlight"),
    [case[1:] for case in MENTIONS],
    ids=[case[0] for case in MENTIONS],
)
def test_same_period_without_a_comparable_figure_is_a_mention(
    make_claim, archive, claim_fields, sentence, highlight
):
    top = best(make_claim, archive, claim_fields, sentence)
    assert top.verdict == "mentions", top.comparison
    assert top.passage_parts[1] == highlight


def test_a_figure_for_another_period_is_not_compared(make_claim, archive):
    claim = make_claim(**EXPORTS)
    capture = archive(
        claim, exports("$114bn").replace("2022", "2021"), exports("$190bn").replace("2022", "2023")
    )
    evidence_match_capture(capture_id=capture.pk)
    assert suggestions_for(claim) == []


def test_a_figure_without_a_date_takes_the_paragraph_date(make_claim, archive):
    claim = make_claim(**CONTAINERS)
    capture = archive(
        claim,
        "North Korea's munitions shipments to Russia by rail began in October 2023. "
        "In all, 1,400 containers crossed the border.",
    )
    evidence_match_capture(capture_id=capture.pk)
    top = suggestions_for(claim)[0]
    assert top.verdict == "disagrees"
    assert top.passage_text == "In all, 1,400 containers crossed the border."
    assert top.found["date"]["raw"] == "October 2023"


# Qualifier-aware tolerances --------------------------------------------------------------------

TOLERANCES = [
    # claim qualifier, claim figure, source figure, verdict
    ("more than", "more_than", "1,200 containers", "agrees"),
    ("more than", "more_than", "800 containers", "disagrees"),
    ("more than", "more_than", "1,000 containers", "disagrees"),
    ("about", "about", "1,100 containers", "agrees"),
    ("about", "about", "900 containers", "agrees"),
    ("about", "about", "1,101 containers", "disagrees"),
    ("about", "about", "899 containers", "disagrees"),
    ("nearly", "nearly", "950 containers", "agrees"),
    ("nearly", "nearly", "1,000 containers", "agrees"),
    ("nearly", "nearly", "1,001 containers", "disagrees"),
    ("nearly", "nearly", "880 containers", "disagrees"),
    ("at least", "at_least", "1,000 containers", "agrees"),
    ("at least", "at_least", "5,000 containers", "agrees"),
    ("at least", "at_least", "999 containers", "disagrees"),
    ("up to", "up_to", "1,000 containers", "agrees"),
    ("up to", "up_to", "400 containers", "agrees"),
    ("up to", "up_to", "1,001 containers", "disagrees"),
    ("less than", "less_than", "999 containers", "agrees"),
    ("less than", "less_than", "1,000 containers", "disagrees"),
    ("", "exact", "1,000 containers", "agrees"),
    ("", "exact", "1,001 containers", "disagrees"),
    # The source's own qualifier: inside the claim's range agrees, outside disagrees, an overlap
    # is consistent but not conclusive.
    ("more than", "more_than", "more than 1,200 containers", "agrees"),
    ("more than", "more_than", "fewer than 900 containers", "disagrees"),
    ("more than", "more_than", "about 1,000 containers", "mentions"),
    ("about", "about", "at least 950 containers", "mentions"),
    ("about", "about", "more than 2,000 containers", "disagrees"),
    ("", "exact", "nearly 1,000 containers", "mentions"),
]


@pytest.mark.parametrize(
    ("written", "qualifier", "source", "verdict"),
    TOLERANCES,
    ids=[f"{q or 'exact'}-1000-vs-{s.replace(' ', '-')}" for _w, q, s, _v in TOLERANCES],
)
def test_tolerance_follows_the_claims_qualifier(
    make_claim, archive, written, qualifier, source, verdict
):
    claim_fields = {
        **CONTAINERS,
        "text": f"North Korea sent {written} 1,000 containers of munitions to Russia in "
        "October 2023.".replace("  ", " "),
        "qualifier": qualifier,
    }
    top = best(make_claim, archive, claim_fields, shipped(source))
    assert top.verdict == verdict, top.comparison


ROUNDING = [
    # An exact figure stands for the rounding interval of its stated precision.
    (EXPORTS, exports("$114.4 billion"), "agrees"),
    (EXPORTS, exports("$114.6 billion"), "disagrees"),
    ({**EXPORTS, "value": "114.2"}, exports("$114bn"), "agrees"),
    ({**EXPORTS, "value": "114.2"}, exports("$114.3bn"), "disagrees"),
    (TRADE, trade("43.4%"), "agrees"),
    (TRADE, trade("43.6%"), "disagrees"),
]


@pytest.mark.parametrize(
    ("claim_fields", "sentence", "verdict"),
    ROUNDING,
    ids=[
        "114bn-vs-114.4",
        "114bn-vs-114.6",
        "114.2bn-vs-114",
        "114.2bn-vs-114.3",
        "43-vs-43.4",
        "43-vs-43.6",
    ],
)
def test_exact_figures_agree_within_the_rounding_of_their_precision(
    make_claim, archive, claim_fields, sentence, verdict
):
    assert best(make_claim, archive, claim_fields, sentence).verdict == verdict


# Dates and periods -----------------------------------------------------------------------------

LAUNCH = "North Korea launched a military spy satellite"
SATELLITE_DAY = {
    "text": f"{LAUNCH} on 21 November 2023.",
    "period": (dt.date(2023, 11, 21), dt.date(2023, 11, 21), "day"),
}
SHIPMENT_MONTH = {
    "text": "North Korea sent its first shipment of munitions to Russia in October 2023.",
    "period": OCT_2023,
}
PEAK_QUARTER = {
    "text": "Russian imports of North Korean munitions peaked in the third quarter of 2023.",
    "period": (dt.date(2023, 7, 1), dt.date(2023, 9, 30), "month"),
}
PACT_YEAR = {
    "text": "North Korea and Russia signed the military pact in 2024.",
    "period": (dt.date(2024, 1, 1), dt.date(2024, 12, 31), "year"),
}
SHIPMENT = "North Korea sent its first shipment of munitions to Russia"
PEAK = "Russian imports of North Korean munitions peaked"
PACT = "North Korea and Russia signed the military pact"

DATES = [
    (
        "day-written-out",
        SATELLITE_DAY,
        f"{LAUNCH} on 21 November 2023, state media said.",
        "agrees",
        "21 November 2023",
    ),
    (
        "day-us-order",
        SATELLITE_DAY,
        f"{LAUNCH} on November 21, 2023, state media said.",
        "agrees",
        "November 21, 2023",
    ),
    (
        "day-iso",
        SATELLITE_DAY,
        f"{LAUNCH} on 2023-11-21, state media said.",
        "agrees",
        "2023-11-21",
    ),
    (
        "day-differs",
        SATELLITE_DAY,
        f"{LAUNCH} on 22 November 2023, state media said.",
        "disagrees",
        "22 November 2023",
    ),
    (
        "day-less-precise",
        SATELLITE_DAY,
        f"{LAUNCH} in November 2023, state media said.",
        "mentions",
        "November 2023",
    ),
    (
        "day-weak-topic",
        SATELLITE_DAY,
        "Officials in North Korea stayed quiet on 21 November 2023.",
        "mentions",
        "21 November 2023",
    ),
    ("month", SHIPMENT_MONTH, f"{SHIPMENT} in October 2023.", "agrees", "October 2023"),
    ("month-abbreviated", SHIPMENT_MONTH, f"{SHIPMENT} in Oct. 2023.", "agrees", "Oct. 2023"),
    (
        "day-within-month",
        SHIPMENT_MONTH,
        f"{SHIPMENT} on 5 October 2023.",
        "agrees",
        "5 October 2023",
    ),
    (
        "month-differs",
        SHIPMENT_MONTH,
        f"{SHIPMENT} in September 2023.",
        "disagrees",
        "September 2023",
    ),
    ("year-contains-month", SHIPMENT_MONTH, f"{SHIPMENT} in 2023.", "mentions", "2023"),
    ("quarter", PEAK_QUARTER, f"{PEAK} in Q3 2023, analysts said.", "agrees", "Q3 2023"),
    (
        "month-range",
        PEAK_QUARTER,
        f"{PEAK} between July and September 2023.",
        "agrees",
        "between July and September 2023",
    ),
    ("quarter-differs", PEAK_QUARTER, f"{PEAK} in Q4 2023, analysts said.", "disagrees", "Q4 2023"),
    ("year", PACT_YEAR, f"{PACT} in 2024, officials said.", "agrees", "2024"),
    ("year-differs", PACT_YEAR, f"{PACT} in 2023, officials said.", "disagrees", "2023"),
    ("decade", PACT_YEAR, f"{PACT} in the 2020s, officials said.", "mentions", "the 2020s"),
]


@pytest.mark.parametrize(
    ("claim_fields", "sentence", "verdict", "highlight"),
    [case[1:] for case in DATES],
    ids=[case[0] for case in DATES],
)
def test_dates_and_periods_of_an_event_claim(
    make_claim, archive, claim_fields, sentence, verdict, highlight
):
    top = best(make_claim, archive, claim_fields, sentence)
    assert top.verdict == verdict, top.comparison
    assert top.passage_parts[1] == highlight


def test_an_unrelated_sentence_on_the_same_day_is_not_suggested(make_claim, archive):
    claim = make_claim(**SATELLITE_DAY)
    capture = archive(claim, "Markets in Tokyo were calm on 21 November 2023.")
    evidence_match_capture(capture_id=capture.pk)
    assert suggestions_for(claim) == []


def test_passages_are_ranked_and_point_into_the_captured_text(make_claim, archive):
    claim = make_claim(**{**CONTAINERS, "qualifier": "more_than"})
    capture = archive(
        claim,
        DECOY,
        "North Korea sent containers of munitions to Russia by rail in October 2023.",
        shipped("1,200 containers"),
        "Shipments rose later. North Korea sent 800 containers of munitions to Russia "
        "in October 2023, a think tank estimated.",
    )
    evidence_match_capture(capture_id=capture.pk)
    found = suggestions_for(claim)
    assert [s.verdict for s in found] == ["agrees", "disagrees", "mentions"]
    assert found[0].score > found[1].score > found[2].score
    for suggestion in found:
        start, end = suggestion.passage_start, suggestion.passage_end
        assert capture.text[start:end] == suggestion.passage_text
        figure = capture.text[start + suggestion.figure_start : start + suggestion.figure_end]
        assert figure == suggestion.passage_parts[1]
    assert found[0].comparison == (
        "source says 1,200 containers, for October 2023; claim says more than 1,000 containers: "
        "agrees"
    )


def test_a_claim_without_figure_or_date_gets_no_suggestions(make_claim, archive):
    claim = make_claim("North Korea is Russia's closest ally.")
    capture = archive(claim, shipped("1,200 containers"))
    evidence_match_capture(capture_id=capture.pk)
    assert evidence_match_claim(claim_id=claim.pk).created == 0
    assert not EvidenceSuggestion.objects.filter(claim=claim).exists()
