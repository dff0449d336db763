"""The archive benchmark's own PostgreSQL database, Redis database and archive folder."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/factcheck_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/3"
PDF_URL_PATH = "/reports/annual-report.pdf"


def bench_environment(args: argparse.Namespace, archive_root: Path) -> dict[str, str]:
    return {
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "ARCHIVE_ROOT": str(archive_root),
        "FETCH_ALLOW_PRIVATE": "1",  # the pages are on loopback addresses
        "FETCH_PER_HOST_CONCURRENCY": str(args.per_host),
        "DEBUG": "0",  # as in production: no per-query bookkeeping
        "PYTHONUNBUFFERED": "1",
    }


def prepare_database(url: str, env: dict[str, str]) -> None:
    """Create the bench database if it is missing and bring its schema up to date."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to use database {name!r}: its name must contain 'bench'")
    admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    migrate = [PYTHON, "manage.py", "migrate", "--no-input", "--skip-checks", "-v0"]
    done = subprocess.run(migrate, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        # The tree's migrations changed under an old bench schema: start the bench database over.
        print("migrate failed on the bench database; recreating it", file=sys.stderr)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        done = subprocess.run(migrate, cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit("manage.py migrate failed:\n" + done.stdout + done.stderr)


REDIS_MARKER = "archive-bench:owner"


def check_redis_is_ours(url: str) -> None:
    """Use a Redis database only if it is empty or this bench marked it (it flushes it)."""
    import redis

    client = redis.Redis.from_url(url)
    if client.dbsize() and not client.exists(REDIS_MARKER):
        raise SystemExit(
            f"{url} is not empty and was not set up by this bench (no {REDIS_MARKER} key): "
            "pass --redis-url with a free database"
        )
    client.set(REDIS_MARKER, "bench/archive.py")
