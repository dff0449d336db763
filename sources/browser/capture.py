"""Writes for browser captures: queueing one (a person's request, or the follow-up of an HTML
page's HTTP capture) and running one (Chromium, WARC, screenshot, text, provenance, state).

The capture's life is the HTTP capture's (sources/services.py): claimed with a conditional
update, finished once, audited with the worker's name, retried on a transient failure of the
document itself. What differs is what is fetched (every request the page makes) and kept.
"""

from __future__ import annotations

import io
import logging
import tempfile
import time
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from factcheck.audit import audit_record
from factcheck.errors import DomainError
from factcheck.roles import is_fact_checker
from sources import fetcher, isolation, priorities
from sources.browser import engine
from sources.browser.interception import Budgets
from sources.browser.records import provenance_record, write_browser_warc
from sources.models import Capture, CaptureKind, CaptureState, Source, TextStatus
from sources.policy import fetch_policy
from sources.politeness import host_slot
from sources.services.archive_files import SOFTWARE, _store
from sources.services.capturing import CaptureOutcome, _finish, _transient, capture_begin
from sources.services.jobs import WORKER, send_browser_capture_tasks
from sources.services.text_reading import _limit_reason, _read_text
from sources.wacz import package_capture

logger = logging.getLogger(__name__)

FOLLOW_UP = "browser-follow-up"  # the system actor that queues a browser capture after HTTP
BROWSER_SOFTWARE = f"{SOFTWARE} (browser)"


def browser_budgets() -> Budgets:
    """The budgets of one browser capture, from settings (the only place they are read)."""
    return Budgets(
        load_seconds=float(settings.BROWSER_LOAD_TIMEOUT),
        capture_seconds=float(settings.BROWSER_CAPTURE_TIMEOUT),
        max_bytes=settings.BROWSER_MAX_BYTES,
    )


# Queueing ------------------------------------------------------------------------------------


@transaction.atomic
def browser_capture_request(
    *, actor: Any = None, source: Source, system_actor: str = "", priority: int | None = None
) -> Capture:
    """Queue a browser capture of a web source (any kind: a person may ask for one of a PDF).

    A person's request goes before follow-ups and batches. Earlier captures are kept.
    """
    if actor is not None and not is_fact_checker(actor):
        raise DomainError("only fact-checkers and editors may capture sources", code="forbidden")
    if not source.url:
        raise DomainError("an uploaded file has no URL to capture with the browser")
    capture = Capture.objects.create(
        source=source,
        kind=CaptureKind.BROWSER,
        requested_url=source.url,
        requested_by=actor if actor else None,
    )
    audit_record(
        action="capture.queued",
        obj=capture,
        actor=actor,
        system_actor="" if actor else (system_actor or WORKER),
        after={"url": capture.requested_url, "kind": CaptureKind.BROWSER},
    )
    if priority is None:
        priority = priorities.PERSON if actor else priorities.FOLLOW_UP
    capture_id = capture.pk
    transaction.on_commit(lambda: send_browser_capture_tasks([capture_id], priority))
    return capture


def browser_follow_up(*, capture_id: int) -> Capture | None:
    """After an HTML page's HTTP capture is archived, queue its browser capture (once).

    Not for uploads, other types, or a source that already has a browser capture waiting.
    """
    if not settings.BROWSER_CAPTURE_AFTER_HTTP:
        return None
    capture = Capture.objects.select_related("source").filter(pk=capture_id).first()
    if (
        capture is None
        or capture.kind != CaptureKind.HTTP
        or capture.state != CaptureState.ARCHIVED
        or not capture.source.url
        or "html" not in capture.content_type.lower()
    ):
        return None
    waiting = Capture.objects.filter(
        source_id=capture.source_id,
        kind=CaptureKind.BROWSER,
        state__in=[CaptureState.QUEUED, CaptureState.FETCHING],
    )
    if waiting.exists():
        return None
    return browser_capture_request(source=capture.source, system_actor=FOLLOW_UP)


# Running -------------------------------------------------------------------------------------


def _polite_fetch(url: str, policy: fetcher.FetchPolicy) -> fetcher.FetchResult:
    """The fetcher, inside one of the host's slots (FETCH_PER_HOST_CONCURRENCY), so a page's
    subresources are no harder on a host than other fetches; waits for a slot within its time."""
    host = urlsplit(url).hostname or ""
    give_up = time.monotonic() + policy.total_timeout
    while True:
        with host_slot(host, lease_seconds=policy.total_timeout + 30) as got_slot:
            if got_slot:
                return fetcher.fetch(url, policy)
        if time.monotonic() >= give_up:
            raise fetcher.TransientFailure(
                f"{host} stayed busy with {settings.FETCH_PER_HOST_CONCURRENCY} other fetches",
                url=url,
            )
        time.sleep(0.1)


def _screenshot_name(capture_id: int) -> str:
    return f"screenshots/{capture_id // 1000:04d}/capture-{capture_id}.png"


def _warc_name(capture_id: int) -> str:
    return f"warcs/{capture_id // 1000:04d}/capture-{capture_id}-browser.warc.gz"


