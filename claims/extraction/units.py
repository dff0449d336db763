"""The unit and currency vocabulary figures are normalised to (singular, ISO 4217)."""

from __future__ import annotations

import re

TIME_UNITS = frozenset(
    {"second", "minute", "hour", "day", "week", "month", "year", "decade", "century"}
)
# Sizes rather than counts: "122mm" is a calibre, never a number of things.
ALWAYS_MEASUREMENT = frozenset({"millimetre", "centimetre", "inch"})
LENGTH_UNITS = frozenset({"metre", "kilometre", "foot", "mile"}) | ALWAYS_MEASUREMENT

_COUNT_NOUN_WORDS = """
container barrel rocket round shell missile drone tank satellite aircraft plane jet helicopter
ship vessel warship submarine vehicle truck lorry gun rifle weapon bomb munition howitzer
shipment cargo soldier troop civilian resident citizen worker employee student patient voter
refugee migrant death casualty victim fatality injury case job member official prisoner
detainee household family visitor tourist user customer home house building school hospital
village seat vote ballot arrest attack strike incident protester delegate diplomat journalist
doctor nurse teacher farmer company firm business project flight passenger car train wagon
bottle dose vaccine test bag sack box crate pallet animal cow pig chicken tree hectare acre
tonne kilogram gram litre gallon kilometre mile metre foot inch megawatt gigawatt kilowatt
second minute hour day week month year decade century mine warhead launcher bullet
cartridge fighter sailor
pilot officer general minister lawmaker legislator deputy senator country nation state
"""
_COUNT_NOUNS = _COUNT_NOUN_WORDS.split()

COUNT_UNITS: dict[str, str] = {}
for _noun in _COUNT_NOUNS:
    COUNT_UNITS[_noun] = _noun
    if _noun.endswith("y") and _noun[-2] not in "aeiou":
        COUNT_UNITS[_noun[:-1] + "ies"] = _noun
    elif _noun.endswith(("s", "x", "ch", "sh")):
        COUNT_UNITS[_noun + "es"] = _noun
    else:
        COUNT_UNITS[_noun + "s"] = _noun
COUNT_UNITS.update(
    {
        "people": "person",
        "persons": "person",
        "person": "person",
        "men": "man",
        "man": "man",
        "women": "woman",
        "woman": "woman",
        "children": "child",
        "child": "child",
        "feet": "foot",
        "aircraft": "aircraft",
        "tons": "ton",
        "ton": "ton",
        "tonnes": "tonne",
        "kilometers": "kilometre",
        "kilometer": "kilometre",
        "meters": "metre",
        "meter": "metre",
        "liters": "litre",
        "liter": "litre",
        "kilos": "kilogram",
        "kilo": "kilogram",
        "centuries": "century",
        "staff": "staff",
        "personnel": "personnel",
        "livestock": "livestock",
        "cattle": "cattle",
        "millimetres": "millimetre",
        "millimeters": "millimetre",
        "millimetre": "millimetre",
        "millimeter": "millimetre",
        "centimetres": "centimetre",
        "centimeters": "centimetre",
        "inches": "inch",
    }
)
# "two countries" is not a claim; a counted noun written in digits ("50 countries") is.
WEAK_COUNT_UNITS = frozenset({"country", "nation", "state", "member", "official", "minister"})

ABBREVIATED_UNITS = {
    "mm": "millimetre",
    "cm": "centimetre",
    "km": "kilometre",
    "m": "metre",
    "kg": "kilogram",
    "t": "tonne",
    "kt": "kilotonne",
    "ft": "foot",
    "mi": "mile",
    "mph": "mile_per_hour",
    "kph": "kilometre_per_hour",
    "km/h": "kilometre_per_hour",
    "g": "gram",
    "l": "litre",
    "ml": "millilitre",
    "ha": "hectare",
    "kW": "kilowatt",
    "MW": "megawatt",
    "GW": "gigawatt",
    "kWh": "kilowatt_hour",
    "MWh": "megawatt_hour",
    "GWh": "gigawatt_hour",
    "TWh": "terawatt_hour",
    "bpd": "barrel_per_day",
    "\u00b0C": "degree_celsius",
    "\u00b0F": "degree_fahrenheit",
}
HYPHEN_UNITS = {
    "day": "day",
    "week": "week",
    "month": "month",
    "year": "year",
    "hour": "hour",
    "minute": "minute",
    "decade": "decade",
    "century": "century",
    "mile": "mile",
    "kilometre": "kilometre",
    "kilometer": "kilometre",
    "km": "kilometre",
    "metre": "metre",
    "meter": "metre",
    "m": "metre",
    "mm": "millimetre",
    "cm": "centimetre",
    "foot": "foot",
    "feet": "foot",
    "ft": "foot",
    "inch": "inch",
    "tonne": "tonne",
    "ton": "ton",
    "storey": "storey",
    "story": "storey",
    "member": "member",
    "strong": "person",
    "seat": "seat",
    "point": "point",
    "man": "person",
    "person": "person",
}

ISO_CODES_WORDS = (
    "USD EUR GBP CNY RUB JPY INR KRW KPW KHR THB VND AUD CAD HKD SGD CHF NZD BRL ZAR TRY MXN "
    "IDR PHP MYR TWD UAH SAR AED"
)
ISO_CODES = frozenset(ISO_CODES_WORDS.split())
PREFIX_CURRENCIES = {
    "US$": "USD",
    "U.S.$": "USD",
    "A$": "AUD",
    "AU$": "AUD",
    "C$": "CAD",
    "CA$": "CAD",
    "HK$": "HKD",
    "S$": "SGD",
    "NZ$": "NZD",
    "R$": "BRL",
    "$": "USD",
    "\u20ac": "EUR",
    "\u00a3": "GBP",
    "CN\u00a5": "CNY",
    "JP\u00a5": "JPY",
    "\u00a5": "JPY",
    "\u20bd": "RUB",
    "\u20b9": "INR",
    "\u20a9": "KRW",
    "Rs": "INR",
    "Rs.": "INR",
    "RMB": "CNY",
}
CURRENCY_WORDS = {
    "dollar": "USD",
    "dollars": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "sterling": "GBP",
    "pounds sterling": "GBP",
    "yuan": "CNY",
    "renminbi": "CNY",
    "rouble": "RUB",
    "roubles": "RUB",
    "ruble": "RUB",
    "rubles": "RUB",
    "yen": "JPY",
    "rupee": "INR",
    "rupees": "INR",
    "won": "KRW",
    "riel": "KHR",
    "riels": "KHR",
    "baht": "THB",
    "dong": "VND",
    "ringgit": "MYR",
    "hryvnia": "UAH",
}
DOLLAR_ADJECTIVES = {
    "us": "USD",
    "u.s.": "USD",
    "american": "USD",
    "australian": "AUD",
    "canadian": "CAD",
    "hong kong": "HKD",
    "singapore": "SGD",
    "new zealand": "NZD",
    "taiwan": "TWD",
    "taiwanese": "TWD",
}

_PLURAL_RE = re.compile(r"(?:ies|(?<=[sxz])es|(?<=ch)es|(?<=sh)es|(?<!s)s)$")


def singular(word: str) -> str:
    """A plain English singular for a noun not in the vocabulary ("countries" -> "country")."""
    word = word.lower()
    if word in COUNT_UNITS:
        return COUNT_UNITS[word]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if len(word) > 3:
        return _PLURAL_RE.sub("", word) if not word.endswith("ies") else word
    return word
