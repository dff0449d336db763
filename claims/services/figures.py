"""A claim's figures: checking one, storing the list, and the primary figure kept on the claim.

A figure is given as a mapping of FIGURE_FIELDS (missing keys take their defaults); checked, it is
a dict of column values. The claim's value, qualifier, unit and scale columns are the first
figure's (none when it has no figure): `primary_columns` computes them and only the claims
services write them, in the transaction that writes the figures. A figure's period is its own
only where it differs from the claim's period; a figure with none is about the claim's period.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from claims.models import (
    Claim,
    ClaimFigure,
    DatePrecision,
    Direction,
    FigureChange,
    Qualifier,
    Scale,
)
from factcheck.errors import DomainError

FIGURE_FIELDS = (
    "value",
    "value_high",
    "qualifier",
    "unit",
    "scale",
    "currency",
    "direction",
    "change",
    "baseline",
    "concept",
    "concept_words",
    "period_start",
    "period_end",
    "date_precision",
)
# The claim's own columns that mirror its first figure.
PRIMARY_FIELDS = ("value", "qualifier", "unit", "scale")
PERIOD_FIELDS = ("period_start", "period_end", "date_precision")
MAX_FIGURES = 50
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _decimal(raw: Any, name: str, errors: dict[str, list[str]]) -> Decimal | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, Decimal):
        number = raw
    else:
        try:
            number = Decimal(str(raw).strip().replace(",", ""))
        except InvalidOperation:
            errors[name] = [f"not a number: {raw!r}"]
            return None
    if not number.is_finite() or abs(number) >= Decimal(10) ** 18:
        errors[name] = [f"not a number the desk can store: {raw!r}"]
        return None
    return number


def _date(raw: Any, name: str, errors: dict[str, list[str]]) -> dt.date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        errors[name] = [f"not a date (YYYY-MM-DD): {raw!r}"]
        return None


def period_check(
    start: dt.date | None, end: dt.date | None, precision: str, *, prefix: str = ""
) -> tuple[dt.date | None, dt.date | None, str]:
    """A period's (start, end, precision): one day given is a period of that day."""
    if start is None and end is not None:
        start = end
    if start is not None and end is None:
        end = start
    if start is not None and end is not None and end < start:
        raise DomainError(
            "the period ends before it starts", fields={f"{prefix}period_end": ["before start"]}
        )
    if start is not None and precision not in DatePrecision.values:
        raise DomainError(
            "a period needs its precision (day, month, quarter, half, year or fiscal year)",
            fields={f"{prefix}date_precision": ["required"]},
        )
    return start, end, precision if start is not None else ""


def _words(raw: Any) -> list[str]:
    if raw is None or raw == "":
        return []
    items = re.split(r"[,\s]+", raw) if isinstance(raw, str) else list(raw)
    words: list[str] = []
    for item in items:
        word = str(item).strip().lower()
        if word and word not in words:
            words.append(word)
    return words


def _text(raw: Any, name: str, limit: int, errors: dict[str, list[str]]) -> str:
    text = " ".join(str(raw or "").split())
    if len(text) > limit:
        errors[name] = [f"at most {limit} characters"]
    return text


