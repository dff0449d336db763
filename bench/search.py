"""Benchmark: search and prior checks over 100,000 claims on PostgreSQL, with their query plans.

    .venv/bin/python bench/search.py                 # loads the data once (about a minute)
    .venv/bin/python bench/search.py --runs 50       # more timings per query
    .venv/bin/python bench/search.py --reload        # empty the tables and load them again

It uses its own database, factcheck_bench_search (--database-url; the name must contain
"bench"), created and migrated when missing, and never the test suite's. The data: 100,000
claims written from templates over a newsroom vocabulary (so that many are alike, which is the
hard case for prior checks), 5,000 articles of ~4 KB and 2,000 archived captures of ~20 KB, of
which one in 250 mentions a rare place. After loading it runs VACUUM ANALYZE, as autovacuum
would on a live desk.

For each query it prints the median and 95th percentile of --runs timings (ms, wall clock from
Python, so ORM and driver included) and the access path PostgreSQL chose (with enable_seqscan
on: these are the plans production gets).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/factcheck_bench_search"

SUBJECTS = [
    "North Korea",
    "Russia",
    "China",
    "The government",
    "The ministry of trade",
    "Customs officials",
    "The central bank",
    "The port authority",
    "Pyongyang",
    "Moscow",
    "Beijing",
    "The army",
    "The opposition",
    "A UN panel",
    "The finance minister",
    "Rosatom",
    "Gazprom",
    "The railway operator",
    "Seoul",
    "Tokyo",
]
VERBS = [
    "sent",
    "shipped",
    "exported",
    "imported",
    "delivered",
    "received",
    "spent",
    "lost",
    "produced",
    "sold",
    "bought",
    "approved",
    "transferred",
    "recorded",
    "reported",
]
QUALIFIERS = ["", "more than ", "about ", "nearly ", "at least ", "up to ", "fewer than "]
UNITS = [
    "containers of munitions",
    "artillery shells",
    "tonnes of grain",
    "barrels of oil",
    "rockets",
    "drones",
    "tanks",
    "cars",
    "tonnes of coal",
    "doses of vaccine",
    "workers",
    "refugees",
    "jobs",
    "homes",
    "flights",
]
MONEY = ["$", "US$", "€", "£"]
PLACES = [
    "to Russia",
    "to China",
    "from Iran",
    "to Ukraine",
    "through Rajin port",
    "by rail",
    "across the border",
    "to the front",
    "from Vladivostok",
    "to Europe",
    "in the north",
    "to Africa",
]
RARE_SENTENCE = "Delegates met at the Vostochny cosmodrome to sign the accord."
MONTHS = "January February March April May June July August September October November December"


def claim_text(rng: random.Random) -> str:
    when = rng.choice(
        [
            f"in {rng.choice(MONTHS.split())} {rng.randint(2015, 2024)}",
            f"in {rng.randint(2010, 2024)}",
            f"in the first half of {rng.randint(2015, 2024)}",
            "last year",
            f"between {rng.randint(2010, 2016)} and {rng.randint(2017, 2024)}",
        ]
    )
    number = rng.choice([f"{rng.randint(2, 999):,}", f"{rng.randint(1, 90) * 1000:,}"])
    subject, verb, place = rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(PLACES)
    if rng.random() < 0.25:
        amount = f"{rng.choice(MONEY)}{rng.randint(1, 500)} {rng.choice(['million', 'billion'])}"
        return f"{subject} {verb} {rng.choice(QUALIFIERS)}{amount} worth of goods {place} {when}."
    if rng.random() < 0.2:
        share = f"{rng.randint(1, 99)}{rng.choice(['%', ' per cent'])}"
        return f"{subject}'s {rng.choice(UNITS).split()[-1]} trade rose {share} {when}."
    return f"{subject} {verb} {rng.choice(QUALIFIERS)}{number} {rng.choice(UNITS)} {place} {when}."


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=5_000)
    parser.add_argument("--captures", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reload", action="store_true", help="empty the tables and load again")
    args = parser.parse_args()
    name = urlsplit(args.database_url).path.lstrip("/")
    if "bench" not in name:
        parser.error("the database name must contain 'bench': this script empties its tables")
    return args


def prepare_database(url: str) -> None:
    import subprocess

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("SECRET_KEY", None)
    env.pop("FACTCHECK_ENV", None)
    migrate = [sys.executable, "manage.py", "migrate", "--no-input", "--skip-checks", "-v0"]
    done = subprocess.run(migrate, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit("manage.py migrate failed:\n" + done.stdout + done.stderr)


def load(args: argparse.Namespace) -> None:
    from django.db import connection
    from django.db.models import F, TextField, Value
    from django.db.models.functions import Concat

    from claims.evidence.models import EvidenceSuggestion, RecheckAlert
    from claims.models import Article, Claim
    from factcheck.models import AuditEvent
    from sources.models import Capture, CaptureState, Source

    if args.reload:
        RecheckAlert.objects.all().delete()
        EvidenceSuggestion.objects.all().delete()
        AuditEvent.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE sources_capture, sources_evidence, sources_source, claims_rating, "
                "claims_verdictversion, claims_claim, claims_article CASCADE"
            )
    rng = random.Random(20240105)
    started = time.perf_counter()
    have = Claim.objects.count()
    batch = 5_000
    while have < args.claims:
        size = min(batch, args.claims - have)
        Claim.objects.bulk_create(Claim(text=claim_text(rng)) for _ in range(size))
        have += size
    have = Article.objects.count()
    while have < args.articles:
        size = min(1_000, args.articles - have)
        Article.objects.bulk_create(
            Article(
                title=claim_text(rng)[:120],
                body="\n\n".join(claim_text(rng) for _ in range(35)),
                content_hash=f"bench-{have + i:058d}",
            )
            for i in range(size)
        )
        have += size
    have = Capture.objects.count()
    while have < args.captures:
        size = min(250, args.captures - have)
        sources = Source.objects.bulk_create(
            Source(url=f"https://bench.example.org/report/{have + i}", domain="bench.example.org")
            for i in range(size)
        )
        Capture.objects.bulk_create(
            Capture(
                source=source,
                state=CaptureState.ARCHIVED,
                sha256=f"{have + i:064x}",
                title=f"Report {have + i}",
                text="\n\n".join(claim_text(rng) for _ in range(180)),
            )
            for i, source in enumerate(sources)
        )
        have += size
    # A few documents about something rare, so that rare-word searches have something to find.
    if not Article.objects.filter(body__contains=RARE_SENTENCE).exists():
        rare = Value(f" {RARE_SENTENCE}")
        Article.objects.annotate(n=F("pk") % 250).filter(n=0).update(
            body=Concat("body", rare, output_field=TextField())
        )
        Capture.objects.annotate(n=F("pk") % 250).filter(n=0).update(
            text=Concat("text", rare, output_field=TextField())
        )
    loaded = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE claims_claim, claims_article, sources_capture")
    print(
        f"data: {Claim.objects.count():,} claims, {Article.objects.count():,} articles, "
        f"{Capture.objects.count():,} captures (loaded in {loaded:.1f} s)"
    )


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    fn()  # warm the cache and the connection
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return statistics.median(samples), p95


def access_path(queryset) -> str:
    """The scan nodes of the plan PostgreSQL chose (index names included)."""
    plan = queryset.explain()
    nodes = []
    for line in plan.splitlines():
        text = line.strip().removeprefix("->").strip()
        if " Scan " in f" {text}" and " on " in text:
            nodes.append(text.split("  (")[0])
    return "; ".join(dict.fromkeys(nodes)) or plan.splitlines()[0]


def main() -> int:
    args = parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.pop("SECRET_KEY", None)
    os.environ.pop("FACTCHECK_ENV", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    os.environ["DEBUG"] = "0"
    prepare_database(args.database_url)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser

    from claims import search
    from claims.models import Claim

    load(args)
    desk = get_user_model()(username="bench", is_superuser=True)
    sample = list(Claim.objects.order_by("?").values_list("pk", flat=True)[:200])
    probes = [Claim.objects.get(pk=pk) for pk in sample[:50]]
    queries = {
        "common word": "containers",
        "two words": "rail grain",
        "phrase": '"artillery shells" Ukraine',
        "rare words": "Rosatom vaccine",
        "no match": "zeppelin",
    }

    rows: list[tuple[str, float, float, str]] = []

    def measure(label: str, fn: Callable[[], object], plan_of=None) -> None:
        median, p95 = timed(fn, args.runs)
        rows.append((label, median, p95, access_path(plan_of) if plan_of is not None else ""))

    for name, q in queries.items():
        measure(
            f"claims, top 10, ranked: {name}",
            lambda q=q: list(search.claim_matches(q)[:10]),
            search.claim_matches(q)[:10],
        )
    for name, q in (("common word", "containers"), ("rare word", "cosmodrome")):
        measure(
            f"articles, top 10, ranked: {name}",
            lambda q=q: list(search.article_matches(q)[:10]),
            search.article_matches(q)[:10],
        )
        measure(
            f"captures, top 10, ranked: {name}",
            lambda q=q: list(search.capture_matches(q)[:10]),
            search.capture_matches(q)[:10],
        )
    for name, q in (("common word", "containers"), ("rare word", "cosmodrome accord")):
        measure(f"search page, desk: {name}", lambda q=q: search.search(desk, q))
    measure("search page, anonymous: common word", lambda: search.search(AnonymousUser(), "drones"))

    cycle = iter(probes * (args.runs + 2))
    measure(
        "prior checks, top 5 (a different claim each run)",
        lambda: search.prior_checks(next(cycle)),
        search.prior_checks_queryset(probes[0])[:5],
    )
    found = [len(search.prior_checks(claim)) for claim in probes]
    width = max(len(label) for label, *_ in rows)
    print(f"\n{'query':<{width}}  median ms    p95 ms  access path")
    for label, median, p95, path in rows:
        print(f"{label:<{width}}  {median:9.2f} {p95:9.2f}  {path}")
    print(
        f"\nprior checks found per probe claim: mean {statistics.mean(found):.1f}, "
        f"{sum(1 for n in found if n) / len(found):.0%} of probes had at least one"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
