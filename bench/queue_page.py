"""Benchmark: the claim queue page (/claims/) at 100,000 claims, and their export.

Seeds its own PostgreSQL database (created and migrated if missing) with 100,000 claims (each with
a figure, a due date for a third of them, a priority for half), a few hundred articles, and
sources with captures in every state for a third of the claims, then times:

- the whole queue page (URL routing, session, role check, the queue query with its capture-health
  subqueries, the bulk form's bounded count, template rendering) through Django's test client,
  for the common views of the queue and the deadline/priority filters and sorts;
- `manage.py export_claims` of every claim as CSV (and JSON Lines) in a child process: its wall
  time and its peak resident memory.

    .venv/bin/python bench/queue_page.py            # a few minutes the first time, less after
    .venv/bin/python bench/queue_page.py --claims 10000 --no-export

Targets: under 150 ms median per page; the export of 100,000 claims under 30 s in under 200 MB.
It prints the median and 95th percentile of each case, the median CPU time the Django process
spent (load on a shared machine inflates wall time, not this), and the SQL queries per page.
"""

from __future__ import annotations

import os
import sys

# This file is named like the standard library's `queue`, which psycopg and Django import: take
# its own folder off the import path before anything else is imported.
_HERE = os.path.dirname(os.path.realpath(__file__))
sys.path[:] = [p for p in sys.path if os.path.realpath(p or ".") != _HERE]

