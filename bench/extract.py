"""Benchmark: claim extraction over 200 seed-sized articles on one core, in articles/s."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEED = Path("/work/shared/seed/article.txt")
TARGET = 20.0  # articles per second, from the issue

_NUMBER_RE = re.compile(r"\d[\d,.]*\d|\d")
_MONTH_RE = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\b",
    re.IGNORECASE,
)
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def vary(text: str, rng: random.Random) -> str:
    """The seed with its numbers, years and months changed, formats kept."""

    def number(match: re.Match[str]) -> str:
        raw = match.group(0)
        if len(raw) == 4 and raw.isdigit() and 1990 <= int(raw) <= 2030:
            return str(int(raw) + rng.randint(-3, 3))
        digits = [str(rng.randint(0, 9)) if ch.isdigit() else ch for ch in raw]
        if digits[0] == "0":
            digits[0] = str(rng.randint(1, 9))
        return "".join(digits)

    def month(match: re.Match[str]) -> str:
        name = rng.choice(_MONTHS)
        return name.upper() if match.group(0).isupper() else name

    return _MONTH_RE.sub(month, _NUMBER_RE.sub(number, text))


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"core {core}"
    return "unpinned"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("seed", nargs="?", default=str(DEFAULT_SEED), help="the seed article")
    parser.add_argument("--articles", type=int, default=200)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from claims.extraction import extract_claims  # no Django: a plain package

    seed = Path(args.seed).read_text(encoding="utf-8")
    rng = random.Random(20240105)
    articles = [
        (vary(seed, rng), dt.date(2024, 1, 5) + dt.timedelta(days=rng.randint(-400, 400)))
        for _ in range(args.articles)
    ]
    where = pin_to_one_core()
    extract_claims(*articles[0])  # warm up: compiled patterns and caches

    started = time.perf_counter()
    found = 0
    for text, published in articles:
        found += len(extract_claims(text, published))
    elapsed = time.perf_counter() - started

    rate = len(articles) / elapsed
    size = sum(len(text) for text, _ in articles) // len(articles)
    print(
        f"extract_claims: {len(articles)} articles of ~{size:,} chars in {elapsed:.2f} s "
        f"on one core ({where}): {rate:.1f} articles/s, {elapsed / len(articles) * 1000:.1f} "
        f"ms/article, {found / len(articles):.1f} candidates/article "
        f"(target >= {TARGET:.0f}/s: {'met' if rate >= TARGET else 'MISSED'})"
    )
    return 0 if rate >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
