"""Start a real Celery worker (a subprocess) against the test database and the machine's Redis."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.db import connection

from claims.evidence.services import source_link

ROOT = Path(__file__).resolve().parents[2]


def database_url_for_worker() -> str:
    db = connection.settings_dict
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    user = db.get("USER") or "postgres"
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


def flush_broker() -> None:
    """Empty the broker's Redis database (the queue and any per-host fetch slots)."""
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()


def app_process_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of an app process the tests start (worker, gunicorn): development mode
    against the test database, the test broker and the test archive folder."""
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FACTCHECK_ENV")}
    env.update(
        DATABASE_URL=database_url_for_worker(),
        REDIS_URL=settings.CELERY_BROKER_URL,
        ARCHIVE_ROOT=str(settings.ARCHIVE_ROOT),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra or {})
    return env


class Worker:
    def __init__(self, process: subprocess.Popen, log: list[str]) -> None:
        self.process = process
        self.log = log

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the worker and its children, as a crash or an OOM kill would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


def _celery_env(env: dict[str, str] | None) -> dict[str, str]:
    """The environment of a Celery process: an app process that may fetch from loopback."""
    return app_process_env({"FETCH_ALLOW_PRIVATE": "1", **(env or {})})


@contextmanager
def _celery_process(args: list[str], env: dict[str, str], ready: str) -> Iterator[Worker]:
    """Run ``celery -A factcheck ARGS`` until the block ends; wait for ``ready`` in its log."""
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "factcheck", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    log: list[str] = []
    started = threading.Event()

    def pump() -> None:
        for line in process.stdout:
            log.append(line)
            if ready in line:
                started.set()

    threading.Thread(target=pump, daemon=True).start()
    running = Worker(process, log)
    try:
        if not started.wait(60):
            raise RuntimeError(f"celery {args[0]} did not start:\n" + "".join(log[-40:]))
        yield running
    finally:
        if running.alive:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                running.kill()


@contextmanager
def celery_worker(
    *,
    concurrency: int = 4,
    pool: str = "threads",
    env: dict[str, str] | None = None,
    queues: str = "",
) -> Iterator[Worker]:
    """Run `celery worker` until the block ends; waits until it is ready to take tasks.

    ``queues`` (comma-separated, e.g. "celery,capture-browser") limits what it consumes.
    """
    args = [
        "worker",
        "--loglevel",
        "INFO",
        "--pool",
        pool,
        "--concurrency",
        str(concurrency),
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--hostname",
        f"test-{os.getpid()}@%h",
        *(["--queues", queues] if queues else []),
    ]
    with _celery_process(args, _celery_env(env), " ready.") as worker:
        yield worker


@contextmanager
def celery_beat(tmp_dir: Path, *, env: dict[str, str] | None = None) -> Iterator[Worker]:
    """Run `celery beat` (the periodic scheduler) until the block ends; its schedule file lives
    in ``tmp_dir``. Waits until it has started."""
    args = ["beat", "--loglevel", "INFO", "--schedule", str(tmp_dir / "celerybeat-schedule")]
    with _celery_process(args, _celery_env(env), "beat: Starting") as beat:
        yield beat


def link(fact_checker: Any, claim: Any, url: str) -> Any:
    """Link ``url`` to ``claim`` as ``fact_checker``; return the capture that queues."""
    return source_link(actor=fact_checker, claim=claim, url=url).source.captures.get()


def settled(capture: Any, timeout: float = 30.0) -> Any:
    """Wait until a capture is neither queued nor fetching; return it refreshed."""

    def done():
        capture.refresh_from_db()
        return not capture.is_pending and capture

    return wait_for(done, timeout=timeout, what=f"capture {capture.pk} to settle")


@pytest.fixture(autouse=True)
def show_worker_log_on_failure(request):
    """Imported into a worker test module, prints the worker's log when a test there fails."""
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and "worker" in request.fixturenames:
        print("".join(request.getfixturevalue("worker").log[-60:]))


def capture_command(
    url: str, env: dict[str, str] | None = None, *, wait: float = 90, extra: list[str] | None = None
) -> dict:
    """`manage.py capture URL --wait --format json` against the test database; its JSON.

    Give it the worker's limits in ``env``: Celery sends the time limits with each task message,
    from the sender's settings, so they must be set alike.
    """
    import json

    command_env = {
        **os.environ,
        **(env or {}),
        "DATABASE_URL": database_url_for_worker(),
        "ARCHIVE_ROOT": str(settings.ARCHIVE_ROOT),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "capture", url, "--wait", "--timeout", str(wait)]
        + ["--format", "json", *(extra or [])],
        capture_output=True,
        text=True,
        env=command_env,
        timeout=wait + 90,
        cwd=ROOT,
    )
    assert done.stdout, done.stderr
    return json.loads(done.stdout)


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
