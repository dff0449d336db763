"""Unit conversion for evidence matching: which units measure the same thing, and the factor.

The factors come from pint (the maintained units library), read once into a small table of the
unit names the claim extractor gives (lower-case singular, "barrel_per_day"), so matching never
calls pint per sentence. Counted nouns that are not physical units (containers, applications)
only compare with the same noun, except people: a claim about people compares with visitors,
tourists, migrants ... (what is counted is then checked on the words, not the unit). Currencies
compare only in the same currency: no exchange rate is assumed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

__all__ = ["Conversion", "PEOPLE_NOUNS", "convert", "dimension", "is_currency", "table"]

# Extractor unit name -> pint expression. "ton" in news is the metric ton (the short ton is said
# as "short ton"); the card says the reading used.
_PINT_NAMES = {
    "tonne": "metric_ton",
    "ton": "metric_ton",
    "metric_ton": "metric_ton",
    "kilotonne": "1000 * metric_ton",
    "kilogram": "kilogram",
    "gram": "gram",
    "pound": "pound",
    "short_ton": "short_ton",
    "long_ton": "long_ton",
    "litre": "liter",
    "millilitre": "milliliter",
    "gallon": "gallon",
    "barrel": "oil_barrel",
    "cubic_metre": "meter ** 3",
    "cubic_foot": "foot ** 3",
    "cubic_feet": "foot ** 3",
    "billion_cubic_metre": "1e9 * meter ** 3",
    "barrel_per_day": "oil_barrel / day",
    "barrel_per_year": "oil_barrel / year",
    "tonne_per_year": "metric_ton / year",
    "cubic_metre_per_day": "meter ** 3 / day",
    "metre": "meter",
    "kilometre": "kilometer",
    "foot": "foot",
    "mile": "mile",
    "hectare": "hectare",
    "acre": "acre",
    "kilowatt": "kilowatt",
    "megawatt": "megawatt",
    "gigawatt": "gigawatt",
    "kilowatt_hour": "kilowatt_hour",
    "megawatt_hour": "megawatt_hour",
    "gigawatt_hour": "gigawatt_hour",
    "terawatt_hour": "terawatt_hour",
}
# Counted nouns that count people: comparable with "person" and with each other.
_PEOPLE = """person people visitor tourist migrant refugee resident citizen worker employee student
    patient voter passenger traveller traveler arrival immigrant emigrant asylum_seeker man woman
    child adult national foreigner"""
PEOPLE_NOUNS = frozenset(_PEOPLE.split())
_ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class Conversion:
    """A source amount put in the claim's unit: the factor applied and how to say it."""

    amount: Decimal
    factor: Decimal
    note: str


def is_currency(unit: str) -> bool:
    return len(unit) == 3 and unit.isupper()


@cache
def table() -> dict[str, tuple[str, Decimal]]:
    """unit name -> (dimension, factor to the dimension's base unit), built from pint once."""
    import pint  # imported here: loading the registry costs about 0.4 s, paid once, on first use

    registry: pint.UnitRegistry = pint.UnitRegistry()
    out: dict[str, tuple[str, Decimal]] = {}
    for name, expression in _PINT_NAMES.items():
        quantity = registry.parse_expression(expression).to_base_units()
        dimension = str(quantity.dimensionality)
        out[name] = (dimension, Decimal(repr(float(quantity.magnitude))))
    return out


def dimension(unit: str) -> str:
    """What a unit measures: a pint dimension, "people", "currency:XXX", or the noun itself."""
    if is_currency(unit):
        return f"currency:{unit}"
    if unit in ("percent", "percentage_point"):
        return unit
    if unit in PEOPLE_NOUNS:
        return "people"
    known = table().get(unit)
    return known[0] if known else f"count:{unit}"


def _per_time(unit: str) -> tuple[str, int] | None:
    base, _, per = unit.partition("_per_")
    days = {"day": 1, "year": 365}.get(per)
    return (base, days) if days else None


def convert(
    amount: Decimal, from_unit: str, to_unit: str, *, period_days: int | None = None
) -> Conversion | None:
    """`amount` of from_unit in to_unit, or None when they do not measure the same thing.

    A rate ("barrel_per_day") and a total ("barrel") convert only over a stated period
    (`period_days`: the days of the figure's period).
    """
    if from_unit == to_unit:
        return Conversion(amount, _ONE, "")
    if dimension(from_unit) == dimension(to_unit) == "people":
        return Conversion(amount, _ONE, "")
    known = table()
    if from_unit in known and to_unit in known:
        (dim_from, f_from), (dim_to, f_to) = known[from_unit], known[to_unit]
        if dim_from == dim_to:
            factor = f_from / f_to
            note = f"{_name(from_unit)} converted to {_name(to_unit)} (\u00d7{_short(factor)})"
            if from_unit == "ton":
                note += "; \u201ctons\u201d read as metric tons"
            return Conversion(amount * factor, factor, note)
    rate_from, rate_to = _per_time(from_unit), _per_time(to_unit)
    if period_days and (rate_from or rate_to) and not (rate_from and rate_to):
        if rate_from:  # a daily rate against a total over the period
            base, days = rate_from
            inner = convert(amount * period_days / days, base, to_unit)
            how = f"{_name(from_unit)} \u00d7 {period_days} days"
        else:
            base, days = rate_to  # type: ignore[misc]
            inner = convert(amount * days / period_days, from_unit, base)
            how = f"{_name(from_unit)} over {period_days} days as {_name(to_unit)}"
        if inner is not None:
            note = "; ".join(p for p in (how, inner.note) if p)
            return Conversion(inner.amount, inner.amount / amount if amount else _ONE, note)
    return None


def _name(unit: str) -> str:
    return unit.replace("_", " ")


def _short(factor: Decimal) -> str:
    return f"{factor:.6g}"
