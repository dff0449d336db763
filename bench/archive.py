"""Benchmark: archive 500 web pages through the real pipeline and compare with `wget --warc-file`.

The pipeline is the production one: captures queued with ``capture_request_many`` (on commit),
real Celery workers (subprocesses) taking them from Redis, per-host politeness slots in Redis, the
guarded fetcher, a gzipped WARC per capture, SHA-256, text extraction, PostgreSQL rows and audit
events. The pages come from a local server (bench/archive_support/server.py) spread over several
loopback addresses, each a host with its own politeness limit. Two cases, each timed against
wget on the same pages in the same run: the server answering after 200 ms (like the open web)
and at once. Then one 40 MB PDF is archived while the workers' memory is sampled.

    .venv/bin/python bench/archive.py            # about 3 minutes; see bench/README.md

It uses its own PostgreSQL database (created and migrated if missing; its capture tables are
emptied between cases) and its own Redis database (flushed), never the test suite's.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
# Python puts this script's folder first on sys.path, where other benchmarks' modules (queue.py)
# would shadow the standard library's for everything imported later (psycopg imports queue).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.append(str(BENCH))  # for archive_support, after the standard library
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/factcheck_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/3"
LATENCY_RATIO_TARGET = 10.0  # ours >= 10x wget when the server takes 200 ms per answer
INSTANT_RATIO_TARGET = 0.5  # ours >= half of wget when it answers at once
PDF_RSS_TARGET_MB = 300.0
PDF_URL_PATH = "/reports/annual-report.pdf"


# ---------------------------------------------------------------------------------------------
# Environment: our own database, Redis db and archive folder


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


# ---------------------------------------------------------------------------------------------
# Processes: the page server and the Celery workers


class PageServer:
    def __init__(self, args: argparse.Namespace) -> None:
        cmd = [
            PYTHON,
            str(BENCH / "archive_support" / "server.py"),
            "--hosts",
            str(args.hosts),
            "--pages",
            str(args.pages),
            "--pdf-mb",
            str(args.pdf_mb),
        ]
        self.process = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True
        )
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line.startswith("ready "):
            self.stop()
            raise SystemExit(f"the page server did not start: {line!r}")
        self.port = int(line.split()[1])
        self.hosts = args.hosts
        self.pdf_mb = args.pdf_mb

    def url(self, index: int) -> str:
        return f"http://127.0.0.{index % self.hosts + 1}:{self.port}/news/{index}.html"

    def set_delay(self, ms: int) -> None:
        urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__bench/delay?ms={ms}").read()

    def stop(self) -> None:
        if self.process.poll() is None:
            if self.process.stdin:
                self.process.stdin.close()  # the server exits when its stdin closes
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class Worker:
    """One `celery worker` process (and its pool children, if any) in its own process group."""

    def __init__(self, number: int, args: argparse.Namespace, env: dict[str, str], logs: Path):
        self.log_path = logs / f"worker-{number}.log"
        cmd = [
            PYTHON,
            "-m",
            "celery",
            "-A",
            "factcheck",
            "worker",
            "--loglevel",
            "INFO",
            "--pool",
            args.pool,
            "--concurrency",
            str(args.concurrency),
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--hostname",
            f"bench{number}-{os.getpid()}@%h",
        ]
        child_env = {
            k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FACTCHECK_ENV")
        }
        child_env.update(env)
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                cmd,
                cwd=ROOT,
                env=child_env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.log():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise SystemExit("a Celery worker did not start:\n" + self.log()[-3000:])

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


# ---------------------------------------------------------------------------------------------
# Memory: RSS of each worker's process tree, sampled


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def _tree(root: int, children: dict[int, list[int]]) -> list[int]:
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _status_kb(pid: int, field_name: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler:
    """Sample the RSS of every worker's process tree every ``interval`` seconds."""

    def __init__(self, workers: list[Worker], interval: float = 0.01) -> None:
        self.workers = workers
        self.interval = interval
        self.peaks = [0] * len(workers)  # kB, per worker tree
        self.peak_total = 0  # kB, all worker trees at the same instant
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def current(self) -> list[int]:
        children = _children_map()
        return [sum(_status_kb(p, "VmRSS") for p in _tree(w.pid, children)) for w in self.workers]

    def _run(self) -> None:
        children = _children_map()
        refreshed = time.monotonic()
        while not self._stop.is_set():
            if time.monotonic() - refreshed > 0.5:
                children, refreshed = _children_map(), time.monotonic()
            sizes = [
                sum(_status_kb(p, "VmRSS") for p in _tree(w.pid, children)) for w in self.workers
            ]
            self.peaks = [max(a, b) for a, b in zip(self.peaks, sizes, strict=True)]
            self.peak_total = max(self.peak_total, sum(sizes))
            self.samples += 1
            self._stop.wait(self.interval)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def reset_peak_rss(workers: list[Worker]) -> bool:
    """Reset VmHWM of every worker process (Linux: write 5 to clear_refs), so it is a 2nd peak."""
    ok = True
    children = _children_map()
    for worker in workers:
        for pid in _tree(worker.pid, children):
            try:
                with open(f"/proc/{pid}/clear_refs", "w") as f:
                    f.write("5")
            except OSError:
                ok = False
    return ok


