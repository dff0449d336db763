"""Benchmark: claim extraction on one core, in seed-sized articles/s and short sentences/s.

Articles: the seed article with its numbers, years and months varied (200 of them). Sentences:
short news sentences of our own (one figure or two, a date, a currency), each extracted on its
own as a batch caller would (`extract_claims --jsonl`), 3,000 of them.
"""

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
TARGET = 100.0  # seed-sized articles per second, from the issue
SENTENCE_TARGET = 3000.0  # short news sentences per second
_SUBJECTS = ["Exports of rice", "Imports of steel", "Car sales", "Tourist arrivals", "Revenue"]
_VERBS = ["rose", "fell", "grew", "dropped", "climbed", "slipped"]
_AMOUNTS = ["4.2%", "$1.8 billion", "Rs 1.6 lakh crore", "12,400 tonnes", "two-thirds", "3 000"]
_WHEN = ["in March 2023", "last month", "in the first half of 2022", "in FY24", "year-on-year"]

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


def sentences(count: int, rng: random.Random) -> list[str]:
    """Short news sentences of the usual shapes: "X rose 4.2% to $1.8 billion in March 2023."."""
    out = []
    for _ in range(count):
        first, second = rng.sample(_AMOUNTS, 2)
        out.append(
            f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {first} to {second} "
            f"{rng.choice(_WHEN)}, officials said."
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("seed", nargs="?", default=str(DEFAULT_SEED), help="the seed article")
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--sentences", type=int, default=3000)
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each part; the fastest is reported (the others only add the load of a "
        "shared machine)",
    )
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

    runs = []
    for _ in range(max(1, args.repeat)):
        started = time.perf_counter()
        found = 0
        for text, published in articles:
            found += len(extract_claims(text, published))
        runs.append(time.perf_counter() - started)
    elapsed = min(runs)

    rate = len(articles) / elapsed
    size = sum(len(text) for text, _ in articles) // len(articles)
    print(
        f"extract_claims: {len(articles)} articles of ~{size:,} chars in {elapsed:.2f} s "
        f"on one core ({where}, best of {len(runs)}): {rate:.1f} articles/s, "
        f"{elapsed / len(articles) * 1000:.1f} ms/article, "
        f"{found / len(articles):.1f} candidates/article "
        f"(target >= {TARGET:.0f}/s: {'met' if rate >= TARGET else 'MISSED'})"
    )
    short = sentences(args.sentences, rng)
    published = dt.date(2024, 1, 5)
    runs = []
    for _ in range(max(1, args.repeat)):
        started = time.perf_counter()
        figures = 0
        for sentence in short:
            figures += sum(len(c.figures) for c in extract_claims(sentence, published))
        runs.append(time.perf_counter() - started)
    elapsed = min(runs)
    per_second = len(short) / elapsed
    print(
        f"extract_claims: {len(short)} short news sentences in {elapsed:.2f} s on one core: "
        f"{per_second:,.0f} sentences/s, {figures / len(short):.1f} figures/sentence "
        f"(target >= {SENTENCE_TARGET:,.0f}/s: "
        f"{'met' if per_second >= SENTENCE_TARGET else 'MISSED'})"
    )
    return 0 if rate >= TARGET and per_second >= SENTENCE_TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
