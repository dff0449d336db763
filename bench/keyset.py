"""Benchmark: one page of the API's claim list deep into rows that share their sort value,
through our keyset pager (factcheck.keyset) and through DRF's CursorPagination.

Why it exists: factcheck.keyset's docstring says why the API does not use CursorPagination (its
cursor keeps an offset among rows with the same `updated_at`, which a bulk change makes common).
This prints the figures behind that: milliseconds per page at the first page and after walking
`--pages` pages into a run of equal `updated_at` values, for both pagers, on the same query, and
PostgreSQL's execution time of that deep page's SQL.

Seeds its own database (factcheck_bench_keyset, created and migrated if missing) with
`--claims` claims (default 100,000) in groups of `--tie` (default 20,000) that share one
`updated_at`, as a bulk edit leaves them.

    .venv/bin/python bench/keyset.py [--claims 100000] [--tie 20000] [--pages 300]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "factcheck_bench_keyset"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"


def ensure_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
            c.execute(f'CREATE DATABASE "{DB_NAME}"')
    env = {**os.environ, "DATABASE_URL": DB_URL}
    env.pop("REDIS_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )


def seed(claims: int, tie: int) -> None:
    import datetime as dt

    from django.db import connection

    from claims.models import Claim

    if Claim.objects.count() == claims:
        return
    Claim.objects.all().delete()
    batch = []
    for i in range(claims):
        batch.append(Claim(text=f"Exports of item {i} rose {i % 90 + 1}%."))
        if len(batch) == 5000:
            Claim.objects.bulk_create(batch)
            batch = []
    Claim.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        # updated_at is auto_now: set the runs of equal values afterwards, in SQL.
        cursor.execute(
            "UPDATE claims_claim SET updated_at = %s + make_interval(hours => "
            "((id - (SELECT min(id) FROM claims_claim)) / %s)::int)",
            [dt.datetime(2024, 1, 1, tzinfo=dt.UTC), tie],
        )
        cursor.execute("ANALYZE claims_claim")


def timed(fetch, pages: int) -> tuple[float, float, float]:
    """Walk `pages` pages from the top: (ms of the first page, median ms of the last 10, and
    PostgreSQL's own execution time of the last page's query, from EXPLAIN ANALYZE, which the
    load of a shared machine disturbs far less than wall time)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fetch(None)  # warm: the first page's plan and rows are cached for both alike
    times = []
    cursor = None
    for _ in range(pages):
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            cursor = fetch(cursor)
            times.append((time.perf_counter() - t0) * 1000)
    with connection.cursor() as db:
        db.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + captured.captured_queries[-1]["sql"])
        plan = db.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else plan
    return times[0], statistics.median(times[-10:]), plan["Execution Time"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--tie", type=int, default=20_000)
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()
    ensure_database()
    os.environ["DATABASE_URL"] = DB_URL
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from rest_framework.pagination import CursorPagination
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from claims.models import Claim
    from factcheck import keyset

    seed(args.claims, args.tie)
    rows = Claim.objects.values("id", "updated_at", "text", "state")
    size = 50

    def ours(start):
        page, _more = keyset.page(rows, "updated_at", descending=True, size=size, start=start)
        return (page[-1]["updated_at"], page[-1]["id"])

    class Pager(CursorPagination):
        ordering = ("-updated_at", "-id")
        page_size = size

    factory = APIRequestFactory()

    def drf(url):
        request = Request(factory.get(url or "/api/v1/claims/"))
        pager = Pager()
        pager.paginate_queryset(rows, request)
        return pager.get_next_link()

    print(f"{args.claims:,} claims, runs of {args.tie:,} equal updated_at, pages of {size}")
    for name, fetch in (("factcheck.keyset", ours), ("DRF CursorPagination", drf)):
        first, deep, sql = timed(fetch, args.pages)
        print(
            f"{name:22} page 1: {first:6.2f} ms   page {args.pages}: {deep:6.2f} ms"
            f"   (its SQL: {sql:.2f} ms)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
