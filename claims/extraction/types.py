"""The records the claim extractor returns: candidates with their figures and dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

QUALIFIERS = ("exact", "about", "more_than", "less_than", "at_least", "up_to", "nearly")
SCALES = ("", "thousand", "million", "billion", "trillion")
FIGURE_KINDS = ("money", "percentage", "quantity", "measurement")
PRECISIONS = ("day", "month", "quarter", "half", "year", "fiscal_year")
DIRECTIONS = ("up", "down", "none")
CHANGES = ("change", "level")
DATE_ROLES = ("reference", "baseline")
DATE_SOURCES = ("explicit", "relative", "inherited", "publication")
CANDIDATE_KINDS = ("quantity", "money", "percentage", "date_event", "attribution", "other")


@dataclass(frozen=True, slots=True)
class Span:
    """Character offsets into the exact text given to the extractor: text[start:end]."""

    start: int
    end: int

    def to_dict(self) -> dict[str, int]:
        return {"start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class Figure:
    """One number in a sentence with what it counts.

    `value` is the number as written with its separators removed and the scale not applied
    ("114" for "$114 billion"); `amount` is value x scale ("114000000000"). Both are decimal
    strings so that JSON keeps them exact. `kind` is money, percentage, quantity, or
    measurement (a size such as a calibre, "122mm": never a count).
    """

    value: str
    qualifier: str
    unit: str
    scale: str
    currency: str
    amount: str
    kind: str
    raw: str
    span: Span
    value_high: str = ""
    amount_high: str = ""
    direction: str = "none"
    change: str = "level"
    baseline: str = ""
    concept: str = ""
    concept_words: tuple[str, ...] = ()
    period: DateRef | None = None

    def with_fields(self, **changes: Any) -> Figure:
        """A copy with some fields changed (dataclasses.replace, without its checks: this runs
        for every figure of every sentence)."""
        return Figure(*[changes.get(name, getattr(self, name)) for name in _FIGURE_FIELDS])

    @property
    def is_range(self) -> bool:
        return bool(self.value_high)

    @property
    def decimal_value(self) -> Decimal:
        return Decimal(self.value)

    @property
    def decimal_amount(self) -> Decimal:
        return Decimal(self.amount)

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "qualifier": self.qualifier,
            "unit": self.unit,
            "scale": self.scale,
            "currency": self.currency,
            "amount": self.amount,
            "kind": self.kind,
            "raw": self.raw,
            "span": self.span.to_dict(),
            "value_high": self.value_high,
            "amount_high": self.amount_high,
            "direction": self.direction,
            "change": self.change,
            "baseline": self.baseline,
            "concept": self.concept,
            "concept_words": list(self.concept_words),
            "period": self.period.to_dict() if self.period is not None else None,
        }


_FIGURE_FIELDS = tuple(Figure.__dataclass_fields__)


@dataclass(frozen=True, slots=True)
class DateRef:
    """A date or period a sentence is about, resolved to a first and last day.

    `role` is reference (what the sentence is about) or baseline (a comparison point:
    "compared to the previous year"). `source` says where it came from: explicit (written
    out), relative (resolved against the published date or an earlier date in the text),
    inherited (the previous sentence's period; raw and span are the previous sentence's), or
    publication (a present-perfect duration, true as of the published day).
    """

    start: dt.date
    end: dt.date
    precision: str
    raw: str
    span: Span
    role: str = "reference"
    source: str = "explicit"

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "precision": self.precision,
            "raw": self.raw,
            "span": self.span.to_dict(),
            "role": self.role,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class Candidate:
    """A check-worthy sentence: text == body[span.start:span.end], scored 0..1."""

    text: str
    span: Span
    kind: str
    score: float
    figures: tuple[Figure, ...] = ()
    dates: tuple[DateRef, ...] = ()
    cues: tuple[str, ...] = ()
    claimant: str = ""

    @property
    def main_figure(self) -> Figure | None:
        for kind in ("money", "percentage", "quantity"):
            for figure in self.figures:
                if figure.kind == kind:
                    return figure
        return None

    @property
    def period(self) -> DateRef | None:
        """The first reference date: the period the sentence is about."""
        for date in self.dates:
            if date.role == "reference":
                return date
        return None

    def _figure_dicts(self) -> list[dict[str, Any]]:
        """Each figure; a range's high end follows it as an entry of its own, marked
        `range_high_of` (the index of its range), so that a reader that knows only `value`
        and `amount` sees both ends."""
        out: list[dict[str, Any]] = []
        for figure in self.figures:
            entry = figure.to_dict()
            out.append(entry)
            if figure.value_high:
                high = dict(entry, value=figure.value_high, amount=figure.amount_high)
                high.update(value_high="", amount_high="", range_high_of=len(out) - 1)
                out.append(high)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "span": self.span.to_dict(),
            "kind": self.kind,
            "score": self.score,
            "figures": self._figure_dicts(),
            "dates": [date.to_dict() for date in self.dates],
            "cues": list(self.cues),
            "claimant": self.claimant,
        }
