"""The extraction pipeline: sentences -> dates -> figures -> cues -> scored candidates."""

from __future__ import annotations

import datetime as dt
import re

from .dates import DateContext, find_dates, fiscal_year_of
from .figures import find_figures, rupee_of
from .folding import fold
from .scoring import MIN_SCORE, attribution, cues_for, kind_for, score
from .sentences import split_sentences
from .structure import annotate, merge_ranges
from .types import Candidate, DateRef, Figure, Span
from .units import TIME_UNITS

# Texts longer than this are scanned up to the last line break before it (spans stay valid
# offsets into the full text); a news article is 5-30k characters.
MAX_TEXT_CHARS = 200_000
# Share of control characters (or U+FFFD from a failed decode) above which text is binary.
MAX_CONTROL_SHARE = 0.01

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")
# "data released by the government on Friday": when a figure was published, not its period.
_REPORT_DATE_RE = re.compile(
    r"\b(?:released|published|announced|issued|said|says|reported|unveiled|approved)\b"
    r"(?:\s+[\w'\u2019()-]+){0,6}\s+(?:on|in)\s+$"
)
# Literal first, so that the scan over the whole text is a fast one.
_RUPEE_HINT_RE = re.compile(r"rs\.?\s?\d")
_FY_HINT_RE = re.compile(r"fy\s?'?\d")
_DATELINE_END_RE = re.compile(r"[\u2013\u2014-]{1,2}\s*$")
_REPORT_AFTER_RE = re.compile(
    r"\s+(?:approved|announced|said|released|published|unveiled|reported|revealed|issued)\b"
)
_DURATION_BEFORE_RE = re.compile(
    r"\b(?:for|(?:over|in|during|for)\s+the\s+(?:past|last))\s+$", re.IGNORECASE
)


class UnreadableTextError(ValueError):
    """The input is not text: it holds NUL bytes or too many control characters."""


def check_text(text: str) -> None:
    """Raise UnreadableTextError for binary junk; text in any language passes."""
    if "\x00" in text:
        raise UnreadableTextError("the text contains NUL bytes: it looks like a binary file")
    sample = text[:20_000]
    controls = len(_CONTROL_RE.findall(sample))
    if controls and controls > MAX_CONTROL_SHARE * len(sample):
        raise UnreadableTextError(
            f"the text is {controls / len(sample):.0%} control characters: "
            "it looks like a binary file, not an article"
        )