def tree_hwm_kb(worker: Worker) -> int:
    return sum(_status_kb(p, "VmHWM") for p in _tree(worker.pid, _children_map()))


# ---------------------------------------------------------------------------------------------
# CPU: where the machine's time went during a run


def _proc_cpu_seconds(pid: int, reaped_children: bool = False) -> float:
    """utime + stime of a process (all its threads), or cutime + cstime of its ended children."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    first = 13 if reaped_children else 11
    return (int(fields[first]) + int(fields[first + 1])) / os.sysconf("SC_CLK_TCK")


def _machine_busy_seconds() -> float:
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _cmdline(pid: str) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except OSError:
        return b""


class CpuMeter:
    """CPU seconds used during a run by each part of the pipeline and by everything else.

    Sampled in a thread (PostgreSQL backends come and go): the workers' process trees, the page
    server, this process, the PostgreSQL backends connected to the bench database (found by their
    process title), redis-server (shared with anything else using it) and the whole machine.
    """

    def __init__(self, workers: list[Worker], server: PageServer, database: str) -> None:
        self.workers = workers
        self.server = server
        self.db_marker = f" {database} ".encode()
        self.first: dict[tuple[str, int], float] = {}
        self.last: dict[tuple[str, int], float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _groups(self, started: bool) -> dict[tuple[str, int], float]:
        children = _children_map()
        seen: dict[tuple[str, int], float] = {}
        for worker in self.workers:
            for pid in _tree(worker.pid, children):
                seen[("workers", pid)] = _proc_cpu_seconds(pid)
        seen[("server", self.server.process.pid)] = _proc_cpu_seconds(self.server.process.pid)
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                cmd = _cmdline(entry)
                if cmd.startswith(b"postgres:") and self.db_marker in cmd:
                    seen[("postgres", int(entry))] = _proc_cpu_seconds(int(entry))
                elif cmd.startswith(b"redis-server") or b"/redis-server" in cmd[:100]:
                    seen[("redis", int(entry))] = _proc_cpu_seconds(int(entry))
                elif b"/bin/postgres\0" in cmd:
                    # The postmaster: what its ended children (short-lived backends, of any
                    # database) used, which the per-backend samples above cannot see.
                    seen[("postgres-ended", int(entry))] = _proc_cpu_seconds(int(entry), True)
        return seen

    def _record(self, seen: dict[tuple[str, int], float], at_start: bool) -> None:
        for key, value in seen.items():
            # A backend that appeared during the run started from zero.
            self.first.setdefault(key, value if at_start else 0.0)
            self.last[key] = value

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            self._record(self._groups(False), at_start=False)

    def __enter__(self) -> CpuMeter:
        own = os.times()
        self.bench0 = own.user + own.system
        self.machine0 = _machine_busy_seconds()
        self.wall0 = time.monotonic()
        self._record(self._groups(True), at_start=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._record(self._groups(False), at_start=False)
        own = os.times()
        used: dict[str, float] = dict.fromkeys(
            ("workers", "server", "postgres", "postgres-ended", "redis"), 0.0
        )
        for key, value in self.last.items():
            used[key[0]] += max(0.0, value - self.first[key])
        used["bench"] = own.user + own.system - self.bench0
        used["machine"] = _machine_busy_seconds() - self.machine0
        used["wall"] = time.monotonic() - self.wall0
        ours = ("workers", "server", "postgres", "postgres-ended", "redis", "bench")
        used["others"] = max(0.0, used["machine"] - sum(used[k] for k in ours))
        self.used = used


def wait_for_quiet_machine(limit: float = 0.25, patience: float = 10.0) -> float:
    """Wait (a bounded time) until the machine's CPUs are mostly idle; return the busy share."""
    deadline = time.monotonic() + patience
    while True:
        before, t0 = _machine_busy_seconds(), time.monotonic()
        time.sleep(1.0)
        busy = (_machine_busy_seconds() - before) / (time.monotonic() - t0) / (os.cpu_count() or 1)
        if busy <= limit or time.monotonic() > deadline:
            return busy


