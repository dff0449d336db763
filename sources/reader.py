"""The reader view's body: a capture's extracted text as paragraphs, and its tables as HTML tables.

Text extraction writes a table as Markdown pipe rows ("| Year | Tonnes |", a "|---|---|" rule
under the header, "\\|" for a pipe inside a cell), one row per line. Here those rows become a
<table>; every cell and paragraph is escaped, so nothing in someone else's text becomes markup.
Not the markdown library: it would also turn links, emphasis and raw HTML in archived text into
markup, and only the tables are ours to draw.

With a marked passage (?passage=start-end, offsets into the text) the text keeps its line breaks
and the mark sits exactly on those characters; a table the passage touches is shown as its text
so the mark stays exact, every other table as a table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import normalize_newlines

_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$")
_RULE_CELL = re.compile(r"^:?-+:?$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


@dataclass(frozen=True)
class Block:
    """A stretch of the text: [start, end) offsets, and its rows when it is a table."""

    start: int
    end: int
    rows: tuple[tuple[str, ...], ...] = ()

    @property
    def is_table(self) -> bool:
        return bool(self.rows)


def _cells(line: str) -> tuple[str, ...]:
    inner = line.strip()[1:-1]
    return tuple(cell.strip().replace("\\|", "|") for cell in _CELL_SPLIT.split(inner))


def blocks(text: str) -> list[Block]:
    """The text cut into tables (two or more consecutive pipe rows, blank lines between rows
    allowed) and the text between them."""
    tables: list[Block] = []
    current: Block | None = None  # the table being read

    def close(table: Block | None) -> None:
        if table is not None and len(table.rows) > 1:  # one pipe line is just a line
            tables.append(table)

    offset = 0
    for line in text.splitlines(keepends=True):
        bare = line.rstrip("\r\n")
        if _ROW.match(bare):
            start = current.start if current else offset
            rows = current.rows if current else ()
            current = Block(start, offset + len(bare), (*rows, _cells(bare)))
        elif bare.strip():
            close(current)
            current = None
        offset += len(line)
    close(current)
    out: list[Block] = []
    position = 0
    for table in tables:
        if table.start > position:
            out.append(Block(position, table.start))
        out.append(table)
        position = table.end
    if position < len(text):
        out.append(Block(position, len(text)))
    return out


def _is_rule(row: tuple[str, ...]) -> bool:
    return all(_RULE_CELL.match(cell) for cell in row if cell) and any(row)


def table_html(rows: tuple[tuple[str, ...], ...]) -> SafeString:
    """One table: a header when the second row is a rule, cells escaped, short rows padded."""
    head: tuple[tuple[str, ...], ...] = ()
    body = rows
    if len(rows) > 1 and _is_rule(rows[1]):
        head, body = rows[:1], rows[2:]
    body = tuple(row for row in body if not _is_rule(row))
    width = max(len(row) for row in rows)

    def row_html(row: tuple[str, ...], tag: str) -> str:
        cells = [*row, *([""] * (width - len(row)))]
        scope = ' scope="col"' if tag == "th" else ""
        return "<tr>" + "".join(f"<{tag}{scope}>{escape(c)}</{tag}>" for c in cells) + "</tr>"

    parts = ['<div class="table-wrap"><table class="reader-table">']
    if head:
        parts.append("<thead>" + row_html(head[0], "th") + "</thead>")
    parts.append("<tbody>" + "".join(row_html(row, "td") for row in body) + "</tbody>")
    parts.append("</table></div>")
    return mark_safe("".join(parts))  # noqa: S308 - every cell went through escape()


def _paragraphs(text: str) -> str:
    """Django's linebreaks filter: blank lines make paragraphs, single breaks <br>, escaped."""
    chunks = re.split(r"\n{2,}", normalize_newlines(text).strip())
    return "".join(
        format_html("<p>{}</p>", mark_safe(escape(chunk).replace("\n", "<br>")))  # noqa: S308
        for chunk in chunks
        if chunk.strip()
    )


def reader_html(text: str) -> SafeString:
    """The whole text for reading: paragraphs and tables."""
    return mark_safe(  # noqa: S308 - both parts escape their text
        "".join(
            table_html(b.rows) if b.is_table else _paragraphs(text[b.start : b.end])
            for b in blocks(text)
        )
    )


def reader_html_with_passage(text: str, start: int, end: int) -> SafeString:
    """The text with [start, end) marked (line breaks kept, for a pre-wrap container)."""
    parts: list[str] = []
    for block in blocks(text):
        if block.is_table and (block.end <= start or block.start >= end):
            parts.append(table_html(block.rows))
            continue
        lo, hi = block.start, block.end
        if hi <= start or lo >= end:
            parts.append(escape(text[lo:hi]))
            continue
        a, b = max(lo, start), min(hi, end)
        parts.append(escape(text[lo:a]))
        if a == start:
            parts.append('<mark class="hl" id="passage" tabindex="-1">')
        parts.append(escape(text[a:b]))
        if b == end:
            parts.append("</mark>")
        parts.append(escape(text[b:hi]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text went through escape()
