"""Untrusted text cannot reorder the desk's own words: bidirectional controls are contained.

A title, claim, rationale or comment may carry Unicode's explicit direction controls: an
override (U+202D LRO, U+202E RLO) or embedding (U+202A LRE, U+202B RLE) runs until its U+202C
PDF, an isolate (U+2066 LRI, U+2067 RLI, U+2068 FSI) until its U+2069 PDI; left open, one
reverses whatever the page prints after it ("Cited in the article" read backwards). The marks
(U+200E LRM, U+200F RLM, U+061C ALM) only lean neighbouring characters one way.

* balance(text) neutralises the unpaired controls: a closer with nothing to close is dropped,
  and what is still open is closed at the end of each paragraph and of the text (the
  Unicode Bidirectional Algorithm's own rules for matching them). Text without controls comes
  back as it was.
* isolate_html(text) is balance() inside <bdi> (an isolate whose direction comes from its
  own first strong character, as dir="auto"): nothing inside it, marks included, affects what
  is outside. Templates use it through the `bdi` filter wherever untrusted text is shown.
* isolate_plain(text) is balance() between FSI and PDI, for places that take no markup: the
  <title>, attribute values, <option> text (the `bidi_plain` filter).
* balance_data(obj) balances every string in JSON data (ClaimReview JSON-LD): data is not
  wrapped, but nothing in it is left open for whatever a consumer prints next to it.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeData, SafeString, mark_safe

LRE, RLE, PDF, LRO, RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
LRM, RLM, ALM = "\u200e", "\u200f", "\u061c"
EMBEDDINGS = frozenset({LRE, RLE, LRO, RLO})
ISOLATES = frozenset({LRI, RLI, FSI})
CONTROLS = frozenset({*EMBEDDINGS, PDF, *ISOLATES, PDI, LRM, RLM, ALM})
# Paragraph separators (UAX #9, class B): every open control ends at one.
PARAGRAPH_BREAKS = frozenset({"\n", "\r", "\x1c", "\x1d", "\x1e", "\x85", "\u2029"})
_PAIRED = re.compile("[\u202a-\u202e\u2066-\u2069]")


def balance(text: str) -> str:
    """`text` with every explicit embedding, override and isolate closed, and strays dropped."""
    if not _PAIRED.search(text):
        return text
    out: list[str] = []
    open_: list[str] = []  # the closer each open control needs, innermost last
    for ch in text:
        if ch in EMBEDDINGS:
            open_.append(PDF)
        elif ch in ISOLATES:
            open_.append(PDI)
        elif ch == PDF:
            # A PDF closes the innermost embedding only if no isolate was opened after it.
            if not open_ or open_[-1] != PDF:
                continue
            open_.pop()
        elif ch == PDI:
            if PDI not in open_:
                continue
            # A PDI closes its isolate and every embedding opened inside it.
            while (closer := open_.pop()) != PDI:
                out.append(closer)
        elif ch in PARAGRAPH_BREAKS:
            out.extend(reversed(open_))
            open_.clear()
        out.append(ch)
    out.extend(reversed(open_))
    return "".join(out)


def isolate_html(value: Any) -> SafeString:
    """HTML for untrusted text: escaped (unless already safe), balanced, inside <bdi>."""
    if value is None or value == "":
        return mark_safe("")  # noqa: S308 - empty
    text = str(value) if isinstance(value, SafeData) else escape(str(value))
    return mark_safe(f"<bdi>{balance(text)}</bdi>")  # noqa: S308 - escaped above


def isolate_plain(value: Any) -> str:
    """Plain text for untrusted text where no markup goes: balanced, between FSI and PDI."""
    if value is None or value == "":
        return ""
    return f"{FSI}{balance(str(value))}{PDI}"


def balance_data(data: Any) -> Any:
    """JSON data with every string in it balanced (keys too)."""
    if isinstance(data, str):
        return balance(data)
    if isinstance(data, dict):
        return {balance_data(k): balance_data(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [balance_data(v) for v in data]
    return data
