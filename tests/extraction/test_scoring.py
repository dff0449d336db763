"""Check-worthiness: cues, claimant, kind and score of a candidate."""

from __future__ import annotations

import datetime as dt

import pytest

from claims.extraction import extract_claims

PUBLISHED = dt.date(2024, 1, 5)


def only(text: str):
    candidates = extract_claims(text, PUBLISHED)
    assert len(candidates) == 1, [c.text for c in candidates]
    return candidates[0]


@pytest.mark.parametrize(
    ("sentence", "claimant"),
    [
        ("China's foreign ministry stated that talks were useful.", "China's foreign ministry"),
        (
            "Recently, the northern government claimed that it had new drones.",
            "northern government",
        ),
        ('"We will not back down," said Ana Silva, a union leader.', "Ana Silva"),
        ("Maersk, the world's second-largest carrier, said demand fell.", "Maersk"),
        ("According to the World Bank, growth slowed sharply.", "World Bank"),
        ("It was reported that rice prices rose sharply.", ""),
        ("He told reporters the plan had failed.", ""),
    ],
)
def test_attributed_statement_names_its_claimant(sentence, claimant):
    candidate = only(sentence)
    assert "attribution" in candidate.cues
    assert candidate.claimant == claimant


def test_the_report_is_credited_to_whoever_released_it():
    text = (
        "The statistics office released a report in July 2023 on fuel sales. "
        "The report revealed that diesel sales fell 8 per cent."
    )
    first, second = extract_claims(text, PUBLISHED)
    assert first.claimant == "statistics office"
    assert second.claimant == "statistics office"


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Exports were worth $3 billion, up 12 per cent, in 2023.", "money"),
        ("Exports rose 12 per cent to 4,000 tonnes in 2023.", "percentage"),
        ("The port handled 4,000 containers in 2023.", "quantity"),
        ("The treaty was signed in Geneva in March 2023.", "date_event"),
        ("The ministry said the treaty was a success.", "attribution"),
        ("It was the longest strike the port had ever seen.", "other"),
    ],
)
def test_kind_is_decided_by_money_then_percentage_then_quantity(sentence, kind):
    assert only(sentence).kind == kind


def test_superlatives_and_first_since_are_cues():
    assert "superlative" in only("It was his longest trip abroad in 2023.").cues
    assert "superlative" in only("It was the first shipment since the war began.").cues


def test_questions_score_low_or_are_dropped():
    statement = only("Exports rose 12 per cent in 2023.")
    question = extract_claims("Did exports rise 12 per cent in 2023?", PUBLISHED)
    assert all("question" in c.cues and c.score < statement.score / 2 for c in question)
    text = "Trade grew. Did the ministry say exports rose 12% to $4 billion in March 2023?"
    (in_prose,) = [c for c in extract_claims(text, PUBLISHED) if c.text.endswith("?")]
    assert in_prose.score < 0.5


def test_figures_dates_and_attribution_add_up_but_stay_below_one():
    bare = only("The treaty was signed in Geneva in March 2023.")
    rich = only(
        "The ministry said exports reached $114 billion in March 2023, up 43% on a year earlier."
    )
    assert 0 < bare.score < rich.score <= 1


def test_prose_without_any_cue_is_not_a_candidate():
    assert extract_claims("Delegates enjoyed the lake and the mountains.", PUBLISHED) == []
