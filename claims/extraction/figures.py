"""Figures in a sentence: numbers with their qualifier, unit, scale and currency.

One module over 400 lines: the figure grammar (numbers, written numbers, scales, units and
currencies) is one set of patterns compiled together; split, each part would need the others."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from .folding import fold
from .numbers import NUMBER_WORD, NUMBER_WORD_OR_SCALE, SCALE_WORDS, word_value, words_to_parts
from .types import Figure, Span
from .units import (
    ABBREVIATED_UNITS,
    ALWAYS_MEASUREMENT,
    COUNT_UNITS,
    CURRENCY_CODES,
    CURRENCY_NAMES,
    CURRENCY_WORDS,
    DOLLAR_ADJECTIVES,
    HYPHEN_UNITS,
    LENGTH_UNITS,
    MEASUREMENT_UNITS,
    PREFIX_CURRENCIES,
    RATE_UNITS,
    RUPEE_COUNTRIES,
    TIME_UNITS,
    WEAK_COUNT_UNITS,
    singular,
)

ISO_CODES = CURRENCY_CODES
# Indian scales: a lakh is 10^5, a crore 10^7, a lakh crore 10^12.
INDIAN_SCALES = {"lakh": 10**5, "crore": 10**7, "lakh crore": 10**12, "thousand crore": 10**10}
# Fractions written out: their value in percent ("a fifth" = 20).
FRACTIONS = {
    "half": Decimal(50),
    "third": Decimal("33.33"),
    "quarter": Decimal(25),
    "fifth": Decimal(20),
    "sixth": Decimal("16.67"),
    "seventh": Decimal("14.29"),
    "eighth": Decimal("12.5"),
    "ninth": Decimal("11.11"),
    "tenth": Decimal(10),
}
# "doubled": a change by a factor, in times.
MULTIPLES = {"doubl": 2, "tripl": 3, "trebl": 3, "quadrupl": 4, "halv": Decimal("0.5")}
_DIGIT_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
_FRACTION_ALT = "half|thirds?|quarters?|fifths?|sixths?|sevenths?|eighths?|ninths?|tenths?"

_AND_AFTER_SCALE = (
    r"(?:(?<=hundred)|(?<=thousand)|(?<=million)|(?<=billion)|(?<=trillion))\s+and\s+"
)
_DIGIT_WORD = rf"(?:{'|'.join(_DIGIT_WORDS)})\b"
_SPACE_GROUP = "[ \u00a0\u202f\u2009]"
_NUMBER_RE = re.compile(
    # Digits may follow a letter only as a glued currency ("Rs7.2", "USD10m"): checked in code.
    r"(?P<digits>(?<![\d_.,/:#\u00b7])(?<![^\W\d][-\u2212])(?<![.,)][-\u2212])"
    r"(?>\d{1,2}(?:,\d\d)+,\d{3}(?:\.\d+)?"  # Indian grouping: 1,68,337
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?"
    rf"|\d{{1,3}}(?:{_SPACE_GROUP}\d{{3}})+(?![\d,.]\d)"  # 123 000
    r"|\d{1,3}(?:\.\d{3})+"
    r"|\d+,\d{1,2}(?=\s?(?:bn|billion|million|trillion|mn|%)\b|\s?%)"  # decimal comma: 58,4bn
    r"|\d+(?:\.\d+)?)"
    r"(?![\d])(?![.,]\d)(?![/:]\d))"
    rf"(?:[\s-]point[\s-](?P<pointd>{_DIGIT_WORD}(?:[\s-]{_DIGIT_WORD})*))?"
    rf"|(?P<frac>(?<![\w-])(?:(?:a|one)[\s-]+(?:{_FRACTION_ALT})|(?P<fracn>two|three|four|five"
    rf"|six|seven|eight|nine)[\s-]+(?:{_FRACTION_ALT})|half)\b"
    r"(?=\s+(?:of|more|fewer|less|higher|lower|as|the|its|their)\b)"
    # "fell by about a quarter", "rose by a fifth": after "by", a fraction is a change.
    r"|(?:(?<=\bby\s)|(?<=\bby\sabout\s)|(?<=\bby\saround\s)|(?<=\bby\snearly\s)"
    r"|(?<=\bby\salmost\s)|(?<=\bby\sroughly\s)|(?<=\bby\smore\sthan\s))"
    rf"(?P<fracby>(?:a|one)[\s-]+(?:{_FRACTION_ALT}))\b(?!\s+(?:of\s+an?\s+)?(?:century|hour)))"
    r"|(?P<mult>(?<![\w-])(?:doubl|tripl|trebl|quadrupl|halv)(?:ed|ing)\b"
    r"|(?<![\w-])(?:double|twice)(?=\s+(?:that|the|its|their|as|what)\b))"
    r"|(?P<words>(?<![\w-])(?:(?P<art>half\s+an?|an?)\s+(?P<artscale>thousand|million|billion"
    rf"|trillion)\b|{NUMBER_WORD}\b(?:(?:{_AND_AFTER_SCALE}|[\s-]+){NUMBER_WORD_OR_SCALE}\b)*)"
    rf"(?:[\s-]point[\s-](?P<pointw>{_DIGIT_WORD}(?:[\s-]{_DIGIT_WORD})*))?)",
)
# Where a number can start: a digit, or a word that can open a written-out number.
_CANDIDATE_RE = re.compile(
    r"\d|\b(?:(?:a|an|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|"
    r"sixty|seventy|eighty|ninety|half|double|twice)\b|doubl|tripl|trebl|quadrupl|halv)"
)
# A currency glued to the digits after letters: "Rs7.2", "RM12.50", "USD10m", "$A18m".
_GLUED_CURRENCY_RE = re.compile(r"(?<![\w$])(?P<c>Rs\.?|RM|Rp|\$A|[A-Z]{3}|[A-Z]{1,3}\$)$")

_QUALIFIERS = {
    "more than": "more_than",
    "greater than": "more_than",
    "higher than": "more_than",
    "in excess of": "more_than",
    "upwards of": "more_than",
    "well over": "more_than",
    "just over": "more_than",
    "over": "more_than",
    "above": "more_than",
    "exceeding": "more_than",
    "less than": "less_than",
    "fewer than": "less_than",
    "lower than": "less_than",
    "under": "less_than",
    "below": "less_than",
    "just under": "nearly",
    "at least": "at_least",
    "no fewer than": "at_least",
    "no less than": "at_least",
    "not less than": "at_least",
    "a minimum of": "at_least",
    "up to": "up_to",
    "as many as": "up_to",
    "as much as": "up_to",
    "at most": "up_to",
    "no more than": "up_to",
    "not more than": "up_to",
    "a maximum of": "up_to",
    "nearly": "nearly",
    "almost": "nearly",
    "close to": "about",
    "surpassing the": "more_than",
    "surpassed the": "more_than",
    "topping the": "more_than",
    "breaking the": "more_than",
    "crossing the": "more_than",
    "crossed the": "more_than",
    "just shy of": "nearly",
    "shy of": "nearly",
    "approaching": "nearly",
    "about": "about",
    "around": "about",
    "approximately": "about",
    "approx.": "about",
    "roughly": "about",
    "some": "about",
    "an estimated": "about",
    "estimated": "about",
    "circa": "about",
    "c.": "about",
    "ca.": "about",
    "~": "about",
}


def _phrase_alt(phrases) -> str:
    out = []
    for phrase in sorted(phrases, key=len, reverse=True):
        out.append(r"\s+".join(re.escape(part) for part in phrase.split()))
    return "|".join(out)


_QUALIFIER_BEFORE_RE = re.compile(rf"(?<![\w])(?P<q>{_phrase_alt(_QUALIFIERS)})\s*$")
_CURRENCY_BEFORE_RE = re.compile(
    rf"(?<![\w$])(?P<c>{_phrase_alt(PREFIX_CURRENCIES)}|{'|'.join(sorted(ISO_CODES))})"
    r"(?<=[^\W\d_$]|[^\w\s])\s?$"
)
_DETERMINER_BEFORE_RE = re.compile(
    r"(?<![\w])(?:the|these|those|both|all|its|their|his|her|our|your|my|each|every|"
    r"another|other|which|whose)\s+$",
)
_IDENTIFIER_BEFORE_RE = re.compile(
    r"(?:(?<![\w])(?:no|nos|nr|number|num|page|pages|p|pp|art|article|articles|chapter|"
    r"chapters|ch|section|sections|sec|para|paragraph|paragraphs|footnote|footnotes|note|notes|"
    r"item|items|resolution|route|flight|room|level|phase|version|vol|volume|issue|episode|"
    r"season|part|table|figure|fig|step|stage|line|rule|clause|platform|gate|type|model|class|"
    r"grade|category|district|ward|exhibit|appendix|annex|channel|highway|road|street|avenue|"
    r"block|lot|code|tier|batch|group|ref|verse|psalm|act|scene|track)\.?\s*(?:#\s*)?"
    r"|[#\[^]\s*)$",
)
_SKIP_AFTER_RE = re.compile(
    r"(?:st|nd|rd|th)\b|\s?(?:[ap]\.m\.|[ap]m\b|hrs\b|gmt\b|bst\b|utc\b|ghz\b|mhz\b)"
    r"|-(?:thirds?|quarters?|fifths?|sixths?|sevenths?|eighths?|ninths?|tenths?|halves)\b"
    r"|\]",
)
_SCALE_AFTER_RE = re.compile(
    r"(?:[\s-]?(?P<abbr>bn|tn|trn|mn|mln|bln)\b|(?P<m>m)(?![\w\u00b2])|(?P<k>k)(?![\w])"
    r"|[\s-]+(?P<ind>lakh[\s-]+crores?|thousand[\s-]+crores?|lakhs?|crores?)\b"
    r"|[\s-]+(?P<word>thousand|million|billion|trillion)\b)",
)
_PLUS_AFTER_RE = re.compile(r"(?:\+|-plus\b)")
_PERCENT_AFTER_RE = re.compile(
    r"\s?(?:(?P<pp>percentage[\s-]points?)\b|%|per\s?cent\b|percent\b|pct\b|pc\b)"
)
_CURRENCY_WORD_AFTER_RE = re.compile(
    r"\s+(?:(?P<adj>us|u\.s\.|american|australian|canadian|hong\s+kong|singapore|new\s+zealand"
    rf"|taiwan(?:ese)?)\s+)?(?P<w>{_phrase_alt(CURRENCY_NAMES)})\b",
)
_CURRENCY_CODE_AFTER_RE = re.compile(
    rf"\s?(?P<code>{'|'.join(sorted(ISO_CODES))})\b|\s?(?P<sym>\u20ac|\u00a3|\u20b9|\u20a9)"
)
# "two million 155mm shells": a calibre between the count and the counted noun.
_CALIBRE_BETWEEN_RE = re.compile(r"\s+\d+(?:\.\d+)?(?:\s?mm|-mm|-inch|\s?cm)\b(?=\s)")
# Rates after a unit: "per day", "a month", "/d".
_RATE_AFTER_RE = re.compile(
    r"(?:\s+(?:a|per|each|every)\s+(?P<per>day|week|month|year|hour|annum)\b"
    r"(?!\s+(?:earlier|ago|later|before|after|on|of)\b)|/(?P<abbr>d|day|yr|y)\b)"
)
_HYPHEN_UNIT_AFTER_RE = re.compile(
    rf"-(?P<u>{'|'.join(sorted(HYPHEN_UNITS, key=len, reverse=True))})s?(?:-old)?\b"
)
_ABBR_ALT = "|".join(re.escape(u) for u in sorted(ABBREVIATED_UNITS, key=len, reverse=True))
_ATTACHED_UNIT_RE = re.compile(rf"(?P<u>{_ABBR_ALT})(?![\w/])")
_SPACED_UNIT_RE = re.compile(
    r"\s(?P<u>mm|cm|km|kg|mph|kph|km/h|kW|MW|GW|kWh|MWh|GWh|TWh|bpd|ha|GB|TB|bhp|hp|Hz|mAh"
    r"|b/d|bbl/d|bcf/d|mcm/d|bcm|sq km|sq m|km2|m2)(?![\w/])"
)
_NEXT_WORD_RE = re.compile(r"\s+(?P<w>[^\W\d_][\w'\u2019-]*)")
_OR_MORE_RE = re.compile(r"\s+or\s+(?P<w>more|so)\b")
# "10 to 14 days", "61.4 million of the 91.2 million voters", "to 98,200 from 104,600 deaths":
# the first number is written without the noun the second carries.
_RANGE_JOIN_RE = re.compile(r"\s*(?:to|and|or|from|of\s+the|out\s+of|of|-|\u2013|\u2014)\s*")
_DECIMAL_COMMA_RE = re.compile(r"\d+,\d{1,2}")
_LETTER_AFTER_RE = re.compile(r"[^\W\d_]")

_STOP_WORDS = """
of and or the a an to in on for by with from at as than that which who is are was were be
    been being has have had its their his her our this these those per each more less compared
    between into over under about after before during since until while when where not no also
    only just still some all both it they he she we will would could can may might should said
    says say worth alone apiece respectively"""
_STOP = frozenset(_STOP_WORDS.split())
# Irregular past tenses that follow a count as its verb ("18 spent", "5 won"), not its noun.
_VERB_WORDS = """spent sold paid made went came took won lost grew fell rose saw got hit left met
    put ran set sent told bought brought thought kept held built became began gave found stood
    voted signed joined died fled"""
_VERBS = frozenset(_VERB_WORDS.split())
# "A 42-year-old man", "people aged 65 or older": an age, not a count.
_AGE_BEFORE_RE = re.compile(r"\b(?:aged|ages?|age\s+of|ages\s+of)\s+(?:over\s+|under\s+)?$")
# "the 12 months ending January": the length of a window, not a figure.
_WINDOW_BEFORE_RE = re.compile(r"\b(?:the|past|last|previous|trailing)\s+$")
_WINDOW_AFTER_RE = re.compile(r"\s*(?:ending|ended|to|through|period|average|moving|rolling)\b")
# "iPhone 15", "Game 5", "Nord Stream 1", "Boeing 737": a number that is part of a name.
_NAME_BEFORE_RE = re.compile(r"(?:(?<![.!?]\s)(?<!^)\b[A-Z][\w&]*|\b[a-z]+[A-Z][\w]*|&[A-Z]+)\s$")
_CAPITALISED_NOT_NAMES_WORDS = """In On At By For From To Of And Or But The A An Between Since
    About Around Over Under Nearly Almost Some With Only Just Up Down Than Until After Before
    During Per"""
_CAPITALISED_NOT_NAMES = frozenset(_CAPITALISED_NOT_NAMES_WORDS.split())
_PASSING_RE = re.compile(r"(?:surpass|exceed|topp|break|cross)")
_THRESHOLD_AFTER_RE = re.compile(r"\s+(?:mark|threshold|level|barrier|milestone|line)\b")
_PAREN_PERCENT_RE = re.compile(r"\)\s*(?P<pp>(?!))?(?:%|per\s?cent\b|percent\b)")
# "10 Downing Street", "221B Baker Street": a street number.
_STREET_AFTER_RE = re.compile(
    r"\s+(?:[A-Z][\w'-]*\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Boulevard|Blvd|Drive|Way|"
    r"Place|Square|Court|Terrace|Crescent|Highway)\b"
)
# "1,200 km long", "5m away": a distance stated, not the size of a thing named after it.
_PREDICATIVE_WORDS = "long wide high deep tall thick away north south east west across inland"
_PREDICATIVE = frozenset(_PREDICATIVE_WORDS.split())
_MODIFIERS = {"metric": "tonne", "square": "square_", "cubic": "cubic_"}


def _decimal_str(number: Decimal) -> str:
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


@dataclass(slots=True)
class _Parse:
    """The state of one figure while its pieces are read left to right."""

    start: int
    value: str = ""
    scale: str = ""
    currency: str = ""
    unit: str = ""
    kind: str = ""
    qualifier: str = "exact"
    words: bool = False  # spelled out ("six", "one thousand")
    m_suffix: bool = False  # "5m": million or metres, decided by what follows
    k_suffix: bool = False
    unit_source: str = ""  # hyphen, abbreviation, vocabulary or generic
    attributive: bool = False  # "a 5m wall": the size of the wall
    indian: int = 0  # a lakh or crore factor, turned into a standard scale at the end
    negative: bool = False


def _next_words(text: str, pos: int, end: int, count: int) -> list[tuple[str, int, int]]:
    words = []
    for _ in range(count):
        m = _NEXT_WORD_RE.match(text, pos, end)
        if not m:
            break
        words.append((m["w"], m.start("w"), m.end("w")))
        pos = m.end()
    return words


def _count_unit(text: str, pos: int, end: int) -> tuple[str, int] | None:
    """The counted noun after a number, from the vocabulary, within three words: (unit, end)."""
    words = _next_words(text, pos, end, 3)
    for index, (word, _ws, we) in enumerate(words):
        low = word.lower().strip("'\u2019")
        if low in _MODIFIERS and index + 1 < len(words):
            nxt = words[index + 1][0].lower()
            unit = COUNT_UNITS.get(nxt)
            if unit:
                unit = "tonne" if low == "metric" else _MODIFIERS[low] + unit
                return unit, words[index + 1][2]
        unit = COUNT_UNITS.get(low)
        if unit:
            return unit, we
        if low in _STOP or index == 2:
            return None
    return None


def _generic_unit(text: str, pos: int, end: int) -> tuple[str, int] | None:
    words = _next_words(text, pos, end, 1)
    if not words:
        return None
    word, _ws, we = words[0]
    low = word.lower()
    if (
        not word.isalpha()
        or not word.islower()
        or len(word) < 3
        or low in _STOP
        or low in _VERBS
        or low.endswith(("ed", "ing", "ly"))
    ):
        return None
    return singular(low), we


def _point_digits(words: str) -> str:
    return "".join(_DIGIT_WORDS[w] for w in re.findall(r"[a-z]+", words.lower()))


_CHANGED_BY_RE = re.compile(
    r"\b(?:rose|risen|fell|fallen|dropped|declined|decreased|increased|grew|grown|shrank|shrunk"
    r"|jumped|climbed|slumped|plunged|gained|lost|expanded|contracted|cut|reduced|raised"
    r"|lowered|slipped|slid|surged|soared|tumbled|up|down)\s+by\s+(?:[a-z]+\s+){0,2}$",
    re.IGNORECASE,
)


def _parse_number(match: re.Match[str], p: _Parse) -> bool:
    if match["digits"]:
        p.value = match["digits"]
        if match["pointd"]:  # "11-point-six percent"
            p.value = f"{match['digits']}.{_point_digits(match['pointd'])}"
            p.words = True
        return True
    if match["frac"]:
        if match["fracby"] and not _CHANGED_BY_RE.search(
            match.string, max(0, match.start() - 48), match.start()
        ):
            return False  # "delayed by a quarter" is a time, not a share
        phrase = match["frac"].lower()
        p.words = True
        p.kind, p.unit, p.unit_source = "percentage", "percent", "fraction"
        part = re.split(r"[\s-]+", phrase)[-1]
        part = "half" if part in ("half", "halves") else part.rstrip("s")
        share = FRACTIONS[part]
        count = word_value(match["fracn"]) if match["fracn"] else 1
        p.value = _decimal_str(min(share * (count or 1), Decimal(100)))
        if part == "third" and count == 2:
            p.value = "66.67"
        return True
    if match["mult"]:
        word = match["mult"].lower()
        p.words = True
        p.unit, p.kind, p.unit_source = "time", "quantity", "multiple"
        if word.startswith(("double", "twice")):
            p.value = "2"
        else:
            stem = next(k for k in MULTIPLES if word.startswith(k))
            p.value = str(MULTIPLES[stem])
        return True
    p.words = True
    if match["art"]:
        p.value = "0.5" if match["art"].lower().startswith("half") else "1"
        p.scale = match["artscale"].lower()
        return True
    phrase = match["words"]
    if match["pointw"]:
        phrase = phrase[: match.start("pointw") - match.start("words")]
        phrase = re.sub(r"[\s-]point[\s-]$", "", phrase)
    parts = words_to_parts(phrase)
    if parts is None:
        return False
    p.value, p.scale = str(parts[0]), parts[1]
    if match["pointw"]:  # "three-point-two trillion"
        p.value = f"{p.value}.{_point_digits(match['pointw'])}"
    return True


def _read_prefix(
    text: str, folded: str, start: int, limit: int, p: _Parse, rupee: str = "INR"
) -> bool:
    """Currency and qualifier before the number; False for "No. 5", "page 12", "[3]"."""
    # Each pattern ends at the number; its window is as long as its longest phrase, so that
    # the search does not try forty starting points for a five-character symbol.
    window_start = max(limit, start - 40)
    if _IDENTIFIER_BEFORE_RE.search(folded, max(limit, start - 16), start):
        return False
    q_end = start
    glued = start > limit and text[start - 1].isalpha()
    if glued:
        cur = _GLUED_CURRENCY_RE.search(text, max(limit, start - 5), start)
        if cur is None or (len(cur["c"]) == 3 and cur["c"] not in ISO_CODES):
            return False  # "G20", "iPhone15", "Su35": part of a name
    else:
        cur = _CURRENCY_BEFORE_RE.search(text, max(limit, start - 7), start)
    if cur and not p.words:
        code = cur["c"].replace(" ", "")
        p.currency = PREFIX_CURRENCIES.get(code, code if code in ISO_CODES else "")
        if code.startswith("Rs"):
            p.currency = rupee
        if p.currency:
            p.start = cur.start()
            q_end = cur.start()
    qual = _QUALIFIER_BEFORE_RE.search(folded, max(limit, q_end - 22), q_end)
    if qual:
        p.qualifier = _QUALIFIERS[" ".join(qual["q"].lower().split())]
        p.start = qual.start()
    elif p.words and _DETERMINER_BEFORE_RE.search(folded, window_start, start):
        return False  # "the two countries": a reference back, not a count
    return True


def _read_scale(folded: str, pos: int, end: int, p: _Parse) -> int:
    if p.scale:
        return pos
    m = _SCALE_AFTER_RE.match(folded, pos, end)
    if not m:
        return pos
    if m["abbr"]:
        p.scale = {"bn": "billion", "bln": "billion", "tn": "trillion", "trn": "trillion"}.get(
            m["abbr"].lower(), "million"
        )
    elif m["ind"]:
        word = " ".join(m["ind"].lower().replace("-", " ").split()).rstrip("s")
        p.indian = INDIAN_SCALES[word]
    elif m["word"]:
        p.scale = m["word"].lower()
    elif m["m"]:
        p.m_suffix = True
    else:
        p.k_suffix = True
    return m.end()


def _read_unit(text: str, folded: str, pos: int, end: int, p: _Parse) -> int:
    if p.kind == "percentage":
        return pos  # a fraction written out ("a fifth")
    m = _PERCENT_AFTER_RE.match(folded, pos, end)
    if not m and text[pos : pos + 1] == ")" and text[p.start - 1 : p.start] == "(":
        m = _PAREN_PERCENT_RE.match(folded, pos, end)  # "(0.85) per cent"
    if m and not p.m_suffix and not p.k_suffix:
        p.kind, p.unit = "percentage", "percentage_point" if m["pp"] else "percent"
        return m.end()
    if not p.currency:
        m = _CURRENCY_WORD_AFTER_RE.match(folded, pos, end)
        if m:
            word = " ".join(m["w"].lower().split())
            code = CURRENCY_WORDS.get(word, "")
            if word.startswith("dollar") and m["adj"]:
                code = DOLLAR_ADJECTIVES.get(" ".join(m["adj"].lower().split()), code)
            p.currency = code
            return m.end()
        m = _CURRENCY_CODE_AFTER_RE.match(text, pos, end)
        if m:
            p.currency = m["code"] or PREFIX_CURRENCIES[m["sym"]]
            return m.end()
    if p.currency:
        return pos
    if not p.m_suffix and not p.k_suffix:
        m = _HYPHEN_UNIT_AFTER_RE.match(folded, pos, end)
        if m:
            p.unit, p.unit_source = HYPHEN_UNITS[m["u"].lower()], "hyphen"
            p.attributive = True
            return m.end()
        if not p.words:
            m = _ATTACHED_UNIT_RE.match(text, pos, end) or _SPACED_UNIT_RE.match(text, pos, end)
            if m:
                p.unit, p.unit_source = ABBREVIATED_UNITS[m["u"]], "abbreviation"
                for big in ("billion", "million"):
                    if p.unit.startswith(big + "_") and not p.scale:  # "bcf/d", "bcm"
                        p.unit, p.scale = p.unit[len(big) + 1 :], big
                return _read_rate(folded, m.end(), end, p)
    calibre = _CALIBRE_BETWEEN_RE.match(folded, pos, end) if p.scale or p.words else None
    found = _count_unit(text, calibre.end() if calibre else pos, end)
    if found:
        p.unit, unit_end = found
        p.unit_source = "vocabulary"
        return _read_rate(folded, unit_end, end, p)
    if (not p.words or p.scale) and not p.m_suffix and not p.k_suffix:
        generic = _generic_unit(text, pos, end)
        if generic:
            p.unit, unit_end = generic
            p.unit_source = "generic"
            return unit_end
    return pos


def _read_rate(folded: str, pos: int, end: int, p: _Parse) -> int:
    """ "39 ships per day", "2 million barrels a day": the unit becomes a rate."""
    if p.unit in RATE_UNITS or "_per_" in p.unit:
        return pos
    m = _RATE_AFTER_RE.match(folded, pos, end)
    if not m:
        return pos
    per = m["per"] or {"d": "day", "yr": "year", "y": "year"}.get(m["abbr"], m["abbr"])
    per = "year" if per == "annum" else per
    if p.unit in ("day", "week", "month", "year", "hour") or per == "hour" and p.unit == "mile":
        return pos
    p.unit = f"{p.unit}_per_{per}"
    return m.end()


def _resolve_suffix_letters(p: _Parse) -> None:
    """Decide a trailing m or k: "US$5m" is five million, "a 5m wall" five metres."""
    if not (p.m_suffix or p.k_suffix):
        return
    if p.currency or p.unit_source in ("vocabulary", "generic") or p.k_suffix:
        p.scale = "million" if p.m_suffix else "thousand"
        return
    p.unit, p.unit_source = "metre", "abbreviation"


def _classify(text: str, pos: int, end: int, p: _Parse) -> bool:
    """Set the figure's kind; False when it is not a figure worth keeping."""
    if p.currency:
        p.kind, p.unit = "money", p.currency
        return True
    if p.kind == "percentage":
        return True
    if p.unit in MEASUREMENT_UNITS:
        p.kind = "measurement"
        return True
    if p.unit_source == "multiple":
        p.kind = "quantity"
        return True
    if p.unit in LENGTH_UNITS and p.unit_source in ("hyphen", "abbreviation"):
        if p.unit in ALWAYS_MEASUREMENT:
            p.attributive = True
        else:
            nxt = _next_words(text, pos, end, 1)
            if (
                nxt
                and nxt[0][1] == pos + 1
                and nxt[0][0].lower() not in _STOP
                and nxt[0][0].lower() not in _PREDICATIVE
            ):
                p.attributive = True
        if p.attributive:
            p.kind = "measurement"
            return True
    p.kind = "quantity"
    if p.words:
        if p.scale:
            return True
        if p.value == "1" and p.unit_source != "hyphen":
            return False  # "one of", "one side": a pronoun more often than a count
        if p.unit_source == "hyphen":
            return True
        return p.unit_source == "vocabulary" and p.unit not in WEAK_COUNT_UNITS
    return True


