"""A source figure is compared with a claim's only when it is the same quantity, for the same
stated period, in a unit that converts: each cause of a false "agrees" has a sentence here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from claims.evidence.matching import (
    AGREES,
    DISAGREES,
    MENTIONS,
    ClaimFacts,
    analyse_text,
    claim_figure,
    match_claim,
)

YEAR_2021 = (dt.date(2021, 1, 1), dt.date(2021, 12, 31), "year")
MAY_2022 = (dt.date(2022, 5, 1), dt.date(2022, 5, 31), "month")


def claim(text: str, value: str, unit: str, period=YEAR_2021, **fields) -> ClaimFacts:
    start, end, precision = period if period else (None, None, "")
    return ClaimFacts(
        text=text,
        value=Decimal(value),
        unit=unit,
        period_start=start,
        period_end=end,
        precision=precision,
        **fields,
    )


def steel() -> ClaimFacts:
    return claim(
        "Lakeland's mills produced 2.4 million tonnes of steel in 2021.",
        "2.4",
        "tonne",
        scale="million",
    )


def matched(facts: ClaimFacts, *paragraphs: str, **read):
    text = "\n\n".join(paragraphs)
    return match_claim(facts, analyse_text(text, **read))


def about(matches, words: str):
    """The match whose passage contains `words`."""
    found = [m for m in matches if words in m.passage_text]
    assert found, f"no passage with {words!r} in {[m.passage_text for m in matches]}"
    return found[0]


def test_the_same_number_counting_another_thing_is_only_a_mention():
    facts = claim("Lakeland's coffee exports rose to 41,000 tonnes in 2021.", "41000", "tonne")
    found = matched(
        facts,
        "Lakeland's coffee exports reached 38,500 tonnes in 2021, the growers' board said.",
        "Coffee imports into Lakeland came to 41,000 tonnes in 2021.",
    )
    imports = about(found, "imports")
    assert imports.verdict == MENTIONS
    assert "counts something else" in imports.comparison
    assert "export" in imports.comparison
    exports = about(found, "38,500")
    assert exports.verdict == DISAGREES
    assert found[0] is exports  # the comparison ranks above the mention


def test_a_subgroup_with_the_claims_number_does_not_agree():
    facts = claim("Unemployment in Lakeland was 6.2% in 2021.", "6.2", "percent")
    found = matched(
        facts,
        "Unemployment in Lakeland averaged 5.1% in 2021, the statistics office said.",
        "Among young women in the capital's suburbs, unemployment was 6.2% in 2021, "
        "while among older men in Northport it stood at 4.0%.",
    )
    assert all(m.verdict != AGREES for m in found)
    assert about(found, "5.1%").verdict == DISAGREES


def test_a_source_figure_with_no_stated_period_is_never_agrees():
    facts = steel()
    found = matched(
        facts,
        "Lakeland's steel mills produced 2.4 million tonnes of steel, the industry group said.",
    )
    assert found[0].verdict == MENTIONS
    assert "period not stated in the source: not compared" in found[0].comparison


def test_a_relative_date_is_read_against_the_source_date():
    facts = steel()
    text = "Lakeland's steel mills produced 2.4 million tonnes of steel last year, the group said."
    dated = match_claim(facts, analyse_text(text, published=dt.date(2022, 3, 9)))
    assert dated[0].verdict == AGREES
    assert "read from 9 March 2022" in dated[0].comparison
    assert dated[0].found["source_date_basis"].endswith("(the page's metadata)")
    # The same words a year later are about 2022, not the claim's 2021: not compared.
    later = match_claim(facts, analyse_text(text, published=dt.date(2023, 3, 9)))
    assert all(m.verdict != AGREES for m in later)


def test_a_date_line_at_the_top_dates_the_source():
    facts = steel()
    found = matched(
        facts,
        "Steel output holds steady",
        "14 February 2022",
        "Lakeland's steel mills produced 2.4 million tonnes of steel last year, the group said.",
    )
    top = about(found, "last year")
    assert top.verdict == AGREES
    assert "the date line of the text" in top.found["source_date_basis"]


def test_tons_and_tonnes_convert_and_the_card_says_so():
    facts = claim(
        "Lakeland shipped nearly 49 million tonnes of grain in 2021.",
        "49",
        "tonne",
        scale="million",
        qualifier="nearly",
    )
    found = matched(facts, "In 2021 Lakeland shipped almost 49 million tons of grain abroad.")
    assert found[0].verdict == AGREES
    assert "read as metric tons" in found[0].comparison


def test_cubic_feet_convert_to_cubic_metres():
    facts = claim("Lakeland stored 2,832 cubic metres of gas in 2021.", "2832", "cubic_metre")
    from claims.evidence.quantities import convert

    conversion = convert(Decimal(100000), "cubic_foot", "cubic_metre")
    assert conversion is not None and round(conversion.amount) == 2832
    assert "cubic foot converted to cubic metre" in conversion.note
    assert facts.figures[0].unit == "cubic_metre"


def test_a_daily_rate_converts_to_a_yearly_total_over_the_stated_year():
    from claims.evidence.quantities import convert

    total = convert(Decimal(2000), "barrel_per_day", "barrel", period_days=365)
    assert total is not None and total.amount == Decimal(730000)
    assert "365 days" in total.note
    assert convert(Decimal(2000), "barrel_per_day", "barrel") is None  # no period, no total


def test_another_currency_is_not_compared():
    facts = claim(
        "Lakeland's budget deficit was $3.1 billion in 2021.", "3.1", "USD", scale="billion"
    )
    found = matched(facts, "Lakeland's budget deficit was 3.1 billion euros in 2021.")
    assert all(m.verdict != AGREES for m in found)
    assert not any("3.1 billion EUR" in m.comparison and m.verdict != MENTIONS for m in found)


def test_more_than_does_not_agree_with_an_unrelated_larger_number():
    facts = claim(
        "More than 40% of Lakeland's electricity came from wind in 2021.",
        "40",
        "percent",
        qualifier="more_than",
    )
    found = matched(
        facts,
        "Wind supplied 31% of Lakeland's electricity in 2021, the grid operator said.",
        "Lakeland's electricity prices rose 65% in 2021.",
    )
    assert all(m.verdict != AGREES for m in found)
    assert about(found, "31%").verdict == DISAGREES


def test_a_monthly_figure_is_not_a_yearly_one():
    facts = claim(
        "Lakeland earns about $500 million a year from tolls.",
        "500",
        "USD",
        period=None,
        scale="million",
        qualifier="about",
    )
    found = matched(facts, "Lakeland earns roughly $500 million monthly from road tolls.")
    assert found[0].verdict == MENTIONS
    assert "per month against a claim per year" in found[0].comparison


def test_a_forecast_is_not_an_outturn():
    facts = claim("Lakeland's economy grew 3.5% in 2021.", "3.5", "percent")
    found = matched(
        facts, "The central bank had forecast that Lakeland's economy would grow 3.5% in 2021."
    )
    assert found[0].verdict == MENTIONS
    assert "forecast" in found[0].comparison


def test_the_opposite_direction_disagrees():
    facts = claim("Lakeland's car sales fell 7.5% in 2021.", "7.5", "percent")
    found = matched(facts, "Lakeland's car sales rose 7.5% in 2021, dealers said.")
    assert found[0].verdict == DISAGREES
    assert "the source says up, the claim down" in found[0].comparison


def test_a_change_on_another_baseline_is_not_compared():
    facts = claim("Lakeland's hotel stays rose 12% in 2021 from 2020.", "12", "percent")
    found = matched(facts, "Lakeland's hotel stays rose 12% in 2021 compared with 2017.")
    assert found[0].verdict == MENTIONS
    assert "a change on 2017 in the source, on 2020 in the claim" in found[0].comparison


def test_the_same_quantity_for_the_same_month_agrees_and_shows_the_arithmetic():
    facts = claim(
        "Lakeland's port handled 4.25 million containers in May 2022.",
        "4.25",
        "container",
        period=MAY_2022,
        scale="million",
    )
    found = matched(facts, "In May 2022 Lakeland's port handled 4,250,000 containers.")
    top = found[0]
    assert top.verdict == AGREES
    assert top.found["arithmetic"]["claim_interval"] == "4,245,000 to 4,255,000"
    assert top.found["arithmetic"]["tolerance"] == "exact, rounded to 10,000"


@pytest.mark.parametrize(
    ("published", "basis"),
    [
        (dt.date(2022, 3, 9), "the page's metadata"),
        (None, "estimated"),
    ],
)
def test_the_card_says_where_the_source_date_came_from(published, basis):
    facts = steel()
    text = (
        "Figures released in February 2022 cover the whole of 2021.\n\n"
        "Lakeland's steel mills produced 2.4 million tonnes of steel last year."
    )
    found = match_claim(facts, analyse_text(text, published=published))
    assert basis in about(found, "last year").found["source_date_basis"]


def test_a_long_source_says_which_part_was_searched():
    facts = steel()
    filler = "Nothing of note happened in the harbour that week.\n" * 400
    text = filler + "In 2021 Lakeland's steel mills produced 2.4 million tonnes of steel.\n"
    read = analyse_text(text, limit=len(filler) // 2)
    assert read.scanned < len(text)
    assert read.searched_note.startswith(f"only the first {read.scanned:,} of {len(text):,}")
    assert match_claim(facts, read) == [] or all(
        m.verdict != AGREES for m in match_claim(facts, read)
    )


def test_a_compound_noun_counts_its_last_word():
    facts = claim("Lakeland received 52,000 visa applications in 2021.", "52000", "application")
    found = matched(facts, "Lakeland's 61,000 visa applications in 2021 set a record.")
    assert found[0].verdict == DISAGREES
    assert "61,000" in found[0].comparison


def test_the_date_after_than_is_a_changes_baseline_not_its_period():
    facts = claim("Lakeland's average fare rose 4% in 2021.", "4", "percent")
    found = matched(
        facts,
        "In 2022 Lakeland's average fare was $3.10, 4% higher than the $2.98 of 2021.",
    )
    assert all(m.verdict != AGREES for m in found)


def test_a_claimed_range_agrees_with_a_figure_inside_it_and_disagrees_outside():
    inside = claim("Lakeland's nurses work 30 to 35 hours a week.", "30", "hour", period=None)
    inside = ClaimFacts(
        text=inside.text,
        value=inside.value,
        unit="hour",
        figures=(claim_figure(inside.text, value=Decimal(30), high=Decimal(35), unit="hour"),),
    )
    assert (
        matched(inside, "Lakeland's nurses work 32 hours in a typical week.")[0].verdict == AGREES
    )
    assert (
        matched(inside, "Lakeland's nurses work 41 hours in a typical week.")[0].verdict
        == DISAGREES
    )


def test_the_first_months_of_a_year_are_that_span_not_the_year():
    facts = claim(
        "Lakeland welcomed 4.1 million tourists in January-October 2021.",
        "4.1",
        "person",
        period=(dt.date(2021, 1, 1), dt.date(2021, 10, 31), "month"),
        scale="million",
    )
    found = matched(
        facts, "Lakeland welcomed 4.1 million tourists in the first ten months of 2021."
    )
    assert found[0].verdict == AGREES
    assert "January 2021 – October 2021" in found[0].comparison
