"""Evidence matching on a long source: reading a 300,000-character text and matching 10 claims.

Run by hand (no database, no network): `.venv/bin/python bench/matching.py [--chars N]`.
It prints the median of a few runs of analyse_text (the text read once) and of matching ten
claims against it, and the machine's load, since the figures move with it. The text is built
from sentences of our own (a customs and port report, repeated with other numbers and dates);
the issue's budget is 0.5 s for the ten claims, text reading included.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import os
import statistics
import sys
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from claims.evidence.matching import ClaimFacts, analyse_text, match_claim  # noqa: E402
from claims.evidence.quantities import table  # noqa: E402

MONTHS = list(calendar.month_name)[1:12]
SENTENCES = [
    "Lakeland's port handled {n:,} containers in {month} {year}, the harbour board said.",
    "Coffee exports rose {p}% to {t:,} tonnes in {year} from the year before.",
    "Customs revenue fell to ${b}.{d} billion in {month} {year}, down {p}% on a year earlier.",
    "Imports of fuel came to {t:,} barrels per day in {year}, officials said.",
    "The ministry expects {p}% growth next year, after {q}% this year.",
    "Among small firms, exports were {p}% higher in {month} {year}.",
    "About {n:,} people crossed the northern border in {year}, the police said.",
]


def long_text(chars: int) -> str:
    parts, i = [], 0
    while sum(len(p) + 2 for p in parts) < chars:
        year = 2015 + i % 9
        values = {
            "n": 1000 + 37 * i,
            "p": 1 + i % 40,
            "q": 2 + i % 7,
            "t": 5000 + 11 * i,
            "b": 1 + i % 9,
            "d": i % 10,
            "month": MONTHS[i % len(MONTHS)],
            "year": year,
        }
        parts.append(" ".join(s.format(**values) for s in SENTENCES))
        i += 1
    return "\n\n".join(parts)[:chars]


def claims() -> list[ClaimFacts]:
    year = (dt.date(2019, 1, 1), dt.date(2019, 12, 31), "year")
    month = (dt.date(2020, 3, 1), dt.date(2020, 3, 31), "month")
    specs = [
        ("Lakeland's port handled 4,000 containers in March 2020.", "4000", "container", "", month),
        ("Coffee exports rose 12% in 2019.", "12", "percent", "", year),
        ("Customs revenue fell to $3.4 billion in March 2020.", "3.4", "USD", "billion", month),
        ("Fuel imports were 6,000 barrels per day in 2019.", "6000", "barrel_per_day", "", year),
        ("About 2,000 people crossed the northern border in 2019.", "2000", "person", "", year),
        ("Coffee exports reached 5,500 tonnes in 2019.", "5500", "tonne", "", year),
        ("Small firms' exports were 9% higher in March 2020.", "9", "percent", "", month),
        ("Customs revenue was $7.1 billion in 2019.", "7.1", "USD", "billion", year),
        (
            "Lakeland's port handled more than 1,500 containers in 2019.",
            "1500",
            "container",
            "",
            year,
        ),
        ("Coffee exports fell 3% in 2019.", "3", "percent", "", year),
    ]
    return [
        ClaimFacts(
            text=text,
            value=Decimal(value),
            unit=unit,
            scale=scale,
            qualifier="more_than" if "more than" in text else "",
            period_start=start,
            period_end=end,
            precision=precision,
        )
        for text, value, unit, scale, (start, end, precision) in specs
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chars", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    text = long_text(args.chars)
    facts = claims()
    started = time.perf_counter()
    table()  # pint's registry, read once per process into the unit table
    loading = time.perf_counter() - started
    match_claim(facts[0], analyse_text(text[:2000]))  # warm: imports
    reading, matching = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        read = analyse_text(text)
        reading.append(time.perf_counter() - started)
        started = time.perf_counter()
        found = [match_claim(claim, read) for claim in facts]
        matching.append(time.perf_counter() - started)
    total = statistics.median(r + m for r, m in zip(reading, matching, strict=True))
    print(f"unit table from pint (once per process, not timed below): {loading:.3f} s")
    print(f"text: {len(text):,} characters, {len(read.sentences):,} sentences")
    print(f"analyse_text: median {statistics.median(reading):.3f} s")
    print(f"match_claim x {len(facts)}: median {statistics.median(matching):.3f} s")
    print(f"read + 10 claims: median {total:.3f} s (budget 0.5 s)")
    print(f"suggestions: {sum(len(f) for f in found)}; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
