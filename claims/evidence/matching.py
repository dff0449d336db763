"""Evidence matching: the passages of an archived text that bear on a claim's figure or date.

Pure Python (no ORM, no I/O): the services feed it a claim's facts and a capture's text and
store what comes back. The capture's text is read with the claim extractor's own grammar
(claims.extraction), so "a thousand containers", "1,000 containers" and "1.000 containers" are
one figure, "$114bn" and "114 billion dollars" one amount of USD, "43%" and "43 per cent" one
percentage.

How a passage is judged:

* A passage is one sentence of the capture's text (offsets into the text, end exclusive).
* A source figure is comparable with the claim's when both are of the same kind (money,
  percentage, quantity; never a measurement such as "122mm") and the same unit (currency,
  percent or percentage point, counted noun). Amounts are compared with the scale applied.
* Both figures stand for a range of values: an exact figure for the rounding interval of its
  stated precision ("114 billion" is [113.5, 114.5) billion, "114.2 billion" [114.15, 114.25)),
  "about X" for [0.9X, 1.1X], "nearly X" for [0.9X, X], "more than X" for (X, ∞), "at least X"
  for [X, ∞), "less than X" for (-∞, X), "up to X" for (-∞, X].
  - claim exact, source exact: agrees when the two rounding intervals overlap, else disagrees;
  - claim with a qualifier, source exact: agrees when the source's value lies in the claim's
    range ("more than 1,000" agrees with 1,200, disagrees with 800);
  - source with a qualifier: agrees when its range lies inside the claim's, disagrees when the
    ranges do not meet, and only "mentions" (consistent, not conclusive) when they overlap.
* Dates: a figure is read with the date nearest to it in its sentence (or the previous sentence's
  date in the same paragraph). A figure about a period that does not overlap the claim's is not
  compared at all; one about a longer or shorter period (a yearly total against a monthly claim)
  is only a mention, never a test of the claim's figure.
* A claim with a date and no figure (an event) agrees with a passage that shares its topic and
  gives a date within the claim's period, and disagrees with one that shares its topic and gives
  another date of the same precision.
* "mentions": the passage shares the claim's period and at least one of its content words
  without a comparable figure.

Each passage gets a score in [0, 1] (the verdict, how well the periods and the words match);
at most MAX_MATCHES passages per claim and text are kept, best first.

Why one long module: the reading of a source sentence (figures, their periods, what they count)
and the comparison rules above are one grammar that changes together, tuned against the
evaluation set rule by rule; splitting it would scatter each rule between files. Its helpers
(what a figure counts, unit conversion) already live beside it in figure_words.py and
quantities.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from claims.evidence.figure_words import (
    DIRECTION_WORDS,
    RIVALS,
    FigureReading,
    canonical,
    fold_names,
    read_figure,
)
from claims.evidence.quantities import PEOPLE_NOUNS, convert, dimension, is_currency
from claims.extraction import DateContext, find_dates, find_figures, split_sentences
from claims.extraction.core import article_conventions
from claims.extraction.folding import fold
from claims.extraction.types import DateRef, Figure

__all__ = [
    "MAX_MATCHES",
    "MAX_TEXT_CHARS",
    "AGREES",
    "DISAGREES",
    "MENTIONS",
    "ClaimFacts",
    "ClaimFigureFacts",
    "Match",
    "Range",
    "TextFacts",
    "analyse_text",
    "claim_figure",
    "compare_amounts",
    "concept_words",
    "content_words",
    "figure_range",
    "match_claim",
    "source_date",
]

AGREES, DISAGREES, MENTIONS = "agrees", "disagrees", "mentions"
# The matcher reads this much of a capture's text (cut at a line break): a long report's first
# half-million characters, some 80,000 words. Longer texts are matched on that prefix only.
MAX_TEXT_CHARS = 500_000
MAX_MATCHES = 10

_INF = Decimal("Infinity")
_SCALES = {
    "": Decimal(1),
    "thousand": Decimal(10) ** 3,
    "million": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
    "trillion": Decimal(10) ** 12,
}
_PERCENT_UNITS = frozenset({"percent", "percentage_point"})
_QUALIFIER_WORDS = {
    "exact": "",
    "": "",
    "about": "about",
    "more_than": "more than",
    "less_than": "less than",
    "at_least": "at least",
    "up_to": "up to",
    "nearly": "nearly",
}

_WORD_RE = re.compile(r"[^\W\d_][\w'\u2019-]*")
_STOP_WORDS = """
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers him his how i if in into is it its itself just last least less
like made make many may me might more most much must my near nearly no nor not now of off on once
only or other our out over own per said same says say she should since so some such than that the
their them then there these they this those through to too under until up upon very was we were
what when where which while who whom why will with would year years month months week weeks day
days you your according reported report percent cent total number figure figures around
approximately roughly almost estimated some new first second third one two three four five six
seven eight nine ten hundred thousand million billion trillion dollar dollars
january february march april june july august september october november december
earlier later previous ago period season time fiscal calendar quarter
monday tuesday wednesday thursday friday saturday sunday
"""
_STOP = frozenset(_STOP_WORDS.split())
# Verbs that carry no concept of their own ("came in at", "received", "stood at"), stemmed.
_LINK_VERBS = """
came come com receiv get got gett provid provide reach stood stand stands total amount
account welcom
sent send sending
saw see show register post hit remain continu make take took give gave go went put set kept
keep bring brought recorded record logg log ended end stat say told announc releas publish
travell travel went
cross sail sailed transit transited pass passed
"""
_LINK = frozenset(_LINK_VERBS.split())


# Claims and texts ------------------------------------------------------------------------------


def _kind_of(unit: str) -> str:
    if unit in _PERCENT_UNITS:
        return "percentage"
    if is_currency(unit):
        return "money"
    return "quantity"


@dataclass(frozen=True, slots=True)
class ClaimFigureFacts:
    """One figure of a claim, with what it counts and the period it is about."""

    value: Decimal
    unit: str
    qualifier: str = ""
    scale: str = ""
    high: Decimal | None = None
    direction: str = "none"
    change: str = "level"
    per: str = ""
    outlook: bool = False
    concept_words: frozenset[str] = frozenset()
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    precision: str = ""
    baseline: DateRef | None = None
    # Concept words the claim writes capitalised (names of places, bodies, products), and its
    # first word as written when capitalised (a name or just the sentence's start).
    names: frozenset[str] = frozenset()
    first_word: tuple[str, str] = ("", "")

    @property
    def kind(self) -> str:
        return _kind_of(self.unit)

    @property
    def amount(self) -> Decimal:
        return self.value * _SCALES.get(self.scale, Decimal(1))

    @property
    def step(self) -> Decimal:
        """The figure's stated precision, scale applied: 114 billion -> 1 billion."""
        return _step(self.value.normalize()) * _SCALES.get(self.scale, Decimal(1))

    @property
    def has_period(self) -> bool:
        return self.period_start is not None and self.period_end is not None


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    """What the matcher needs of a claim: its words, figures and period.

    `value` ... `precision` are the claim's main figure as the Claim row stores it; `figures`
    lists every figure to compare (built from the main one when not given).
    """

    text: str
    value: Decimal | None = None
    qualifier: str = ""
    unit: str = ""
    scale: str = ""
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    precision: str = ""
    figures: tuple[ClaimFigureFacts, ...] = ()

    def __post_init__(self) -> None:
        if not self.figures and self.value is not None and self.unit:
            main = claim_figure(
                self.text,
                value=self.value,
                unit=self.unit,
                qualifier=self.qualifier,
                scale=self.scale,
                period_start=self.period_start,
                period_end=self.period_end,
                precision=self.precision,
            )
            object.__setattr__(self, "figures", (main,))

    @classmethod
    def of(cls, claim: Any, figures: Iterable[ClaimFigureFacts] = ()) -> ClaimFacts:
        """From anything with a Claim's attributes (a model instance, a test double)."""
        start = claim.period_start
        return cls(
            text=claim.text or "",
            value=claim.value,
            qualifier=claim.qualifier or "",
            unit=claim.unit or "",
            scale=claim.scale or "",
            period_start=start,
            period_end=(claim.period_end or start) if start else None,
            precision=claim.date_precision or "",
            figures=tuple(figures),
        )

    @property
    def has_figure(self) -> bool:
        return bool(self.figures)

    @property
    def has_period(self) -> bool:
        return self.period_start is not None and self.period_end is not None

    @property
    def matchable(self) -> bool:
        return self.has_figure or self.has_period

    @property
    def kind(self) -> str:
        return _kind_of(self.unit)

    @property
    def amount(self) -> Decimal:
        """The main figure's amount (scale applied)."""
        return self.figures[0].amount

    @property
    def step(self) -> Decimal:
        """The main figure's stated precision, scale applied."""
        return self.figures[0].step


