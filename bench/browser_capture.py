"""Benchmark: browser captures of 50 script-built pages, next to bare `chromium --headless
--screenshot` on the same pages, one at a time, in the same run.

Each page is an HTML shell whose script fetches its data (JSON) and then writes the article and
adds a picture, every answer after 200 ms (like the open web): four requests in a chain. The
bare browser loads each page in a fresh `chromium --headless --screenshot` process, as a
person scripting Chromium would. Ours is the production path: browser captures queued by the
service, real Celery workers on the capture-browser queue (threads pool; one Chromium per
worker process, a fresh context per capture; every request through the guarded fetcher; a
WARC, the screenshot, the rendered text in the limited child, PostgreSQL rows, audit events).

    .venv/bin/python bench/browser_capture.py          # about 2 minutes
    .venv/bin/python bench/browser_capture.py --help

Printed: pages per minute, CPU seconds per page (each side's process trees, Chromium's included)
and the peak memory (PSS, so pages shared between Chromium's processes count once) of one
browser process tree: a bare Chromium, or one worker with its Chromium and its captures.
Targets (issue 17): ours >= 2x the bare browser's rate with 2 concurrent contexts per CPU, and
peak memory per capture under 400 MB. It uses its own database (name containing "bench") and a
Redis database it flushes, never the test suite's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.append(str(BENCH))

from archive import (  # noqa: E402 - after the path fix above
    _children_map,
    _proc_cpu_seconds,
    _tree,
    check_redis_is_ours,
    prepare_database,
    reset_bench_data,
)

PYTHON = sys.executable
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
RATE_TARGET = 2.0
MEMORY_TARGET_MB = 400.0
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478"
    "9c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)


# ---------------------------------------------------------------------------------------------
# The pages: a shell, its script, its data and its picture, each after the latency


def shell(i: int) -> bytes:
    return (
        f"<!doctype html><html><head><title>Bulletin {i}</title>"
        f'<script src="/app.js?page={i}" defer></script></head>'
        '<body><main id="story">Loading…</main></body></html>'
    ).encode()


APP_JS = b"""
const page = new URLSearchParams(document.currentScript.src.split('?')[1]).get('page');
fetch('/data/' + page + '.json').then((r) => r.json()).then((data) => {
  const story = document.getElementById('story');
  story.textContent = '';
  const h = document.createElement('h1'); h.textContent = data.title; story.appendChild(h);
  for (const line of data.lines) {
    const p = document.createElement('p'); p.textContent = line; story.appendChild(p);
  }
  const img = document.createElement('img'); img.src = '/img/' + page + '.png'; img.alt = '';
  story.appendChild(img);
});
"""


def data(i: int) -> bytes:
    lines = [
        f"Bulletin {i}: the terminal handled {41_000 + 37 * i:,} containers in week {i % 52 + 1}.",
        f"Rail freight carried {2_300 + 11 * i:,} tonnes of grain, up {i % 9 + 1}% on the year.",
        "The figures are provisional and will be revised when the quarter closes.",
    ] * 5
    return json.dumps({"title": f"Port bulletin {i}", "lines": lines}).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    delay = 0.2

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        time.sleep(self.delay)
        path = self.path.split("?", 1)[0]
        number = "".join(c for c in path if c.isdigit())
        if path.startswith("/p/"):
            body, kind = shell(int(number)), "text/html; charset=utf-8"
        elif path == "/app.js":
            body, kind = APP_JS, "text/javascript"
        elif path.startswith("/data/"):
            body, kind = data(int(number)), "application/json"
        elif path.startswith("/img/"):
            body, kind = PNG, "image/png"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a browser that closes early (the bare one after its screenshot) is not news


# ---------------------------------------------------------------------------------------------
# Measuring process trees


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_cpu(root: int) -> float:
    """CPU seconds of a live process tree, ended and reaped children included."""
    pids = _tree(root, _children_map())
    return sum(_proc_cpu_seconds(p) + _proc_cpu_seconds(p, reaped_children=True) for p in pids)


class PeakMemory:
    """The peak PSS of each root's process tree, sampled in a thread."""

    def __init__(self, roots: list[int], interval: float = 0.1) -> None:
        self.roots = roots
        self.peaks = [0] * len(roots)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            children = _children_map()
            for n, root in enumerate(self.roots):
                size = sum(_pss_kb(p) for p in _tree(root, children))
                self.peaks[n] = max(self.peaks[n], size)
            self._stop.wait(0.1)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# ---------------------------------------------------------------------------------------------
# The bare browser