def browser_capture_perform(*, capture_id: int) -> CaptureOutcome:
    """Run one browser capture. Idempotent: a capture not queued is left alone."""
    capture, outcome = capture_begin(capture_id)
    if capture is None:
        assert outcome is not None
        return outcome
    url = capture.requested_url or capture.source.url
    budgets = browser_budgets()
    try:
        page = engine.capture_page(
            url,
            policy=fetch_policy(),
            budgets=budgets,
            fetch=_polite_fetch,
            executable=settings.BROWSER_EXECUTABLE,
        )
    except engine.BrowserUnavailable as exc:
        reason = f"the browser capture could not run: {exc}"
        _finish(capture, CaptureState.FAILED, reason=reason)
        return CaptureOutcome(CaptureState.FAILED, detail=reason)
    except TimeoutError:
        return _transient(capture, fetcher.TransientFailure("the browser did not answer in time"))
    if page.document is None:
        return _without_document(capture, page)
    return _archive(capture, page, budgets)


def _without_document(capture: Capture, page: engine.PageCapture) -> CaptureOutcome:
    problem = page.document_error
    if isinstance(problem, fetcher.Blocked):
        _finish(capture, CaptureState.BLOCKED, reason=problem.reason)
        return CaptureOutcome(CaptureState.BLOCKED, detail=problem.reason)
    if isinstance(problem, fetcher.TransientFailure):
        return _transient(capture, problem)
    reason = problem.reason if problem else ("; ".join(page.problems) or "the page did not load")
    status = getattr(problem, "status", None)
    _finish(capture, CaptureState.FAILED, reason=reason, http_status=status)
    return CaptureOutcome(CaptureState.FAILED, detail=reason)


def _rendered_text(page: engine.PageCapture) -> tuple[isolation.Reading | None, str]:
    """The rendered page's text, read like any HTML capture's (the limited child)."""
    if not page.dom:
        return None, "no rendered page to read"
    try:
        return _read_text(page.dom.encode("utf-8"), "text/html; charset=utf-8", page.final_url), ""
    except isolation.ExtractionLimitExceeded as exc:
        return None, _limit_reason(exc)


def _archive(capture: Capture, page: engine.PageCapture, budgets: Budgets) -> CaptureOutcome:
    document = page.document
    assert document is not None
    reading, text_problem = _rendered_text(page)
    text = reading.extracted.text if reading else ""
    title = (reading.extracted.title if reading else "")[:500]
    provenance = provenance_record(
        page,
        software=BROWSER_SOFTWARE,
        budgets=budgets,
        title=title,
        text_chars=len(text),
        user_agent=settings.FETCH_USER_AGENT,
    )
    name = _warc_name(capture.pk)
    with tempfile.TemporaryFile() as warc_file:
        info = write_browser_warc(
            page,
            warc_file,
            software=BROWSER_SOFTWARE,
            provenance=provenance,
            text=text,
            filename=name.rsplit("/", 1)[-1],
        )
        warc_file.seek(0)
        stored_warc = _store(name, warc_file)
    facts: dict[str, Any] = {
        "final_url": (page.final_url or document.result.final_url)[:2000],
        "redirect_chain": document.result.redirect_chain,
        "http_status": document.result.status,
        "headers": [list(pair) for pair in document.result.headers],
        "content_type": (document.result.content_type or "")[:200],
        "size": page.bytes_received,
        "sha256": info.document_sha256,
        "fetch_ms": page.elapsed_ms,
        "warc": stored_warc,
        "provenance": provenance,
        "title": title,
        "text": text,
    }
    if page.screenshot:
        facts["screenshot"] = _store(_screenshot_name(capture.pk), io.BytesIO(page.screenshot))
    if reading is not None:
        facts.update(text_status=reading.status, text_reason=reading.reason[:500])
    else:
        limit = text_problem.startswith("text extraction exceeded")
        facts.update(
            text_status=TextStatus.LIMIT if limit else TextStatus.FAILED,
            text_reason=text_problem[:500],
        )
    state, reason = _end_state(page, text_problem if reading is None else "")
    if not _finish(capture, state, reason=reason, source_title=title, **facts):
        return CaptureOutcome(state, detail="already finished by another worker")
    package_hook(capture)
    return CaptureOutcome(state, detail=reason)


def _end_state(page: engine.PageCapture, text_problem: str) -> tuple[str, str]:
    """Archived when all went to plan; partial (what arrived is kept) when a budget ran out or a
    part is missing, naming it; failed when the text could not be read within its limits."""
    if text_problem.startswith("text extraction exceeded"):
        return CaptureState.FAILED, f"{text_problem} (the archive is kept)"
    missing = list(page.problems)
    if page.budget_hit:
        missing.insert(0, page.budget_hit)
    if text_problem:
        missing.append(text_problem)
    if missing:
        return CaptureState.PARTIAL, "; ".join(missing) + "; what arrived is kept"
    return CaptureState.ARCHIVED, ""


def package_hook(capture: Capture) -> None:
    """Package the capture's WARC as a signed, timestamped WACZ (sources/wacz.py records on the
    capture what could not be done and why, as for HTTP captures)."""
    package_capture(capture)
