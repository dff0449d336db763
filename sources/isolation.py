"""Text extraction (and a PDF's first page as an image) in a child process with CPU, memory and
time limits.

Parsers are the part of the archive that hostile bytes reach: a crafted PDF can hold pypdf for
minutes or grow it past any memory budget. So every capture's and upload's text is read in a
child process forked from a multiprocessing *forkserver* (started once per process, with the
parsers already imported, so a child costs a fork, not an interpreter start), with
``RLIMIT_CPU`` and ``RLIMIT_AS`` set in the child and a wall-clock deadline kept by the parent.
A child that runs out of any of them is killed and ``ExtractionLimitExceeded`` says which; the
caller's own process (a Celery worker or a web worker) is never the one that dies.

This module imports nothing from Django: the forkserver imports it on its own.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.spawn as spawn
import os
import resource
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from sources.text import ExtractedText, extract_text

__all__ = [
    "ExtractionLimitExceeded",
    "Limits",
    "Reading",
    "TextStatus",
    "read_payload",
    "start",
]

# Imported once in the forkserver, so each child starts with them loaded.
_PRELOAD = ["sources.isolation", "pypdf", "pypdfium2", "PIL.Image", "sources.isolation_warmup"]
PAGE_IMAGE_WIDTH = 1000  # pixels; the reader shows it at most this wide
_PAGE_IMAGE_MAX_PIXELS = 1000 * 1600


class TextStatus:
    """What became of a payload's text (Capture.text_status)."""

    PENDING = "pending"  # not read yet
    OK = "ok"
    EMPTY = "empty"  # a text format, but the parser found no text in it
    FAILED = "failed"  # the parser raised, or is missing
    LIMIT = "limit"  # the child ran out of CPU time, memory or wall-clock time
    NOT_TEXT = "not_text"  # an image or another format with no text to read


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = 30
    memory_mb: int = 1024  # address space of the child, shared libraries included
    wall_seconds: float = 60.0


@dataclass(frozen=True)
class Reading:
    """What the child read: the text, its status and reason, a first-page PNG for a PDF."""

    extracted: ExtractedText
    status: str
    reason: str = ""
    page_image: bytes | None = None
    peak_rss_kb: int = 0  # the child's own peak resident set size


