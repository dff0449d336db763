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
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from claims.extraction import DateContext, find_dates, find_figures, split_sentences
from claims.extraction.folding import fold
from claims.extraction.types import DateRef, Figure

__all__ = [
    "MAX_MATCHES",
    "MAX_TEXT_CHARS",
    "AGREES",
    "DISAGREES",
    "MENTIONS",
    "ClaimFacts",
    "Match",
    "Range",
    "TextFacts",
    "analyse_text",
    "compare_amounts",
    "content_words",
    "figure_range",
    "match_claim",
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
"""
_STOP = frozenset(_STOP_WORDS.split())


# Claims and texts ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    """What the matcher needs of a claim: its words, figure and period."""

    text: str
    value: Decimal | None = None
    qualifier: str = ""
    unit: str = ""
    scale: str = ""
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    precision: str = ""

    @classmethod
    def of(cls, claim: Any) -> ClaimFacts:
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
        )

    @property
    def has_figure(self) -> bool:
        return self.value is not None and bool(self.unit)

    @property
    def has_period(self) -> bool:
        return self.period_start is not None and self.period_end is not None

    @property
    def matchable(self) -> bool:
        return self.has_figure or self.has_period

    @property
    def kind(self) -> str:
        if self.unit in _PERCENT_UNITS:
            return "percentage"
        if len(self.unit) == 3 and self.unit.isupper():
            return "money"
        return "quantity"

    @property
    def amount(self) -> Decimal:
        assert self.value is not None
        return self.value * _SCALES.get(self.scale, Decimal(1))

    @property
    def step(self) -> Decimal:
        """The claim's stated precision, scale applied: 114 billion -> 1 billion."""
        assert self.value is not None
        return _step(self.value.normalize()) * _SCALES.get(self.scale, Decimal(1))


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
    """A text read once, to be matched against any number of claims."""

    text: str
    sentences: tuple[SentenceFacts, ...]
    scanned: int
    _words: dict[int, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)

    def words(self, index: int) -> frozenset[str]:
        cached = self._words.get(index)
        if cached is None:
            sentence = self.sentences[index]
            cached = content_words(self.text[sentence.start : sentence.end])
            self._words[index] = cached
        return cached


def _scan_limit(text: str, limit: int) -> int:
    if len(text) <= limit:
        return len(text)
    cut = text.rfind("\n", limit // 2, limit)
    return cut if cut > 0 else limit


def analyse_text(text: str, *, limit: int = MAX_TEXT_CHARS) -> TextFacts:
    """Split a capture's text into sentences and read every figure and date in them.

    Relative dates ("last year") are left out: the source's own publication day is unknown.
    """
    scanned = _scan_limit(text, limit)
    folded = fold(text[:scanned])
    context = DateContext(published=None)
    sentences: list[SentenceFacts] = []
    previous: DateRef | None = None
    previous_paragraph = -1
    for sentence in split_sentences(text, scanned):
        start, end = sentence.start, sentence.end
        dates = tuple(
            d for d in find_dates(text, start, end, context, folded) if d.source == "explicit"
        )
        spans = [(d.span.start, d.span.end) for d in dates]
        figures = tuple(
            f for f in find_figures(text, start, end, spans, folded) if f.kind != "measurement"
        )
        if sentence.paragraph != previous_paragraph:
            previous = None
        inherited = previous if not dates else None
        sentences.append(SentenceFacts(start, end, sentence.paragraph, figures, dates, inherited))
        reference = next((d for d in dates if d.role == "reference"), None)
        if reference is not None:
            previous = reference
        previous_paragraph = sentence.paragraph
    return TextFacts(text=text, sentences=tuple(sentences), scanned=scanned)


# Words -----------------------------------------------------------------------------------------


def _stem(word: str) -> str:
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)] + replacement
    return word


def content_words(text: str) -> frozenset[str]:
    """The words that carry a sentence's topic, lower-cased and lightly stemmed."""
    out = set()
    for match in _WORD_RE.finditer(text.lower()):
        word = match.group(0).replace("\u2019", "'").removesuffix("'s").strip("'-")
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


def _nearest_date(sentence: SentenceFacts, figure: Figure) -> tuple[DateRef | None, bool]:
    """The date a figure is about: the nearest in its sentence, else the inherited one."""
    if not sentence.dates:
        return sentence.inherited, sentence.inherited is not None

    def distance(date: DateRef) -> tuple[int, int]:
        if date.span.end <= figure.span.start:
            return figure.span.start - date.span.end, 1
        if figure.span.end <= date.span.start:
            return date.span.start - figure.span.end, 0  # ties go to the date after
        return 0, 0

    return min(sentence.dates, key=distance), False


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
    verdict: str
    score: float
    span: tuple[int, int]
    comparison: str
    found: dict[str, Any]


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


