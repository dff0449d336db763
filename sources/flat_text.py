"""A flat text dump of HTML, for markup that the tree-building extractors give up on.

lxml (libxml2) stops building its tree at 256 levels of nesting, so a page of 100,000 nested
tags comes out of trafilatura and lxml as empty text although every word is there. This dump
builds no tree and keeps no stack: one forward scan, tag by tag, in which no search can run
past the last ``>`` and fail, so time is linear in the input, depth does not matter and memory
stays at the size of the output (bench/flat_text.py prints the figures). The standard
library's ``html.parser`` builds no tree either, but it rescans the incomplete construct it
buffers on every feed: 2 MB of ``<`` took it 10 to 22 s on this machine, this 0.1 s.
It is bounded on both sides: at most ``max_input_chars`` of markup are read and at most
``max_chars`` of text written. What it trades for that: a ``>`` inside a quoted attribute value
ends the tag early, so a few characters of such an attribute may show as text.
"""

from __future__ import annotations

import html
import re

__all__ = ["BLOCK_TAGS", "INVISIBLE_TAGS", "flat_text"]

MAX_INPUT_CHARS = 20_000_000
MAX_CHARS = 5_000_000

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
})  # fmt: skip
INVISIBLE_TAGS = ("script", "style", "noscript", "template", "head", "svg", "iframe", "object")
_TAG_START = re.compile(r"<[a-zA-Z/!?]")
_MARKUP = re.compile(
    r"<(?P<comment>!--)"
    r"|<(?P<close>/)?\s*(?P<name>[a-zA-Z][a-zA-Z0-9:-]*)[^>]*>"
    r"|<[!?/][^>]*>"
)
_CLOSERS = {tag: re.compile(rf"</{tag}\b", re.I) for tag in INVISIBLE_TAGS}


def flat_text(
    markup: str, *, max_input_chars: int = MAX_INPUT_CHARS, max_chars: int = MAX_CHARS
) -> str:
    """The visible text of ``markup`` as paragraphs separated by a blank line; never raises."""
    end = min(len(markup), max_input_chars)
    # Tags are only looked for up to the last ">": every tag searched for then has its end, so
    # no search runs on to the end of the input and fails (which, repeated, would be quadratic).
    stop = markup.rfind(">", 0, end) + 1
    pieces: list[str] = []
    size = 0
    i = 0
    while size < max_chars:
        found = _MARKUP.search(markup, i, stop)
        if found is None:
            tail = markup[i:end]
            cut = _TAG_START.search(tail)  # an unclosed tag runs to the end: no text after it
            pieces.append(tail if cut is None else tail[: cut.start()])
            break
        lt = found.start()
        if lt > i:
            pieces.append(markup[i:lt])
            size += lt - i
        i = found.end()
        if found.group("comment"):
            close = markup.find("-->", lt + 4, end)
            if close == -1:
                break  # an unclosed comment hides the rest
            i = close + 3
            continue
        tag = (found.group("name") or "").lower()
        if tag in _CLOSERS and not found.group("close") and markup[i - 2 : i] != "/>":
            closer = _CLOSERS[tag].search(markup, i, end)
            if closer is None:
                break  # an unclosed <script> hides the rest, as in a browser
            after = markup.find(">", closer.end(), end)
            if after == -1:
                break
            i = after + 1
        elif tag in BLOCK_TAGS:
            pieces.append("\n")
            size += 1
    lines = (" ".join(html.unescape(line).split()) for line in "".join(pieces).splitlines())
    return "\n\n".join(line for line in lines if line)[:max_chars]
