"""Claim extraction: check-worthy sentences with their figures and dates (no Django here).

    extract_claims(text, published=None) -> list[Candidate]

Candidates come in reading order; every span indexes `text` itself. Empty text gives [];
text with NUL bytes or mostly control characters raises UnreadableTextError (a ValueError);
only the first MAX_TEXT_CHARS characters are scanned; any other text, in any language,
never raises. Every record has to_dict() for JSON.
"""

from .core import (
    MAX_CONTROL_SHARE,
    MAX_TEXT_CHARS,
    UnreadableTextError,
    check_text,
    extract_claims,
    scan_limit,
)
from .dates import DateContext, find_dates
from .figures import find_figures
from .scoring import MIN_SCORE
from .sentences import MAX_SENTENCE_CHARS, Sentence, split_sentences
from .types import (
    CANDIDATE_KINDS,
    DATE_ROLES,
    DATE_SOURCES,
    FIGURE_KINDS,
    PRECISIONS,
    QUALIFIERS,
    SCALES,
    Candidate,
    DateRef,
    Figure,
    Span,
)

__all__ = [
    "CANDIDATE_KINDS",
    "DATE_ROLES",
    "DATE_SOURCES",
    "FIGURE_KINDS",
    "MAX_CONTROL_SHARE",
    "MAX_SENTENCE_CHARS",
    "MAX_TEXT_CHARS",
    "MIN_SCORE",
    "PRECISIONS",
    "QUALIFIERS",
    "SCALES",
    "Candidate",
    "DateContext",
    "DateRef",
    "Figure",
    "Sentence",
    "Span",
    "UnreadableTextError",
    "check_text",
    "extract_claims",
    "find_dates",
    "find_figures",
    "scan_limit",
    "split_sentences",
]