def _comparable(claim: ClaimFacts, figure: Figure) -> bool:
    if figure.kind != claim.kind or figure.unit != claim.unit:
        return False
    try:
        Decimal(figure.amount)
    except InvalidOperation:
        return False
    return True


def _figure_candidate(
    claim: ClaimFacts, sentence: SentenceFacts, figure: Figure, shared: int, wanted: int
) -> _Candidate | None:
    period = (claim.period_start, claim.period_end) if claim.has_period else None
    date, inherited = _nearest_date(sentence, figure)
    relation = None
    if period is not None and date is not None:
        relation = _relation((date.start, date.end), period)  # type: ignore[arg-type]
        if relation == "disjoint":
            return None  # a figure for another period says nothing about the claim's
    value = Decimal(figure.value)
    verdict = compare_amounts(
        claim.amount,
        claim.qualifier,
        claim.step,
        Decimal(figure.amount),
        figure.qualifier,
        _step(value) * _SCALES.get(figure.scale, Decimal(1)),
    )
    said = _figure_display(value, figure.scale, figure.unit, figure.qualifier)
    claimed = _figure_display(claim.value.normalize(), claim.scale, claim.unit, claim.qualifier)  # type: ignore[union-attr]
    raw = " ".join(figure.raw.split())
    source_part = f"source says {said}" if raw == said else f"source says {_quote(raw)} ({said})"
    outcome = {AGREES: "agrees", DISAGREES: "disagrees", MENTIONS: "consistent, not conclusive"}
    result = outcome[verdict]
    if date is not None and relation is not None:
        source_part += f", for {_date_display(date.start, date.end, date.precision)}"
        if relation != "equal":
            # A total for a longer or shorter span is context, not a test of the claim's figure.
            verdict = MENTIONS
            claimed += f", for {_date_display(*period, claim.precision)}"  # type: ignore[misc]
            result = "another period, not compared"
    comparison = f"{source_part}; claim says {claimed}: {result}"
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
    }
    return _Candidate(
        verdict,
        _score(verdict, relation, inherited, shared, wanted),
        (figure.span.start, figure.span.end),
        comparison,
        found,
    )


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
    claim: ClaimFacts, date: DateRef, shared: int, wanted: int, event: bool
) -> _Candidate | None:
    """A date in the passage against the claim's period; event claims can agree or disagree."""
    period = (claim.period_start, claim.period_end)
    relation = _relation((date.start, date.end), period)  # type: ignore[arg-type]
    said = _date_display(date.start, date.end, date.precision)
    claimed = _date_display(claim.period_start, claim.period_end, claim.precision)  # type: ignore[arg-type]
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
    outcome = {AGREES: "agrees", DISAGREES: "disagrees", MENTIONS: "mentions the period"}
    raw = " ".join(date.raw.split())
    source_part = f"source says {said}" if raw == said else f"source says {_quote(raw)} ({said})"
    comparison = f"{source_part}; claim says {claimed}: {outcome[verdict]}"
    found = {"type": "date", "date": _date_json(date), "period_relation": relation}
    return _Candidate(
        verdict,
        _score(verdict, relation, False, shared, wanted),
        (date.span.start, date.span.end),
        comparison,
        found,
    )


def _sentence_candidates(
    claim: ClaimFacts, facts: TextFacts, index: int, words: frozenset[str]
) -> Iterable[_Candidate]:
    sentence = facts.sentences[index]
    figures = [f for f in sentence.figures if claim.has_figure and _comparable(claim, f)]
    dates = sentence.dates if claim.has_period else ()
    if not figures and not dates:
        return
    shared = len(words & facts.words(index))
    wanted = len(words)
    found_figure = False
    for figure in figures:
        candidate = _figure_candidate(claim, sentence, figure, shared, wanted)
        if candidate is not None:
            found_figure = True
            yield candidate
    if found_figure:
        return
    for date in dates:
        candidate = _date_candidate(claim, date, shared, wanted, event=not claim.has_figure)
        if candidate is not None:
            yield candidate


def match_claim(claim: ClaimFacts, facts: TextFacts, *, limit: int = MAX_MATCHES) -> list[Match]:
    """The passages of the text that bear on the claim, best first (at most `limit`)."""
    if not claim.matchable:
        return []
    words = content_words(claim.text)
    best: list[tuple[_Candidate, SentenceFacts]] = []
    for index, sentence in enumerate(facts.sentences):
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
        matches.append(
            Match(
                passage_start=start,
                passage_end=end,
                passage_text=facts.text[start:end],
                figure_start=candidate.span[0] - start,
                figure_end=candidate.span[1] - start,
                verdict=candidate.verdict,
                score=candidate.score,
                comparison=candidate.comparison,
                found=candidate.found,
            )
        )
    return matches
