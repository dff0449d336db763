"""Benchmark: the flat text fallback on hostile markup, against html.parser, in seconds.

    .venv/bin/python bench/flat_text.py

Prints one line per input: size, flat_text's time, html.parser's time (the library this module
does not use, for the reason it prints) and extract_text's time end to end (lxml/trafilatura
first, then the fallback). Figures only; nothing is asserted.
"""

from __future__ import annotations

import os
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

from sources.flat_text import flat_text  # noqa: E402
from sources.text import extract_text  # noqa: E402

SENTENCE = "<p>The harbour board counted 38,400 crates in the second quarter.</p>"
INPUTS = {
    "100,000 nested <div>": "<div>" * 100_000 + SENTENCE + "</div>" * 100_000,
    "100,000 unclosed <span>": "<span>" * 100_000 + SENTENCE,
    "2 MB of '<'": "<" * 2_000_000,
    "200,000 short tags (1.6 MB)": "<b>x</b>" * 200_000,
    "unclosed comment, 2 MB": "<!--" + "a" * 2_000_000,
}


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def html_parser(markup: str) -> None:
    parser = HTMLParser()
    for i in range(0, len(markup), 64 * 1024):
        parser.feed(markup[i : i + 64 * 1024])
    parser.close()


def main() -> None:
    print(f"{'input':<28} {'chars':>10} {'flat_text':>10} {'html.parser':>12} {'extract_text':>13}")
    for name, markup in INPUTS.items():
        flat = timed(lambda markup=markup: flat_text(markup))
        stdlib = timed(lambda markup=markup: html_parser(markup))
        payload = markup.encode()
        full = timed(lambda payload=payload: extract_text(payload, "text/html; charset=utf-8"))
        print(f"{name:<28} {len(markup):>10,} {flat:>9.2f}s {stdlib:>11.2f}s {full:>12.2f}s")


if __name__ == "__main__":
    main()
