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
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
# Python puts this script's folder first on sys.path, where other benchmarks' modules (queue.py)
# would shadow the standard library's for everything imported later (psycopg imports queue).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.append(str(BENCH))  # for archive_support, after the standard library
LATENCY_RATIO_TARGET = 10.0  # ours >= 10x wget when the server takes 200 ms per answer
INSTANT_RATIO_TARGET = 0.5  # ours >= half of wget when it answers at once
PDF_RSS_TARGET_MB = 300.0

from archive_support.cpu import CpuMeter, wait_for_quiet_machine  # noqa: E402
from archive_support.environment import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    bench_environment,
    check_redis_is_ours,
    prepare_database,
)
from archive_support.pdf import PdfRun, run_pdf  # noqa: E402
from archive_support.pipeline import (  # noqa: E402
    PipelineRun,
    WgetRun,
    make_sources,
    measure_floor,
    reset_bench_data,
    run_pipeline,
    run_wget,
    warm_up,
)
from archive_support.processes import PageServer, Worker  # noqa: E402

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