import argparse  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/factcheck_bench_queue"
CLAIMS = 100_000
TARGET_MS = 150.0
EXPORT_TARGET_S = 30.0
EXPORT_TARGET_MB = 200.0


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url}
    migrate = [PYTHON, "manage.py", "migrate", "--no-input", "--skip-checks", "-v0"]
    done = subprocess.run(migrate, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit("manage.py migrate failed:\n" + done.stdout + done.stderr)


def seed(count: int) -> None:
    """Bulk rows (not the services: this is a fixture for timing reads, not a workflow)."""
    import datetime as dt
    import random
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from claims.evidence.models import Evidence
    from claims.models import Article, Claim, ClaimFigure, ClaimState, RatingScale
    from sources.models import Capture, Source

    have = Claim.objects.count()
    if have >= count:
        return
    rng = random.Random(6)
    User = get_user_model()
    checker, created = User.objects.get_or_create(username="bench-checker")
    if created:
        checker.groups.add(Group.objects.get(name="fact-checker"))
    people = [checker]
    for n in range(5):
        user, made = User.objects.get_or_create(username=f"bench-reviewer-{n}")
        if made:
            user.groups.add(Group.objects.get(name="fact-checker"))
        people.append(user)
    scale = list(RatingScale.objects.all())
    words = [
        "exports",
        "imports",
        "containers",
        "rice",
        "garment",
        "shipments",
        "tonnes",
        "barrels",
        "tourists",
        "visitors",
        "revenue",
        "budget",
        "deficit",
        "growth",
        "inflation",
        "wages",
        "jobs",
        "factories",
        "loans",
        "investment",
    ]
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        articles = Article.objects.bulk_create(
            Article(
                title=f"Bench article {n}: {' '.join(rng.sample(words, 4))}",
                publisher="Bench Post",
                published_on=dt.date(2024, 1, 1) + dt.timedelta(days=n % 300),
                content_hash=f"bench-{n:058d}",
            )
            for n in range(have, have + 300)
        )
        states = [s for s, _ in ClaimState.choices]
        rows = []
        for n in range(have, count):
            state = rng.choice(states)
            rows.append(
                Claim(
                    article=rng.choice(articles),
                    text=f"{' '.join(rng.sample(words, 6)).capitalize()} rose by {n} in 2023.",
                    kind=rng.choice(["quantity", "money", "percentage", "date_event"]),
                    value=Decimal(rng.randint(1, 5000)),
                    qualifier=rng.choice(["exact", "about", "more_than"]),
                    unit=rng.choice(["container", "USD", "percent", "tonne"]),
                    scale=rng.choice(["", "thousand", "million"]),
                    period_start=dt.date(2023, 1, 1),
                    period_end=dt.date(2023, 12, 31),
                    date_precision="year",
                    state=state,
                    assignee=rng.choice([None, *people]),
                    check_worthiness=rng.random(),
                    rating=rng.choice(scale) if state == "published" else None,
                    published_at=now if state == "published" else None,
                    due_date=today + dt.timedelta(days=rng.randint(-20, 40))
                    if rng.random() < 0.33
                    else None,
                    priority=rng.choice([0, 0, 1, 2, 3, 4]),
                )
            )
        claims = Claim.objects.bulk_create(rows, batch_size=2000)
        ClaimFigure.objects.bulk_create(
            (
                ClaimFigure(claim=c, position=0, value=c.value, unit=c.unit, scale=c.scale)
                for c in claims
            ),
            batch_size=5000,
        )
        sources = Source.objects.bulk_create(
            Source(url=f"https://bench.example/{n}", domain="bench.example")
            for n in range(have, have + count // 3)
        )
        Evidence.objects.bulk_create(
            Evidence(claim=claims[i * 3], source=source, relation="cited")
            for i, source in enumerate(sources)
        )
        capture_states = ["archived"] * 6 + ["queued", "fetching", "failed", "blocked"]
        captures = []
        for source in sources:
            state = rng.choice(capture_states)
            captures.append(
                Capture(
                    source=source,
                    state=state,
                    sha256="b" * 64 if state == "archived" else "",
                    failure_reason="HTTP 404" if state in ("failed", "blocked") else "",
                )
            )
        Capture.objects.bulk_create(captures, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--claims", type=int, default=CLAIMS)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--no-export", action="store_true", help="time the pages only")
    parser.add_argument("--export-only", action="store_true", help="time the export only")
    args = parser.parse_args()

    ensure_database(args.database_url)
    os.environ.update(DATABASE_URL=args.database_url, DEBUG="0")
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY", "FACTCHECK_ENV"):
        os.environ.pop(name, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from claims.models import Claim

    started = time.perf_counter()
    seed(args.claims)
    print(f"{Claim.objects.count():,} claims (seeded in {time.perf_counter() - started:.1f} s)")
    if args.export_only:
        for fmt in ("csv", "jsonl"):
            export_figures(args.database_url, fmt)
        return

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-checker"))
    deep = Claim.objects.order_by("-updated_at", "-id")[5000]
    from factcheck.keyset import encode as _encode_cursor

    cases = {
        "first page": {},
        "state=researching": {"state": "researching"},
        "assignee=me": {"assignee": "me"},
        "sort=worthiness": {"sort": "worthiness"},
        "search 'containers rice'": {"q": "containers rice"},
        "search + state=new": {"q": "exports", "state": "new"},
        "page 101 (cursor)": {"after": _encode_cursor(deep.updated_at, deep.pk)},
        "due=overdue sort=due": {"due": "overdue", "sort": "due"},
        "due=today": {"due": "today"},
        "due=week + state=new": {"due": "week", "state": "new"},
        "priority=urgent": {"priority": "urgent"},
        "sort=priority": {"sort": "priority"},
        "sort=due": {"sort": "due"},
        "sort=due page 2": {"sort": "due", "after": _due_cursor()},
    }
    worst = worst_median = 0.0
    print(f"machine load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"{'case':<28} {'median ms':>10} {'p95 ms':>8} {'python cpu ms':>14} "
        f"{'queries':>8} {'rows':>5}"
    )
    for label, params in cases.items():
        for _ in range(3):  # warm up the connection and the template cache
            client.get("/claims/", params)
        timings, cpu = [], []
        for _ in range(args.runs):
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.get("/claims/", params)
            timings.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/claims/", params)
        rows = response.content.decode().count('<td class="q-claim"')
        median = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20)[-1]
        worst = max(worst, p95)
        worst_median = max(worst_median, median)
        print(
            f"{label:<28} {median:>10.1f} {p95:>8.1f} {statistics.median(cpu):>14.1f} "
            f"{len(queries):>8} {rows:>5}"
        )
    verdict = "OK" if worst_median < TARGET_MS else "SLOW"
    print(
        f"worst median {worst_median:.1f} ms (worst p95 {worst:.1f} ms) against a target of "
        f"{TARGET_MS:.0f} ms median: {verdict}"
    )
    bench_mywork(args.runs)
    if not args.no_export:
        for fmt in ("csv", "jsonl"):
            export_figures(args.database_url, fmt)


def _due_cursor() -> str:
    """The cursor of the 50th claim in due-date order (the second page of sort=due)."""
    from django.db.models import F

    from claims.models import Claim
    from factcheck.keyset import encode as _encode_cursor

    row = Claim.objects.order_by(F("due_date").asc(nulls_last=True), "id")[49]
    return _encode_cursor(row.due_date, row.pk)


def export_figures(database_url: str, fmt: str) -> None:
    """Time `manage.py export_claims` of every claim in a child process, with its own CPU time
    and peak resident memory (os.wait4: that child's figures alone)."""
    env = {**os.environ, "DATABASE_URL": database_url}
    command = [PYTHON, "manage.py", "export_claims", "--format", fmt, "-o", os.devnull]
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    errors = child.stderr.read() if child.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("export_claims failed:\n" + errors)
    peak_mb = usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime
    ok = "OK" if seconds < EXPORT_TARGET_S and peak_mb < EXPORT_TARGET_MB else "SLOW"
    print(
        f"export_claims --format {fmt}: {seconds:.1f} s wall, {cpu:.1f} s CPU, peak RSS "
        f"{peak_mb:.0f} MB (targets {EXPORT_TARGET_S:.0f} s, {EXPORT_TARGET_MB:.0f} MB): {ok}"
    )


MYWORK_TARGET_MS = 150.0


def bench_mywork(runs: int) -> None:
    """My work (issue #18): the page and the live badge's status endpoint, for a fact-checker
    (the seed's bench-checker) and an editor, over the seeded claims. Target: 150 ms median."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    User = get_user_model()
    editor, made = User.objects.get_or_create(username="bench-editor")
    if made:
        editor.groups.add(Group.objects.get(name="editor"))
    print(f"{'my work':<28} {'median ms':>10} {'p95 ms':>8} {'python cpu ms':>14} {'queries':>8}")
    worst = 0.0
    for user in (User.objects.get(username="bench-checker"), editor):
        client = Client()
        client.force_login(user)
        for path in ("/my-work/", "/my-work/status.json"):
            for _ in range(3):
                client.get(path)
            timings, cpu = [], []
            for _ in range(runs):
                t0, c0 = time.perf_counter(), time.process_time()
                response = client.get(path)
                timings.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
                assert response.status_code == 200, response.status_code
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            median = statistics.median(timings)
            worst = max(worst, median)
            label = f"{user.username} {path}"
            print(
                f"{label:<28} {median:>10.1f} {statistics.quantiles(timings, n=20)[-1]:>8.1f} "
                f"{statistics.median(cpu):>14.1f} {len(queries):>8}"
            )
    verdict = "OK" if worst < MYWORK_TARGET_MS else "SLOW"
    print(f"my work: worst median {worst:.1f} ms against {MYWORK_TARGET_MS:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
