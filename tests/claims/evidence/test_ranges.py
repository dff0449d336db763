"""The matcher's arithmetic on its own (no database): ranges, precision and the verdict rules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from claims.evidence.matching import ClaimFacts, compare_amounts, content_words

D = Decimal


@pytest.mark.parametrize(
    ("stored", "scale", "step"),
    [
        ("1000.000000", "", D(1)),  # a DecimalField's six places are not a stated precision
        ("114.000000", "billion", D(10) ** 9),
        ("114.200000", "billion", D(10) ** 8),
        ("43.000000", "", D(1)),
        ("161.500000", "", D("0.1")),
    ],
)
def test_a_claims_precision_is_the_last_digit_it_states(stored, scale, step):
    claim = ClaimFacts("x", value=D(stored), qualifier="exact", unit="USD", scale=scale)
    assert claim.step == step


@pytest.mark.parametrize(
    ("claimed", "found", "verdict"),
    [
        (("1000", "more_than"), ("1000", "exact"), "disagrees"),
        (("1000", "at_least"), ("1000", "exact"), "agrees"),
        (("1000", "about"), ("1100", "exact"), "agrees"),
        (("1000", "about"), ("1100.5", "exact"), "disagrees"),
        (("1000", "nearly"), ("900", "exact"), "agrees"),
        (("1000", "up_to"), ("-5", "exact"), "agrees"),
        (("1000", "less_than"), ("999.99", "exact"), "agrees"),
        (("1000", "exact"), ("1000.4", "exact"), "agrees"),
        (("1000", "exact"), ("1000.6", "exact"), "disagrees"),
        (("1000", "more_than"), ("1000", "more_than"), "agrees"),
        (("1000", "more_than"), ("1000", "at_least"), "mentions"),
        (("1000", "at_least"), ("1000", "less_than"), "disagrees"),
        (("1000", "up_to"), ("1000", "up_to"), "agrees"),
        (("1000", "about"), ("1000", "nearly"), "agrees"),
    ],
)
def test_the_verdict_rules(claimed, found, verdict):
    (claim_value, claim_qualifier), (found_value, found_qualifier) = claimed, found
    result = compare_amounts(
        D(claim_value), claim_qualifier, D(1), D(found_value), found_qualifier, D("0.01")
    )
    assert result == verdict


def test_content_words_are_the_topic_not_the_grammar():
    words = content_words("North Korea's exports of containers rose in October, officials said.")
    assert words == {"north", "korea", "export", "container", "rose", "official"}