def figure_check(data: Mapping[str, Any], *, prefix: str = "") -> dict[str, Any]:
    """Check one figure; return its column values or raise DomainError naming the fields."""
    unknown = sorted(set(data) - set(FIGURE_FIELDS))
    if unknown:
        raise DomainError(
            f"A figure has no field {', '.join(unknown)}.",
            fields={f"{prefix}{name}": ["unknown field"] for name in unknown},
        )
    errors: dict[str, list[str]] = {}
    value = _decimal(data.get("value"), f"{prefix}value", errors)
    value_high = _decimal(data.get("value_high"), f"{prefix}value_high", errors)
    if value is None and f"{prefix}value" not in errors:
        errors[f"{prefix}value"] = ["a figure needs its value"]
    if value is not None and value_high is not None and value_high <= value:
        errors[f"{prefix}value_high"] = ["the high end of a range is above its low end"]
    qualifier = data.get("qualifier") or Qualifier.EXACT
    if qualifier not in Qualifier.values:
        errors[f"{prefix}qualifier"] = [f"unknown qualifier {qualifier!r}"]
    unit = str(data.get("unit") or "").strip()
    if not unit and value is not None:
        errors[f"{prefix}unit"] = ["a figure needs a unit (container, barrel, USD, percent ...)"]
    elif len(unit) > 32:
        errors[f"{prefix}unit"] = ["at most 32 characters"]
    scale = data.get("scale") or ""
    if scale not in Scale.values:
        errors[f"{prefix}scale"] = [f"unknown scale {scale!r}"]
    currency = str(data.get("currency") or "").strip().upper()
    if not currency and _CURRENCY.match(unit):
        currency = unit  # a money figure's unit is its currency code
    if currency and not _CURRENCY.match(currency):
        errors[f"{prefix}currency"] = [f"not an ISO 4217 code: {currency!r}"]
    direction = data.get("direction") or Direction.NONE
    if direction not in Direction.values:
        errors[f"{prefix}direction"] = ["up, down or none"]
    change = data.get("change") or FigureChange.LEVEL
    if change not in FigureChange.values:
        errors[f"{prefix}change"] = ["change or level"]
    baseline = _text(data.get("baseline"), f"{prefix}baseline", 200, errors)
    concept = _text(data.get("concept"), f"{prefix}concept", 300, errors)
    start = _date(data.get("period_start"), f"{prefix}period_start", errors)
    end = _date(data.get("period_end"), f"{prefix}period_end", errors)
    if errors:
        raise DomainError("the figure is not valid", fields=errors)
    start, end, precision = period_check(
        start, end, data.get("date_precision") or "", prefix=prefix
    )
    return {
        "value": value,
        "value_high": value_high,
        "qualifier": qualifier,
        "unit": unit,
        "scale": scale,
        "currency": currency,
        "direction": direction,
        "change": change,
        "baseline": baseline,
        "concept": concept,
        "concept_words": _words(data.get("concept_words")),
        "period_start": start,
        "period_end": end,
        "date_precision": precision,
    }


def figures_check(figures: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Check a claim's list of figures; errors name `figures.<n>.<field>` (n from 0)."""
    if isinstance(figures, (str, bytes)) or not isinstance(figures, Sequence):
        raise DomainError("figures are a list", fields={"figures": ["not a list"]})
    if len(figures) > MAX_FIGURES:
        raise DomainError(
            f"a claim holds at most {MAX_FIGURES} figures", fields={"figures": ["too many"]}
        )
    checked = []
    for n, figure in enumerate(figures):
        if not isinstance(figure, Mapping):
            raise DomainError(
                f"figure {n + 1} is not an object", fields={f"figures.{n}": ["not an object"]}
            )
        checked.append(figure_check(figure, prefix=f"figures.{n}."))
    return checked


def figure_values(figure: ClaimFigure) -> dict[str, Any]:
    """A stored figure as the dict figure_check returns."""
    return {name: getattr(figure, name) for name in FIGURE_FIELDS}


def figure_snapshot(values: Mapping[str, Any]) -> dict[str, Any]:
    """A figure for the audit log (JSON): decimals and dates as text."""
    out: dict[str, Any] = {}
    for name in FIGURE_FIELDS:
        v = values.get(name)
        if isinstance(v, Decimal):
            v = format(v.normalize(), "f")
        elif isinstance(v, dt.date):
            v = v.isoformat()
        out[name] = v
    return out


def primary_columns(figures: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The claim's value, qualifier, unit and scale: its first figure's, or none."""
    if not figures:
        return {"value": None, "qualifier": "", "unit": "", "scale": ""}
    first = figures[0]
    return {name: first[name] for name in PRIMARY_FIELDS}


def figures_in_period(
    figures: list[dict[str, Any]], period: tuple[dt.date | None, dt.date | None, str]
) -> list[dict[str, Any]]:
    """The figures with a period equal to the claim's stored as none (they share the claim's)."""
    shared = []
    for figure in figures:
        if (figure["period_start"], figure["period_end"], figure["date_precision"]) == period:
            figure = {**figure, "period_start": None, "period_end": None, "date_precision": ""}
        shared.append(figure)
    return shared


def figures_store(claim: Claim, figures: Iterable[Mapping[str, Any]]) -> None:
    """Replace the claim's figure rows with these, in order (call inside the claim's write)."""
    ClaimFigure.objects.filter(claim_id=claim.pk).delete()
    ClaimFigure.objects.bulk_create(
        ClaimFigure(claim_id=claim.pk, position=n, **values) for n, values in enumerate(figures)
    )
    if hasattr(claim, "_prefetched_objects_cache"):
        claim._prefetched_objects_cache.pop("figures", None)