class ExtractionLimitExceeded(Exception):
    """The child ran past its CPU time, memory or wall-clock limit and was stopped."""

    def __init__(self, reason: str, peak_rss_kb: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.peak_rss_kb = peak_rss_kb


_AuthenticationString: Any = getattr(multiprocessing.process, "AuthenticationString")  # noqa: B009
_lock = threading.Lock()
_context: Any = None


def start() -> None:
    """Start this process's forkserver now (it imports the parsers), not at the first reading.

    Called in each Celery pool process as it starts, so the first capture does not pay the
    forkserver's start-up inside its time limit.
    """
    from multiprocessing import forkserver

    _forkserver()
    forkserver.ensure_running()


def _forkserver() -> Any:
    global _context
    with _lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(_PRELOAD)
            _context = context
        return _context


@contextlib.contextmanager
def _children_allowed() -> Iterator[None]:
    """Let a daemonic process (a Celery prefork pool child) start the extraction child.

    multiprocessing refuses children to daemonic processes because a daemon is killed with its
    parent and would orphan them. Ours cannot be orphaned for long: the child is killed on every
    way out of read_payload, and the forkserver exits as soon as its parent does.
    """
    config = multiprocessing.current_process()._config  # type: ignore[attr-defined]
    saved = dict(config)
    config["daemon"] = False
    # Under billiard the key is billiard's type, which the standard library will not pickle.
    config["authkey"] = _AuthenticationString(bytes(config.get("authkey") or os.urandom(32)))
    preparation = spawn.get_preparation_data
    spawn.get_preparation_data = _without_main
    try:
        yield
    finally:
        spawn.get_preparation_data = preparation
        config.clear()
        config.update(saved)


_get_preparation_data = spawn.get_preparation_data


def _without_main(name: str) -> dict[str, Any]:
    """What a child is told to prepare, less the main module: the child runs only _child, and
    must never run again whatever script started this process (a scorer, a bench, manage.py)."""
    data = dict(_get_preparation_data(name))
    data.pop("init_main_from_path", None)
    data.pop("init_main_from_name", None)
    return data


def read_payload(
    payload: bytes,
    content_type: str | None,
    url: str | None = None,
    *,
    limits: Limits,
    page_image: bool = True,
) -> Reading:
    """Read ``payload``'s text in a limited child; raise ExtractionLimitExceeded past a limit.

    Whatever else goes wrong in the child (a parser error, a crash) comes back as a Reading with
    status "failed" and its reason, never as an exception in the caller.
    """
    context = _forkserver()
    receive, send = context.Pipe(duplex=False)
    child = context.Process(
        target=_child,
        args=(send, payload, content_type, url, limits, page_image),
        daemon=True,
        name="text-extraction",
    )
    # Its own settings, not a copy of the current process's: under Celery's prefork pool those
    # come from billiard, whose key type the standard library refuses to send to a child.
    child._config = {
        "authkey": _AuthenticationString(os.urandom(32)),
        "semprefix": "/mp",
        "daemon": True,
    }
    started = time.monotonic()
    with _lock, _children_allowed():
        child.start()
    send.close()
    try:
        message = _receive(receive, child, limits, started)
    finally:
        receive.close()
        if child.is_alive():
            child.kill()  # also on the way out of a Celery soft time limit raised while waiting
        child.join(5)
    kind, body = message
    if kind == "ok":
        return body
    raise ExtractionLimitExceeded(body.get("reason", "limit"), body.get("peak_rss_kb", 0))


def _receive(receive: Connection, child: Any, limits: Limits, started: float) -> tuple[str, Any]:
    remaining = limits.wall_seconds - (time.monotonic() - started)
    if remaining > 0 and receive.poll(remaining):
        try:
            return receive.recv()
        except EOFError:
            pass  # the child died before it could answer: its exit code says why
    else:
        child.kill()
        return "limit", {"reason": f"it took longer than {limits.wall_seconds:g} s"}
    child.join(5)
    code = child.exitcode
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        return "limit", {"reason": f"it used more than {limits.cpu_seconds} s of CPU time"}
    # Out of address space inside a C library is an abort or a segfault rather than MemoryError.
    if code in (-signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS):
        return "limit", {
            "reason": f"the parser crashed (signal {-code}), most likely at the "
            f"{limits.memory_mb} MB memory limit"
        }
    return "ok", Reading(
        ExtractedText("", "", None, "other"),
        TextStatus.FAILED,
        f"the text extraction process ended without a result (exit code {code})",
    )


def _child(
    send: Connection,
    payload: bytes,
    content_type: str | None,
    url: str | None,
    limits: Limits,
    page_image: bool,
) -> None:
    cpu = max(1, int(limits.cpu_seconds))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        reading = _read(payload, content_type, url, page_image)
    except MemoryError:
        del payload
        send.send(
            (
                "limit",
                {
                    "reason": f"it needed more than the {limits.memory_mb} MB memory limit",
                    "peak_rss_kb": _peak_rss_kb(),
                },
            )
        )
    else:
        send.send(("ok", reading))
    send.close()
    os._exit(0)  # no atexit handlers, no flushing of anything inherited


def _peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _read(payload: bytes, content_type: str | None, url: str | None, page_image: bool) -> Reading:
    try:
        extracted = extract_text(payload, content_type, url, strict=True)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - reported on the capture, by name
        return Reading(
            ExtractedText("", "", None, "other"),
            TextStatus.FAILED,
            f"text extraction failed: {type(exc).__name__}: {exc}"[:500],
            peak_rss_kb=_peak_rss_kb(),
        )
    image = _first_page_png(payload) if page_image and extracted.kind == "pdf" else None
    status, reason = _status_of(extracted, payload)
    return Reading(extracted, status, reason, image, _peak_rss_kb())


def _status_of(extracted: ExtractedText, payload: bytes) -> tuple[str, str]:
    if extracted.text:
        return TextStatus.OK, ""
    if extracted.kind in ("image", "other"):
        return TextStatus.NOT_TEXT, f"no text is read from this kind of file ({extracted.kind})"
    if not payload.strip():
        return TextStatus.EMPTY, "the file is empty"
    what = {"html": "page", "pdf": "PDF", "text": "file"}[extracted.kind]
    hint = " (it may be scanned images, or encrypted)" if extracted.kind == "pdf" else ""
    return TextStatus.EMPTY, f"no readable text was found in the {what}{hint}"


def _first_page_png(payload: bytes) -> bytes | None:
    """The first page as a PNG at most PAGE_IMAGE_WIDTH wide, or None when it cannot be drawn."""
    import io

    try:
        import pypdfium2

        pdf = pypdfium2.PdfDocument(payload)
        try:
            if len(pdf) == 0:
                return None
            page = pdf[0]
            width, height = page.get_size()
            if width <= 0 or height <= 0:
                return None
            scale = min(
                PAGE_IMAGE_WIDTH / width, (_PAGE_IMAGE_MAX_PIXELS / (width * height)) ** 0.5
            )
            bitmap = page.render(scale=scale, may_draw_forms=False)
            image = bitmap.to_pil()
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
            return out.getvalue()
        finally:
            pdf.close()
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - the text stands without its picture
        return None
