"""The archive benchmark's two sides: our pipeline (queue, workers, checks) and wget."""

from __future__ import annotations

import hashlib
import random
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from archive_support.cpu import CpuMeter
from archive_support.environment import PYTHON, REDIS_MARKER
from archive_support.processes import Worker


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
