"""Internal consistency of an article: figures of one sentence that imply each other, recomputed.

Pure Python (no ORM). What is checked, sentence by sentence:

* a change with both ends: "rose 12% to $4.5bn from $4.0bn" (the percentage against the two
  levels), "up 2 percentage points to 36.5% from 34.5%" (points against the difference), and
  "doubled / tripled / halved from 40 to 90" (the factor against the ratio);
* shares that cannot add up: two or more parts of one whole ("45% of the vote ... 38% ... 22%")
  that sum to more than 100%.

Every figure stands for the interval its rounding allows ("12%" is 11.5 to 12.5, "$4.5bn" is
4.45 to 4.55 billion), so a computation is flagged only when no reading of the figures as
written makes it work. Each check, consistent or not, says its computation in words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from claims.evidence.figure_words import read_figure
from claims.extraction import find_figures, scan_limit, split_sentences
from claims.extraction.folding import fold
from claims.extraction.types import Figure

__all__ = ["Check", "check_text", "checks_around", "flags"]

_FACTORS = {
    "doubled": Decimal(2),
    "tripled": Decimal(3),
    "quadrupled": Decimal(4),
    "halved": Decimal("0.5"),
}
_FACTOR_RE = re.compile(r"\b(doubled|tripled|quadrupled|halved)\b", re.IGNORECASE)
_TO_RE = re.compile(r"\b(?:to|at|reaching|reached)\s+(?:an?\s+|about\s+|some\s+)?$", re.IGNORECASE)
_FROM_RE = re.compile(
    r"\b(?:from|than|compared\s+(?:with|to)|versus|up\s+from|down\s+from)\s+(?:an?\s+)?$",
    re.IGNORECASE,
)
_SHARE_AFTER_RE = re.compile(
    r"^\s*(?:of\s+(?:the\s+)?(?:vote|votes|total|seats|market|share|respondents|people|those)\b|share\b)",
    re.IGNORECASE,
)
_SHARE_CUE_RE = re.compile(
    r"\b(?:share|shares|split|accounted\s+for|went\s+to|voted|vote|respondents)\b", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Check:
    """One recomputation in one sentence: offsets into the text (end exclusive)."""

    kind: str  # "change", "factor", "shares"
    start: int
    end: int
    consistent: bool
    computation: str


@dataclass(frozen=True, slots=True)
class _Value:
    lo: Decimal
    hi: Decimal
    mid: Decimal


def _value(figure: Figure) -> _Value | None:
    try:
        value, amount = Decimal(figure.value), Decimal(figure.amount)
    except InvalidOperation:
        return None
    exponent = value.as_tuple().exponent  # "4.0" is read to the tenth, as written
    step = Decimal(1).scaleb(exponent) if isinstance(exponent, int) and exponent < 0 else Decimal(1)
    factor = amount / value if value else Decimal(1)
    half = step * factor / 2
    return _Value(amount - half, amount + half, amount)


def _n(value: Decimal) -> str:
    text = f"{value.normalize():,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _short(value: Decimal) -> str:
    return f"{value:,.1f}" if abs(value) < 1000 else f"{value:,.0f}"


def _levels(text: str, figures: list[Figure], unit: str) -> tuple[Figure | None, Figure | None]:
    """The level a change went to and the one it came from, of this unit."""
    to = base = None
    for figure in figures:
        if figure.unit != unit or figure.kind == "measurement":
            continue
        before = text[max(0, figure.span.start - 30) : figure.span.start]
        if to is None and _TO_RE.search(before):
            to = figure
        elif base is None and _FROM_RE.search(before):
            base = figure
    return to, base


def _change_check(text: str, start: int, end: int, figures: list[Figure]) -> Check | None:
    for change in figures:
        if change.unit not in ("percent", "percentage_point"):
            continue
        reading = read_figure(text, start, end, change, [f for f in figures if f is not change])
        if reading.change != "change" or reading.direction == "none":
            continue
        level_unit = next(
            (f.unit for f in figures if f is not change and f.unit and f.kind != "measurement"),
            None,
        )
        if level_unit is None:
            continue
        to, base = _levels(text, [f for f in figures if f is not change], level_unit)
        if to is None or base is None:
            continue
        said, new, old = _value(change), _value(to), _value(base)
        if said is None or new is None or old is None or old.lo <= 0:
            continue
        sign = Decimal(1) if reading.direction == "up" else Decimal(-1)
        if change.unit == "percentage_point" or (
            change.unit == "percent" and level_unit == "percent" and _points(text, change)
        ):
            low, high = new.lo - old.hi, new.hi - old.lo
            mid = new.mid - old.mid
            what = "percentage points"
            computed = f"{to.raw.strip()} \u2212 {base.raw.strip()} = {_short(mid)} points"
        else:
            low = (new.lo - old.hi) / old.hi * 100
            high = (new.hi - old.lo) / old.lo * 100
            mid = (new.mid - old.mid) / old.mid * 100
            what = "%"
            new_raw, old_raw = to.raw.strip(), base.raw.strip()
            computed = f"({new_raw} \u2212 {old_raw}) / {old_raw} = {_short(mid)}%"
        if sign > 0:
            claimed_lo, claimed_hi = said.lo, said.hi
        else:
            claimed_lo, claimed_hi = -said.hi, -said.lo
        ok = not (claimed_hi < low or high < claimed_lo)
        direction = "rise" if sign > 0 else "fall"
        stated = f"a {direction} of {_n(said.mid)}{'%' if what == '%' else ' points'}"
        verdict = "consistent" if ok else "does not add up"
        return Check(
            "change",
            start,
            end,
            ok,
            f"{change.raw.strip()} from {base.raw.strip()} to {to.raw.strip()}: {computed}; "
            f"the text says {stated}: {verdict}",
        )
    return None


def _points(text: str, figure: Figure) -> bool:
    return bool(
        re.match(r"\s*(?:percentage\s+)?points?\b", text[figure.span.end : figure.span.end + 24])
    )


def _factor_check(text: str, start: int, end: int, figures: list[Figure]) -> Check | None:
    match = _FACTOR_RE.search(text, start, end)
    if match is None:
        return None
    factor = _FACTORS[match.group(1).lower()]
    later = [f for f in figures if f.span.start > match.end() and f.kind != "measurement"]
    base = next(
        (f for f in later if _FROM_RE.search(text[max(0, f.span.start - 20) : f.span.start])), None
    )
    to = next(
        (f for f in later if _TO_RE.search(text[max(0, f.span.start - 20) : f.span.start])), None
    )
    if base is None or to is None or base.unit != to.unit:
        return None
    old, new = _value(base), _value(to)
    if old is None or new is None or old.lo <= 0:
        return None
    low, high = new.lo / old.hi, new.hi / old.lo
    # "Doubled" is said of anything from about 1.9 to 2.1 times.
    ok = not (high < factor * Decimal("0.95") or factor * Decimal("1.05") < low)
    ratio = new.mid / old.mid
    return Check(
        "factor",
        start,
        end,
        ok,
        f"{match.group(1)} from {base.raw.strip()} to {to.raw.strip()}: {to.raw.strip()} / "
        f"{base.raw.strip()} = {ratio:.2f} times, against {_n(factor)} times (5% either way): "
        f"{'consistent' if ok else 'does not add up'}",
    )


def _shares_check(text: str, start: int, end: int, figures: list[Figure]) -> Check | None:
    shares = [
        f
        for f in figures
        if f.unit == "percent"
        and f.qualifier in ("", "exact")
        and (_SHARE_AFTER_RE.match(text, f.span.end) or _SHARE_CUE_RE.search(text, start, end))
    ]
    if len(shares) < 2:
        return None
    for f in shares:
        reading = read_figure(text, start, end, f, [g for g in figures if g is not f])
        if reading.direction != "none" or reading.change == "change":
            return None
    values = [_value(f) for f in shares]
    if any(v is None for v in values):
        return None
    low = sum((v.lo for v in values if v is not None), Decimal(0))
    total = sum((v.mid for v in values if v is not None), Decimal(0))
    ok = low <= 100
    parts = " + ".join(f"{_n(v.mid)}%" for v in values if v is not None)
    return Check(
        "shares",
        start,
        end,
        ok,
        f"shares of one whole: {parts} = {_n(total)}%: "
        f"{'at most 100%, consistent' if ok else 'more than 100%, does not add up'}",
    )


def flags(text: str, checks: list[Check]) -> list[dict[str, str]]:
    """The checks that do not add up, with their sentence, for a page."""
    return [
        {"kind": c.kind, "sentence": text[c.start : c.end], "computation": c.computation}
        for c in checks
        if not c.consistent
    ]


def checks_around(text: str, start: int, end: int) -> list[Check]:
    """The checks of the paragraph(s) holding text[start:end] (a claim's span), with offsets
    into the whole text."""
    first = text.rfind("\n\n", 0, start)
    first = 0 if first < 0 else first + 2
    last = text.find("\n\n", end)
    last = len(text) if last < 0 else last
    return [
        Check(c.kind, c.start + first, c.end + first, c.consistent, c.computation)
        for c in check_text(text[first:last])
    ]


def check_text(text: str) -> list[Check]:
    """Every recomputation the article's sentences allow, in reading order."""
    if not text:
        return []
    scanned = scan_limit(text)  # the part of a long article the extractor reads, no more
    folded = fold(text[:scanned])
    checks: list[Check] = []
    for sentence in split_sentences(text, scanned):
        start, end = sentence.start, sentence.end
        figures = list(find_figures(text, start, end, [], folded))
        if len(figures) < 2:
            continue
        for run in (_factor_check, _change_check, _shares_check):
            found = run(text, start, end, figures)
            if found is not None:
                checks.append(found)
                break
    return checks