def _not_a_figure(
    text: str,
    folded: str,
    start: int,
    n_start: int,
    pos: int,
    end: int,
    match: re.Match[str],
    p: _Parse,
) -> bool:
    """Numbers that are no figure: "02" in a dateline, a name's number, a window's length.

    Ages become measurements here ("a 42-year-old man", "aged 65"): sizes, not counts.
    """
    digits = match["digits"] or ""
    before = folded[max(start, n_start - 20) : n_start]
    if len(digits) == 2 and digits.startswith("0"):
        return True  # "Oct. 02", "07:36": a date or clock part
    if p.kind == "quantity" and (
        text[n_start:pos].lower().endswith("-old") or _AGE_BEFORE_RE.search(before)
    ):
        p.kind = "measurement"
    if (
        p.unit in TIME_UNITS
        and _WINDOW_BEFORE_RE.search(before)
        and _WINDOW_AFTER_RE.match(folded, pos, end)
    ):
        return True
    if _STREET_AFTER_RE.match(text, match.end(), end):
        return True
    bare = not (
        (p.unit and p.unit_source != "generic") or p.currency or p.scale or p.kind == "percentage"
    )
    if bare and digits and "," not in digits and "." not in digits:
        name = _NAME_BEFORE_RE.search(text, max(start, n_start - 30), n_start)
        if name and name.group(0).strip() not in _CAPITALISED_NOT_NAMES:
            return True
    if p.words and text[n_start].isupper() and n_start > start:
        # "the Six-Day War", "the Big Four": a capitalised number inside a name.
        nxt = _next_words(text, pos, end, 1)
        if (
            text[n_start - 2 : n_start - 1] not in (".", "!", "?")
            and nxt
            and nxt[0][0][0].isupper()
        ):
            return True
    return False