# ---------------------------------------------------------------------------------------------
# The pipeline side


def reset_bench_data(redis_url: str, archive_root: Path) -> None:
    """Empty the bench database's sources, captures and audit log, its Redis db and archives."""
    import redis
    from django.db import OperationalError, connection

    from claims.evidence.models import Evidence
    from factcheck.models import AuditEvent
    from sources.models import Capture, Source

    tables = ", ".join(m._meta.db_table for m in (Capture, Evidence, Source, AuditEvent))
    # A worker may still be finishing its last task (the source's title, post-commit hooks) after
    # the capture shows archived: TRUNCATE can then deadlock with it, so wait and try again.
    for attempt in range(10):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")
                cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
                cursor.execute("SET lock_timeout = 0")
            break
        except OperationalError:
            if attempt == 9:
                raise
            time.sleep(0.5)
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    client.set(REDIS_MARKER, "bench/archive.py")
    shutil.rmtree(archive_root, ignore_errors=True)
    archive_root.mkdir(parents=True)


def make_sources(urls: list[str]) -> list:
    from sources.normalise import normalise_url
    from sources.services import source_for_url

    return [source_for_url(normalise_url(url))[0] for url in urls]


@dataclass
class PipelineRun:
    seconds: float
    enqueue_seconds: float
    states: dict[str, int]
    problems: list[str] = field(default_factory=list)
    busy_retries: int = 0
    cpu: dict[str, float] = field(default_factory=dict)


def run_pipeline(
    sources: list,
    *,
    timeout: float,
    workers: list[Worker],
    meter: CpuMeter,
    expected_sha: dict[str, str],
) -> PipelineRun:
    from django.db.models import Count, Max

    from sources.models import Capture, CaptureState
    from sources.services import capture_request_many

    log_offsets = [len(w.log()) for w in workers]
    pending = [CaptureState.QUEUED, CaptureState.FETCHING]
    with meter:
        started = time.time()
        # The real service (as `manage.py capture -i urls.txt` uses it): one transaction for the
        # rows and their audit events, the tasks sent to Redis when it commits.
        capture_request_many(sources=sources, system_actor="archive-bench")
        enqueue_seconds = time.time() - started
        deadline = time.monotonic() + timeout
        while Capture.objects.filter(state__in=pending).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        polled_end = time.time()
    cpu = meter.used
    last = Capture.objects.aggregate(last=Max("finished_at"))["last"]
    # The database stamps finished_at when a capture is written; polling only bounds it.
    end = min(last.timestamp(), polled_end) if last else polled_end
    states = dict(Capture.objects.values_list("state").annotate(n=Count("id")).order_by())
    run = PipelineRun(end - started, enqueue_seconds, states, cpu=cpu)
    if states.get(CaptureState.ARCHIVED, 0) != len(sources):
        run.seconds = polled_end - started
        run.problems.append(f"not all archived within {timeout:.0f} s: {states}")
        for capture in Capture.objects.exclude(state=CaptureState.ARCHIVED)[:5]:
            run.problems.append(f"  capture {capture.pk}: {capture.state} {capture.failure_reason}")
    for offset, worker in zip(log_offsets, workers, strict=True):
        run.busy_retries += worker.log()[offset:].count("Retry in")
    run.problems += verify_captures(expected_sha)
    return run


