"""Imported by the text-extraction forkserver only: one extraction of each kind, so that what the
parsers load on first use (trafilatura's language data, pypdf's font tables) is loaded once in
the forkserver and every forked child starts warm."""

from __future__ import annotations

from sources.text import extract_text

_PAGE = (
    b"<html><head><title>Warm-up</title></head><body><article><h1>Warm-up</h1>"
    b"<p>The port handled 1,200 containers in March 2024, up 4.5% on a year earlier.</p>"
    b"<p>A second paragraph, so the extractor has a body to choose.</p></article></body></html>"
)


def _warm() -> None:
    extract_text(_PAGE, "text/html; charset=utf-8", "http://127.0.0.1/warm-up")
    extract_text(b"plain text", "text/plain")


_warm()