def bare_browser(urls: list[str], out: Path) -> tuple[float, float, float]:
    """(seconds, CPU seconds, peak MB of one process tree) for `chromium --headless --screenshot`
    over the pages, one at a time."""
    flags = ["--headless", "--disable-gpu", "--window-size=1280,900", "--hide-scrollbars"]
    if os.geteuid() == 0:
        flags.append("--no-sandbox")
    peak_kb, cpu = 0, 0.0
    started = time.monotonic()
    for n, url in enumerate(urls):
        shot = out / f"bare-{n}.png"
        before = os.times()
        process = subprocess.Popen(
            [CHROMIUM, *flags, f"--screenshot={shot}", url],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with PeakMemory([process.pid]) as memory:
            process.wait(timeout=120)
        after = os.times()
        cpu += (after.children_user - before.children_user) + (
            after.children_system - before.children_system
        )
        peak_kb = max(peak_kb, memory.peaks[0])
        if not shot.exists():
            print(f"  bare chromium wrote no screenshot for {url}", file=sys.stderr)
    return time.monotonic() - started, cpu, peak_kb / 1024


# ---------------------------------------------------------------------------------------------
# Ours


def start_worker(number: int, args: argparse.Namespace, env: dict[str, str], logs: Path):
    log = open(logs / f"browser-worker-{number}.log", "w")  # noqa: SIM115 - open while it runs
    cmd = [
        PYTHON, "-m", "celery", "-A", "factcheck", "worker", "--queues", "capture-browser",
        "--pool", "threads", "--concurrency", str(args.contexts_per_cpu), "--loglevel", "INFO",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--hostname", f"browser-bench{number}-{os.getpid()}@%h",
    ]  # fmt: skip
    child_env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FACTCHECK_ENV")}
    process = subprocess.Popen(
        cmd, cwd=ROOT, env={**child_env, **env}, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while " ready." not in (logs / f"browser-worker-{number}.log").read_text(errors="replace"):
        if time.monotonic() > deadline or process.poll() is not None:
            raise SystemExit(f"browser worker {number} did not start; see {log.name}")
        time.sleep(0.2)
    return process


def capture_all(urls: list[str], timeout: float) -> tuple[float, list]:
    from sources.browser.capture import browser_capture_request
    from sources.models import Capture
    from sources.normalise import normalise_url
    from sources.services import source_for_url

    started = time.monotonic()
    ids = [
        browser_capture_request(
            source=source_for_url(normalise_url(url))[0], system_actor="bench"
        ).pk
        for url in urls
    ]
    deadline = started + timeout
    while time.monotonic() < deadline:
        pending = Capture.objects.filter(pk__in=ids, state__in=["queued", "fetching"]).count()
        if not pending:
            break
        time.sleep(0.2)
    seconds = time.monotonic() - started
    return seconds, list(Capture.objects.filter(pk__in=ids).order_by("pk"))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--latency-ms", type=int, default=200)
    parser.add_argument("--contexts-per-cpu", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="one per CPU")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/factcheck_browser_bench"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="browser-bench-"))
    _Handler.delay = args.latency_ms / 1000
    server = _Server(("127.0.0.1", args.port), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    urls = [f"http://127.0.0.1:{port}/p/{i}.html" for i in range(args.pages)]
    warm = [f"http://127.0.0.1:{port}/p/{1000 + i}.html" for i in range(args.workers * 2)]
    env = {
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "ARCHIVE_ROOT": str(tmp / "archives"),
        "FETCH_ALLOW_PRIVATE": "1",  # the pages are on loopback
        "BROWSER_CAPTURE_AFTER_HTTP": "0",
        "DEBUG": "0",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("SECRET_KEY", "FACTCHECK_ENV", "CELERY_BROKER_URL"):
        os.environ.pop(name, None)
    os.environ.update(env, DJANGO_SETTINGS_MODULE="factcheck.settings", LOG_LEVEL="WARNING")
    sys.path.insert(0, str(ROOT))
    workers = []
    try:
        print(f"bare chromium --headless --screenshot, {args.pages} pages one at a time ...")
        bare_seconds, bare_cpu, bare_peak = bare_browser(urls, tmp)
        prepare_database(args.database_url, dict(os.environ))
        check_redis_is_ours(args.redis_url)
        import django

        django.setup()
        reset_bench_data(args.redis_url, tmp / "archives")
        print(f"{args.workers} browser workers x {args.contexts_per_cpu} contexts ...")
        workers = [start_worker(n, args, env, tmp) for n in range(args.workers)]
        capture_all(warm, timeout=120)  # untimed: Chromium starts, imports load
        cpu_before = sum(tree_cpu(w.pid) for w in workers)
        with PeakMemory([w.pid for w in workers]) as memory:
            ours_seconds, captures = capture_all(urls, timeout=600)
        ours_cpu = sum(tree_cpu(w.pid) for w in workers) - cpu_before
        states = {c.state for c in captures}
        with_text = sum(1 for c in captures if "containers in week" in c.text)
        with_picture = sum(1 for c in captures if c.provenance.get("requests") == 4)
    finally:
        for process in workers:
            process.terminate()
        for process in workers:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        server.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)

    pages = args.pages
    bare_rate, ours_rate = pages / bare_seconds * 60, pages / ours_seconds * 60
    per_capture = max(memory.peaks) / 1024 / args.contexts_per_cpu
    print(f"\n{pages} script-built pages, {args.latency_ms} ms per answer, 4 requests each\n")
    print(f"{'':34}{'pages/min':>10}{'CPU s/page':>12}{'peak MB':>10}")
    print(f"{'chromium --headless --screenshot':34}{bare_rate:>10.1f}{bare_cpu / pages:>12.2f}"
          f"{bare_peak:>10.0f}   (one browser process tree)")  # fmt: skip
    print(f"{'browser captures (ours)':34}{ours_rate:>10.1f}{ours_cpu / pages:>12.2f}"
          f"{max(memory.peaks) / 1024:>10.0f}   (one worker + its Chromium, "
          f"{args.contexts_per_cpu} captures at a time)")  # fmt: skip
    print(f"\nstates: {sorted(states)}; rendered text in {with_text}/{pages}; "
          f"all four requests (picture included) in {with_picture}/{pages}")  # fmt: skip
    ratio = ours_rate / bare_rate
    print(f"rate: {ratio:.1f}x the bare browser (target >= {RATE_TARGET:g}x): "
          f"{'met' if ratio >= RATE_TARGET else 'NOT met'}")  # fmt: skip
    print(f"peak memory per capture: {per_capture:.0f} MB (target < {MEMORY_TARGET_MB:g} MB): "
          f"{'met' if per_capture < MEMORY_TARGET_MB else 'NOT met'}")  # fmt: skip
    return 0 if ratio >= RATE_TARGET and per_capture < MEMORY_TARGET_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