def warm_up(urls: list[str], timeout: float) -> None:
    """Archive a few pages first: workers import trafilatura lazily and open DB connections."""
    from sources.models import Capture, CaptureState
    from sources.services import capture_request_many

    capture_request_many(sources=make_sources(urls), system_actor="archive-bench")
    deadline = time.monotonic() + timeout
    pending = [CaptureState.QUEUED, CaptureState.FETCHING]
    while Capture.objects.filter(state__in=pending).exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def verify_captures(expected_sha: dict[str, str], sample: int = 25) -> list[str]:
    """Each archived capture has the served page's hash, a title, text, a WARC; check a sample."""
    from django.core.files.storage import default_storage

    from sources.models import Capture, CaptureState
    from sources.warc import read_response_payload

    problems = []
    rows = list(
        Capture.objects.filter(state=CaptureState.ARCHIVED).values_list(
            "requested_url", "sha256", "warc", "title"
        )
    )
    for url, sha, warc, title in rows:
        if expected_sha.get(url) != sha:
            problems.append(f"{url}: sha256 {sha[:12]} is not the served page's")
        if not warc or not title:
            problems.append(f"{url}: missing WARC or title")
    empty_text = Capture.objects.filter(state=CaptureState.ARCHIVED, text="").count()
    if empty_text:
        problems.append(f"{empty_text} archived captures have no extracted text")
    chosen = random.Random(5).sample(rows, min(sample, len(rows)))
    paths = [default_storage.path(warc) for _, _, warc, _ in chosen]
    if paths:
        check = subprocess.run(
            [str(Path(PYTHON).parent / "warcio"), "check", *paths], capture_output=True, text=True
        )
        if check.returncode != 0:
            problems.append("warcio check failed:\n" + (check.stdout + check.stderr)[-2000:])
        for (_url, sha, _, _), path in zip(chosen, paths, strict=True):
            with open(path, "rb") as f:
                _, payload = read_response_payload(f)
            if hashlib.sha256(payload).hexdigest() != sha:
                problems.append(f"{path}: payload read back does not match sha256")
    return problems


# ---------------------------------------------------------------------------------------------
# wget


@dataclass
class WgetRun:
    seconds: float
    responses: int
    problems: list[str] = field(default_factory=list)


def measure_floor(urls: list[str]) -> float:
    """CPU ms per page of the work no pipeline can skip, in this one process: fetch, gzipped WARC,
    SHA-256 and text, with no database, broker, task or audit row (the page server's share is
    measured by the case's CPU meter and added by the caller)."""
    from sources import fetcher
    from sources.services import SOFTWARE, fetch_policy
    from sources.text import extract_text
    from sources.warc import write_capture_warc

    policy = fetch_policy()
    for url in urls[:10]:  # imports and first connections
        fetcher.fetch(url, policy)
    started = time.process_time()
    for url in urls:
        result = fetcher.fetch(url, policy)
        with tempfile.TemporaryFile() as warc_file:
            write_capture_warc(result, warc_file, software=SOFTWARE, filename="floor.warc.gz")
        hashlib.sha256(result.body).hexdigest()
        extract_text(result.decoded_body, result.content_type, result.final_url)
    return (time.process_time() - started) / len(urls) * 1000


def run_wget(urls_file: Path, warc_prefix: Path) -> WgetRun:
    from warcio.archiveiterator import ArchiveIterator

    cmd = [
        "wget",
        "--no-proxy",
        f"--warc-file={warc_prefix}",
        "-i",
        str(urls_file),
        "-q",
        "-O",
        "/dev/null",
    ]
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=warc_prefix.parent, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    run = WgetRun(seconds, 0)
    if done.returncode != 0:
        run.problems.append(f"wget exited {done.returncode}: {done.stderr[-500:]}")
    warc = warc_prefix.with_name(warc_prefix.name + ".warc.gz")
    with open(warc, "rb") as f:
        run.responses = sum(
            1
            for r in ArchiveIterator(f)
            if r.rec_type == "response" and r.http_headers.get_statuscode() == "200"
        )
    warc.unlink()
    return run


