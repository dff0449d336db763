"""Dates and periods in a sentence, resolved against the published day and earlier dates.

One module over 400 lines: the date grammar (its patterns, the words of months, seasons and
fiscal years, and the resolution of relative dates) is one table read in one pass; split, its
parts would import each other's private patterns."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from .folding import fold
from .numbers import NUMBER_WORD, word_value
from .types import DateRef, Span
from .units import COUNT_UNITS

MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "last": -1,
    "final": -1,
}

_FULL = "january|february|march|april|may|june|july|august|september|october|november|december"
_ABBR = "jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"


def _mon(name: str) -> str:
    return rf"(?P<{name}>(?:{_FULL})\b|(?:{_ABBR})(?:\.|\b))"


_YEAR = r"(?:1[89]|20)\d\d"
_DAY = r"[0-3]?\d(?:st|nd|rd|th)?"
_N = rf"(?:an?|{NUMBER_WORD}|\d{{1,3}})"

_ISO_RE = re.compile(r"(?<![\d-])(?P<y>(?:1[89]|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\d-])")
_DMY_RE = re.compile(rf"\b(?P<d>{_DAY})(?:\s+of)?\s+{_mon('mon')},?\s+(?P<y>{_YEAR})\b")
_MDY_RE = re.compile(rf"\b{_mon('mon')}\s*(?P<d>{_DAY})(?:,\s*|\s+of\s+|\s+)(?P<y>{_YEAR})\b")
_MD_RE = re.compile(rf"\b{_mon('mon')}\s*(?P<d>{_DAY})\b(?!\s*(?:%|per\s?cent|[.,]\d))")
_DM_RE = re.compile(rf"\b(?P<d>{_DAY})(?:\s+of)?\s+{_mon('mon')}")
_MY_RE = re.compile(
    rf"\b(?:(?P<part>early|mid|late)[\s-]+)?{_mon('mon')}\s*,?\s+(?:of\s+)?(?P<y>{_YEAR})\b"
)
_MONTH_RANGE_RE = re.compile(
    rf"\b(?:(?P<lead>from|between)\s+)?{_mon('mon1')}(?:\s*,?\s+(?P<y1>{_YEAR}))?"
    rf"\s*(?P<join>-|\u2013|\u2014|to|and|until|till|through)\s*{_mon('mon2')}\s*,?\s+"
    rf"(?P<y2>{_YEAR})\b",
)
_YEAR_RANGE_RE = re.compile(
    rf"\b(?:(?P<lead>from|between)\s+)?(?P<y1>{_YEAR})\s*"
    r"(?P<join>-|\u2013|\u2014|/|to|and|until|till|through)\s*(?P<y2>(?:1[89]|20)\d\d|\d\d)\b"
    r"(?![\d%]|\s*per\s?cent)",
)
_PART_OF_YEAR_RE = re.compile(
    r"\bthe\s+(?P<which>first|second|third|fourth|last|final)\s+"
    rf"(?:(?P<n>{NUMBER_WORD}|\d{{1,2}})\s+)?(?P<unit>months?|quarters?|half|weeks?)\s+of\s+"
    rf"(?:the\s+year\s+)?(?P<y>{_YEAR})\b",
)
# "the first five months", "the third quarter" (of the year): the year from the context.
_PART_NO_YEAR_RE = re.compile(
    r"\bthe\s+(?P<which>first|second|third|fourth)\s+"
    rf"(?:(?P<n>{NUMBER_WORD}|\d{{1,2}})\s+)?(?P<unit>months|quarters?|half)\b"
    r"(?:\s+of\s+(?P<this>this|the|last|next)\s+(?:fiscal\s+|financial\s+|calendar\s+)?year\b)?"
    r"(?!\s+of\s+(?:the\s+year\s+)?(?:1[89]|20)\d\d)",
)
# "January-May", "between January and June" with no year: the whole range.
_MONTH_RANGE_NO_YEAR_RE = re.compile(
    rf"\b(?:(?P<lead>from|between|during|in)\s+)?{_mon('mon1')}\s*"
    rf"(?P<join>-|\u2013|\u2014|to|and|until|through)\s*{_mon('mon2')}"
    rf"(?!\s*,?\s+(?:of\s+)?(?:1[89]|20)\d\d)",
)
# "the corresponding month last year", "the same period of the previous year".
_SAME_PERIOD_RE = re.compile(
    r"\b(?:the\s+)?(?:same|corresponding)\s+(?P<unit>month|quarter|period|time|week)\s+"
    r"(?:of\s+|in\s+)?(?:the\s+)?(?:last|previous|preceding|prior|a)\s+year\b"
    r"(?:\s+ago|\s+earlier|\s+before)?"
)
# Fiscal years: "FY24", "FY2023-24", "fiscal year 2023-24", "fiscal 2025", "the next fiscal year".
_FISCAL_RE = re.compile(
    r"\b(?:(?:the\s+|its\s+|their\s+)?(?P<rel>next|current|this|last|previous|coming|new|latest"
    r"|most\s+recent|past)\s+"
    r"(?:fiscal|financial)\s+year\b(?!\s*(?:19|20)\d\d)"
    r"|(?:fy|fiscal\s+year|financial\s+year|fiscal|budget\s+year)\s?'?(?P<y1>(?:19|20)?\d\d)"
    r"(?:\s*(?:-|\u2013|/)\s*(?P<y2>(?:19|20)?\d\d))?\b(?![\d%])"
    rf"|(?P<y3>{_YEAR})\s*(?:-|\u2013|/)\s*(?P<y4>\d\d)\s+(?:fiscal|financial)\s+year\b)"
)
# "the fiscal year that ended March 31", "the year ending 30 June 2024": twelve months to that day.
_YEAR_ENDED_RE = re.compile(
    r"\b(?P<fiscal>(?:fiscal|financial)\s+)?year\s+(?:that\s+|which\s+)?end(?:ed|ing|s)\s+(?:on\s+)?"
    rf"(?:{_mon('mon')}\s*(?P<d>{_DAY})|(?P<d2>{_DAY})(?:\s+of)?\s+{_mon('mon2')})"
    rf"(?:,?\s+(?P<y>{_YEAR}))?\b"
)
_HYPHEN_YEAR_RE = re.compile(rf"\b(?:early|mid|late|end)-(?P<y>{_YEAR})\b")
_QUARTER_RE = re.compile(rf"\b(?P<q>[qh][1-4])\s*(?:of\s+)?(?P<y>{_YEAR})\b")
_DECADE_RE = re.compile(r"\bthe\s+(?:(?P<part>early|mid|late)[\s-]+)?(?P<dec>(?:1[89]|20)\d0)s\b")
_AGO_RE = re.compile(
    rf"\b(?P<n>{_N})\s+(?P<unit>day|week|month|year|decade)s?\s+"
    r"(?P<dir>ago|later|earlier|after|before|prior|on)\b",
)
_DEICTIC_RE = re.compile(
    r"\b(?:(?P<det>last|this|next|the\s+previous|the\s+preceding|the\s+prior|the\s+following|"
    r"the\s+next|the\s+same|that)\s+(?P<unit>year|month|week)|the\s+(?P<unit2>year|month|week)\s+"
    r"(?P<dir2>before|after|earlier|later))\b",
)
_BARE_MONTH_RE = re.compile(
    r"\b(?P<prep>in|since|by|until|till|from|during|through|throughout|before|after|last|this|"
    r"next|early|late|mid|of|compared\s+(?:with|to)|than|versus)[\s-]+"
    rf"(?P<mon>{_FULL})\b",
)
_BARE_YEAR_RE = re.compile(
    rf"(?<![\w$\u20ac\u00a3\u00a5.,/-])(?P<y>{_YEAR})\b(?![.,]\d|-\d|\s*(?:%|per\s?cent|percent))"
)
_WEEKDAY_RE = re.compile(
    r"\b(?P<prep>on|last|this|next|since|by|until)\s+"
    r"(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
)
_TODAY_RE = re.compile(r"\b(?P<w>yesterday|today|tomorrow|tonight)\b")

_DIGIT_RE = re.compile(r"\d")
_MONTH_WORD_RE = re.compile(rf"\b(?:{_ABBR}|may)")
_BARE_MONTH_HINT_RE = re.compile(rf"\b(?:{_FULL})\b")
_TIME_WORD_RE = re.compile(r"day|week|month|year|decade|tomorrow|tonight")
_SINCE_BEFORE_RE = re.compile(r"\bsince\s+(?:(?:early|mid|late)[\s-]+)?$")
_BASELINE_BEFORE_RE = re.compile(
    r"(?:\bcompared\s+(?:to|with)|\bthan(?:\s+in)?|\bversus|\bvs\.?|\bagainst|\brelative\s+to"
    r"|\bfrom(?=\s+the\s+same\b)|\b(?:up|down)\s+from)"
    r"\s+(?:(?:the\s+)?(?:same\s+(?:period|time|month)|levels?)\s+(?:of|in|last)\s+)?$",
)
# "up 5% on the previous year", "from a year earlier": a comparison only with a backward phrase.
_WEAK_BASELINE_BEFORE_RE = re.compile(r"\b(?:from|over|on)\s+$")
# "up 15% from 2023", "compared with Rs 1,49,577 crore collected in February 2023", "than the
# rate recorded in December 2019": the comparison word, a few words, then the date.
_FIGURE_FROM_BEFORE_RE = re.compile(
    r"(?:%|\d|\bcent|\bpercent|\bbillion|\bmillion|\btrillion|\btimes)\s+(?:from|over|on)\s+$"
)
_FAR_BASELINE_BEFORE_RE = re.compile(
    r"(?:(?:\bfrom|\bthan(?!\s+[\d$\u20ac\u00a3\u00a5\u20b9])|\bagainst|\bcompared\s+(?:with|to)|\bversus|"
    r"\bvs\.?)\s+"
    r"(?:(?!to\b)[^\s;]*[^\s,;]\s+){1,5}(?:in|during|of|for)\s+(?:the\s+)?$"
    r"|(?:\bfrom|\bthan(?!\s+[\d$\u20ac\u00a3\u00a5\u20b9])|\bagainst|\bcompared\s+(?:with|to))\s+"
    r"(?:(?!to\b)[^\s;]*[^\s,;]\s+){1,4}$)"
)
# "October last year", "March this year": a month of the year counted from the published day.
_MONTH_DEICTIC_RE = re.compile(rf"\b{_mon('mon')}\s+(?P<det>last|this|next)\s+year\b")
_BACKWARD_RE = re.compile(r"previous|preceding|prior|earlier|before|ago|last")
_DEICTIC_NOW_RE = re.compile(r"(?:last|this|next)\b|.*\bago$")
_NEXT_WORD_RE = re.compile(r"\s+(?P<w>[A-Za-z]+)")
_DATE_PREPOSITION_RE = re.compile(
    r"\b(?:in|by|since|of|from|until|till|to|before|after|during|through|throughout|early|late|"
    r"mid|end)[\s-]+$",
)
_YEAR_FIGURE_BEFORE_RE = re.compile(
    r"(?:more\s+than|less\s+than|fewer\s+than|about|around|nearly|almost|over|some|at\s+least|"
    r"up\s+to|approximately|roughly|[$\u20ac\u00a3\u00a5])\s*$",
)


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


@dataclass(slots=True)
class _Raw:
    """A matched expression, resolved once the earlier dates of the text are known."""

    start: int
    end: int
    resolve: Callable[[DateContext], tuple[dt.date, dt.date, str, str] | None]
    priority: int


@dataclass(slots=True)
class DateContext:
    """What relative dates resolve against: the published day and the last date mentioned."""

    published: dt.date | None = None
    last: DateRef | None = None
    # Month the fiscal year starts (India and Japan 4, Pakistan and Australia 7, the US 10) and
    # whether a one-year label names the year it ends in ("FY24" in India) or starts in
    # ("fiscal 2025" in Japan).
    fiscal_start: int = 4
    fiscal_named_by_end: bool = True
    paragraph: int = 0
    last_paragraph: int = -1


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _month_no(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _day(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _year_without(ctx: DateContext, month: int, prep: str = "") -> int | None:
    """The year of a month named without one: "last October", or "in October" after 2023."""
    pub = ctx.published
    if prep in ("last", "next", "this"):
        if pub is None:
            return None
        if prep == "last":
            return pub.year if month < pub.month else pub.year - 1
        if prep == "next":
            return pub.year if month > pub.month else pub.year + 1
        return pub.year
    if ctx.last is not None and ctx.last_paragraph == ctx.paragraph:
        year = ctx.last.end.year
        if pub is not None and ctx.last.end <= pub and (year, month) > (pub.year, pub.month):
            year -= 1  # "January compared with December", written in February
        return year
    if pub is not None:
        return pub.year if month <= pub.month else pub.year - 1
    return None


def _shift(
    base_start: dt.date, base_end: dt.date, base_precision: str, n: int, unit: str
) -> tuple[dt.date, dt.date, str] | None:
    """Move a period by n units; the result has the unit's precision (None off the calendar)."""
    try:
        return _shift_unchecked(base_start, base_end, base_precision, n, unit)
    except (ValueError, OverflowError):  # "900 decades ago" falls before year 1
        return None