def concept_words(text: str, unit: str = "") -> frozenset[str]:
    """A claim's words that say what is counted: its content words without the direction
    verbs and the unit's own noun (the unit is compared on its own)."""
    noun = unit.split("_")[0].lower()
    skip = content_words(f"{noun} {_plural(noun)}") if unit else frozenset()
    parts = {p for w in content_words(text.replace("-", " ")) for p in (w,)}
    return frozenset(
        canonical(w)
        for w in parts
        if w not in _DIRECTION_STEMS and w not in skip and w not in _LINK and w not in _STOP
    )


_FROM_BEFORE_RE = re.compile(r"\b(?:from|than|over|compared\s+(?:with|to)|versus|vs\.?)\s+$")


def claim_figure(
    text: str,
    *,
    value: Decimal,
    unit: str,
    qualifier: str = "",
    scale: str = "",
    high: Decimal | None = None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    precision: str = "",
    **given: Any,
) -> ClaimFigureFacts:
    """A claim figure with its direction, change or level, rate and concept read from the
    claim's text (where the figure is found in it); `given` fields (direction=, change=,
    concept_words=, per=) override what is read."""
    reading = FigureReading()
    baseline = None
    amount = value * _SCALES.get(scale, Decimal(1))
    folded = fold(text)
    found = find_figures(text, 0, len(text), [], folded) if text else []
    for figure in found:
        try:
            same = Decimal(figure.amount) == amount
        except InvalidOperation:
            same = False
        if same:
            reading = read_figure(text, 0, len(text), figure, [f for f in found if f is not figure])
            break
    dates: list[DateRef] = []
    if text:
        dates = find_dates(text, 0, len(text), DateContext(published=period_end), folded)
        baseline = next(
            (
                d
                for d in dates
                if d.role == "baseline" or _FROM_BEFORE_RE.search(text[: d.span.start][-16:])
            ),
            None,
        )
    words = given.pop("concept_words", None)
    if text and words is None:
        # The claim's own dates ("in fiscal 2015/16") say when, not what is counted.
        dated = list(text)
        for d in dates:
            start = max(0, d.span.start - 12)
            lead_in = re.search(
                r"(?:fiscal|financial|calendar)(?:\s+year)?\s+$", text[start : d.span.start]
            )
            cut = start + lead_in.start() if lead_in else d.span.start
            dated[cut : d.span.end] = " " * (d.span.end - cut)
        words = concept_words("".join(dated), unit)
    tokens = _WORD_RE.findall(text)
    names = frozenset(
        canonical(_stem(t.lower().removesuffix("'s").removesuffix("\u2019s")))
        for t in tokens[1:]
        if t[:1].isupper()
    )
    first = ("", "")
    if tokens and tokens[0][:1].isupper():
        surface = tokens[0].removesuffix("'s").removesuffix("\u2019s")
        first = (canonical(_stem(surface.lower())), surface)
    return ClaimFigureFacts(
        names=names,
        first_word=first,
        value=value,
        unit=unit,
        qualifier=qualifier or "",
        scale=scale or "",
        high=high,
        direction=given.pop("direction", None) or reading.direction,
        change=given.pop("change", None) or reading.change,
        per=given.pop("per", None) or reading.per,
        outlook=reading.outlook,
        concept_words=frozenset(words) if words else concept_words(text, unit),
        period_start=period_start,
        period_end=(period_end or period_start) if period_start else None,
        precision=precision,
        baseline=baseline,
    )


@dataclass(frozen=True, slots=True)
class SentenceFacts:
    """One sentence of a text with the figures and dates the extractor found in it."""

    start: int
    end: int
    paragraph: int
    figures: tuple[Figure, ...]
    dates: tuple[DateRef, ...]
    # The previous sentence's reference date in the same paragraph, for a sentence with none.
    inherited: DateRef | None = None


