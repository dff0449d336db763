"""Figures, periods and scores as a person reads them: "more than 1,000 containers", "Q1 2024".

One place for these words, used by the claim page, the queue, the candidate list and the admin,
so that no page shows an internal token (`more_than`, `104000 tonne`, `score 0.83`). Plurals of
unit names come from `inflection` (a maintained English inflector, already installed with
drf-spectacular); only the counted noun is inflected ("barrels per day", "percentage points").
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

import inflection

QUALIFIER_WORDS = {
    "": "",
    "exact": "",
    "about": "about",
    "more_than": "more than",
    "less_than": "less than",
    "at_least": "at least",
    "up_to": "up to",
    "nearly": "nearly",
}
_PERCENT_UNITS = {"percent", "%"}
# What figure_text reads of a figure (a ClaimFigure, or a figure dict of claims.services).
FIGURE_TEXT_FIELDS = ("value", "value_high", "qualifier", "unit", "scale", "direction", "change")


def number_text(value: Decimal | str | float | int) -> str:
    """A number with thousands separators and no trailing zeros: 104000 -> "104,000"."""
    number = Decimal(str(value)).normalize()
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    text = f"{number:,f}"
    return "0" if text in ("-0", "") else text


def _is_currency(unit: str) -> bool:
    return len(unit) == 3 and unit.isalpha() and unit.isupper()


def _inflects(word: str) -> bool:
    """Abbreviations (km, GB, bhp, m2) stay as they are; words take a plural."""
    return (
        len(word) > 2
        and word.isalpha()
        and word.islower()
        and any(vowel in word for vowel in "aeiouy")
    )


@functools.lru_cache(maxsize=1024)  # few units, many figures: exports word 100,000 of them
def unit_text(unit: str, *, plural: bool) -> str:
    """A unit name in words: "percentage_point" -> "percentage points", "barrels per day"."""
    unit = unit.replace("_", " ")
    if not plural or not unit:
        return unit
    counted, per, rate = unit.partition(" per ")
    *lead, noun = counted.split(" ")
    if not _inflects(noun):
        return unit
    return " ".join([*lead, inflection.pluralize(noun)]) + per + rate


def _amount_text(value: Decimal, value_high: Decimal | None, unit: str, scale: str) -> str:
    numbers = number_text(value)
    if value_high is not None:
        numbers = f"{numbers} to {number_text(value_high)}"
    if scale:
        numbers = f"{numbers} {scale}"
    if unit in _PERCENT_UNITS:
        return f"{numbers}%" if not scale else f"{numbers} percent"
    if _is_currency(unit):
        return f"{unit} {numbers}"
    plural = value_high is not None or bool(scale) or abs(value) != 1
    return f"{numbers} {unit_text(unit, plural=plural)}".strip()


def figure_text(
    *,
    value: Decimal | str | None,
    qualifier: str = "",
    unit: str = "",
    scale: str = "",
    value_high: Decimal | str | None = None,
    direction: str = "none",
    change: str = "level",
) -> str:
    """One figure in words: "more than 1,000 containers", "up 14%", "30 to 35 hours"."""
    if value is None or value == "":
        return ""
    low = Decimal(str(value))
    high = Decimal(str(value_high)) if value_high not in (None, "") else None
    amount = _amount_text(low, high, unit, scale)
    words = QUALIFIER_WORDS.get(qualifier, qualifier.replace("_", " "))
    text = f"{words} {amount}" if words else amount
    if change == "change":
        lead = {"up": "up", "down": "down"}.get(direction, "a change of")
        return f"{lead} {text}"
    if direction == "up":
        return f"{text}, after a rise"
    if direction == "down":
        return f"{text}, after a fall"
    return text


def _one_date(day: dt.date, precision: str) -> str:
    if precision == "day":
        return f"{day.day} {day:%B %Y}"
    if precision == "month":
        return f"{day:%B %Y}"
    if precision == "quarter":
        return f"Q{(day.month - 1) // 3 + 1} {day.year}"
    if precision == "half":
        return f"{'first' if day.month <= 6 else 'second'} half of {day.year}"
    if precision == "year":
        return str(day.year)
    return day.isoformat()


def period_text(start: dt.date | None, end: dt.date | None, precision: str) -> str:
    """A period in words: "5 January 2024", "Q1 2024", "January 2023 – June 2023"."""
    if start is None:
        return ""
    end = end or start
    if precision == "fiscal_year":
        if start.year == end.year:
            return f"fiscal year {start.year}"
        return f"fiscal year {start.year}–{str(end.year)[-2:]}"
    first, last = _one_date(start, precision), _one_date(end, precision)
    return first if first == last else f"{first} – {last}"


def worthiness_text(score: float) -> str:
    """A check-worthiness score in words, as the candidate list shows it."""
    if score >= 0.7:
        return "check-worthiness high"
    if score >= 0.4:
        return "check-worthiness medium"
    return "check-worthiness low"