def _shift_unchecked(
    base_start: dt.date, base_end: dt.date, base_precision: str, n: int, unit: str
) -> tuple[dt.date, dt.date, str] | None:
    base = base_end if n > 0 else base_start
    if unit == "year":
        year = base.year + n
        return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"
    if unit == "decade":
        year = base.year + 10 * n
        return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"
    if unit == "month":
        if base_precision == "year":
            return None
        y, m = shift_month(base.year, base.month, n)
        first, last = month_bounds(y, m)
        return first, last, "month"
    if base_precision != "day":
        return None
    days = n * (7 if unit == "week" else 1)
    day = base + dt.timedelta(days=days)
    return day, day, "day"


def _collect(text: str, folded: str, start: int, end: int) -> list[_Raw]:
    found: list[_Raw] = []
    # Cheap tests first: most sentences have no digit, month name or time word.
    digit = _DIGIT_RE.search(folded, start, end) is not None
    digit_month = digit and _MONTH_WORD_RE.search(folded, start, end) is not None
    month_name = _BARE_MONTH_HINT_RE.search(folded, start, end) is not None
    digit_month = digit_month or (digit and month_name)
    time_word = _TIME_WORD_RE.search(folded, start, end) is not None
    piece = folded[start:end]
    fiscal = "fy" in piece or "fiscal" in piece or "financial" in piece or "budget" in piece
    part_hint = "quarter" in piece or "half" in piece or "months" in piece
    same = "same" in piece or "corresponding" in piece
    deictic_year = month_name and (" year" in piece)
    if not (digit or month_name or time_word or fiscal or part_hint):
        return found  # nothing a date could be made of

    def scan(pattern: re.Pattern[str], wanted: bool):
        return pattern.finditer(folded, start, end) if wanted else ()

    def add(m: re.Match[str], resolve, priority: int, s: int | None = None) -> None:
        found.append(_Raw(m.start() if s is None else s, m.end(), resolve, priority))

    for m in scan(_ISO_RE, digit):
        day = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
        if day:
            add(m, lambda ctx, d=day: (d, d, "day", "explicit"), 0)

    for pattern, priority in ((_DMY_RE, 1), (_MDY_RE, 1)):
        for m in scan(pattern, digit_month):
            if not _capitalised(text[m.start("mon")]):
                continue
            day = _safe_date(int(m["y"]), _month_no(m["mon"]), _day(m["d"]))
            if day:
                add(m, lambda ctx, d=day: (d, d, "day", "explicit"), priority)

    for m in scan(_PART_OF_YEAR_RE, digit):
        resolved = _part_of_year(m)
        if resolved:
            add(m, lambda ctx, r=resolved: (*r, "explicit"), 2)

    for m in scan(_MONTH_RANGE_RE, digit_month):
        if not (_capitalised(text[m.start("mon1")]) and _capitalised(text[m.start("mon2")])):
            continue
        if m["join"].lower() == "and" and (m["lead"] or "").lower() != "between":
            continue
        y2 = int(m["y2"])
        y1 = int(m["y1"]) if m["y1"] else y2
        first = month_bounds(y1, _month_no(m["mon1"]))[0]
        last = month_bounds(y2, _month_no(m["mon2"]))[1]
        if first < last:
            add(m, lambda ctx, a=first, b=last: (a, b, "month", "explicit"), 2)

    for m in scan(_YEAR_RANGE_RE, digit):
        join = m["join"].lower()
        if join == "and" and (m["lead"] or "").lower() != "between":
            continue
        y1 = int(m["y1"])
        y2s = m["y2"]
        y2 = int(y2s) if len(y2s) == 4 else (y1 // 100) * 100 + int(y2s)
        if join == "/" and len(y2s) == 4:
            continue
        if y1 < y2 <= y1 + 100:
            a, b = dt.date(y1, 1, 1), dt.date(y2, 12, 31)
            add(m, lambda ctx, a=a, b=b: (a, b, "year", "explicit"), 3)

    for m in scan(_FISCAL_RE, fiscal):
        resolved_fy = _fiscal(m)
        if resolved_fy is not None:
            add(m, resolved_fy, 1)

    for m in scan(_PART_NO_YEAR_RE, part_hint):
        part = m

        def resolve_part(ctx: DateContext, m=part):
            year = _context_year(ctx, (m["this"] or "").lower())
            if year is None:
                return None
            fake = _part_of_year_values(m["which"], m["n"], m["unit"], year)
            if fake is None:
                return None
            first, last, precision = fake
            if ctx.published is not None and first > ctx.published and not m["this"]:
                fake = _part_of_year_values(m["which"], m["n"], m["unit"], year - 1)
                if fake is None:
                    return None
                first, last, precision = fake
            return first, last, precision, "relative"

        add(m, resolve_part, 3)

    for m in scan(_MONTH_RANGE_NO_YEAR_RE, month_name):
        if not (_capitalised(text[m.start("mon1")]) and _capitalised(text[m.start("mon2")])):
            continue
        if m["join"].lower() == "and" and (m["lead"] or "").lower() != "between":
            continue
        mon1, mon2 = _month_no(m["mon1"]), _month_no(m["mon2"])
        if mon1 >= mon2:
            continue

        def resolve_range(ctx: DateContext, mon1=mon1, mon2=mon2):
            year = _year_without(ctx, mon2)
            if year is None:
                return None
            return month_bounds(year, mon1)[0], month_bounds(year, mon2)[1], "month", "relative"

        start_at = m.start("mon1") if (m["lead"] or "").lower() in ("during", "in") else None
        add(m, resolve_range, 2, s=start_at)

    for m in scan(_SAME_PERIOD_RE, same and time_word):
        unit = m["unit"].lower()

        def resolve_same(ctx: DateContext, unit=unit):
            anchor = ctx.last
            if anchor is None:
                pub = ctx.published
                if pub is None:
                    return None
                if unit == "month":
                    first, last = month_bounds(pub.year - 1, pub.month)
                    return first, last, "month", "relative"
                return None
            year_before = _safe_date(anchor.start.year - 1, anchor.start.month, anchor.start.day)
            year_before_end = _safe_date(
                anchor.end.year - 1,
                anchor.end.month,
                28 if anchor.end.month == 2 and anchor.end.day == 29 else anchor.end.day,
            )
            if year_before is None or year_before_end is None:
                return None
            return year_before, year_before_end, anchor.precision, "relative"

        add(m, resolve_same, 1)

    for m in scan(_MONTH_DEICTIC_RE, deictic_year):
        if not _capitalised(text[m.start("mon")]):
            continue
        month, det = _month_no(m["mon"]), m["det"]

        def resolve_month_deictic(ctx: DateContext, month=month, det=det):
            if ctx.published is None:
                return None
            year = ctx.published.year + {"last": -1, "this": 0, "next": 1}[det]
            first, last = month_bounds(year, month)
            return first, last, "month", "relative"

        add(m, resolve_month_deictic, 2)

    for m in scan(_MY_RE, digit_month):
        if not _capitalised(text[m.start("mon")]):
            continue
        first, last = month_bounds(int(m["y"]), _month_no(m["mon"]))
        add(m, lambda ctx, a=first, b=last: (a, b, "month", "explicit"), 3)

    for pattern in (_DM_RE, _MD_RE):
        for m in scan(pattern, digit_month):
            if not _capitalised(text[m.start("mon")]) or not 1 <= _day(m["d"]) <= 31:
                continue
            month, day_no = _month_no(m["mon"]), _day(m["d"])

            def resolve_md(ctx: DateContext, month=month, day_no=day_no):
                year = _year_without(ctx, month)
                day = _safe_date(year, month, day_no) if year else None
                return (day, day, "day", "relative") if day else None

            add(m, resolve_md, 4)

    for m in scan(_YEAR_ENDED_RE, digit_month and time_word):
        name = m["mon"] or m["mon2"]
        if not _capitalised(text[m.start("mon") if m["mon"] else m.start("mon2")]):
            continue
        month, day_no = _month_no(name), _day(m["d"] or m["d2"])
        precision = "fiscal_year" if m["fiscal"] else "month"
        given = int(m["y"]) if m["y"] else None

        def resolve_ended(ctx: DateContext, month=month, day_no=day_no, given=given, p=precision):
            year = given or _year_without(ctx, month)
            last = _safe_date(year, month, day_no) if year else None
            if last is None:
                return None
            following = last + dt.timedelta(days=1)
            first = _safe_date(following.year - 1, following.month, following.day)
            return (first, last, p, "explicit" if given else "relative") if first else None

        add(m, resolve_ended, 1, s=m.start("fiscal") if m["fiscal"] else m.start())

    for m in scan(_HYPHEN_YEAR_RE, digit):
        year = int(m["y"])
        a, b = dt.date(year, 1, 1), dt.date(year, 12, 31)
        add(m, lambda ctx, a=a, b=b: (a, b, "year", "explicit"), 4)

    for m in scan(_QUARTER_RE, digit):
        year, kind, k = int(m["y"]), m["q"][0], int(m["q"][1])
        if kind == "q":
            a, b = month_bounds(year, 3 * k - 2)[0], month_bounds(year, 3 * k)[1]
        elif k <= 2:
            a, b = month_bounds(year, 6 * k - 5)[0], month_bounds(year, 6 * k)[1]
        else:
            continue
        add(m, lambda ctx, a=a, b=b: (a, b, "month", "explicit"), 4)

    for m in scan(_DECADE_RE, digit):
        dec = int(m["dec"])
        part = (m["part"] or "").lower()
        lo, hi = {"early": (0, 3), "mid": (4, 6), "late": (7, 9)}.get(part, (0, 9))
        a, b = dt.date(dec + lo, 1, 1), dt.date(dec + hi, 12, 31)
        add(m, lambda ctx, a=a, b=b: (a, b, "year", "explicit"), 4)

    for m in scan(_AGO_RE, time_word):
        n = int(m["n"]) if m["n"].isdigit() else word_value(m["n"])
        if not n:
            continue
        unit, direction = m["unit"].lower(), m["dir"].lower()
        sign = -1 if direction in ("ago", "earlier", "before", "prior") else 1

        def resolve_ago(ctx: DateContext, n=n, unit=unit, direction=direction, sign=sign):
            if direction == "ago":
                pub = ctx.published
                moved = _shift(pub, pub, "day", -n, unit) if pub else None
            elif ctx.last is not None:
                last = ctx.last
                moved = _shift(last.start, last.end, last.precision, sign * n, unit)
            else:
                moved = None
            return (*moved, "relative") if moved else None

        add(m, resolve_ago, 5)

    for m in scan(_DEICTIC_RE, time_word):
        unit = (m["unit"] or m["unit2"]).lower()
        det = " ".join((m["det"] or "").lower().split())
        if m["dir2"]:
            det = "the previous" if m["dir2"].lower() in ("before", "earlier") else "the following"
        add(m, lambda ctx, det=det, unit=unit: _deictic(ctx, det, unit), 6)

    for m in scan(_BARE_MONTH_RE, month_name):
        if not _capitalised(text[m.start("mon")]):
            continue
        month, prep = _month_no(m["mon"]), m["prep"].split()[0]

        def resolve_month(ctx: DateContext, month=month, prep=prep):
            year = _year_without(ctx, month, prep)
            if year is None:
                return None
            first, last = month_bounds(year, month)
            return first, last, "month", "relative"

        keep_prep = prep in ("last", "next", "this", "early", "late", "mid")
        add(m, resolve_month, 7, s=m.start() if keep_prep else m.start("mon"))

    for m in scan(_BARE_YEAR_RE, digit):
        before = folded[max(start, m.start() - 25) : m.start()]
        if _YEAR_FIGURE_BEFORE_RE.search(before):
            continue
        nxt = _NEXT_WORD_RE.match(folded, m.end(), end)
        if nxt and nxt["w"].lower() in COUNT_UNITS and not _DATE_PREPOSITION_RE.search(before):
            continue  # "2000 soldiers" is a count, "in 2000 soldiers ..." a year
        year = int(m["y"])
        a, b = dt.date(year, 1, 1), dt.date(year, 12, 31)
        add(m, lambda ctx, a=a, b=b: (a, b, "year", "explicit"), 8)

    for m in scan(_WEEKDAY_RE, time_word):
        if not _capitalised(text[m.start("wd")]):
            continue
        wd, prep = WEEKDAYS.index(m["wd"]), m["prep"]

        def resolve_weekday(ctx: DateContext, wd=wd, prep=prep):
            pub = ctx.published
            if pub is None:
                return None
            back = (pub.weekday() - wd) % 7
            if prep == "next":
                day = pub + dt.timedelta(days=(wd - pub.weekday()) % 7 or 7)
            elif prep == "last":
                day = pub - dt.timedelta(days=back or 7)
            else:
                day = pub - dt.timedelta(days=back)
            return day, day, "day", "relative"

        add(m, resolve_weekday, 8, s=m.start("wd") if prep in ("on", "since", "by") else None)

    for m in scan(_TODAY_RE, time_word):
        shift = {"yesterday": -1, "tomorrow": 1}.get(m["w"].lower(), 0)

        def resolve_today(ctx: DateContext, shift=shift):
            if ctx.published is None:
                return None
            day = ctx.published + dt.timedelta(days=shift)
            return day, day, "day", "relative"

        add(m, resolve_today, 8)
    return found


def _context_year(ctx: DateContext, this: str) -> int | None:
    """The year "the first five months" is in: the paragraph's year, else the published one."""
    pub = ctx.published
    if this in ("last", "next") and pub is not None:
        return pub.year + (1 if this == "next" else -1)
    if this == "this" and pub is not None:
        return pub.year
    if ctx.last is not None and ctx.last_paragraph == ctx.paragraph:
        return ctx.last.start.year
    return pub.year if pub is not None else None


def _fiscal_bounds(ctx: DateContext, start_year: int) -> tuple[dt.date, dt.date, str, str]:
    first = dt.date(start_year, ctx.fiscal_start, 1)
    end_year, end_month = shift_month(start_year, ctx.fiscal_start, 11)
    return first, month_bounds(end_year, end_month)[1], "fiscal_year", "explicit"


def _full_year(two_or_four: str, base: int | None = None) -> int:
    if len(two_or_four) == 4:
        return int(two_or_four)
    century = (base // 100) * 100 if base else 2000
    return century + int(two_or_four)


def _fiscal(m: re.Match[str]):
    """A resolver for a fiscal-year expression, or None when it is not one."""
    if m["rel"]:
        rel = " ".join(m["rel"].lower().split())
        backward = ("last", "previous", "latest", "most recent", "past")
        step = 1 if rel in ("next", "coming", "new") else -1 if rel in backward else 0

        def resolve_rel(ctx: DateContext, step=step):
            pub = ctx.published
            if pub is None:
                return None
            current = pub.year if pub.month >= ctx.fiscal_start else pub.year - 1
            first, last, precision, _ = _fiscal_bounds(ctx, current + step)
            return first, last, precision, "relative"

        return resolve_rel
    if m["y3"]:
        y1, y2 = int(m["y3"]), _full_year(m["y4"], int(m["y3"]))
        if y2 != y1 + 1:
            return None
        return lambda ctx, y1=y1: _fiscal_bounds(ctx, y1)
    y1 = _full_year(m["y1"])
    if m["y2"]:
        y2 = _full_year(m["y2"], y1)
        if y2 != y1 + 1:
            return None
        return lambda ctx, y1=y1: _fiscal_bounds(ctx, y1)
    if not 1900 <= y1 <= 2100:
        return None

    def resolve_one(ctx: DateContext, y1=y1):
        if ctx.fiscal_start == 1:
            return dt.date(y1, 1, 1), dt.date(y1, 12, 31), "fiscal_year", "explicit"
        return _fiscal_bounds(ctx, y1 - 1 if ctx.fiscal_named_by_end else y1)

    return resolve_one


def _part_of_year_values(
    which_word: str, n: str | None, unit_word: str, year: int
) -> tuple[dt.date, dt.date, str] | None:
    which = ORDINALS[which_word.lower()]
    unit = unit_word.lower().rstrip("s")
    count = None
    if n:
        count = int(n) if n.isdigit() else word_value(n)
        if not count:
            return None
    elif unit_word.lower() == "months":
        return None
    return _part_values(which, count, unit, year)


def _part_of_year(m: re.Match[str]) -> tuple[dt.date, dt.date, str] | None:
    year = int(m["y"])
    which = ORDINALS[m["which"].lower()]
    unit = m["unit"].lower().rstrip("s")
    count = None
    if m["n"]:
        count = int(m["n"]) if m["n"].isdigit() else word_value(m["n"])
        if not count:
            return None
    return _part_values(which, count, unit, year)


def _part_values(
    which: int, count: int | None, unit: str, year: int
) -> tuple[dt.date, dt.date, str] | None:
    if unit == "half":
        if count:
            return None
        first_month = 1 if which == 1 else 7
        return month_bounds(year, first_month)[0], month_bounds(year, first_month + 5)[1], "month"
    if unit == "week":
        weeks = count or 1
        if which == 1 and count:
            return (
                dt.date(year, 1, 1),
                dt.date(year, 1, 1) + dt.timedelta(days=7 * weeks - 1),
                "day",
            )
        if which == -1:
            return (
                dt.date(year, 12, 31) - dt.timedelta(days=7 * weeks - 1),
                dt.date(year, 12, 31),
                "day",
            )
        return None
    size = 3 if unit == "quarter" else 1
    top = 12 // size
    if count:  # "the first two months", "the last three quarters"
        if which not in (1, -1) or count > top:
            return None
        index_from, index_to = (1, count) if which == 1 else (top - count + 1, top)
    else:  # "the second quarter"
        index = top if which == -1 else which
        if index > top:
            return None
        index_from = index_to = index
    first = month_bounds(year, (index_from - 1) * size + 1)[0]
    last = month_bounds(year, index_to * size)[1]
    return first, last, "month"


def _deictic(ctx: DateContext, det: str, unit: str) -> tuple[dt.date, dt.date, str, str] | None:
    """last/this/next year (from the published day); the previous/following month (anaphoric)."""
    pub = ctx.published
    if det in ("last", "this", "next"):
        if pub is None:
            return None
        step = {"last": -1, "this": 0, "next": 1}[det]
        if unit == "week":
            monday = pub - dt.timedelta(days=pub.weekday()) + dt.timedelta(weeks=step)
            return monday, monday + dt.timedelta(days=6), "day", "relative"
        moved = _shift(pub, pub, "day", step, unit) if step else None
        if unit == "year":
            year = pub.year + step
            return dt.date(year, 1, 1), dt.date(year, 12, 31), "year", "relative"
        if moved is None:
            first, last = month_bounds(pub.year, pub.month)
            return first, last, "month", "relative"
        return (*moved, "relative")
    anchor = ctx.last
    step = {"the previous": -1, "the preceding": -1, "the prior": -1}.get(det, 0)
    if det in ("the following", "the next"):
        step = 1
    if anchor is None:
        if step == -1 and pub is not None and unit == "year":
            return dt.date(pub.year - 1, 1, 1), dt.date(pub.year - 1, 12, 31), "year", "relative"
        return None
    if unit == "week":
        if anchor.precision != "day":
            return None
        base = anchor.end if step >= 0 else anchor.start
        monday = base - dt.timedelta(days=base.weekday()) + dt.timedelta(weeks=step)
        return monday, monday + dt.timedelta(days=6), "day", "relative"
    if step == 0:  # "that year", "the same month"
        if unit == "year":
            year = anchor.end.year
            return dt.date(year, 1, 1), dt.date(year, 12, 31), "year", "relative"
        if anchor.precision == "year":
            return None
        first, last = month_bounds(anchor.end.year, anchor.end.month)
        return first, last, "month", "relative"
    moved = _shift(anchor.start, anchor.end, anchor.precision, step, unit)
    if unit == "year" and moved is None:
        return None
    return (*moved, "relative") if moved else None


def _select(found: list[_Raw]) -> list[_Raw]:
    """Keep the most specific expression where matches overlap, then sort by position."""
    chosen: list[_Raw] = []
    for raw in sorted(found, key=lambda r: (r.priority, -(r.end - r.start), r.start)):
        if all(raw.end <= c.start or raw.start >= c.end for c in chosen):
            chosen.append(raw)
    chosen.sort(key=lambda r: r.start)
    return chosen


# The month a country's fiscal year starts, and whether "FY24" names its last year.
FISCAL_COUNTRIES = (
    (("pakistan", "islamabad", "karachi"), 7, True),
    (("australia", "canberra", "egypt", "cairo", "bangladesh", "dhaka", "new zealand"), 7, True),
    (("japan", "tokyo"), 4, False),
    (("india", "delhi", "mumbai", "lakh", "crore"), 4, True),
    (("united kingdom", "britain", "uk's", "hmrc"), 4, True),
    (("congress", "pentagon", "white house", "federal budget"), 10, True),
)


_FISCAL_OF_WORD = {w: i for i, (words, _m, _e) in enumerate(FISCAL_COUNTRIES) for w in words}
_FISCAL_WORDS_RE = re.compile(
    "|".join(re.escape(w) for w in sorted(_FISCAL_OF_WORD, key=len, reverse=True))
)


def fiscal_year_of(folded: str) -> tuple[int, bool]:
    """The fiscal-year convention of an article: the country it names most (April by default)."""
    counts: dict[int, int] = {}
    for word in _FISCAL_WORDS_RE.findall(folded):
        index = _FISCAL_OF_WORD[word]
        counts[index] = counts.get(index, 0) + 1
    if not counts:
        return 4, True
    best = max(counts, key=lambda index: (counts[index], -index))
    return FISCAL_COUNTRIES[best][1], FISCAL_COUNTRIES[best][2]


def find_dates(
    text: str, start: int, end: int, ctx: DateContext, folded: str | None = None
) -> list[DateRef]:
    """Dates in text[start:end], resolved in reading order; updates ctx.last as it goes.

    `folded` is folding.fold(text) (or of a prefix reaching `end`), computed once per article.
    """
    if folded is None:
        folded = fold(text[:end])
    results: list[DateRef] = []
    since_flags: list[bool] = []
    for raw in _select(_collect(text, folded, start, end)):
        try:
            resolved = raw.resolve(ctx)
        except (ValueError, OverflowError):  # off the calendar: "next year" from 9999-12-31
            resolved = None
        if resolved is None:
            continue
        first, last, precision, source = resolved
        before = folded[max(start, raw.start - 40) : raw.start]
        since = _SINCE_BEFORE_RE.search(before)
        span_start = since.start() + max(start, raw.start - 40) if since else raw.start
        role = _role(folded, raw, before, bool(since), results)
        date = DateRef(
            first,
            last,
            precision,
            text[span_start : raw.end],
            Span(span_start, raw.end),
            role,
            source,
        )
        results.append(date)
        since_flags.append(bool(since))
        coarser = ctx.last is not None and ctx.last.precision != "day"
        if date.role == "reference" and not since and not (coarser and precision == "day"):
            ctx.last = date
            ctx.last_paragraph = ctx.paragraph
    return _close_since_ranges(results, since_flags, ctx.published)


def _role(folded: str, raw: _Raw, before: str, since: bool, earlier: list[DateRef]) -> str:
    """The role of a date: baseline if the sentence compares with it, else reference."""
    if since:
        return "reference"
    if _BASELINE_BEFORE_RE.search(before):
        return "baseline"  # "compared with the previous year"
    backward = _BACKWARD_RE.search(folded, raw.start, raw.end)
    if backward and _WEAK_BASELINE_BEFORE_RE.search(before):
        return "baseline"  # "up 5% on the previous year"
    if _FIGURE_FROM_BEFORE_RE.search(before):
        return "baseline"  # "up 9.4% from 2023"
    far = _FAR_BASELINE_BEFORE_RE.search(before)
    if far:
        words = far.group(0)
        if words.startswith("from"):  # "from 10% in 2018" compares; "from investors in" not
            return "baseline" if re.search(r"\d", words) else "reference"
        if backward or re.search(r"\d|\bin\s+(?:the\s+)?$|\bof\s+$", words):
            return "baseline"
    if (
        backward
        and not _DEICTIC_NOW_RE.match(folded, raw.start, raw.end)
        and any(d.role == "reference" for d in earlier)
    ):
        return "baseline"  # "$9.4bn in June 2023, up from $7bn a year earlier"
    return "reference"


def _close_since_ranges(
    dates: list[DateRef], since_flags: list[bool], published: dt.date | None
) -> list[DateRef]:
    """Close each "since August 2020" at the sentence's own later date, else the published day."""
    if not any(since_flags):
        return dates
    out = []
    for date, since in zip(dates, since_flags, strict=True):
        if not since:
            out.append(date)
            continue
        later = [
            d
            for d, s in zip(dates, since_flags, strict=True)
            if not s and d.role == "reference" and d.start > date.start
        ]
        if later:
            end, source = later[0].end, date.source
        elif published is not None and published >= date.start:
            end, source = published, "relative"
        else:
            end, source = date.end, date.source
        out.append(DateRef(date.start, end, date.precision, date.raw, date.span, date.role, source))
    return out