@dataclass(frozen=True, slots=True)
class TextFacts:
    """A text read once, to be matched against any number of claims.

    `source_date` is the day the source's relative dates ("last year", "in March") were read
    against, `source_date_basis` says where it came from (or why there is none); `scanned` is
    how many characters were searched (all of them unless the text is longer than the limit).
    """

    text: str
    sentences: tuple[SentenceFacts, ...]
    scanned: int
    source_date: dt.date | None = None
    source_date_basis: str = ""
    # The first period the text's opening names: what an undated figure is read as being about
    # when nothing nearer says (enough to disagree, never to agree).
    lead_period: DateRef | None = None
    _words: dict[int, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)
    _topic: list[dict[str, list[int]]] = field(default_factory=list, compare=False, repr=False)
    _names: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)
    _units: list[dict[tuple[str, str], list[int]]] = field(
        default_factory=list, compare=False, repr=False
    )
    _readings: dict[tuple[int, int], FigureReading] = field(
        default_factory=dict, compare=False, repr=False
    )

    def words(self, index: int) -> frozenset[str]:
        cached = self._words.get(index)
        if cached is None:
            sentence = self.sentences[index]
            cached = frozenset(
                canonical(w) for w in content_words(self.text[sentence.start : sentence.end])
            )
            self._words[index] = cached
        return cached

    def _counts(self) -> dict[str, list[int]]:
        if not self._topic:
            where: dict[str, list[int]] = {}
            for index in range(len(self.sentences)):
                for word in self.words(index):
                    where.setdefault(word, []).append(index)
            self._topic.append(where)
        return self._topic[0]

    def word_index(self) -> dict[str, list[int]]:
        """Each content word -> the sentences that have it, in reading order."""
        return self._counts()

    def unit_index(self) -> dict[tuple[str, str], list[int]]:
        """Each (kind, unit) of the text's figures -> the sentences that have one."""
        if not self._units:
            index: dict[tuple[str, str], list[int]] = {}
            for i, sentence in enumerate(self.sentences):
                for figure in sentence.figures:
                    where = index.setdefault((figure.kind, figure.unit), [])
                    if not where or where[-1] != i:
                        where.append(i)
            self._units.append(index)
        return self._units[0]

    def is_topic(self, word: str, index: int, name: bool = False) -> bool:
        """Whether a claim word may go unsaid next to a figure in sentence `index` because the
        text as a whole is about it. A name ("Egypt") is when the headline and first sentences
        say it; any word is when a fifth of the sentences do and it does not label another
        figure elsewhere ("core" in a text that gives core and rural inflation side by side,
        "exports" in one that gives exports and imports)."""
        where = self._counts().get(word, [])
        if not where:
            return False
        if self.is_lead(word, index):
            return True
        if len(where) < max(2, len(self.sentences) // 5):
            return False
        return not any(self.sentences[i].figures for i in where if i != index)

    def is_lead(self, word: str, index: int = -1) -> bool:
        """Whether the text's opening (headline and first sentences, other than sentence
        `index`) says this word."""
        where = self._counts().get(word, [])  # in reading order: the first two say it
        return any(i < self.lead_count and i != index for i in where[:2])

    @property
    def lead_count(self) -> int:
        return 3 if len(self.sentences) >= 8 else 1

    def is_name(self, surface: str) -> bool:
        """Whether the text writes this word only capitalised (a name, not a common noun)."""
        cached = self._names.get(surface)
        if cached is None:
            lower = surface.lower()
            cached = lower == surface or not re.search(rf"\b{re.escape(lower)}\b", self.text)
            cached = cached and lower != surface
            self._names[surface] = cached
        return cached

    def previous_words(self, index: int) -> frozenset[str]:
        """The words of the paragraph's previous sentence ("In all, 1,400 containers ...")."""
        if index == 0 or self.sentences[index - 1].paragraph != self.sentences[index].paragraph:
            return frozenset()
        return self.words(index - 1)

    def anaphora_words(self, index: int) -> frozenset[str]:
        """The previous sentence's words, for a sentence that opens by pointing back to it
        ("The figure is a 7% rise ...")."""
        sentence = self.sentences[index]
        # Across a paragraph break too: news sites often make each sentence a paragraph.
        if index == 0 or not _ANAPHORA_RE.match(self.text, sentence.start):
            return frozenset()
        return self.words(index - 1)

    def reading(self, index: int, figure: Figure) -> FigureReading:
        key = (index, figure.span.start)
        cached = self._readings.get(key)
        if cached is None:
            sentence = self.sentences[index]
            others = [f for f in sentence.figures if f is not figure]
            cached = read_figure(self.text, sentence.start, sentence.end, figure, others)
            self._readings[key] = cached
        return cached

    @property
    def searched_note(self) -> str:
        """What part of the text was searched, when not all of it."""
        if self.scanned >= len(self.text):
            return ""
        return (
            f"only the first {self.scanned:,} of {len(self.text):,} characters were searched "
            f"(the matcher reads at most {MAX_TEXT_CHARS:,} characters of a text)"
        )


_ANAPHORA_RE = re.compile(
    r"\W*(?:the\s+(?:figure|total|amount|number|sum|rise|increase|fall|drop|growth|decline)"
    r"|this|that|it|they|these|those)\b",
    re.IGNORECASE,
)


def _scan_limit(text: str, limit: int) -> int:
    if len(text) <= limit:
        return len(text)
    cut = text.rfind("\n", limit // 2, limit)
    return cut if cut > 0 else limit


_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTH_ABBREVIATIONS = "jan feb mar apr may jun jul aug sep oct nov dec"
_MONTH_NO = {name[:3]: i for i, name in enumerate(_MONTH_ABBREVIATIONS.split(), start=1)}
# Day-month-year and month-year dates, to date a source that carries no published date.
_DAY_DATE_RE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})\s+(?P<m1>{_MONTHS})\.?,?\s+(?P<y1>(?:19|20)\d\d)"
    rf"|(?P<m2>{_MONTHS})\.?\s+(?:(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+)?(?P<y2>(?:19|20)\d\d))\b",
    re.IGNORECASE,
)
_DATELINE_RE = re.compile(
    r"^(?:.{0,40}?\b(?:published|updated|posted)(?:\s+on)?\s*:?\s*|\W*)"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?$",
    re.IGNORECASE,
)


def _found_day(match: re.Match[str]) -> tuple[dt.date, bool] | None:
    """The day a date match names (and whether it named the day itself)."""
    month = _MONTH_NO[(match.group("m1") or match.group("m2"))[:3].lower()]
    year = int(match.group("y1") or match.group("y2"))
    day = match.group("d1") or match.group("d2")
    try:
        if day:
            return dt.date(year, month, int(day)), True
        first = dt.date(year, month, 1)
    except ValueError:
        return None
    # A month is reported once it is over: a text naming "March 2024" is from April or later.
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1), False


_PROSE_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_COMPARED_BEFORE_RE = re.compile(
    r"\b(?:from|than|compared\s+(?:with|to)|versus|against)\s+(?:[^\s;]+\s+){0,4}?$",
    re.IGNORECASE,
)


def _year_on_year(
    text: str, line_start: int, match: re.Match[str], found: tuple[dt.date, bool]
) -> tuple[dt.date, bool]:
    """ "fell to 14% in August from 21% in August 2023": a month-year compared against, with the
    same month named bare before it in its sentence, is the year before the text's own period."""
    start = match.start()
    if found[1] or not _COMPARED_BEFORE_RE.search(text, max(line_start, start - 40), start):
        return found
    month = (match.group("m1") or match.group("m2"))[:3].lower()
    bare = re.compile(
        rf"\b{month}[a-z]*\b(?!\.?,?\s+(?:\d{{1,2}}\D{{0,4}})?(?:19|20)\d\d)", re.IGNORECASE
    )
    sentence_start = max(text.rfind(". ", line_start, start), line_start)
    if bare.search(text, sentence_start, start) is None:
        return found
    day = found[0]
    return day.replace(year=day.year + 1), False