def _is_year(p: _Parse, raw_number: str) -> bool:
    if not (len(raw_number) == 4 and raw_number.isdigit() and 1800 <= int(raw_number) <= 2100):
        return False
    return not (
        p.currency
        or p.kind == "percentage"
        or p.scale
        or p.qualifier != "exact"
        or p.unit_source in ("vocabulary", "abbreviation")
    )


def _normalise_value(raw: str, p: _Parse) -> str:
    if _DECIMAL_COMMA_RE.fullmatch(raw):
        return raw.replace(",", ".")
    if "," in raw:
        return raw.replace(",", "")
    if raw.count(".") > 1:
        return raw.replace(".", "")
    counted = p.kind == "quantity" and p.unit_source in ("vocabulary", "generic") and not p.scale
    if counted and "." in raw and len(raw.split(".")[1]) == 3:
        return raw.replace(".", "")  # "1.000 containers": a European thousands separator
    return raw


def _amount(value: str, scale: str) -> str:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    if scale:
        number *= SCALE_WORDS[scale]
    return _decimal_str(number)


_RUPEE_OF_WORD = {word: code for code, words in RUPEE_COUNTRIES.items() for word in words}
_RUPEE_WORDS_RE = re.compile("|".join(re.escape(w) for w in sorted(_RUPEE_OF_WORD, key=len)[::-1]))


