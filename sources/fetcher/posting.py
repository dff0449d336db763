"""The guarded POST for webhook deliveries: no redirect followed, a short excerpt read."""

from __future__ import annotations

import http.client
import time

from sources.fetcher.addresses import check_target
from sources.fetcher.errors import TransientFailure
from sources.fetcher.policy import READ_CHUNK, FetchPolicy, PostResult
from sources.fetcher.transport import _Deadline, _Hop, _start_hop
from sources.normalise import SplitURL

# Set by post() itself; callers may not override them.
_POST_RESERVED_HEADERS = frozenset({"host", "content-length", "connection", "transfer-encoding"})


def _post_headers(
    parts: SplitURL, policy: FetchPolicy, body: bytes, extra: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    headers = [("Host", parts.netloc), ("User-Agent", policy.user_agent)]
    for name, value in extra:
        if name.lower() in _POST_RESERVED_HEADERS:
            raise ValueError(f"header {name!r} is set by the fetcher")
        if any(c in f"{name}{value}" for c in "\r\n\0") or not name.strip():
            raise ValueError(f"header {name!r} contains a line break or is empty")
        headers.append((name, value))
    headers += [
        ("Accept-Encoding", "identity"),
        ("Content-Length", str(len(body))),
        ("Connection", "close"),
    ]
    return headers


def _read_excerpt(hop: _Hop, limit: int, deadline: _Deadline) -> bytes:
    """Up to ``limit`` bytes of the body; the rest is never read (the connection then closes)."""
    out = bytearray()
    try:
        while len(out) < limit:
            chunk = hop.resp.read1(min(READ_CHUNK, limit - len(out)))
            if not chunk:
                break
            out += chunk
            deadline.remaining(hop.url)
    except (OSError, http.client.HTTPException):
        pass  # the status line and headers are what count; a cut-off excerpt is still an excerpt
    return bytes(out)


def post(
    url: str,
    body: bytes,
    *,
    headers: list[tuple[str, str]] | None = None,
    policy: FetchPolicy | None = None,
    excerpt_bytes: int = 2048,
) -> PostResult:
    """POST ``body`` to ``url`` under ``policy``; redirects are returned, never followed.

    The same guards as :func:`fetch`: the URL and every resolved address are checked, the socket
    is connected to a checked address, TLS is verified against the URL's host, and the whole
    exchange is bounded by ``total_timeout``. Only ``excerpt_bytes`` of the answer are read.
    Raises Blocked, PermanentFailure (malformed URL or response) or TransientFailure (DNS,
    connection, timeout); any HTTP status comes back as a PostResult.
    """
    policy = policy or FetchPolicy()
    start = time.monotonic()
    deadline = _Deadline(policy.total_timeout)
    target = check_target(url, policy, timeout=min(policy.connect_timeout, deadline.remaining()))
    sent_headers = _post_headers(target.url, policy, body, list(headers or []))
    hop = _start_hop(target, policy, deadline, method="POST", body=body, headers=sent_headers)
    try:
        excerpt = _read_excerpt(hop, max(0, excerpt_bytes), deadline)
        if hop.watchdog.fired:
            raise TransientFailure(deadline.message(), url=hop.url)
        resp = hop.resp
        return PostResult(
            url=hop.url,
            status=resp.status,
            reason=resp.reason or "",
            headers=[(k, v) for k, v in resp.msg.items()],
            body_excerpt=excerpt,
            peer_ip=hop.peer_ip,
            request_headers=sent_headers,
            elapsed_ms=int((time.monotonic() - start) * 1000),
        )
    finally:
        hop.close()
