"""The unit and currency vocabulary figures are normalised to (singular, ISO 4217).

Currency symbols and names come from CLDR through Babel (loaded once, at import): every
current ISO 4217 code, its English symbol ("HK$", "\u20a9") and its English names, singular and
plural ("Pakistani rupees", "naira"). A short table of our own adds the newsroom spellings CLDR
does not list ("Rs", "RM", "$A", "US$"). Building these tables costs about 80 ms at import,
once; a lookup is a dict hit.

Units stay a table of our own: pint 0.25 was measured and not adopted. Its registry takes 1.5 s
to build (every `manage.py` call and worker start would pay it), parsing a name takes about
100 us (more than the whole of a short sentence's extraction), and news units are mostly count
nouns it does not know ("containers", "tonnes" as written, "bhp"), while "b/d" parses as barns
per day.
"""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale
from babel.core import get_global
from babel.numbers import get_territory_currencies

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
application applicant arrival departure transit sale order unit smartphone phone visa permit
subscriber viewer download account inhabitant asylum-seeker birth marriage crossing
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
    "b/d": "barrel_per_day",
    "bbl/d": "barrel_per_day",
    "bcf/d": "billion_cubic_foot_per_day",
    "mcm/d": "million_cubic_metre_per_day",
    "bcm": "billion_cubic_metre",
    "GB": "gigabyte",
    "TB": "terabyte",
    "MB": "megabyte",
    "bhp": "brake_horsepower",
    "hp": "horsepower",
    "Hz": "hertz",
    "kHz": "kilohertz",
    "mAh": "milliampere_hour",
    "m2": "square_metre",
    "m\u00b2": "square_metre",
    "km2": "square_kilometre",
    "km\u00b2": "square_kilometre",
    "sq km": "square_kilometre",
    "sq m": "square_metre",
    "\u00b0C": "degree_celsius",
    "\u00b0F": "degree_fahrenheit",
}
# Sizes and ratings of a thing ("a 256GB phone", "580bhp", "120Hz"): never a count.
MEASUREMENT_UNITS = frozenset(
    {
        "gigabyte",
        "terabyte",
        "megabyte",
        "brake_horsepower",
        "horsepower",
        "hertz",
        "kilohertz",
        "milliampere_hour",
        "degree_celsius",
        "degree_fahrenheit",
    }
)
RATE_UNITS = frozenset(
    {"barrel_per_day", "mile_per_hour", "kilometre_per_hour", "billion_cubic_foot_per_day"}
)
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
    "fold": "time",
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
    "RM": "MYR",
    "$A": "AUD",
    "NT$": "TWD",
    "MX$": "MXN",
    "\u20a6": "NGN",
    "E\u00a3": "EGP",
    "\u20b1": "PHP",
    "\u20ba": "TRY",
    "\u20b4": "UAH",
    "\u20ab": "VND",
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


@lru_cache(maxsize=8192)
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


# CLDR: current currencies only (a name with a year range in brackets is a withdrawn one).
_EN = Locale.parse("en")
_PLURAL_NAMES = _EN._data["currency_names_plural"]
# Three-letter codes that are also English words or common acronyms: never a bare currency.
_CODE_WORDS_TEXT = "ALL TOP CUP PEN BAM MOP GEL SOS MAD LAK ANG CVE BOB"
_CODE_WORDS = frozenset(_CODE_WORDS_TEXT.split())
CURRENCY_NAMES: dict[str, str] = {}
_LAST_WORDS: dict[str, set[str]] = {}
# Words that are English before they are a currency ("real", "sol").
_NOT_CURRENCY_WORDS = frozenset({"real", "sol", "value", "gold", "mark", "pound", "franc", "peso"})
CURRENT_CURRENCIES = frozenset(
    code
    for territory in get_global("territory_currencies")
    for code in get_territory_currencies(territory)
    if not code.startswith("X") or code in ("XAF", "XOF")
)
for _code in sorted(CURRENT_CURRENCIES):
    _name = _EN.currencies.get(_code, "")
    if not _name or "(" in _name or _code.startswith("X"):
        continue
    for _form in (_name, _PLURAL_NAMES.get(_code, {}).get("other", "")):
        if _form and "(" not in _form:
            CURRENCY_NAMES[_form.lower()] = _code
    _LAST_WORDS.setdefault(_name.lower().split()[-1], set()).add(_code)
    _symbol = _EN.currency_symbols.get(_code, "")
    if _symbol and _symbol != _code and _symbol not in PREFIX_CURRENCIES:
        PREFIX_CURRENCIES[_symbol] = _code
# A bare last word names a currency when only one current currency has it ("naira", "won").
for _word, _codes in _LAST_WORDS.items():
    if (
        len(_codes) == 1
        and _word not in CURRENCY_WORDS
        and _word not in _NOT_CURRENCY_WORDS
        and len(_word) > 2
    ):
        (_only,) = _codes
        CURRENCY_WORDS[_word] = _only
        CURRENCY_WORDS[_word + "s"] = _only
for _word, _code in list(CURRENCY_WORDS.items()):
    CURRENCY_NAMES.setdefault(_word, _code)
CURRENCY_CODES = CURRENT_CURRENCIES - _CODE_WORDS
# Rupees written "Rs": India's unless the article is about Pakistan, Sri Lanka or Nepal.
RUPEE_COUNTRIES = {
    "PKR": ("pakistan", "islamabad", "karachi", "lahore", "state bank of pakistan", "pkr"),
    "LKR": ("sri lanka", "colombo", "lkr"),
    "NPR": ("nepal", "kathmandu", "npr"),
    "INR": ("india", "delhi", "mumbai", "inr", "\u20b9"),
}
