"""Reading a body as its framing says (Content-Length, chunked), keeping what arrived."""

from __future__ import annotations

import http.client
from typing import Any

from sources.fetcher.decoding import ContentDecoder
from sources.fetcher.errors import (
    DecodedTooLarge,
    DecodeError,
    MalformedBody,
    PermanentFailure,
    TransientFailure,
    TruncatedBody,
    _body_problem,
)
from sources.fetcher.policy import READ_CHUNK, FetchPolicy
from sources.fetcher.transport import _Deadline, _Hop, _transport_error

# A chunk-size line longer than this is not a chunk-size line (hex digits plus extensions).
_MAX_CHUNK_LINE = 4096
_HEX_DIGITS = b"0123456789abcdefABCDEF"


def _content_length_problem(resp: http.client.HTTPResponse) -> str | None:
    """Say why the Content-Length headers cannot frame the body, or None if they can.

    RFC 9112 section 6.3: differing values (in one header or several) or a value that is not a
    number make the framing invalid. http.client would take the first and read on, so a second
    header could hide where the body really ends.
    """
    if resp.chunked:
        return None  # Transfer-Encoding wins; Content-Length is ignored
    values = [
        part.strip()
        for header in resp.msg.get_all("Content-Length") or []
        for part in header.split(",")
    ]
    if not values:
        return None
    if not all(v.isascii() and v.isdigit() for v in values):
        return f"the server sent an invalid Content-Length ({', '.join(values)[:100]})"
    if len({int(v) for v in values}) > 1:
        return (
            f"the server sent conflicting Content-Length headers ({', '.join(values)[:100]}), "
            "so where the body ends cannot be known"
        )
    return None


class _Framing(Exception):
    """Internal: the body stopped (truncated) or broke its framing (malformed)."""

    def __init__(self, reason: str, *, truncated: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.truncated = truncated


def _chunks(fp: Any) -> Any:
    """Yield the data of a chunked body read from ``fp``; raise _Framing when it breaks.

    Our own reader, not http.client's, because http.client reports a cut connection and a
    garbage chunk-size line alike (IncompleteRead): one may recover on retry, the other not.
    """
    while True:
        line = fp.readline(_MAX_CHUNK_LINE + 1)
        size_text = line.split(b";", 1)[0].strip()
        if size_text.strip(_HEX_DIGITS) or (line.endswith(b"\n") and not size_text):
            shown = size_text[:40].decode("latin-1")
            raise _Framing(
                f"the chunked body is malformed: {shown!r} is not a chunk size", truncated=False
            )
        if not line.endswith(b"\n"):
            if len(line) > _MAX_CHUNK_LINE:
                raise _Framing(
                    "the chunked body is malformed: a chunk-size line is too long",
                    truncated=False,
                )
            raise _Framing(
                "the connection closed before the last chunk of the body arrived", truncated=True
            )
        left = int(size_text, 16)
        if left == 0:
            # Trailer fields up to the blank line; a server that hangs up here sent the body.
            for _ in range(100):
                trailer = fp.readline(_MAX_CHUNK_LINE + 1)
                if trailer in (b"\r\n", b"\n", b""):
                    break
            return
        while left:
            data = fp.read1(min(left, READ_CHUNK))
            if not data:
                raise _Framing(
                    "the connection closed before the whole body arrived (inside a chunk)",
                    truncated=True,
                )
            left -= len(data)
            yield data
        end = fp.readline(3)
        if end not in (b"\r\n", b"\n"):
            if not end:
                raise _Framing(
                    "the connection closed before the last chunk of the body arrived",
                    truncated=True,
                )
            raise _Framing(
                "the chunked body is malformed: a chunk is longer than its declared size",
                truncated=False,
            )


def _plain_pieces(resp: http.client.HTTPResponse) -> Any:
    while True:
        chunk = resp.read1(READ_CHUNK)
        if not chunk:
            break
        yield chunk
    if resp.length:  # http.client counts down; anything left means a truncated body
        raise _Framing(
            f"the connection closed {resp.length} bytes before the end of the body",
            truncated=True,
        )


def _read_body(hop: _Hop, policy: FetchPolicy, deadline: _Deadline) -> tuple[bytes, bytes]:
    """Read and decode the body; a broken one raises TruncatedBody or MalformedBody with the
    bytes that arrived."""
    resp = hop.resp
    framing_problem = _content_length_problem(resp)
    if framing_problem:
        resp.length = None  # read what the server sends until it closes, to keep it
    elif resp.length is not None and resp.length > policy.max_bytes:
        raise PermanentFailure(
            f"the body is {resp.length} bytes; the limit is {policy.max_bytes}",
            url=hop.url,
            status=resp.status,
        )
    try:
        decoder = ContentDecoder(resp.getheader("Content-Encoding"), policy.max_decompressed_bytes)
    except DecodeError as exc:
        raise PermanentFailure(str(exc), url=hop.url, status=resp.status) from exc

    raw = bytearray()

    def broken(cls: Any, reason: str) -> TruncatedBody | MalformedBody:
        body = bytes(raw)
        return _body_problem(
            cls,
            reason,
            url=hop.url,
            status=resp.status,
            received=body,
            decoded=body if decoder.identity else decoder.decoded_so_far,
        )

    pieces = _chunks(resp.fp) if resp.chunked and resp.fp is not None else _plain_pieces(resp)
    try:
        for chunk in pieces:
            raw += chunk
            if len(raw) > policy.max_bytes:
                raise PermanentFailure(
                    f"the body is larger than the limit of {policy.max_bytes} bytes",
                    url=hop.url,
                    status=resp.status,
                )
            decoder.feed(chunk)
            deadline.remaining(hop.url)
        if hop.watchdog.fired:
            raise TransientFailure(deadline.message(), url=hop.url)
        if framing_problem:
            raise broken(MalformedBody, framing_problem)
        decoded = decoder.finish()
    except _Framing as exc:
        if hop.watchdog.fired:
            raise TransientFailure(deadline.message(), url=hop.url) from None
        raise broken(TruncatedBody if exc.truncated else MalformedBody, exc.reason) from None
    except DecodedTooLarge as exc:
        raise PermanentFailure(str(exc), url=hop.url, status=resp.status) from exc
    except DecodeError as exc:
        raise broken(MalformedBody, str(exc)) from exc
    except (OSError, http.client.HTTPException) as exc:
        raise _transport_error(exc, hop.watchdog, deadline, hop.url) from exc
    body = bytes(raw)
    return body, (body if decoded is None else decoded)
