"""The seed article: every demo claim is found with its figure and its period."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from claims.demo import ARTICLE, CLAIMS, SEED_ARTICLE_PATH, DemoClaim, locate_span
from claims.extraction import Candidate, extract_claims

PUBLISHED = ARTICLE["published"]


@pytest.fixture(scope="module")
def body() -> str:
    if not SEED_ARTICLE_PATH.is_file():
        pytest.fail(
            f"the seed article is missing at {SEED_ARTICLE_PATH}; CI always has it, so this is "
            "a broken checkout, not a reason to skip"
        )
    return SEED_ARTICLE_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def candidates(body: str) -> list[Candidate]:
    return extract_claims(body, PUBLISHED)


def _has_figure(candidate: Candidate, claim: DemoClaim) -> bool:
    if claim.value is None:
        return True
    return any(
        Decimal(f.value) == claim.value
        and f.unit == claim.unit
        and f.qualifier == claim.qualifier
        and f.scale == claim.scale
        for f in candidate.figures
    )


def _has_period(candidate: Candidate, claim: DemoClaim) -> bool:
    return any(
        (d.start, d.end, d.precision) == (claim.period_start, claim.period_end, claim.precision)
        for d in candidate.dates
    )


def _describe(candidates: list[Candidate]) -> str:
    return "\n".join(
        f"  {c.span.start}-{c.span.end} figures={[f.to_dict() for f in c.figures]} "
        f"dates={[(d.start, d.end, d.precision) for d in c.dates]}"
        for c in candidates
    )


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda claim: claim.key)
def test_every_demo_claim_is_found_with_its_figure_and_period(body, candidates, claim):
    start, end = locate_span(body, claim)
    overlapping = [c for c in candidates if c.span.start < end and start < c.span.end]
    assert overlapping, f"no candidate overlaps {claim.key} at {start}-{end}"
    assert any(_has_figure(c, claim) and _has_period(c, claim) for c in overlapping), (
        f"{claim.key}: wanted value={claim.value} {claim.unit} {claim.qualifier} and "
        f"{claim.period_start}..{claim.period_end} ({claim.precision}); got\n"
        + _describe(overlapping)
    )


def test_candidate_text_is_exactly_the_body_slice_in_reading_order(body, candidates):
    assert candidates
    for candidate in candidates:
        assert body[candidate.span.start : candidate.span.end] == candidate.text
        for item in (*candidate.figures, *candidate.dates):
            assert body[item.span.start : item.span.end] == item.raw
    starts = [c.span.start for c in candidates]
    assert starts == sorted(starts)


def test_headline_byline_caption_and_dateline_are_not_candidates(body, candidates):
    texts = [c.text for c in candidates]
    assert not any("UNSPLASH" in t or t.startswith("Sokvy") for t in texts)
    assert not any(t.endswith("?") for t in texts)
    assert not any("Phnom Penh Post" in t or t.strip() == "January 5, 2024" for t in texts)
    kim = next(c for c in candidates if "six-day" in c.text)
    assert kim.text.startswith("In SEPTEMBER 2023"), "the PHNOM PENH dateline is not a claim"


def test_sentences_broken_by_a_blank_line_are_one_candidate(candidates):
    report = next(c for c in candidates if "released a report" in c.text)
    assert "National\n\nIntelligence" in report.text
    call = next(c for c in candidates if "phone conversation" in c.text)
    assert "President\n\nVolodymyr" in call.text


def test_calibres_years_and_two_countries_are_not_counted(candidates):
    figures = [f for c in candidates for f in c.figures]
    assert all(f.kind == "measurement" for f in figures if f.value == "122")
    munitions = next(c for c in candidates if "122mm" in c.text)
    assert munitions.kind != "quantity"
    assert not [f for f in figures if f.value in {"2020", "2021", "2022", "2023", "2024"}]
    assert not [f for f in figures if f.unit in {"country", "type", "state"}]


@pytest.mark.parametrize(
    ("marker", "kind"),
    [
        ("1,000 containers", "quantity"),
        ("161.5 per cent", "percentage"),
        ("$114 billion", "money"),  # money beats the 43% in the same sentence
        ("50 per cent", "percentage"),
        ("In March 2023, Chinese", "date_event"),
        ("The data suggested", "attribution"),
    ],
)
def test_kind_follows_the_main_figure_then_dates_then_attribution(candidates, marker, kind):
    candidate = next(c for c in candidates if marker in c.text)
    assert candidate.kind == kind


def test_the_report_inherits_its_publisher_as_claimant(candidates):
    exports = next(c for c in candidates if "$114 billion" in c.text)
    assert "Director of National Intelligence" in exports.claimant
    ministry = next(c for c in candidates if "foreign ministry stated" in c.text)
    assert ministry.claimant == "China\u2019s foreign ministry"


def test_figure_rich_sentences_outscore_bare_dated_events(candidates):
    score = {c.text[:20]: c.score for c in candidates}
    containers = next(v for k, v in score.items() if k.startswith("A month after"))
    xi_visit = next(v for k, v in score.items() if k.startswith("In March 2023"))
    assert 0.0 <= xi_visit < containers <= 1.0
    assert all(0.0 <= c.score <= 1.0 for c in candidates)


OLD_FIGURE_KEYS = ("value", "qualifier", "unit", "scale", "currency", "amount", "kind", "raw")
OLD_FIGURE_KEYS += ("span",)


def test_candidates_serialise_to_json(candidates):
    payload = json.loads(json.dumps([c.to_dict() for c in candidates]))
    exports = next(item for item in payload if "$114 billion" in item["text"])
    money = next(f for f in exports["figures"] if f["kind"] == "money")
    assert {k: money[k] for k in OLD_FIGURE_KEYS} == {
        "value": "114",
        "qualifier": "exact",
        "unit": "USD",
        "scale": "billion",
        "currency": "USD",
        "amount": "114000000000",
        "kind": "money",
        "raw": "$114 billion",
        "span": money["span"],
    }
    assert (money["direction"], money["change"], money["value_high"]) == ("none", "level", "")
    assert {"russia", "export", "china"} <= set(money["concept_words"])
    assert money["period"]["start"] == "2022-01-01"
    growth = next(f for f in exports["figures"] if f["kind"] == "percentage")
    assert (growth["value"], growth["direction"], growth["change"]) == ("43", "up", "change")
    assert growth["baseline"] == "the previous year"
    assert exports["dates"][0]["start"] == "2022-01-01"
    assert set(exports) == {
        "text",
        "span",
        "kind",
        "score",
        "figures",
        "dates",
        "cues",
        "claimant",
    }
