"""The guarded GET for archiving: every redirect checked again, at most a few."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from sources.fetcher.addresses import _fix_header_text, check_target, redirect_target
from sources.fetcher.body import _read_body
from sources.fetcher.errors import MalformedBody, PermanentFailure, TruncatedBody
from sources.fetcher.policy import REDIRECT_STATUSES, FetchPolicy, FetchResult
from sources.fetcher.transport import _Deadline, _Hop, _raise_for_status, _start_hop


def _result(
    url: str,
    hop: _Hop,
    chain: list[dict[str, Any]],
    started_at: datetime,
    start: float,
    body: bytes,
    decoded: bytes,
) -> FetchResult:
    resp = hop.resp
    return FetchResult(
        requested_url=url,
        final_url=hop.url,
        redirect_chain=chain,
        status=resp.status,
        reason=resp.reason or "",
        http_version="HTTP/1.0" if resp.version == 10 else "HTTP/1.1",
        headers=[(k, v) for k, v in resp.msg.items()],
        content_type=resp.getheader("Content-Type"),
        content_encoding=resp.getheader("Content-Encoding"),
        body=body,
        decoded_body=decoded,
        peer_ip=hop.peer_ip,
        request_method="GET",
        request_target=hop.request_target,
        request_headers=hop.request_headers,
        started_at=started_at,
        fetched_at=hop.sent_at,
        ended_at=datetime.now(UTC),
        elapsed_ms=int((time.monotonic() - start) * 1000),
    )


def fetch(url: str, policy: FetchPolicy | None = None) -> FetchResult:
    """GET ``url`` under ``policy``, following up to ``max_redirects`` checked redirects.

    Raises Blocked, PermanentFailure or TransientFailure (all FetchError) instead of returning
    anything but a 2xx response.
    """
    policy = policy or FetchPolicy()
    started_at = datetime.now(UTC)
    start = time.monotonic()
    deadline = _Deadline(policy.total_timeout)

    target = check_target(url, policy, timeout=min(policy.connect_timeout, deadline.remaining()))
    visited = {target.url.geturl()}
    chain: list[dict[str, Any]] = []
    while True:
        hop = _start_hop(target, policy, deadline)
        try:
            status = hop.resp.status
            location = hop.resp.getheader("Location")
            if status in REDIRECT_STATUSES and location:
                next_url = urljoin(hop.url, _fix_header_text(location.strip()))
                chain.append({"url": hop.url, "status": status, "location": next_url})
                if len(chain) > policy.max_redirects:
                    raise PermanentFailure(
                        f"too many redirects (more than {policy.max_redirects})", url=url
                    )
                target = redirect_target(
                    hop.url,
                    location,
                    policy,
                    timeout=min(policy.connect_timeout, deadline.remaining(url)),
                )
                if target.url.geturl() in visited:
                    raise PermanentFailure(
                        f"redirect loop: {target.url.geturl()} was already visited", url=url
                    )
                visited.add(target.url.geturl())
                continue
            _raise_for_status(hop)

            try:
                body, decoded = _read_body(hop, policy, deadline)
            except (TruncatedBody, MalformedBody) as exc:
                exc.partial = _result(url, hop, chain, started_at, start, exc.received, exc.decoded)
                raise
            return _result(url, hop, chain, started_at, start, body, decoded)
        finally:
            hop.close()