def source_date(
    text: str, *, published: dt.date | None = None, captured: dt.date | None = None
) -> tuple[dt.date | None, str]:
    """The day a source's relative dates are read against, and where it came from.

    The page's published date (from its metadata) when known; else a date line at the top of
    the text ("Updated on: Mon, 9 Dec 2024", or a line that is only a date); else the latest
    day or month the text names, no later than the capture date (a news text is written soon
    after the last date it reports); else the capture date itself.
    """
    if published is not None:
        return published, f"published {published:%-d %B %Y} (the page's metadata)"
    head = text[:800]
    for line in head.splitlines()[:12]:
        for match in _DAY_DATE_RE.finditer(line):
            found = _found_day(match)
            rest = line[match.end() :].strip(" ,.")
            if (
                found
                and found[1]
                and _DATELINE_RE.match(line[: match.start()])
                and (not rest or re.fullmatch(r"[\d:apmAPM .]*[A-Z]{0,4}", rest))
            ):
                return found[0], f"{found[0]:%-d %B %Y}, the date line of the text"
    latest: dt.date | None = None
    # The headline, byline and dateline: the only short lines that may date the text.
    lines = [m.end() for m in re.finditer(r"[^\n]*\S[^\n]*", text[:2000])][:3]
    top = lines[-1] if lines else 0
    for match in _DAY_DATE_RE.finditer(text):
        found = _found_day(match)
        if found is None:
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        line_end = line_end if line_end >= 0 else len(text)
        if (
            line_start > top
            and line_end - line_start < 120
            and len(_PROSE_WORD_RE.findall(text, line_start, line_end)) < 6
        ):
            continue  # below the top, a short line is a calendar or footer ("<< Apr 2019 >>")
        found = _year_on_year(text, line_start, match, found)
        if captured is not None and found[0] > captured:
            continue
        if latest is None or found[0] > latest:
            latest = found[0]
    if latest is not None:
        return latest, (
            f"{latest:%-d %B %Y}, estimated: no published date, so the day after the latest "
            "day or month the text names"
        )
    if captured is not None:
        return captured, f"{captured:%-d %B %Y}, the capture date (no published date found)"
    return None, "unknown: relative dates in the source were not read"


