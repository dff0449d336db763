"""Benchmark: the hostile corpus through the limited text-extraction child, and the web tier's
/healthz while five poison PDFs are being read.

Part 1 (no database): each file of the generated corpus (tests/support/hostile.py: a CPU bomb,
a memory bomb, 20,000 pages, a PDF with an OpenAction script, a plain PDF, a 50 KB news page)
is read by sources.isolation.read_payload with the production limits, while the resident memory
of the forkserver's children is sampled every 10 ms. Prints, per file: outcome, reason, wall
time and the child's peak RSS.

Part 2 (PostgreSQL, Redis, gunicorn, a prefork worker): five poison PDFs are uploaded at once
through gunicorn (2 sync workers); prints the upload answer times and /healthz latency (p50, p95,
max) before, and while the worker reads them.

    .venv/bin/python bench/hostile.py                # about 2 minutes
    .venv/bin/python bench/hostile.py --part corpus  # part 1 only

Part 2 uses its own database (default factcheck_bench_hostile, created and migrated if missing;
the name must contain "bench") and Redis database 5 (flushed before it starts).
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(ROOT))

from tests.support import hostile  # noqa: E402


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children_of(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            return [int(p) for p in children.read().split()]
    except OSError:
        return []


def _news_page() -> bytes:
    paragraph = (
        "<p>The port handled 1,240 containers in March 2024, up 4.5% on a year earlier, the "
        "authority said on Tuesday, while rice exports reached 112,400 tonnes.</p>"
    )
    nav = "".join(f'<li><a href="/s/{n}">Section {n}</a></li>' for n in range(200))
    return (
        f"<html><head><title>Port figures</title></head><body><nav><ul>{nav}</ul></nav>"
        f"<article><h1>Port figures</h1>{paragraph * 60}</article></body></html>"
    ).encode()


def part_corpus() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    from multiprocessing import forkserver

    from django.conf import settings

    from sources import isolation

    limits = isolation.Limits(
        cpu_seconds=settings.TEXT_EXTRACTION_CPU_SECONDS,
        memory_mb=settings.TEXT_EXTRACTION_MEMORY_MB,
        wall_seconds=settings.TEXT_EXTRACTION_WALL_SECONDS,
    )
    isolation.start()
    server_pid = forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]
    corpus = [
        ("news page, 50 KB", _news_page(), "text/html"),
        (
            "plain PDF",
            hostile.text_pdf(["Exports rose to 1,200 tonnes in 2023."]),
            "application/pdf",
        ),
        ("PDF with OpenAction script", hostile.script_pdf(), "application/pdf"),
        ("CPU bomb PDF (40 pages x 50k ops)", hostile.cpu_bomb_pdf(), "application/pdf"),
        ("memory bomb PDF (1 stream, 3M ops)", hostile.memory_bomb_pdf(), "application/pdf"),
        ("20,000-page PDF", hostile.many_pages_pdf(), "application/pdf"),
    ]
    print(
        f"limits: {limits.cpu_seconds} s CPU, {limits.memory_mb} MB address space, "
        f"{limits.wall_seconds:g} s wall"
    )
    print(f"{'file':<38} {'bytes':>9} {'outcome':<8} {'wall s':>7} {'peak RSS MB':>11}  reason")
    overall = 0
    for name, payload, content_type in corpus:
        peak = 0
        stop = threading.Event()

        def sample(stop: threading.Event = stop) -> None:
            nonlocal peak
            while not stop.is_set():
                rss = sum(_rss_kb(pid) for pid in _children_of(server_pid))
                peak = max(peak, rss)
                time.sleep(0.01)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.perf_counter()
        try:
            reading = isolation.read_payload(payload, content_type, limits=limits)
            outcome, reason = (
                reading.status,
                reading.reason or f"{len(reading.extracted.text)} chars",
            )
            peak = max(peak, reading.peak_rss_kb)
        except isolation.ExtractionLimitExceeded as exc:
            outcome, reason = "limit", exc.reason
        wall = time.perf_counter() - started
        stop.set()
        sampler.join()
        overall = max(overall, peak)
        print(
            f"{name:<38} {len(payload):>9} {outcome:<8} {wall:>7.2f} {peak / 1024:>11.1f}  "
            f"{reason[:70]}"
        )
    print(f"peak RSS of any extraction child: {overall / 1024:.1f} MB")


# Part 2 ----------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status, (time.perf_counter() - started) * 1000
    finally:
        conn.close()


def _figures(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return (
        f"n={len(ordered)} p50={statistics.median(ordered):.1f} ms p95={p95:.1f} ms "
        f"max={ordered[-1]:.1f} ms"
    )


def part_web(database_url: str, redis_url: str) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[-1]
    if "bench" not in name:
        raise SystemExit("the bench database's name must contain 'bench'")
    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    archives = tempfile.mkdtemp(prefix="hostile-bench-")
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FACTCHECK_ENV")}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        ARCHIVE_ROOT=archives,
        DEBUG="0",
        PYTHONUNBUFFERED="1",
    )
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run(
        [python, "-c", "import redis,sys; redis.Redis.from_url(sys.argv[1]).flushdb()", redis_url],
        check=True,
    )
    csrf = secrets.token_hex(16)
    script = (
        "from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, "
        "HASH_SESSION_KEY; from django.contrib.sessions.backends.db import SessionStore; "
        "from factcheck.services import user_create; from factcheck.roles import FACT_CHECKER; "
        "from claims.models import Claim; import secrets; "
        "u = user_create(username='bench-' + secrets.token_hex(4), role=FACT_CHECKER, "
        "password=secrets.token_hex(8)); s = SessionStore(); s[SESSION_KEY] = str(u.pk); "
        "s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'; "
        "s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create(); "
        "c = Claim.objects.create(text='Bench claim: grants of 7.5 million in 2021.'); "
        "print(s.session_key, c.pk)"
    )
    out = subprocess.run(
        [python, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    session, claim_id = out[-2], int(out[-1])
    cookie = f"sessionid={session}; csrftoken={csrf}"
    port = _free_port()
    web = subprocess.Popen(
        [python, "-m", "gunicorn", "factcheck.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--timeout", "30"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    worker = None
    try:
        for _ in range(300):
            try:
                if _get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        idle = [_get(port, "/healthz")[1] for _ in range(200)]
        print(f"/healthz, idle:                         {_figures(idle)}")

        answers: list[float] = []

        def upload(n: int) -> None:
            boundary = uuid.uuid4().hex
            pdf = hostile.cpu_bomb_pdf(pages=40 + n)
            body = (
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"'
                    f"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; "
                    f'name="file"; filename="poison-{n}.pdf"\r\nContent-Type: application/pdf'
                    "\r\n\r\n"
                ).encode()
                + pdf
                + f"\r\n--{boundary}--\r\n".encode()
            )
            started = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request(
                "POST",
                f"/claims/{claim_id}/sources/upload/",
                body=body,
                headers={
                    "Cookie": cookie,
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                },
            )
            status = conn.getresponse().status
            conn.close()
            answers.append((time.perf_counter() - started) * 1000)
            assert status == 302, status

        threads = [threading.Thread(target=upload, args=(n,)) for n in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        answered = ", ".join(f"{a:.0f}" for a in sorted(answers))
        print(f"5 poison uploads answered (ms):         {answered}")
        worker = subprocess.Popen(
            [python, "-m", "celery", "-A", "factcheck", "worker", "--pool", "prefork",
             "--concurrency", "2", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--loglevel", "WARNING"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        reading = []
        started = time.monotonic()
        with psycopg.connect(database_url, autocommit=True) as conn:

            def pending() -> int:
                return conn.execute(
                    "SELECT count(*) FROM sources_capture WHERE state IN ('queued', 'fetching')"
                ).fetchone()[0]

            while pending() and time.monotonic() - started < 600:
                reading.append(_get(port, "/healthz")[1])
                time.sleep(0.05)
            took = time.monotonic() - started
            rows = conn.execute(
                "SELECT state, text_status, count(*) FROM sources_capture GROUP BY 1, 2"
            ).fetchall()
        print(f"/healthz while the 5 are read:          {_figures(reading)}")
        print(f"the worker read them in {took:.1f} s; captures by state: {rows}")
    finally:
        for process in (worker, web):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=["corpus", "web", "all"], default="all")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/factcheck_bench_hostile"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5")
    args = parser.parse_args()
    if args.part in ("corpus", "all"):
        part_corpus()
    if args.part in ("web", "all"):
        part_web(args.database_url, args.redis_url)


if __name__ == "__main__":
    main()
