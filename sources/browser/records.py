"""A browser capture's provenance record and its WARC: every exchange (request, response) in the
order the page made them, then the screenshot, the rendered page, its text and the provenance
as resource records."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator

from sources.browser.engine import VIEWPORT, PageCapture
from sources.browser.interception import Budgets
from sources.warc import (
    WarcReadError,
    capture_writer,
    write_exchange,
    write_resource,
    write_warcinfo,
)

# Target URIs of the resource records, after the page's URL (Browsertrix and Perma use urn:s
# of this shape, so replay tools show them beside the page).
SCREENSHOT_URN = "urn:screenshot:"
DOM_URN = "urn:dom:"
TEXT_URN = "urn:text:"
PROVENANCE_URN = "urn:provenance:"


@dataclass(frozen=True)
class BrowserWarc:
    document_sha256: str  # hex of the document's payload (its WARC-Payload-Digest)
    warc_size: int


def addresses_contacted(page: PageCapture) -> list[dict[str, Any]]:
    """Each host the fetcher connected to, at which address, for how many requests."""
    counts = Counter(
        (urlsplit(exchange.result.final_url).hostname or "", exchange.result.peer_ip)
        for exchange in page.exchanges
    )
    return [
        {"host": host, "ip": ip, "requests": count} for (host, ip), count in sorted(counts.items())
    ]


def provenance_record(
    page: PageCapture,
    *,
    software: str,
    budgets: Budgets,
    title: str,
    text_chars: int,
    user_agent: str,
) -> dict[str, Any]:
    """What was captured, when, by what, under which limits, and what was refused."""
    document = page.document
    return {
        "kind": "browser",
        "requested_url": page.url,
        "final_url": page.final_url or (document.result.final_url if document else ""),
        "title": title,
        "started_at": page.started_at.isoformat(),
        "ended_at": page.ended_at.isoformat() if page.ended_at else None,
        "elapsed_ms": page.elapsed_ms,
        "software": {
            "desk": software,
            "chromium": page.chromium_version,
            "playwright": page.playwright_version,
        },
        "options": {
            "viewport": f"{VIEWPORT['width']}x{VIEWPORT['height']}",
            "scrolled_to_end": True,
            "full_page_screenshot": True,
            "screenshot_cut_at_px": 20_000 if page.screenshot_cut else None,
            "fetcher_user_agent": user_agent,
            "service_workers": "blocked",
            "websockets": "refused",
            "popups": "refused",
            "downloads": "refused",
            "requests": "GET only, every one through the desk's fetcher",
            "chromium_args": page.args,
        },
        "budgets": {
            "load_seconds": budgets.load_seconds,
            "capture_seconds": budgets.capture_seconds,
            "max_bytes": budgets.max_bytes,
        },
        "budget_hit": page.budget_hit,
        "problems": page.problems,
        "requests": len(page.exchanges),
        "bytes_received": page.bytes_received,
        "addresses": addresses_contacted(page),
        "refused": [refusal.as_dict() for refusal in page.refused],
        "screenshot": {
            "bytes": len(page.screenshot),
            "sha256": hashlib.sha256(page.screenshot).hexdigest() if page.screenshot else None,
        },
        "text_chars": text_chars,
    }


def write_browser_warc(
    page: PageCapture,
    fileobj: IO[bytes],
    *,
    software: str,
    provenance: dict[str, Any],
    text: str,
    filename: str | None = None,
) -> BrowserWarc:
    start = fileobj.tell()
    writer = capture_writer(fileobj)
    fields: list[tuple[str, object]] = [
        ("description", "browser capture: every request through the desk's fetcher"),
        ("requested-url", page.url),
        ("final-url", provenance["final_url"]),
        ("started", page.started_at.isoformat()),
        ("chromium", page.chromium_version),
        ("playwright", page.playwright_version),
    ]
    warcinfo_id = write_warcinfo(
        writer, fields, software=software, when=page.started_at, filename=filename
    )
    document_id = None
    for exchange in page.exchanges:
        record_id = write_exchange(
            writer, exchange.result, warcinfo_id=warcinfo_id, truncated=exchange.truncated
        )
        document_id = document_id or record_id
    url = provenance["final_url"] or page.url
    when = page.ended_at or page.started_at
    resources: list[tuple[str, bytes, str]] = [
        (SCREENSHOT_URN, page.screenshot, "image/png"),
        (DOM_URN, page.dom.encode("utf-8"), "text/html; charset=utf-8"),
        (TEXT_URN, text.encode("utf-8"), "text/plain; charset=utf-8"),
    ]
    for prefix, payload, content_type in resources:
        if payload:
            write_resource(
                writer,
                prefix + url,
                payload,
                content_type=content_type,
                when=when,
                warcinfo_id=warcinfo_id,
                concurrent_to=document_id,
            )
    write_resource(
        writer,
        PROVENANCE_URN + url,
        json.dumps(provenance, indent=2, sort_keys=True).encode("utf-8"),
        content_type="application/json",
        when=when,
        warcinfo_id=warcinfo_id,
        concurrent_to=document_id,
    )
    fileobj.flush()
    document = page.document
    return BrowserWarc(
        document_sha256=hashlib.sha256(document.result.body).hexdigest() if document else "",
        warc_size=fileobj.tell() - start,
    )


def read_rendered_dom(fileobj: IO[bytes], *, max_bytes: int) -> bytes:
    """The rendered page (the ``urn:dom:`` resource record) of a browser capture's WARC, digest
    checked: what its text is read from again."""
    for record in ArchiveIterator(fileobj, check_digests=True):
        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
        if record.rec_type != "resource" or not uri.startswith(DOM_URN):
            continue
        payload = record.content_stream().read(max_bytes + 1)
        if len(payload) > max_bytes:
            raise WarcReadError(f"the rendered page is larger than {max_bytes} bytes")
        while record.raw_stream.read(64 * 1024):
            pass
        if record.digest_checker.passed is False:
            raise WarcReadError("the rendered page failed its digest check")
        return payload
    raise WarcReadError("the WARC holds no rendered page")
