"""What extracted candidates become: a claim's fields with all their figures, merged or not, and
the words the candidate list shows a person.

The extractor's records (claims.extraction.types) are read with getattr defaults for the fields
of the figure contract that an older extractor does not have yet (value_high, direction,
change, baseline, concept, concept_words, period).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from claims.figure_text import FIGURE_TEXT_FIELDS, figure_text, period_text, worthiness_text
from claims.models import ClaimKind
from claims.services.figures import figures_in_period

# Sizes ("122mm") are not counts: the extractor reports them, a claim does not check them.
CLAIM_FIGURE_KINDS = ("money", "percentage", "quantity")
KIND_LABELS = dict(ClaimKind.choices)


def _period_values(period: Any) -> dict[str, Any]:
    if period is None:
        return {"period_start": None, "period_end": None, "date_precision": ""}
    return {
        "period_start": period.start,
        "period_end": period.end,
        "date_precision": period.precision,
    }


def figure_of(figure: Any, period: Any = None) -> dict[str, Any]:
    """An extracted figure as claims.services take one; `period` when it states none itself."""
    return {
        "value": figure.value,
        "value_high": getattr(figure, "value_high", "") or None,
        "qualifier": figure.qualifier,
        "unit": figure.unit,
        "scale": figure.scale,
        "currency": figure.currency,
        "direction": getattr(figure, "direction", "none") or "none",
        "change": getattr(figure, "change", "level") or "level",
        "baseline": getattr(figure, "baseline", ""),
        "concept": getattr(figure, "concept", ""),
        "concept_words": list(getattr(figure, "concept_words", ())),
        **_period_values(getattr(figure, "period", None) or period),
    }


def claim_figures(candidate: Any) -> list[dict[str, Any]]:
    """The candidate's figures a claim keeps, each with its period (its own or the sentence's)."""
    return [
        figure_of(f, candidate.period)
        for f in candidate.figures
        if f.kind in CLAIM_FIGURE_KINDS and f.unit
    ]


@dataclass
class CandidateDraft:
    """A claim as proposed from one candidate or a merge of several.

    `initial` holds the claim's fields (text, kind, period, claimant, score), `figures` every
    figure of every candidate, and `disagreements` names the fields where merged candidates
    differ, with what each said: those are left for the fact-checker to choose.
    """

    start: int
    end: int
    initial: dict[str, Any]
    figures: list[dict[str, Any]]
    disagreements: dict[str, list[str]] = field(default_factory=dict)


def _period_label(period: Any) -> str:
    return period_text(period.start, period.end, period.precision) if period else "no period"


def candidate_draft(body: str, spans: Sequence[tuple[int, int]], candidates: Any) -> CandidateDraft:
    """The claim that the candidates found at these spans make (one span, or a merge)."""
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    wanted = set(spans)
    found = sorted(
        (c for c in candidates if (c.span.start, c.span.end) in wanted), key=lambda c: c.span.start
    )
    initial: dict[str, Any] = {"text": " ".join(body[start:end].split()), "kind": "other"}
    initial["score"] = 0.5
    if not found:
        return CandidateDraft(start, end, initial, [])
    disagreements: dict[str, list[str]] = {}
    initial["text"] = " ".join(" ".join(c.text.split()) for c in found)
    initial["score"] = max(c.score for c in found)

    kinds = list(dict.fromkeys(c.kind for c in found))
    if len(kinds) == 1:
        initial["kind"] = kinds[0]
    else:
        initial["kind"] = ""
        disagreements["kind"] = [KIND_LABELS.get(k, k) for k in kinds]

    claimants = list(dict.fromkeys(c.claimant for c in found if c.claimant))
    if len(claimants) > 1:
        disagreements["claimant"] = claimants
    initial["claimant"] = claimants[0] if len(claimants) == 1 else ""

    periods = list(
        dict.fromkeys((p.start, p.end, p.precision) for c in found if (p := c.period) is not None)
    )
    if len(periods) == 1:
        initial.update(
            period_start=periods[0][0], period_end=periods[0][1], date_precision=periods[0][2]
        )
    elif len(periods) > 1:
        disagreements["period"] = [_period_label(c.period) for c in found if c.period]
    figures = [f for c in found for f in claim_figures(c)]
    shared = (
        initial.get("period_start"),
        initial.get("period_end"),
        initial.get("date_precision", ""),
    )
    # A figure about the claim's own period shows no period of its own (its row stays blank).
    return CandidateDraft(start, end, initial, figures_in_period(figures, shared), disagreements)


@dataclass(frozen=True)
class CandidateSummary:
    """A candidate as the list shows it: "Quantity · check-worthiness high · more than 1,000
    containers · March 2023"."""

    kind: str
    worthiness: str
    figures: tuple[str, ...]
    period: str


def candidate_summary(candidate: Any) -> CandidateSummary:
    period = candidate.period
    return CandidateSummary(
        kind=KIND_LABELS.get(candidate.kind, candidate.kind),
        worthiness=worthiness_text(candidate.score),
        figures=tuple(
            figure_text(**{name: f[name] for name in FIGURE_TEXT_FIELDS})
            for f in claim_figures(candidate)
        ),
        period=_period_label(period) if period else "",
    )
