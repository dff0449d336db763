"""The archive benchmark's PDF case: one large PDF archived while memory is sampled."""

from __future__ import annotations

import hashlib
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from archive_support.environment import PDF_URL_PATH, PYTHON
from archive_support.pipeline import make_sources
from archive_support.processes import MemorySampler, PageServer, Worker, reset_peak_rss, tree_hwm_kb


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