_BASELINE_BEFORE_RE = re.compile(
    r"\b(?:from|than|over|compared\s+(?:with|to)|versus|vs\.?|against)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


def _as_baseline(text: str, date: DateRef) -> DateRef:
    """ "43% from 2019", "up on 2022": a date right after from/than/compared with is the
    comparison point, not the period the figure is about."""
    if date.role == "baseline" or not _BASELINE_BEFORE_RE.search(
        text[max(0, date.span.start - 24) : date.span.start]
    ):
        return date
    return replace(date, role="baseline")


def analyse_text(
    text: str,
    *,
    limit: int = MAX_TEXT_CHARS,
    published: dt.date | None = None,
    captured: dt.date | None = None,
) -> TextFacts:
    """Split a capture's text into sentences and read every figure and date in them.

    Relative dates ("last year") are read against the source's own date (see source_date):
    `published` is the page's published date from its metadata, `captured` the capture's day.
    """
    scanned = _scan_limit(text, limit)
    folded = fold(text[:scanned])
    day, basis = source_date(text[:scanned], published=published, captured=captured)
    rupee, context = article_conventions(folded, day)
    sentences: list[SentenceFacts] = []
    previous: DateRef | None = None
    previous_paragraph = -1
    for sentence in split_sentences(text, scanned):
        start, end = sentence.start, sentence.end
        context.paragraph = sentence.paragraph  # a bare month takes its own paragraph's year
        dates = tuple(
            _as_baseline(text, d)
            for d in find_dates(text, start, end, context, folded)
            if d.source in ("explicit", "relative")
        )
        spans = [(d.span.start, d.span.end) for d in dates]
        figures = tuple(
            f
            for f in find_figures(text, start, end, spans, folded, rupee)
            if f.kind != "measurement"
        )
        if sentence.paragraph != previous_paragraph:
            previous = None
        has_reference = any(d.role == "reference" for d in dates)
        inherited = previous if not has_reference else None
        sentences.append(SentenceFacts(start, end, sentence.paragraph, figures, dates, inherited))
        reference = next((d for d in dates if d.role == "reference"), None)
        if reference is not None:
            previous = reference
        previous_paragraph = sentence.paragraph
    lead = next(
        (
            d
            for sentence in sentences[:3]
            for d in sentence.dates
            if d.role == "reference" and d.precision != "day"
        ),
        None,
    )
    return TextFacts(
        text=text,
        sentences=tuple(sentences),
        scanned=scanned,
        source_date=day,
        source_date_basis=basis,
        lead_period=lead,
    )


# Words -----------------------------------------------------------------------------------------


_NOT_PLURAL = frozenset({"news", "lens", "yes", "does", "goes", "gas"})


def _stem(word: str) -> str:
    """A light stem: plurals and -ing/-ed endings off ("revenues" and "revenue" are one)."""
    if len(word) == 4 and word[-1] == "s" and word[-2] not in "isu" and word not in _NOT_PLURAL:
        return word[:-1]  # "cars", "jobs", "oils"
    if word.endswith("ss") or len(word) < 5:
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes", "zes")):
        return word[:-2]
    for suffix in ("ing", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


_DIRECTION_STEMS = frozenset(_stem(w) for w in DIRECTION_WORDS) | DIRECTION_WORDS
_PEOPLE_STEMS = frozenset(_stem(w) for w in PEOPLE_NOUNS) | frozenset({"national", "people"})


def content_words(text: str) -> frozenset[str]:
    """The words that carry a sentence's topic, lower-cased and lightly stemmed."""
    out = set()
    if "U.S." in text or "U.K." in text:
        text = text.replace("U.S.", "US").replace("U.K.", "UK")
    tokens = [
        t.replace("\u2019", "'").removesuffix("'s").strip("'-") for t in _WORD_RE.findall(text)
    ]
    for word in fold_names(tokens):
        if len(word) < 3 or word in _STOP:
            continue
        out.add(_stem(word))
    return frozenset(out)


# Ranges of values ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Range:
    """An interval of values with open or closed ends (infinite ends are open)."""

    lo: Decimal
    hi: Decimal
    lo_open: bool = False
    hi_open: bool = False

    def contains(self, other: Range) -> bool:
        lo_ok = other.lo > self.lo or (other.lo == self.lo and (other.lo_open or not self.lo_open))
        hi_ok = other.hi < self.hi or (other.hi == self.hi and (other.hi_open or not self.hi_open))
        return lo_ok and hi_ok

    def meets(self, other: Range) -> bool:
        if self.hi < other.lo or other.hi < self.lo:
            return False
        if self.hi == other.lo and (self.hi_open or other.lo_open):
            return False
        return not (other.hi == self.lo and (other.hi_open or self.lo_open))

    def has(self, value: Decimal) -> bool:
        return self.contains(Range(value, value))


def _step(value: Decimal) -> Decimal:
    """The unit of the last digit as written: "114" -> 1, "114.2" -> 0.1, "1000" -> 1."""
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or exponent >= 0:
        return Decimal(1)
    return Decimal(1).scaleb(exponent)


def figure_range(amount: Decimal, qualifier: str, step: Decimal) -> Range:
    """The values a figure stands for, given its qualifier and its stated precision."""
    if qualifier == "about":
        return Range(amount * Decimal("0.9"), amount * Decimal("1.1"))
    if qualifier == "nearly":
        return Range(amount * Decimal("0.9"), amount)
    if qualifier == "more_than":
        return Range(amount, _INF, lo_open=True, hi_open=True)
    if qualifier == "at_least":
        return Range(amount, _INF, hi_open=True)
    if qualifier == "less_than":
        return Range(-_INF, amount, lo_open=True, hi_open=True)
    if qualifier == "up_to":
        return Range(-_INF, amount, lo_open=True)
    half = step / 2
    # Half-open, so that 1,000 and 1,001 (each rounded to the unit) do not meet.
    return Range(amount - half, amount + half, hi_open=True)


def compare_amounts(
    claim_amount: Decimal,
    claim_qualifier: str,
    claim_step: Decimal,
    source_amount: Decimal,
    source_qualifier: str,
    source_step: Decimal,
) -> str:
    """agrees, disagrees or mentions (consistent but not conclusive): see the module's rules."""
    claim_exact = claim_qualifier in ("", "exact")
    source_exact = source_qualifier in ("", "exact")
    claimed = figure_range(claim_amount, claim_qualifier, claim_step)
    if source_exact and not claim_exact:
        return AGREES if claimed.has(source_amount) else DISAGREES
    found = figure_range(source_amount, source_qualifier, source_step)
    if source_exact:  # and the claim exact: do the rounding intervals meet?
        return AGREES if claimed.meets(found) else DISAGREES
    if claimed.contains(found):
        return AGREES
    return MENTIONS if claimed.meets(found) else DISAGREES


# Dates -----------------------------------------------------------------------------------------


def _relation(found: tuple[dt.date, dt.date], claimed: tuple[dt.date, dt.date]) -> str:
    """How a date found relates to the claim's period: equal, within, contains, overlap or
    disjoint."""
    (fs, fe), (cs, ce) = found, claimed
    if fe < cs or ce < fs:
        return "disjoint"
    if (fs, fe) == (cs, ce):
        return "equal"
    if cs <= fs and fe <= ce:
        return "within"
    if fs <= cs and ce <= fe:
        return "contains"
    return "overlap"


def _date_display(start: dt.date, end: dt.date, precision: str) -> str:
    def one(day: dt.date) -> str:
        if precision == "year":
            return str(day.year)
        if precision == "month":
            return day.strftime("%B %Y")
        return f"{day.day} {day.strftime('%B %Y')}"

    first, last = one(start), one(end)
    return first if first == last else f"{first} – {last}"


def _nearest_date(
    sentence: SentenceFacts,
    figure: Figure,
    baseline: bool = False,
    change_in: str = "",
    text: str = "",
) -> tuple[DateRef | None, bool]:
    """The period a figure is about: the nearest reference date in its sentence (a baseline
    such as "from the previous year" is a comparison point, not the figure's period), else the
    one inherited from the paragraph's previous sentence. A comparison point itself ("up from
    35.7% in June") is about the baseline date that follows it."""
    if baseline:
        after = [
            d for d in sentence.dates if d.role == "baseline" and d.span.start >= figure.span.end
        ]
        if after:
            return after[0], False
    references = [d for d in sentence.dates if d.role == "reference"]
    if change_in:
        # "1% higher than the $390 of the same months of 2022": after the comparison word,
        # a date is the change's baseline, not its period.
        references = [
            d
            for d in references
            if d.span.start < figure.span.end
            or not _COMPARED_RE.search(change_in, figure.span.end, d.span.start)
        ]
    if not references:
        return sentence.inherited, sentence.inherited is not None

    def between(date: DateRef) -> int:
        """1 when another clause with its own figure stands between this figure and the date:
        "fell 18% in August, after a 0.2% rise in July" dates the 18% by August."""
        if date.span.end <= figure.span.start:
            low, high = date.span.end, figure.span.start
        else:
            low, high = figure.span.end, date.span.start
        gap = text[low:high]
        return int(
            ("," in gap or ";" in gap)
            and any(f is not figure and low <= f.span.start < high for f in sentence.figures)
        )

    def distance(date: DateRef) -> tuple[int, int, int]:
        if date.span.end <= figure.span.start:
            return between(date), figure.span.start - date.span.end, 1
        if figure.span.end <= date.span.start:
            return between(date), date.span.start - figure.span.end, 0  # ties: the date after
        return 0, 0, 0

    return min(references, key=distance), False


_BARE_MONTH_RE = re.compile(
    r"(?:in\s+)?(?:january|february|march|april|may|june|july|august|september|october"
    r"|november|december)",
    re.IGNORECASE,
)


_MONTH_COUNT = {
    w: i
    for i, w in enumerate(
        ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven"],
        start=1,
    )
}
_FIRST_MONTHS_RE = re.compile(
    r"\b(?:first|opening)\s+(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven)"
    r"\s+months\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)


_SEASON_MONTHS_RE = re.compile(
    rf"\s*(?P<m1>{_MONTHS})\.?\s*[-\u2013/]\s*(?:{_MONTHS})\.?\s+(?:season|marketing|crop|year)",
    re.IGNORECASE,
)
_TO_DATE_BEFORE_RE = re.compile(
    r"\b(?:as\s+of|as\s+at|through|up\s+to|until|till|by)\s+$", re.IGNORECASE
)


def _season_to_date(sentence: SentenceFacts, date: DateRef, text: str) -> DateRef:
    """ "4 million tons in the 2023/24 July-June season as of Aug. 25": a split year that names
    the month it starts, counted to a day the sentence gives, is the months from its start to
    that day (the day's year is the one inside the season)."""
    if date.precision != "year" or date.end.year != date.start.year + 1:
        return date
    season = _SEASON_MONTHS_RE.match(text, date.span.end)
    if season is None:
        return date
    first = dt.date(date.start.year, _MONTH_NO[season.group("m1")[:3].lower()], 1)
    for day in sentence.dates:
        if day.precision != "day" or not _TO_DATE_BEFORE_RE.search(
            text[max(0, day.span.start - 12) : day.span.start]
        ):
            continue
        for year in (first.year, first.year + 1):
            try:
                last = day.end.replace(year=year)
            except ValueError:
                continue
            if first <= last < first.replace(year=first.year + 1):
                raw = f"{date.raw} \u2026 {' '.join(day.raw.split())}"
                return DateRef(first, last, "day", raw, date.span, date.role, date.source)
    return date


def _narrowed(sentence: SentenceFacts, date: DateRef, text: str = "") -> DateRef:
    """ "In January of last year, X, versus Y this year": a sentence that names a month without
    its year and sets figures against "last year" and "this year" means that month of each;
    "the first 11 months of this year" is January to November of it."""
    if text and date.end.year == date.start.year + 1:
        return _season_to_date(sentence, date, text)
    if date.precision != "year" or date.start.year != date.end.year:
        return date
    if text:
        first = _FIRST_MONTHS_RE.search(text[max(0, date.span.start - 40) : date.span.start])
        if first is not None:
            count = first.group(1).lower()
            months = int(count) if count.isdigit() else _MONTH_COUNT[count]
            if 1 <= months <= 11:
                end = dt.date(date.start.year, months, 1)
                end = (end.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
                raw = f"{first.group(0)}{date.raw}"
                last = end - dt.timedelta(days=1)
                return DateRef(date.start, last, "month", raw, date.span, date.role, date.source)
    if date.source != "relative":
        return date
    month = next(
        (
            d
            for d in sentence.dates
            if d.precision == "month" and _BARE_MONTH_RE.fullmatch(" ".join(d.raw.split()))
        ),
        None,
    )
    if month is None:
        return date
    opening = month.start.replace(year=date.start.year)
    last = month.end.replace(year=date.start.year, day=1)
    last = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    raw = f"{' '.join(month.raw.split())} \u2026 {date.raw}"
    return DateRef(opening, last, "month", raw, date.span, date.role, date.source)


_COMPARED_RE = re.compile(r"\b(?:than|from|compared|versus|against|over|on\s+the)\b")


def _baseline_after(sentence: SentenceFacts, figure: Figure) -> DateRef | None:
    return next(
        (d for d in sentence.dates if d.role == "baseline" and d.span.start >= figure.span.end),
        None,
    )


# Display ---------------------------------------------------------------------------------------

_IRREGULAR = {"person": "people", "child": "children", "man": "men", "woman": "women"}


def _plural(noun: str) -> str:
    if noun in _IRREGULAR:
        return _IRREGULAR[noun]
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def _number(value: Decimal) -> str:
    value = value.normalize()
    if value == value.to_integral_value():
        return f"{value.quantize(Decimal(1)):,}"
    return f"{value:,f}"


def _figure_display(value: Decimal, scale: str, unit: str, qualifier: str) -> str:
    if scale == "thousand":  # "a thousand" reads as 1,000, not "1 thousand"
        value, scale = value * _SCALES["thousand"], ""
    number = _number(value)
    if unit == "percent":
        text = f"{number}%"
    elif unit == "percentage_point":
        text = f"{number} percentage point{'' if value == 1 else 's'}"
    else:
        words = unit.split("_")
        currency = len(unit) == 3 and unit.isupper()
        if not currency and (value != 1 or scale):
            words[0] = _plural(words[0])
        text = " ".join(p for p in (number, scale, " ".join(words)) if p)
    lead = _QUALIFIER_WORDS.get(qualifier, qualifier.replace("_", " "))
    return f"{lead} {text}" if lead else text


def _quote(raw: str) -> str:
    return "\u201c" + " ".join(raw.split()) + "\u201d"


# Matching --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Match:
    """One passage that bears on the claim; offsets index the matched text, end exclusive.

    figure_start/figure_end are offsets within passage_text of the figure or date to highlight.
    """

    passage_start: int
    passage_end: int
    passage_text: str
    figure_start: int
    figure_end: int
    verdict: str
    score: float
    comparison: str
    found: dict[str, Any]


@dataclass(slots=True)
class _Candidate:
    """A passage's verdict and score; its words are written only for the passages kept."""

    verdict: str
    score: float
    span: tuple[int, int]
    describe: Callable[[], tuple[str, dict[str, Any]]]


# A comparable figure (0.55-1.0) always outranks a mention (0.1-0.5).
_VERDICT_BASE = {AGREES: 0.6, DISAGREES: 0.55, MENTIONS: 0.1}
_PERIOD_BONUS = {"equal": 0.2, "within": 0.1, "contains": 0.1, "overlap": 0.05}


def _score(verdict: str, relation: str | None, inherited: bool, shared: int, wanted: int) -> float:
    score = _VERDICT_BASE[verdict]
    if relation is not None:
        bonus = _PERIOD_BONUS.get(relation, 0.0)
        score += bonus / 2 if inherited else bonus
    score += 0.2 * min(1.0, shared / max(1, min(wanted, 5)))
    return round(min(1.0, max(0.0, score)), 3)


def _bare_unit(claimed: ClaimFigureFacts, facts: TextFacts, index: int, figure: Figure) -> str:
    """The unit a bare number ("rose to 13.01 million", no noun after it) takes from its
    sentence: another figure's counted noun there, else the claim's when the sentence names
    what the claim counts ("Japanese nationals ... 13.01 million" for a claim about people)."""
    if figure.kind != "quantity":
        return figure.unit
    noun = claimed.unit.split("_")[0]
    if figure.unit and figure.unit != claimed.unit and noun and claimed.kind == "quantity":
        # "334,000 asylum applications": the counted noun is the last of the compound.
        after = facts.text[figure.span.end : figure.span.end + len(noun) + 4].lower()
        if re.match(rf"\s+(?:{re.escape(noun)}|{re.escape(_plural(noun))})\b", after):
            return claimed.unit
    if figure.unit:
        return figure.unit
    sentence = facts.sentences[index]
    nouns = [f.unit for f in sentence.figures if f.kind == "quantity" and f.unit]
    if nouns:
        return nouns[0]
    words = facts.words(index)
    wanted = content_words(f"{noun} {_plural(noun)}")
    if dimension(claimed.unit) == "people":
        wanted = wanted | _PEOPLE_STEMS
    return claimed.unit if words & wanted else ""


def _same_dimension(claimed: ClaimFigureFacts, figure: Figure) -> bool:
    return _unit_fits(claimed, figure.kind, figure.unit)


def _unit_fits(claimed: ClaimFigureFacts, kind: str, unit: str) -> bool:
    """Whether a figure of this kind and unit measures what the claim's figure does."""
    if kind == "measurement":
        return False
    if unit == claimed.unit:
        return True
    if claimed.kind != "quantity" or kind != "quantity":
        return False
    base_claim, base_found = claimed.unit.partition("_per_")[0], unit.partition("_per_")[0]
    return dimension(base_claim) == dimension(base_found) or dimension(claimed.unit) == dimension(
        unit
    )


def _period_days(date: DateRef | None) -> int | None:
    return (date.end - date.start).days + 1 if date is not None else None


def _split_year(found: tuple[dt.date, dt.date], claimed: tuple[dt.date, dt.date]) -> bool:
    """ "2023-24" read as two calendar years, against a claim's twelve months from July 2023
    to June 2024 (a fiscal year or a season): the same period, written the split-year way."""
    (fs, fe), (cs, ce) = found, claimed
    two_years = (fs.month, fs.day, fe.month, fe.day) == (1, 1, 12, 31) and fe.year == fs.year + 1
    twelve = cs.year == fs.year and ce.year == fe.year and (ce - cs).days in range(360, 370)
    return two_years and twelve and cs.month != 1


def _interval_text(found: Range) -> str:
    def side(value: Decimal) -> str:
        return "\u221e" if value in (_INF, -_INF) else _number(value)

    if found.lo == -_INF:
        return f"below {side(found.hi)}" if found.hi_open else f"up to {side(found.hi)}"
    if found.hi == _INF:
        return f"above {side(found.lo)}" if found.lo_open else f"{side(found.lo)} or more"
    return f"{side(found.lo)} to {side(found.hi)}"


def _not_compared(reason: str) -> tuple[str, str]:
    return MENTIONS, reason


def _gate(
    claimed: ClaimFigureFacts,
    reading: FigureReading,
    facts: TextFacts,
    index: int,
) -> str:
    """Why this source figure is not the claim's quantity ("" when it is)."""
    context = facts.words(index) | facts.anaphora_words(index)
    names = set(claimed.names)
    stem, surface = claimed.first_word
    if stem and facts.is_name(surface):
        names.add(stem)
    for word in sorted(claimed.concept_words - context):
        rivals = sorted(RIVALS.get(word, frozenset()) & context)
        if rivals:
            return f"counts something else ({rivals[0]}, not {word})"
    missing = claimed.concept_words - context - facts.previous_words(index)
    unsaid = sorted(w for w in missing if not facts.is_topic(w, index, name=w in names))
    if unsaid:
        return f"counts something else (the source's sentence does not say: {', '.join(unsaid)})"
    measures = claimed.concept_words - names
    if measures and not measures & (context | facts.previous_words(index)):
        said = ", ".join(sorted(measures))
        return f"counts something else (the source's sentence does not say what is counted: {said})"
    whose = [n for n in reading.names if canonical(_stem(n)) not in claimed.concept_words]
    if whose:
        return f"counts something else (the source's figure is {whose[0].title()}'s)"
    for group in reading.groups:
        words = [canonical(w) for w in content_words(group) if w.isalpha()]
        if words and not any(w in claimed.concept_words or facts.is_lead(w, index) for w in words):
            return f"counts something else (the source's figure is for {group.title()})"
    if reading.outlook and not claimed.outlook:
        return "a forecast, target or budget line in the source, not an outturn"
    if reading.per and claimed.per and reading.per != claimed.per:
        return f"a figure per {reading.per} against a claim per {claimed.per}"
    if reading.change != claimed.change and "none" not in (reading.direction, claimed.direction):
        return f"a {reading.change} in the source against a {claimed.change} in the claim"
    if reading.change == "change" and claimed.change == "level" and claimed.direction == "none":
        return "a change in the source against a level in the claim"
    if claimed.change == "change" and reading.change == "level" and reading.direction == "none":
        return "a level in the source against a change in the claim"
    return ""


def _figure_candidate(
    claim: ClaimFacts,
    claimed: ClaimFigureFacts,
    facts: TextFacts,
    index: int,
    figure: Figure,
    shared: int,
    wanted: int,
) -> _Candidate | None:
    sentence = facts.sentences[index]
    try:
        source_amount = Decimal(figure.amount)
        value = Decimal(figure.value)
    except InvalidOperation:
        return None
    period = (claimed.period_start, claimed.period_end) if claimed.has_period else None
    reading = facts.reading(index, figure)
    change_in = facts.text if reading.change == "change" else ""
    date, inherited = _nearest_date(sentence, figure, reading.baseline, change_in, facts.text)
    if date is not None and not inherited:
        date = _narrowed(sentence, date, facts.text)
    from_lead = False
    if date is None and facts.lead_period is not None:
        date, inherited, from_lead = facts.lead_period, True, True
    relation = None
    if period is not None and date is not None:
        relation = _relation((date.start, date.end), period)  # type: ignore[arg-type]
        if relation == "contains" and _split_year((date.start, date.end), period):  # type: ignore[arg-type]
            relation = "equal"
        if relation == "disjoint":
            return None  # a figure for another period says nothing about the claim's
    conversion = convert(source_amount, figure.unit, claimed.unit, period_days=_period_days(date))
    reason = _gate(claimed, reading, facts, index)
    if not reason and conversion is None:
        reason = (
            f"{figure.unit.replace('_', ' ')} and {claimed.unit.replace('_', ' ')} do not convert"
        )
    if not reason and period is not None and date is None:
        reason = "period not stated in the source: not compared"
    if not reason and relation not in (None, "equal"):
        reason = "another period, not compared"
    source_baseline = _baseline_after(sentence, figure) if reading.change == "change" else None
    if (
        not reason
        and claimed.baseline is not None
        and source_baseline is not None
        and _relation(
            (source_baseline.start, source_baseline.end),
            (claimed.baseline.start, claimed.baseline.end),
        )
        not in ("equal", "within", "contains")
    ):
        base = source_baseline
        said_base = _date_display(base.start, base.end, base.precision)
        base = claimed.baseline
        claim_base = _date_display(base.start, base.end, base.precision)
        reason = f"a change on {said_base} in the source, on {claim_base} in the claim"
    verdict = MENTIONS
    opposite = False
    step = Decimal(1)
    if not reason:
        assert conversion is not None
        step = _step(value) * _SCALES.get(figure.scale, Decimal(1)) * conversion.factor
        verdict = compare_amounts(
            claimed.amount,
            claimed.qualifier,
            claimed.step,
            conversion.amount,
            figure.qualifier,
            step,
        )
        ranged = _ranges(claimed, figure, conversion.amount, conversion.factor, step)
        if ranged is not None:
            claimed_range, found_range = ranged
            verdict = (
                AGREES
                if claimed_range.contains(found_range)
                else MENTIONS
                if claimed_range.meets(found_range)
                else DISAGREES
            )
        opposite = {reading.direction, claimed.direction} == {"up", "down"}
        if opposite:
            verdict = DISAGREES
    agreed_from_lead = from_lead and verdict == AGREES
    if agreed_from_lead:
        verdict = MENTIONS

    def describe() -> tuple[str, dict[str, Any]]:
        said = _figure_display(value, figure.scale, figure.unit, figure.qualifier)
        claimed_text = _figure_display(
            claimed.value.normalize(), claimed.scale, claimed.unit, claimed.qualifier
        )
        raw = " ".join(figure.raw.split())
        source_part = (
            f"source says {said}" if raw == said else f"source says {_quote(raw)} ({said})"
        )
        if date is not None:
            source_part += f", for {_date_display(date.start, date.end, date.precision)}"
            if date.source == "relative" and facts.source_date is not None:
                relative = " ".join(date.raw.split())
                source_part += f" (\u201c{relative}\u201d read from {facts.source_date:%-d %B %Y})"
        claim_part = f"claim says {claimed_text}"
        if period is not None and relation != "equal":
            claim_part += f", for {_date_display(*period, claimed.precision)}"  # type: ignore[arg-type]
        arithmetic: dict[str, Any] = {}
        if reason:
            comparison = f"{source_part}; {claim_part}: {reason}"
        else:
            assert conversion is not None
            found_range = figure_range(conversion.amount, figure.qualifier, step)
            claim_range = figure_range(claimed.amount, claimed.qualifier, claimed.step)
            arithmetic = {
                "source_amount": str(conversion.amount.normalize()),
                "claim_amount": str(claimed.amount.normalize()),
                "conversion": conversion.note,
                "source_interval": _interval_text(found_range),
                "claim_interval": _interval_text(claim_range),
                "tolerance": _tolerance_text(claimed.qualifier, claimed.step),
            }
            outcome = {
                AGREES: "agrees",
                DISAGREES: "disagrees",
                MENTIONS: "consistent, not conclusive",
            }
            result = outcome[verdict]
            if opposite:
                result = (
                    f"disagrees: the source says {reading.direction}, the claim {claimed.direction}"
                )
            if agreed_from_lead:
                result = (
                    "the same value, but the sentence states no period: only the text's "
                    "opening does, not enough to agree"
                )
            elif from_lead:
                result += " (the period is the text's opening's: the sentence states none)"
            if conversion.note:
                source_part += f" ({conversion.note})"
            comparison = f"{source_part}; {claim_part}: {result}"
        found = {
            "type": "figure",
            "raw": figure.raw,
            "value": figure.value,
            "amount": figure.amount,
            "qualifier": figure.qualifier,
            "unit": figure.unit,
            "scale": figure.scale,
            "date": _date_json(date),
            "period_relation": relation,
            "direction": reading.direction,
            "change": reading.change,
            "not_compared": reason,
            "arithmetic": arithmetic,
            "source_date": facts.source_date.isoformat() if facts.source_date else None,
            "source_date_basis": facts.source_date_basis,
            "searched": facts.searched_note,
        }
        return comparison[:500], found

    return _Candidate(
        verdict,
        _score(verdict, relation, inherited, shared, wanted),
        (figure.span.start, figure.span.end),
        describe,
    )


def _ranges(
    claimed: ClaimFigureFacts, figure: Figure, amount: Decimal, factor: Decimal, step: Decimal
) -> tuple[Range, Range] | None:
    """The claim's and the source's ranges when either states one ("30 to 35 hours",
    the figure contract's value_high/amount_high), each widened by its rounding."""
    high = getattr(figure, "amount_high", "") or ""
    if not high and claimed.high is None:
        return None
    try:
        found_high = Decimal(high) * factor if high else amount
    except InvalidOperation:
        return None
    claim_low = claimed.amount
    claim_high = (
        claimed.high * _SCALES.get(claimed.scale, Decimal(1))
        if claimed.high is not None
        else claim_low
    )
    half, claim_half = step / 2, claimed.step / 2
    return (
        Range(claim_low - claim_half, claim_high + claim_half, hi_open=True),
        Range(amount - half, found_high + half, hi_open=True),
    )


def _tolerance_text(qualifier: str, step: Decimal) -> str:
    if qualifier in ("", "exact"):
        return f"exact, rounded to {_number(step)}"
    if qualifier == "about":
        return "about: within 10%"
    if qualifier == "nearly":
        return "nearly: up to 10% below"
    return _QUALIFIER_WORDS.get(qualifier, qualifier.replace("_", " "))


def _date_json(date: DateRef | None) -> dict[str, Any] | None:
    if date is None:
        return None
    return {
        "start": date.start.isoformat(),
        "end": date.end.isoformat(),
        "precision": date.precision,
        "raw": date.raw,
    }


def _strong_topic(shared: int, wanted: int) -> bool:
    return shared >= 3 or (shared >= 2 and shared * 2 >= wanted)


def _date_candidate(
    claim: ClaimFacts, date: DateRef, shared: int, wanted: int, event: bool, basis: str
) -> _Candidate | None:
    """A date in the passage against the claim's period; event claims can agree or disagree."""
    period = (claim.period_start, claim.period_end)
    relation = _relation((date.start, date.end), period)  # type: ignore[arg-type]
    verdict: str | None = None
    if event and _strong_topic(shared, wanted):
        if relation in ("equal", "within"):
            verdict = AGREES
        elif relation == "disjoint" and date.precision == claim.precision:
            verdict = DISAGREES
    if verdict is None:
        if relation == "disjoint" or shared == 0:
            return None
        verdict = MENTIONS
    decided = verdict

    def describe() -> tuple[str, dict[str, Any]]:
        said = _date_display(date.start, date.end, date.precision)
        claimed = _date_display(claim.period_start, claim.period_end, claim.precision)  # type: ignore[arg-type]
        outcome = {AGREES: "agrees", DISAGREES: "disagrees", MENTIONS: "mentions the period"}
        raw = " ".join(date.raw.split())
        source_part = (
            f"source says {said}" if raw == said else f"source says {_quote(raw)} ({said})"
        )
        comparison = f"{source_part}; claim says {claimed}: {outcome[decided]}"
        found = {
            "type": "date",
            "date": _date_json(date),
            "period_relation": relation,
            "source_date_basis": basis,
        }
        return comparison, found

    return _Candidate(
        verdict,
        _score(verdict, relation, False, shared, wanted),
        (date.span.start, date.span.end),
        describe,
    )


def _sentence_candidates(
    claim: ClaimFacts, facts: TextFacts, index: int, words: frozenset[str]
) -> Iterable[_Candidate]:
    sentence = facts.sentences[index]
    pairs = []
    for claimed in claim.figures:
        for figure in sentence.figures:
            unit = _bare_unit(claimed, facts, index, figure)
            if unit != figure.unit:
                figure = replace(figure, unit=unit)
            if _same_dimension(claimed, figure):
                pairs.append((claimed, figure))
    dates = sentence.dates if claim.has_period else ()
    if not pairs and not dates:
        return
    shared = len(words & facts.words(index))
    wanted = len(words)
    found_figure = False
    for claimed, figure in pairs:
        candidate = _figure_candidate(claim, claimed, facts, index, figure, shared, wanted)
        if candidate is not None:
            found_figure = True
            yield candidate
    if found_figure:
        return
    for date in dates:
        candidate = _date_candidate(
            claim, date, shared, wanted, not claim.has_figure, facts.source_date_basis
        )
        if candidate is not None:
            yield candidate


def _candidate_sentences(claim: ClaimFacts, facts: TextFacts, words: frozenset[str]) -> list[int]:
    """The sentences that can bear on the claim, from the text's indexes: those with a figure
    in a unit that fits one of the claim's (or a bare number, which may take one), and, when
    the claim has a period, those with a date that share a word with it."""
    wanted: set[int] = set()
    for (kind, unit), where in facts.unit_index().items():
        if (kind == "quantity" and not unit) or any(
            _unit_fits(claimed, kind, unit) for claimed in claim.figures
        ):
            wanted.update(where)
    if claim.has_period:
        counts = facts.word_index()
        sharing = {i for word in words for i in counts.get(word, ())}
        wanted.update(i for i in sharing if facts.sentences[i].dates)
    return sorted(wanted)


def match_claim(claim: ClaimFacts, facts: TextFacts, *, limit: int = MAX_MATCHES) -> list[Match]:
    """The passages of the text that bear on the claim, best first (at most `limit`)."""
    if not claim.matchable:
        return []
    words = frozenset(canonical(w) for w in content_words(claim.text))
    best: list[tuple[_Candidate, SentenceFacts]] = []
    for index in _candidate_sentences(claim, facts, words):
        sentence = facts.sentences[index]
        top = max(
            _sentence_candidates(claim, facts, index, words),
            key=lambda c: c.score,
            default=None,
        )
        if top is not None:
            best.append((top, sentence))
    best.sort(key=lambda pair: (-pair[0].score, pair[1].start))
    matches = []
    for candidate, sentence in best[:limit]:
        start, end = sentence.start, sentence.end
        comparison, found = candidate.describe()
        matches.append(
            Match(
                passage_start=start,
                passage_end=end,
                passage_text=facts.text[start:end],
                figure_start=candidate.span[0] - start,
                figure_end=candidate.span[1] - start,
                verdict=candidate.verdict,
                score=candidate.score,
                comparison=comparison,
                found=found,
            )
        )
    return matches
