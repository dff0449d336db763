"""Sentence splitting with offsets: abbreviations, quotes, decimals and broken paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that never end a sentence when followed by a period (titles before names).
_TITLES_WORDS = (
    "mr mrs ms mx dr prof sen rep gov gen lt col maj capt cpt sgt cmdr adm st rev hon pres "
    "supt insp amb messrs mme mlle"
)
_TITLES = frozenset(_TITLES_WORDS.split())
# Abbreviations that do not end a sentence when a number follows ("No. 5", "Jan. 5").
_BEFORE_NUMBER_WORDS = (
    "no nos nr vol vols p pp art fig figs ch chap sec para pt ed eds op "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
_BEFORE_NUMBER = frozenset(_BEFORE_NUMBER_WORDS.split())
# Abbreviations that end a sentence only when a typical sentence opener follows.
_SOFT_WORDS = "etc inc ltd co corp bros plc llc approx est dept univ assn ave"
_SOFT = frozenset(_SOFT_WORDS.split())
_NEVER_WORDS = "vs v cf ie eg viz al"
_NEVER = frozenset(_NEVER_WORDS.split())
_OPENERS_WORDS = (
    "the a an it he she they we i this that these those but and in on at however meanwhile "
    "there its his her their our as after before when while if according some many most "
    "yet still then so also earlier later last since for with by"
)
_OPENERS = frozenset(_OPENERS_WORDS.split())

# Longer runs without a sentence end are cut at a space: a claim is a sentence, not a table.
MAX_SENTENCE_CHARS = 2_000

_LINE_RE = re.compile(r"[^\r\n]+")
_TERMINAL_RE = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019\u00bb)\]]*")
_END_OK_RE = re.compile(r"[.!?\u2026][\"'\u201d\u2019\u00bb)\]]*\s*$")
_WORD_RE = re.compile(r"[^\W\d_][\w'\u2019-]*")
# "said.Accounting", "2018.Strong": a sentence glued to the next, written without a space.
_GLUED_START_RE = re.compile(r"(?:[a-z]{2}|\d{2})\.[A-Z][a-z]{2}")
_INITIALISM_RE = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]$")
_CAPTION_RE = re.compile(
    r"\b(?:FILE\s+)?(?:PHOTOS?|Photos?|IMAGES?|Image|PICTURES?|Picture|CREDITS?|Credits?|"
    r"Illustration|ILLUSTRATION)\s*:"
    r"|\((?:[Pp]hoto|[Ii]mage|[Pp]icture|[Ff]ile photo)\b[^)]*\)\s*$"
    r"|\bGetty Images\s*$"
)
# "PHNOM PENH –", "HAMBURG, Feb 2 (Reuters) -": an all-caps place and a dash open the story.
_DATELINE_RE = re.compile(
    r"[A-Z][A-Z'\u2019.\-]{1,}(?:\s+[A-Z][A-Z'\u2019.\-]*)*(?:,\s*[A-Z][A-Za-z.]+(?:\s+\d{1,2})?)?"
    r"(?:\s*\([^)]{1,30}\))?\s*[\u2013\u2014-]{1,2}\s+"
)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence's offsets and what part of the article it belongs to.

    role: body (prose), heading (titles, bylines, datelines, section heads, short lines
    without a full stop) or caption (photo captions and credits).
    """

    start: int
    end: int
    role: str
    paragraph: int


def _is_caption(text: str, start: int, end: int) -> bool:
    """A photo credit opens the paragraph or closes it ("... stability. PHOTO: UNSPLASH")."""
    return bool(
        _CAPTION_RE.match(text, start, end) or _CAPTION_RE.search(text, max(start, end - 80), end)
    )


def _ends_terminal(text: str, end: int) -> bool:
    return bool(_END_OK_RE.search(text, max(0, end - 4), end))


def _title_cased(words: list[str]) -> bool:
    if len(words) < 3:
        return False
    small = {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "by", "with"}
    content = [w for w in words if w.lower() not in small]
    return bool(content) and sum(w[0].isupper() for w in content) >= 0.8 * len(content)


def _continues(text: str, ustart: int, uend: int, first: str) -> bool:
    """Whether a line starting with `first` carries on the sentence the unit left open.

    Only the unit's last 200 characters are read, so a long run of joined lines stays linear.
    """
    if _ends_terminal(text, uend) or text[uend - 1] == ":" or _is_caption(text, ustart, uend):
        return False
    if first.islower():
        return True
    if not (first.isupper() or first.isdigit() or first in "\"'\u201c\u2018("):
        return False
    # A prose line that stops mid-sentence ("... President" / "... of National").
    words = _WORD_RE.findall(text, max(ustart, uend - 200), uend)
    return len(words) >= 8 and not _title_cased(words)


