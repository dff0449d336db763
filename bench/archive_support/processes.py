"""The archive benchmark's processes: the page server and Celery workers, and their memory."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

from archive_support.environment import BENCH, PYTHON, ROOT


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