def rupee_of(folded: str) -> str:
    """The rupee an article means by "Rs": the country it names most (India's by default)."""
    counts: dict[str, int] = {}
    for word in _RUPEE_WORDS_RE.findall(folded):
        code = _RUPEE_OF_WORD[word]
        counts[code] = counts.get(code, 0) + 1
    return max(counts, key=lambda code: counts[code]) if counts else "INR"


def _standard_scale(value: str, p: _Parse) -> str:
    """Turn a lakh or crore into a standard scale: "1,68,337 crore" -> 1.68337 trillion."""
    amount = Decimal(value) * p.indian
    for name in ("trillion", "billion", "million", "thousand"):
        if abs(amount) >= SCALE_WORDS[name]:
            p.scale = name
            return _decimal_str(amount / SCALE_WORDS[name])
    p.scale = ""
    return _decimal_str(amount)


def find_figures(
    text: str,
    start: int,
    end: int,
    exclude: Sequence[tuple[int, int]] = (),
    folded: str | None = None,
    rupee: str = "INR",
) -> list[Figure]:
    """Figures in text[start:end], skipping numbers inside the given spans (dates).

    `folded` is fold(text) (or of a prefix reaching `end`), computed once per article;
    `rupee` is the currency "Rs" stands for in this article (see rupee_of).
    """
    if folded is None:
        folded = fold(text[:end])
    figures: list[Figure] = []
    resume = start
    for candidate in _CANDIDATE_RE.finditer(folded, start, end):
        # A cheap scan finds where a number can start; the full pattern runs only there.
        if candidate.start() < resume:
            continue
        match = _NUMBER_RE.match(folded, candidate.start(), end)
        if match is None:
            continue
        resume = match.end()
        n_start, n_end = match.span()
        if any(a < n_end and n_start < b for a, b in exclude):
            continue
        if _SKIP_AFTER_RE.match(folded, n_end, end):
            continue
        p = _Parse(n_start)
        if not _parse_number(match, p):
            continue
        if (
            n_start > start
            and text[n_start - 1] in "-\u2212"
            and match["digits"]
            and (n_start - 1 == start or text[n_start - 2] in " (\n\t")
        ):
            p.negative, p.start = True, n_start - 1  # "-0.8%"
        if not _read_prefix(text, folded, n_start, start, p, rupee):
            continue
        pos = _read_scale(folded, n_end, end, p)
        plus = _PLUS_AFTER_RE.match(folded, pos, end) or _OR_MORE_RE.match(folded, pos, end)
        if plus:
            p.qualifier = "about" if plus.group(0).lower().endswith("so") else "at_least"
            pos = plus.end()
        bare = not p.words and not (p.scale or p.m_suffix or p.k_suffix)
        if (
            bare
            and _LETTER_AFTER_RE.match(text, pos, end)
            and not _ATTACHED_UNIT_RE.match(text, pos, end)
            and not _PERCENT_AFTER_RE.match(folded, pos, end)
        ):
            continue  # "5G", "3D": part of a name
        pos = _read_unit(text, folded, pos, end, p)
        _resolve_suffix_letters(p)
        if not _classify(text, pos, end, p):
            continue
        if not p.words and _is_year(p, match["digits"]):
            continue
        if _not_a_figure(text, folded, start, n_start, pos, end, match, p):
            continue
        if (
            p.qualifier == "more_than"
            and _PASSING_RE.match(folded, p.start)
            and not _THRESHOLD_AFTER_RE.match(folded, pos, end)
        ):
            # "surpassing the $8 trillion mark" passes a threshold; "exceeding the $5bn
            # collected last year" compares with a figure, which is exact.
            p.qualifier = "exact"
        more = _OR_MORE_RE.match(folded, pos, end)
        if more:
            p.qualifier = "at_least" if more["w"].lower() == "more" else "about"
            pos = more.end()
        value = _normalise_value(p.value, p) if not p.words else p.value
        value = value.replace("\u00a0", "").replace("\u202f", "").replace("\u2009", "")
        value = value.replace(" ", "")
        if p.indian:
            value = _standard_scale(value, p)
        if p.negative:
            value = "-" + value
        figures.append(
            Figure(
                value=value,
                qualifier=p.qualifier,
                unit=p.unit,
                scale=p.scale,
                currency=p.currency,
                amount=_amount(value, p.scale),
                kind=p.kind,
                raw=text[p.start : pos],
                span=Span(p.start, pos),
            )
        )
    return _share_range_units(folded, figures)


def _share_range_units(folded: str, figures: list[Figure]) -> list[Figure]:
    """Give the first number of a range the second's unit: "10 to 14 days", "5-7 per cent"."""
    for index in range(len(figures) - 1):
        first, second = figures[index], figures[index + 1]
        if first.unit or first.kind != "quantity" or not second.unit:
            continue
        if _RANGE_JOIN_RE.fullmatch(folded, first.span.end, second.span.start):
            figures[index] = replace(
                first,
                unit=second.unit,
                kind=second.kind,
                currency=second.currency,
                scale=first.scale or second.scale,
                amount=_amount(first.value, first.scale or second.scale),
            )
    return figures