# ---------------------------------------------------------------------------------------------
# The PDF


@dataclass
class PdfRun:
    seconds: float
    size: int
    peak_kb: int  # sampled peak of the worker tree that archived it
    hwm_kb: int  # kernel's VmHWM of that tree since the reset (0 if unavailable)
    idle_kb: int  # that tree just before
    peak_total_kb: int  # all worker trees at one instant
    text_chars: int
    problems: list[str] = field(default_factory=list)


def run_pdf(server: PageServer, workers: list[Worker], timeout: float) -> PdfRun:
    from archive_support.pages import pdf_document
    from django.core.files.storage import default_storage

    from sources.models import CaptureState
    from sources.services import capture_request

    expected = hashlib.sha256(pdf_document(target_bytes=server.pdf_mb * 1024 * 1024)).hexdigest()
    (source,) = make_sources([f"http://127.0.0.1:{server.port}{PDF_URL_PATH}"])
    time.sleep(1.0)  # let the workers settle after the page runs
    idle = MemorySampler(workers).current()
    hwm_ok = reset_peak_rss(workers)
    with MemorySampler(workers, interval=0.01) as sampler:
        started = time.time()
        capture = capture_request(source=source, system_actor="archive-bench")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            capture.refresh_from_db()
            if not capture.is_pending:
                break
            time.sleep(0.05)
        seconds = (
            capture.finished_at.timestamp() if capture.finished_at else time.time()
        ) - started
        time.sleep(0.2)
    grew = [p - i for p, i in zip(sampler.peaks, idle, strict=True)]
    which = grew.index(max(grew))
    run = PdfRun(
        seconds=seconds,
        size=capture.size or 0,
        peak_kb=sampler.peaks[which],
        hwm_kb=tree_hwm_kb(workers[which]) if hwm_ok else 0,
        idle_kb=idle[which],
        peak_total_kb=sampler.peak_total,
        text_chars=len(capture.text),
    )
    if capture.state != CaptureState.ARCHIVED:
        run.problems.append(f"PDF capture ended {capture.state}: {capture.failure_reason}")
        return run
    if capture.sha256 != expected:
        run.problems.append("PDF capture's sha256 is not the served file's")
    if not run.text_chars:
        run.problems.append("no text extracted from the PDF")
    path = default_storage.path(capture.warc.name)
    check = subprocess.run(
        [str(Path(PYTHON).parent / "warcio"), "check", path], capture_output=True, text=True
    )
    if check.returncode != 0:
        run.problems.append("warcio check failed on the PDF's WARC: " + check.stdout[-500:])
    return run


# ---------------------------------------------------------------------------------------------
# Main