def scan_limit(text: str) -> int:
    """How much of the text is scanned: all of it, or up to MAX_TEXT_CHARS at a line break."""
    if len(text) <= MAX_TEXT_CHARS:
        return len(text)
    cut = text.rfind("\n", MAX_TEXT_CHARS // 2, MAX_TEXT_CHARS)
    return cut if cut > 0 else MAX_TEXT_CHARS


def _as_of_publication(
    text: str, start: int, figures: list[Figure], published: dt.date | None
) -> DateRef | None:
    """The published day for a duration that runs up to it ("has lasted for nearly two years")."""
    if published is None:
        return None
    for figure in figures:
        if figure.kind != "quantity" or figure.unit not in TIME_UNITS:
            continue
        lead = _DURATION_BEFORE_RE.search(
            text, max(start, figure.span.start - 30), figure.span.start
        )
        if lead:
            span = Span(lead.start(), figure.span.end)
            return DateRef(
                published,
                published,
                "day",
                text[span.start : span.end],
                span,
                "reference",
                "publication",
            )
    return None


def _dateline_dates(
    text: str, folded: str, gap_start: int, start: int, context: DateContext
) -> list[DateRef]:
    """The date of a dateline cut off before the first sentence ("HAMBURG, Feb 13 -")."""
    lead = text[gap_start:start]
    stripped = lead.lstrip()
    if not stripped or not _DATELINE_END_RE.search(stripped) or len(stripped) > 80:
        return []
    if gap_start and "\n" not in lead[: len(lead) - len(stripped)]:
        return []  # a dash inside a paragraph, not a dateline at its head
    head = start - len(stripped)
    return [d for d in find_dates(text, head, start, context, folded) if d.role == "reference"]


def _inherit(date: DateRef) -> DateRef:
    return DateRef(
        date.start, date.end, date.precision, date.raw, date.span, "reference", "inherited"
    )


def article_conventions(folded: str, published: dt.date | None) -> tuple[str, DateContext]:
    """Which rupee "Rs" is and when the fiscal year starts in an article (its folded text),
    with the date context to read its dates in: read only when the text needs them."""
    rupee = rupee_of(folded) if "rupee" in folded or _RUPEE_HINT_RE.search(folded) else "INR"
    fiscal = "fiscal" in folded or "financial year" in folded or _FY_HINT_RE.search(folded)
    fiscal_start, fiscal_by_end = fiscal_year_of(folded) if fiscal else (4, True)
    context = DateContext(published, fiscal_start=fiscal_start, fiscal_named_by_end=fiscal_by_end)
    return rupee, context


def extract_claims(text: str, published: dt.date | None = None) -> list[Candidate]:
    """Candidate claims in an article body, in reading order.

    Empty text gives []; binary text raises UnreadableTextError (a ValueError); only the
    first MAX_TEXT_CHARS characters of a longer text are scanned. Spans are offsets into
    `text` itself.
    """
    if not isinstance(text, str):
        raise TypeError(f"extract_claims needs str, not {type(text).__name__}")
    if not text.strip():
        return []
    check_text(text)
    if isinstance(published, dt.datetime):
        published = published.date()
    limit = scan_limit(text)
    folded = fold(text[:limit])
    rupee, context = article_conventions(folded, published)
    candidates: list[Candidate] = []
    seen: set[str] = set()
    previous_period: DateRef | None = None
    # A sentence without a date is about the last period of its paragraph; a paragraph that
    # opens without one is about the main (first) period of the paragraph before it, else the
    # article's (the first period a sentence with figures names).
    topic: DateRef | None = None
    paragraph_period: DateRef | None = None
    topic_settled = False  # set by a sentence with figures, not by a byline or a dateline
    paragraph = -1
    previous_claimant = ""
    carried_unit = ""
    last_end = 0
    for sentence in split_sentences(text, limit):
        gap_end, last_end = last_end, sentence.end
        if sentence.role != "body":
            continue
        start, end = sentence.start, sentence.end
        dateline = _dateline_dates(text, folded, gap_end, start, context)
        body = text[start:end]
        key = " ".join(body.split())
        if key in seen:
            continue  # a standfirst repeated in the body
        seen.add(key)
        context.paragraph = sentence.paragraph
        if sentence.paragraph != paragraph:
            paragraph = sentence.paragraph
            previous_period = paragraph_period or topic
            paragraph_period = None
        before = (context.last, context.last_paragraph)
        dates = find_dates(text, start, end, context, folded)
        spans = [(d.span.start, d.span.end) for d in dates]
        figures = find_figures(text, start, end, spans, folded, rupee)
        counted = [f for f in figures if f.kind != "measurement"]
        quoted = text[start] in "\"\u201c\u2018'"
        if quoted and not counted:
            # A quotation about next month does not become the period the article is about.
            context.last, context.last_paragraph = before
        references = [
            d
            for d in dates
            if d.role == "reference"
            and d.source != "publication"
            and not _REPORT_DATE_RE.search(folded, max(start, d.span.start - 60), d.span.start)
            and not (d.precision == "day" and _REPORT_AFTER_RE.match(folded, d.span.end, end))
        ]
        if counted and not references:
            as_of = _as_of_publication(text, start, counted, published) if not dates else None
            if as_of is not None:
                dates = [as_of]
            elif dateline:
                dates = [*dateline, *dates]  # "HAMBURG, Feb 13 (Reuters) -": the day it is about
            elif previous_period is not None:
                # Only a comparison point is written ("up 5% on the same month last year"):
                # the figures are about the period the text is about.
                dates = [_inherit(previous_period), *dates]
        elif (
            counted
            and previous_period is not None
            and all(d.raw.lower().startswith("since") for d in references)
        ):
            dates = [*dates, _inherit(previous_period)]  # "the largest since 1967"
        current = next(
            (d for d in references if not d.raw.lower().startswith("since")),
            None,
        )
        figures = annotate(
            text, folded, start, end, merge_ranges(text, folded, figures), dates, carried_unit
        )
        main = next((f.period for f in figures if f.kind != "measurement" and f.period), None)
        if main is not None and main in references:
            current = main  # the period of the sentence's first figure, not of its dateline
        if current is not None and not quoted:
            previous_period = current
            if paragraph_period is None:
                paragraph_period = current
            if topic is None or (counted and not topic_settled):
                topic = current
                topic_settled = bool(counted)
        carried_unit = next(
            (
                f.unit
                for f in reversed(figures)
                if f.kind == "quantity" and f.unit and f.unit not in TIME_UNITS | {"time"}
            ),
            carried_unit,
        )
        attributed, claimant = attribution(text, folded, start, end, previous_claimant)
        previous_claimant = claimant
        cues = cues_for(folded, start, end, figures, dates, attributed)
        value = score(cues, figures, dates, claimant)
        if value < MIN_SCORE:
            continue
        candidates.append(
            Candidate(
                text=body,
                span=Span(start, end),
                kind=kind_for(figures, dates, attributed),
                score=value,
                figures=tuple(figures),
                dates=tuple(dates),
                cues=cues,
                claimant=claimant,
            )
        )
    return candidates
