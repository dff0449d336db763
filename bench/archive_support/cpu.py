"""The archive benchmark's CPU meter: where the machine's time went during a run."""

from __future__ import annotations

import os
import threading
import time

from archive_support.processes import PageServer, Worker, _children_map, _tree


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