def _units(text: str, limit: int) -> list[tuple[int, int]]:
    units: list[list[int]] = []
    for match in _LINE_RE.finditer(text, 0, limit):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        # A blank line ends a paragraph: a headline or byline without a full stop does not
        # run on into the story below it.
        blank = (
            bool(units)
            and text.count("\n", units[-1][1], start) > 1
            and _word_after(text, start, end) in _OPENERS
        )
        if units and not blank and _continues(text, units[-1][0], units[-1][1], text[start]):
            units[-1][1] = end
        else:
            units.append([start, end])
    return [(s, e) for s, e in units]


def _unit_role(text: str, start: int, end: int) -> str:
    if _is_caption(text, start, end):
        return "caption"
    if not _ends_terminal(text, end):
        words = _WORD_RE.findall(text, start, min(end, start + 400))
        if len(words) < 15 or _title_cased(words):
            return "heading"
    return "body"


def _token_before(text: str, start: int, dot: int) -> str:
    i = dot
    while i > start and not text[i - 1].isspace() and dot - i < 24:
        i -= 1
    return text[i:dot].lstrip("\"'\u201c\u2018([")


def _word_after(text: str, j: int, end: int) -> str:
    match = _WORD_RE.match(text, j, end)
    return match.group(0).lower() if match else ""


def _is_boundary(text: str, ustart: int, match: re.Match[str], nxt: int, uend: int) -> bool:
    punct = match.group(0)
    if not punct.startswith(".") or punct.startswith(".."):
        return True
    token = _token_before(text, ustart, match.start())
    if not token:
        return True
    low = token.lower()
    next_char = text[nxt]
    if low in _TITLES or low in _NEVER:
        return False
    if low in _BEFORE_NUMBER and next_char.isdigit():
        return False
    if len(token) == 1 and token.isalpha() and token.isupper():
        return False  # an initial: "John F. Kennedy"
    if _INITIALISM_RE.match(token):
        if low in ("e.g", "i.e"):
            return False
        return _word_after(text, nxt, uend) in _OPENERS
    if low in _SOFT:
        return _word_after(text, nxt, uend) in _OPENERS
    return True


def _split_unit(text: str, ustart: int, uend: int) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    cursor = ustart
    for match in _TERMINAL_RE.finditer(text, ustart, uend):
        after = match.end()
        if after < uend and _GLUED_START_RE.match(text, match.start() - 2, after + 3):
            pieces.append((cursor, after))  # "in 2023.During the year": a missing space
            cursor = after
            continue
        if after >= uend or not text[after].isspace():
            continue
        nxt = after
        while nxt < uend and text[nxt].isspace():
            nxt += 1
        if nxt >= uend or text[nxt].islower():
            continue
        if not _is_boundary(text, ustart, match, nxt, uend):
            continue
        pieces.append((cursor, after))
        cursor = nxt
    pieces.append((cursor, uend))
    return [
        (s, e)
        for start, end in pieces
        for s, e in _wrap(text, start, end)
        if any(ch.isalnum() for ch in text[s:e])
    ]


def _wrap(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut a run-on "sentence" (a table or list pasted as one line) at spaces, so that no
    candidate is longer than MAX_SENTENCE_CHARS."""
    out = []
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        out.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    out.append((start, end))
    return out


def split_sentences(text: str, limit: int | None = None) -> list[Sentence]:
    """Split text[:limit] into sentences; every sentence is text[start:end], trimmed."""
    limit = len(text) if limit is None else min(limit, len(text))
    sentences: list[Sentence] = []
    for paragraph, (ustart, uend) in enumerate(_units(text, limit)):
        role = _unit_role(text, ustart, uend)
        if role != "body":
            sentences.append(Sentence(ustart, uend, role, paragraph))
            continue
        dateline = _DATELINE_RE.match(text, ustart, uend)
        start = dateline.end() if dateline else ustart
        pieces = _split_unit(text, start, uend)
        if len(pieces) == 1 and text[pieces[0][0] : pieces[0][1]].rstrip(
            "\"'\u201d\u2019)"
        ).endswith("?"):
            # A paragraph that is one question is a section head ("Who stands to lose?").
            sentences.append(Sentence(pieces[0][0], pieces[0][1], "heading", paragraph))
            continue
        sentences.extend(Sentence(s, e, "body", paragraph) for s, e in pieces)
    return sentences