@dataclass
class CaseResult:
    name: str
    delay_ms: int
    ours: PipelineRun
    wget: WgetRun
    target: float
    pages: int

    @property
    def ours_rate(self) -> float:
        return self.pages / self.ours.seconds

    @property
    def wget_rate(self) -> float:
        return self.wget.responses / self.wget.seconds if self.wget.seconds else 0.0

    @property
    def ratio(self) -> float:
        return self.ours_rate / self.wget_rate if self.wget_rate else 0.0

    @property
    def met(self) -> bool:
        return (
            self.ratio >= self.target
            and not self.ours.problems
            and not self.wget.problems
            and self.wget.responses == self.pages
        )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--hosts", type=int, default=16, help="loopback hosts 127.0.0.1..N")
    parser.add_argument(
        "--per-host", type=int, default=4, help="FETCH_PER_HOST_CONCURRENCY (default 4)"
    )
    parser.add_argument("--workers", type=int, default=2, help="celery worker processes")
    parser.add_argument("--pool", default="threads", choices=["threads", "prefork", "solo"])
    parser.add_argument("--concurrency", type=int, default=16, help="threads (or children) each")
    parser.add_argument("--delay-ms", type=int, default=200, help="server delay, latency case")
    parser.add_argument(
        "--cases", default="latency,instant", help="comma-separated: latency, instant"
    )
    parser.add_argument("--pdf-mb", type=int, default=40, help="0 skips the PDF measurement")
    parser.add_argument("--timeout", type=float, default=120.0, help="per pipeline run, seconds")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument(
        "--skip-wget", action="store_true", help="time only our pipeline (to compare settings)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if not shutil.which("wget"):
        raise SystemExit("wget is not installed (apt-get install wget)")
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    if set(cases) - {"latency", "instant"}:
        raise SystemExit("--cases takes latency and/or instant")
    tmp = Path(tempfile.mkdtemp(prefix="archive-bench-"))
    try:
        return run(args, cases, tmp)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace, cases: list[str], tmp: Path) -> int:
    archive_root = tmp / "archives"
    env = bench_environment(args, archive_root)
    for name in ("SECRET_KEY", "FACTCHECK_ENV", "CELERY_BROKER_URL"):
        os.environ.pop(name, None)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "factcheck.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # only for this process; workers log INFO
    sys.path.insert(0, str(ROOT))

    started = time.monotonic()
    prepare_database(args.database_url, {**os.environ, "LOG_LEVEL": "WARNING"})
    check_redis_is_ours(args.redis_url)
    import django

    django.setup()
    from archive_support.pages import html_page
    from django.conf import settings

    assert args.per_host == settings.FETCH_PER_HOST_CONCURRENCY

    server = PageServer(args)
    workers: list[Worker] = []
    results: list[CaseResult] = []
    pdf: PdfRun | None = None
    try:
        urls = [server.url(i) for i in range(args.pages)]
        urls_file = tmp / "urls.txt"
        urls_file.write_text("\n".join(urls) + "\n")
        expected_sha = {url: hashlib.sha256(html_page(i)).hexdigest() for i, url in enumerate(urls)}
        reset_bench_data(args.redis_url, archive_root)
        workers = [Worker(n, args, env, tmp) for n in range(1, args.workers + 1)]
        for worker in workers:
            worker.wait_ready()
        warm_up(urls[: 2 * args.workers * args.concurrency], args.timeout)
        print(
            f"archive bench: {args.pages} pages of ~50 KB on {args.hosts} loopback hosts "
            f"(127.0.0.1-{args.hosts}, port {server.port}), per-host limit {args.per_host}; "
            f"{args.workers} celery worker process(es), pool {args.pool}, "
            f"concurrency {args.concurrency} each; {os.cpu_count()} CPUs",
            flush=True,
        )
        for case in cases:
            delay = args.delay_ms if case == "latency" else 0
            server.set_delay(delay)
            reset_bench_data(args.redis_url, archive_root)
            sources = make_sources(urls)
            busy = wait_for_quiet_machine()
            if busy > 0.25:
                print(f"    (the machine was {busy:.0%} busy before this case)", flush=True)
            wget = WgetRun(0.0, 0) if args.skip_wget else run_wget(urls_file, tmp / f"wget-{case}")
            ours = run_pipeline(
                sources,
                timeout=args.timeout,
                workers=workers,
                meter=CpuMeter(workers, server, urlsplit(args.database_url).path.lstrip("/")),
                expected_sha=expected_sha,
            )
            target = LATENCY_RATIO_TARGET if case == "latency" else INSTANT_RATIO_TARGET
            result = CaseResult(case, delay, ours, wget, target, args.pages)
            results.append(result)
            print(
                f"  {case} ({delay} ms): ours {ours.seconds:.2f} s "
                f"(enqueue {ours.enqueue_seconds:.2f} s, {ours.busy_retries} busy-host retries), "
                f"wget {wget.seconds:.2f} s for {wget.responses} pages",
                flush=True,
            )
            cpu = ours.cpu
            ms = {k: cpu[k] / args.pages * 1000 for k in cpu}
            print(
                f"    CPU per page in our run: workers {ms['workers']:.1f} ms, PostgreSQL "
                f"{ms['postgres']:.1f} ms + {ms['postgres-ended']:.1f} ms in backends that "
                f"ended, Redis {ms['redis']:.1f} ms, enqueue (this process) "
                f"{ms['bench']:.1f} ms, page server {ms['server']:.1f} ms; other processes "
                f"{ms['others']:.1f} ms. Machine busy "
                f"{cpu['machine'] / cpu['wall'] / (os.cpu_count() or 1):.0%} of "
                f"{os.cpu_count()} CPUs",
                flush=True,
            )
            ours_ms = sum(
                ms[k] for k in ("workers", "postgres", "postgres-ended", "redis", "bench", "server")
            )
            print(
                f"    => {ours_ms:.0f} ms of CPU per page in all: on a quiet machine "
                f"{os.cpu_count()} CPUs would archive at most ~"
                f"{(os.cpu_count() or 1) * 1000 / ours_ms:.0f} pages/s",
                flush=True,
            )
            if case == "instant" and wget.seconds:
                floor_ms = measure_floor(urls[:200]) + ms["server"]
                cpus = os.cpu_count() or 1
                asked = wget.responses / wget.seconds * INSTANT_RATIO_TARGET
                print(
                    f"    floor: fetch, WARC, SHA-256 and text alone, in one process with no "
                    f"database, broker or task, plus the page server, cost {floor_ms:.1f} ms of "
                    f"CPU per page: at most ~{cpus * 1000 / floor_ms:.0f} pages/s on {cpus} CPUs; "
                    f"the target asks for {asked:.0f}",
                    flush=True,
                )
            if cpu["others"] > 0.1 * cpu["machine"]:
                print(
                    f"    WARNING: other processes used {cpu['others']:.1f} CPU-s during the "
                    "run; the figures are lower than on a quiet machine",
                    flush=True,
                )
            for problem in ours.problems + wget.problems:
                print(f"    PROBLEM: {problem}", flush=True)
        if args.pdf_mb:
            server.set_delay(0)
            reset_bench_data(args.redis_url, archive_root)
            pdf = run_pdf(server, workers, args.timeout)
    finally:
        for worker in workers:
            worker.stop()
        server.stop()

    print()
    print(f"{'case':<22} {'ours pages/s':>12} {'wget pages/s':>12} {'ratio':>7}  target       met")
    for r in results:
        label = f"{r.name} ({r.delay_ms} ms)"
        print(
            f"{label:<22} {r.ours_rate:>12.1f} {r.wget_rate:>12.1f} {r.ratio:>6.2f}x"
            f"  >= {r.target:g}x{'':<6} {'yes' if r.met else 'NO'}"
        )
    all_met = all(r.met for r in results)
    if pdf is not None:
        mb = 1024.0
        peak = max(pdf.peak_kb, pdf.hwm_kb) / mb
        met = peak < PDF_RSS_TARGET_MB and not pdf.problems
        all_met = all_met and met
        print(
            f"\nPDF {pdf.size / mb / mb:.1f} MB archived in {pdf.seconds:.1f} s "
            f"({pdf.text_chars:,} chars of text). Peak RSS of the worker process tree that "
            f"archived it: {peak:.0f} MB (sampled every 10 ms: {pdf.peak_kb / mb:.0f} MB; "
            f"kernel high-water mark: {pdf.hwm_kb / mb:.0f} MB; idle before: "
            f"{pdf.idle_kb / mb:.0f} MB); all {len(workers)} worker trees together at peak: "
            f"{pdf.peak_total_kb / mb:.0f} MB. Target < {PDF_RSS_TARGET_MB:.0f} MB: "
            f"{'yes' if met else 'NO'}"
        )
        for problem in pdf.problems:
            print(f"  PROBLEM: {problem}")
    print(f"\n(whole run {time.monotonic() - started:.0f} s)")
    return 0 if all_met else 1


if __name__ == "__main__":
    raise SystemExit(main())
