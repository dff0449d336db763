"""The only code that opens outbound connections: a guarded HTTP(S) GET for archiving sources,
and a guarded POST (no redirects followed) for webhook deliveries.

Design notes (why it looks like this):

* Every hop (the first request and each redirect) goes through :func:`check_target`: the URL is
  validated, the host is resolved exactly once, *every* resolved address is checked, and the
  socket is then connected to one of those checked addresses (never to the name again), so a DNS
  answer that changes between check and connect (rebinding) cannot reach an internal address.
* requests-hardened uses the same pinning trick but was not enough on its own: it checks only the
  first getaddrinfo answer, its switch can allow loopback but not RFC 1918 ranges, it relies on
  ``ipaddress.is_private`` which on this Python misses fec0::/10, ::/96 (IPv4-compatible) and
  multicast-by-default, and requests itself reads proxies and .netrc from the environment, hides
  the raw (still content-encoded) bytes and the peer address, and has no wall-clock deadline.
  So the transport here is ``http.client`` over a socket we connect ourselves, with the TLS
  hostname verified against the URL's host (SNI included) while connecting to the pinned IP.
* A watchdog thread shuts the socket down when ``total_timeout`` expires, so a server that drips
  one byte per second (in the headers or the body) is cut off on time; per-read timeouts alone
  would never fire.
* ``FetchResult.body`` is the entity body exactly as received after removing chunked transfer
  coding (still gzip/deflate if the server compressed it): that is what a WARC response record
  stores and what WARC-Payload-Digest covers. ``FetchResult.decoded_body`` is the same content
  with Content-Encoding removed (capped by ``max_decompressed_bytes``), for text extraction.
"""

from __future__ import annotations

import contextlib
import email.utils
import functools
import http.client
import ipaddress
import logging
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from sources.normalise import InvalidURL, SplitURL, split_url

__all__ = [
    "DEFAULT_USER_AGENT",
    "Blocked",
    "ContentDecoder",
    "DecodeError",
    "DecodedTooLarge",
    "DecodeTruncated",
    "FetchError",
    "FetchPolicy",
    "FetchResult",
    "MalformedBody",
    "PermanentFailure",
    "ResolvedAddress",
    "Target",
    "TransientFailure",
    "TruncatedBody",
    "address_problem",
    "check_target",
    "PostResult",
    "fetch",
    "parse_retry_after",
    "post",
    "redirect_target",
]

logger = logging.getLogger(__name__)

MiB = 1024 * 1024
DEFAULT_USER_AGENT = (
    "FactcheckDeskArchiver/0.1 (archives pages cited in fact-checks; python http.client)"
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
TRANSIENT_STATUSES = frozenset({408, 429})
READ_CHUNK = 64 * 1024
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


# ---------------------------------------------------------------------------------------------
# Errors


class FetchError(Exception):
    """Base class; ``reason`` is a sentence a journalist can read."""

    def __init__(self, reason: str, *, url: str | None = None, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.url = url
        self.status = status


class Blocked(FetchError):
    """Refused for safety (scheme, credentials in URL, or a non-public address); never retry."""


class PermanentFailure(FetchError):
    """Retrying will not help (4xx, too large, redirect loop, invalid URL...)."""


class TransientFailure(FetchError):
    """May succeed later (timeouts, resets, DNS failure, 5xx, 408, 429)."""

    def __init__(
        self,
        reason: str,
        *,
        url: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason, url=url, status=status)
        self.retry_after = retry_after


class _BodyProblem:
    """Mixin of the errors raised after part of a body arrived: what came is kept.

    ``received`` is the entity body as it arrived (de-chunked, still content-encoded) and
    ``decoded`` what of it could be decoded; :func:`fetch` adds ``partial``, the whole exchange
    as a :class:`FetchResult` (so a capture can archive the bytes and say they are incomplete).
    """

    received: bytes = b""
    decoded: bytes = b""
    partial: FetchResult | None = None
    warc_truncated: str | None = None  # WARC-Truncated value when the bytes stop early


class TruncatedBody(_BodyProblem, TransientFailure):
    """The connection closed before the body its framing announced had arrived (may recover)."""

    warc_truncated = "disconnect"


class MalformedBody(_BodyProblem, PermanentFailure):
    """The body does not match its framing or does not decode; retrying gives the same bytes."""


def _body_problem(
    cls: type[TruncatedBody] | type[MalformedBody],
    reason: str,
    *,
    url: str,
    status: int | None,
    received: bytes,
    decoded: bytes,
) -> TruncatedBody | MalformedBody:
    exc = cls(reason, url=url, status=status)
    exc.received, exc.decoded = received, decoded
    return exc


class DecodeError(ValueError):
    """The body's Content-Encoding is unsupported or corrupt."""


class DecodeTruncated(DecodeError):
    """The compressed stream stops before its end marker: the body was cut short."""


class DecodedTooLarge(DecodeError):
    """Decompressing the body would exceed the configured cap (e.g. a gzip bomb)."""


# ---------------------------------------------------------------------------------------------
# Policy and result


@dataclass(frozen=True)
class FetchPolicy:
    allow_private: bool = False  # development and tests only; production settings must refuse
    connect_timeout: float = 10.0
    total_timeout: float = 60.0
    max_bytes: int = 50 * MiB
    max_decompressed_bytes: int = 50 * MiB
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    # Extra CA bundle (PEM) trusted in addition to certifi's, for tests or a private PKI.
    ca_file: str | None = None


@dataclass
class FetchResult:
    requested_url: str
    final_url: str
    redirect_chain: list[dict[str, Any]]  # [{"url", "status", "location"}], oldest first
    status: int
    reason: str
    http_version: str  # "HTTP/1.1" or "HTTP/1.0"
    headers: list[tuple[str, str]]  # as received: order and duplicates kept
    content_type: str | None
    content_encoding: str | None
    body: bytes  # entity body as received, de-chunked but still content-encoded
    decoded_body: bytes  # body with Content-Encoding removed
    peer_ip: str
    request_method: str
    request_target: str  # path and query sent in the request line
    request_headers: list[tuple[str, str]]  # exactly what was sent, in order
    started_at: datetime
    fetched_at: datetime  # when the final request was sent (WARC-Date)
    ended_at: datetime
    elapsed_ms: int

    @property
    def status_line(self) -> str:
        return f"{self.http_version} {self.status} {self.reason}".rstrip()

    @property
    def request_line(self) -> str:
        return f"{self.request_method} {self.request_target} {self.http_version}"

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


@dataclass
class PostResult:
    """The answer to a POST, whatever its status: the caller decides what counts as success."""

    url: str
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body_excerpt: bytes  # at most the first `excerpt_bytes` of the response body
    peer_ip: str
    request_headers: list[tuple[str, str]]
    elapsed_ms: int

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


@dataclass(frozen=True)
class ResolvedAddress:
    family: socket.AddressFamily
    sockaddr: tuple[Any, ...]
    ip: IPAddress


@dataclass(frozen=True)
class Target:
    """A URL that passed every check, with the addresses it may be fetched from."""

    url: SplitURL
    addresses: tuple[ResolvedAddress, ...] = field(default_factory=tuple)


# ---------------------------------------------------------------------------------------------
# Address and URL checks


def _nets(*specs: tuple[str, str]) -> tuple[tuple[Any, str], ...]:
    return tuple((ipaddress.ip_network(net), label) for net, label in specs)


# Listed explicitly (rather than trusting ipaddress.is_global alone) because what the stdlib
# flags changes between Python releases and misses several of these on 3.11.
_BLOCKED_NETWORKS = _nets(
    ("0.0.0.0/8", "'this host' (0.0.0.0/8)"),
    ("10.0.0.0/8", "private (10.0.0.0/8)"),
    ("100.64.0.0/10", "carrier-grade NAT (100.64.0.0/10)"),
    ("127.0.0.0/8", "loopback (127.0.0.0/8)"),
    ("169.254.0.0/16", "link-local (169.254.0.0/16)"),
    ("172.16.0.0/12", "private (172.16.0.0/12)"),
    ("192.0.0.0/24", "IETF protocol assignment (192.0.0.0/24)"),
    ("192.0.2.0/24", "documentation (192.0.2.0/24)"),
    ("192.88.99.0/24", "6to4 relay (192.88.99.0/24)"),
    ("192.168.0.0/16", "private (192.168.0.0/16)"),
    ("198.18.0.0/15", "benchmarking (198.18.0.0/15)"),
    ("198.51.100.0/24", "documentation (198.51.100.0/24)"),
    ("203.0.113.0/24", "documentation (203.0.113.0/24)"),
    ("224.0.0.0/4", "multicast (224.0.0.0/4)"),
    ("240.0.0.0/4", "reserved (240.0.0.0/4)"),
    ("::/128", "unspecified (::)"),
    ("::1/128", "loopback (::1)"),
    ("::ffff:0:0/96", "IPv4-mapped (::ffff:0:0/96)"),
    ("::/96", "IPv4-compatible (::/96)"),
    ("64:ff9b::/96", "NAT64 (64:ff9b::/96)"),
    ("64:ff9b:1::/48", "local NAT64 (64:ff9b:1::/48)"),
    ("100::/64", "discard-only (100::/64)"),
    ("2001::/32", "Teredo (2001::/32)"),
    ("2001::/23", "IETF protocol assignment (2001::/23)"),
    ("2001:db8::/32", "documentation (2001:db8::/32)"),
    ("2002::/16", "6to4 (2002::/16)"),
    ("3fff::/20", "documentation (3fff::/20)"),
    ("5f00::/16", "segment routing (5f00::/16)"),
    ("fc00::/7", "unique-local (fc00::/7)"),
    ("fe80::/10", "link-local (fe80::/10)"),
    ("fec0::/10", "site-local (fec0::/10)"),
    ("ff00::/8", "multicast (ff00::/8)"),
)
# Even with allow_private these make no sense as a TCP destination.
_ALWAYS_BLOCKED = _nets(
    ("0.0.0.0/32", "unspecified (0.0.0.0)"),
    ("224.0.0.0/4", "multicast (224.0.0.0/4)"),
    ("255.255.255.255/32", "broadcast (255.255.255.255)"),
    ("::/128", "unspecified (::)"),
    ("ff00::/8", "multicast (ff00::/8)"),
)


def address_problem(ip: IPAddress | str, *, allow_private: bool = False) -> str | None:
    """Say why ``ip`` may not be fetched from, or return None if it may."""
    if isinstance(ip, str):
        ip = ipaddress.ip_address(ip)
    if isinstance(ip, ipaddress.IPv6Address) and ip.scope_id:
        ip = ipaddress.IPv6Address(str(ip).split("%", 1)[0])
    for net, label in _ALWAYS_BLOCKED:
        if ip.version == net.version and ip in net:
            return f"{ip} is not a public address: {label}"
    if allow_private:
        return None
    for net, label in _BLOCKED_NETWORKS:
        if ip.version == net.version and ip in net:
            return f"{ip} is not a public address: {label}"
    # Catch-all for anything newer stdlib versions know about and the table above does not;
    # for IPv6 this also refuses everything outside 2000::/3 (unallocated, "reserved").
    if not ip.is_global or ip.is_reserved or ip.is_multicast:
        return f"{ip} is not a public internet address"
    return None


def check_target(url: str, policy: FetchPolicy, *, timeout: float | None = None) -> Target:
    """Validate ``url``, resolve its host once and check every address; used on every hop.

    Raises Blocked (bad scheme, credentials in the URL, any non-public address),
    PermanentFailure (malformed URL) or TransientFailure (DNS failure or timeout).
    """
    try:
        parts = split_url(url)
    except InvalidURL as exc:
        if exc.code in ("scheme", "userinfo"):
            raise Blocked(str(exc), url=url) from exc
        raise PermanentFailure(f"invalid URL: {exc}", url=url) from exc

    # RFC 6761: resolvers may answer *.localhost locally whatever DNS says, so the name alone
    # is refused too (after the address check, which gives the more telling reason).
    loopback_name = parts.host == "localhost" or parts.host.endswith(".localhost")
    name_refusal = Blocked(f"{parts.host} is a loopback name; refusing to connect", url=url)

    port = parts.effective_port
    if parts.ip is not None:
        infos: list[tuple[Any, ...]] = [
            (
                socket.AF_INET6 if parts.ip.version == 6 else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (str(parts.ip), port, 0, 0) if parts.ip.version == 6 else (str(parts.ip), port),
            )
        ]
    else:
        try:
            infos = _getaddrinfo(parts.host, port, timeout or policy.connect_timeout, url)
        except TransientFailure:
            if loopback_name and not policy.allow_private:
                raise name_refusal from None
            raise

    addresses: list[ResolvedAddress] = []
    for family, _type, _proto, _canon, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        ip = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        problem = address_problem(ip, allow_private=policy.allow_private)
        if problem:
            shown = parts.host if parts.ip is None else parts.host_for_url
            logger.warning("fetch blocked: %s -> %s", shown, problem)
            via = "" if parts.ip is not None else f"{parts.host} resolves to "
            raise Blocked(f"{via}{problem}; refusing to connect", url=url)
        if all(a.ip != ip for a in addresses):
            addresses.append(ResolvedAddress(family, tuple(sockaddr), ip))
    if loopback_name and not policy.allow_private:
        raise name_refusal
    if not addresses:
        raise TransientFailure(f"DNS returned no usable address for {parts.host}", url=url)
    return Target(url=parts, addresses=tuple(addresses))


def redirect_target(
    current_url: str, location: str, policy: FetchPolicy, *, timeout: float | None = None
) -> Target:
    """Resolve a Location header against the current URL and check it like a first hop."""
    return check_target(
        urljoin(current_url, _fix_header_text(location.strip())), policy, timeout=timeout
    )


def _fix_header_text(value: str) -> str:
    # http.client decodes header bytes as latin-1; servers usually meant UTF-8.
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def _getaddrinfo(host: str, port: int, timeout: float, url: str) -> list[tuple[Any, ...]]:
    # getaddrinfo has no timeout of its own; run it in a thread so the deadline holds.
    box: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            box["infos"] = socket.getaddrinfo(
                host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
            )
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="fetch-dns", daemon=True).start()
    if not done.wait(max(timeout, 0.001)):
        raise TransientFailure(f"DNS lookup for {host} timed out", url=url)
    if "error" in box:
        raise TransientFailure(f"DNS lookup for {host} failed: {box['error']}", url=url)
    return box["infos"]


# ---------------------------------------------------------------------------------------------
# Content decoding


class ContentDecoder:
    """Incrementally remove a Content-Encoding, refusing to produce more than ``max_bytes``.

    Feed the body in pieces, then call :meth:`finish`. When there is no encoding to remove
    (``identity``), pieces are only counted, not copied, and ``finish`` returns None: the
    caller's own bytes are the decoded body.
    """

    def __init__(self, content_encoding: str | None, max_bytes: int) -> None:
        codings = [
            c.strip().lower()
            for c in (content_encoding or "").split(",")
            if c.strip() and c.strip().lower() != "identity"
        ]
        if len(codings) > 1:
            raise DecodeError(f"stacked Content-Encoding {content_encoding!r} is not supported")
        coding = codings[0] if codings else None
        if coding in ("gzip", "x-gzip"):
            self._wbits: int | None = 16 + zlib.MAX_WBITS
        elif coding == "deflate":
            self._wbits = zlib.MAX_WBITS
        elif coding is None:
            self._wbits = None
        else:
            raise DecodeError(f"unsupported Content-Encoding {coding!r}")
        self.coding = coding
        self.max_bytes = max_bytes
        self._gzip = coding in ("gzip", "x-gzip")
        self._z: Any = None
        self._started = False
        self._out = bytearray()
        self._identity_size = 0
        self._done = False

    @property
    def identity(self) -> bool:
        return self._wbits is None

    def feed(self, data: bytes) -> None:
        if self.identity:
            self._identity_size += len(data)
            self._check(self._identity_size)
            return
        try:
            self._inflate(data)
        except zlib.error as exc:
            if self.coding == "deflate" and not self._started and self._wbits == zlib.MAX_WBITS:
                # Some servers send raw deflate without the zlib header; browsers accept it.
                self._wbits, self._z = -zlib.MAX_WBITS, None
                self._inflate(data)
                return
            raise DecodeError(f"corrupt {self.coding} body: {exc}") from exc

    @property
    def decoded_so_far(self) -> bytes:
        """What has been decoded up to now (the readable prefix of a broken body)."""
        return bytes(self._out)

    def finish(self) -> bytes | None:
        """The decoded body; raises DecodeTruncated if the compressed stream never ended."""
        if self.identity:
            return None
        if self._z is not None and not self._z.eof:
            try:
                self._out += self._z.flush()
            except zlib.error as exc:
                raise DecodeError(f"corrupt {self.coding} body: {exc}") from exc
            self._check(len(self._out))
            # zlib hands back what it could; without the end marker (and, for gzip, the CRC and
            # length trailer) the body is cut short, however whole its HTTP framing looked.
            raise DecodeTruncated(
                f"the {self.coding} body is truncated: its compressed stream stops before its "
                f"end ({len(self._out)} bytes could be decoded)"
            )
        return bytes(self._out)

    def _check(self, size: int) -> None:
        if size > self.max_bytes:
            raise DecodedTooLarge(
                f"body decompresses to more than {self.max_bytes} bytes (limit); "
                "refusing it as a possible compression bomb"
            )

    def _inflate(self, data: bytes) -> None:
        while data and not self._done:
            if self._z is None:
                assert self._wbits is not None  # identity bodies never reach _inflate
                self._z = zlib.decompressobj(self._wbits)
            budget = self.max_bytes - len(self._out) + 1  # one past the cap proves overflow
            out = self._z.decompress(data, budget)
            self._started = True
            self._out += out
            self._check(len(self._out))
            if self._z.unconsumed_tail:
                data = self._z.unconsumed_tail
                continue
            if not self._z.eof:
                return
            data = self._z.unused_data
            self._z = None
            # Concatenated gzip members are one body; trailing NUL padding is not.
            if not self._gzip or not data.strip(b"\0"):
                self._done = True


# ---------------------------------------------------------------------------------------------
# Transport


@functools.lru_cache(maxsize=8)
def _tls_context(ca_file: str | None) -> ssl.SSLContext:
    try:
        import certifi

        ctx = ssl.create_default_context(cafile=certifi.where())
    except ImportError:  # pragma: no cover - certifi ships with requests
        ctx = ssl.create_default_context()
    if ca_file:
        ctx.load_verify_locations(cafile=ca_file)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self, url: str | None = None) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise TransientFailure(self.message(), url=url)
        return left

    def message(self) -> str:
        return f"the fetch did not finish within the total timeout of {self.seconds:g} s"


class _Watchdog:
    """Shut a socket down at the deadline so any blocked read in this thread returns."""

    def __init__(self, sock: socket.socket, seconds: float) -> None:
        self.fired = False
        self.sock = sock
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        self.fired = True
        # socket.socket.shutdown, not SSLSocket.shutdown: the latter drops the TLS object
        # under the reading thread; shutting the fd down just makes its read see EOF.
        with contextlib.suppress(OSError):
            socket.socket.shutdown(self.sock, socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


class _PinnedConnection(http.client.HTTPConnection):
    """http.client over a socket we already connected to a checked address."""

    def __init__(self, sock: socket.socket, timeout: float) -> None:
        super().__init__("pinned.invalid", timeout=timeout)
        self._pinned = sock

    def connect(self) -> None:
        self.sock = self._pinned


@dataclass
class _Hop:
    url: str
    conn: _PinnedConnection
    resp: http.client.HTTPResponse
    watchdog: _Watchdog
    peer_ip: str
    request_target: str
    request_headers: list[tuple[str, str]]
    sent_at: datetime

    def close(self) -> None:
        self.watchdog.cancel()
        try:
            self.resp.close()
        finally:
            self.conn.close()


def _request_headers(parts: SplitURL, policy: FetchPolicy) -> list[tuple[str, str]]:
    return [
        ("Host", parts.netloc),
        ("User-Agent", policy.user_agent),
        (
            "Accept",
            "text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,*/*;q=0.5",
        ),
        # Only what ContentDecoder can undo; br/zstd would leave us unable to read the body.
        ("Accept-Encoding", "gzip, deflate"),
        ("Connection", "close"),
    ]


def _connect(target: Target, policy: FetchPolicy, deadline: _Deadline) -> socket.socket:
    url = target.url.geturl()
    last_error: BaseException | None = None
    for address in target.addresses:
        sock = socket.socket(address.family, socket.SOCK_STREAM)
        try:
            sock.settimeout(min(policy.connect_timeout, deadline.remaining(url)))
            sock.connect(address.sockaddr)
            return sock
        except TransientFailure:
            sock.close()
            raise
        except OSError as exc:
            sock.close()
            last_error = exc
    if isinstance(last_error, TimeoutError):
        raise TransientFailure(
            f"connecting to {target.url.host} timed out after {policy.connect_timeout:g} s",
            url=url,
        )
    raise TransientFailure(f"could not connect to {target.url.host}: {last_error}", url=url)


def _start_hop(
    target: Target,
    policy: FetchPolicy,
    deadline: _Deadline,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: list[tuple[str, str]] | None = None,
) -> _Hop:
    url = target.url.geturl()
    sock = _connect(target, policy, deadline)
    try:
        watchdog = _Watchdog(sock, deadline.remaining(url))
    except TransientFailure:
        sock.close()
        raise
    try:
        peer_ip = sock.getpeername()[0]
        if target.url.scheme == "https":
            try:
                # Verifies the certificate against the URL's host although we dialled an IP.
                sock = _tls_context(policy.ca_file).wrap_socket(
                    sock, server_hostname=target.url.host
                )
            except ssl.SSLCertVerificationError as exc:
                raise PermanentFailure(
                    f"TLS certificate for {target.url.host} could not be verified: "
                    f"{exc.verify_message or exc}",
                    url=url,
                ) from exc
            watchdog.sock = sock  # TLS wrapping made a new socket object
        sock.settimeout(deadline.remaining(url))
        conn = _PinnedConnection(sock, timeout=deadline.remaining(url))
        headers = headers if headers is not None else _request_headers(target.url, policy)
        sent_at = datetime.now(UTC)
        conn.putrequest(
            method, target.url.request_target, skip_host=True, skip_accept_encoding=True
        )
        for name, value in headers:
            conn.putheader(name, value)
        conn.endheaders(body)
        resp = conn.getresponse()
    except FetchError:
        watchdog.cancel()
        sock.close()
        raise
    except (OSError, http.client.HTTPException) as exc:
        watchdog.cancel()
        sock.close()
        raise _transport_error(exc, watchdog, deadline, url) from exc
    return _Hop(url, conn, resp, watchdog, peer_ip, target.url.request_target, headers, sent_at)


def _transport_error(
    exc: BaseException, watchdog: _Watchdog, deadline: _Deadline, url: str
) -> FetchError:
    if watchdog.fired:
        return TransientFailure(deadline.message(), url=url)
    if isinstance(exc, TimeoutError):
        return TransientFailure("the server stopped responding (read timed out)", url=url)
    if isinstance(exc, http.client.IncompleteRead):
        return TransientFailure("the connection closed before the whole body arrived", url=url)
    if isinstance(exc, http.client.RemoteDisconnected):
        return TransientFailure("the server closed the connection without a response", url=url)
    if isinstance(exc, ssl.SSLError):
        return TransientFailure(f"TLS error: {exc}", url=url)
    if isinstance(exc, http.client.HTTPException):
        return PermanentFailure(f"malformed HTTP response: {exc!r}", url=url)
    return TransientFailure(f"connection error: {exc}", url=url)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(int(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _raise_for_status(hop: _Hop) -> None:
    status = hop.resp.status
    if 200 <= status < 300:
        return
    what = f"the server answered HTTP {status} {hop.resp.reason}".rstrip()
    if status in TRANSIENT_STATUSES or 500 <= status < 600:
        raise TransientFailure(
            what,
            url=hop.url,
            status=status,
            retry_after=parse_retry_after(hop.resp.getheader("Retry-After")),
        )
    raise PermanentFailure(what, url=hop.url, status=status)


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


# ---------------------------------------------------------------------------------------------
# POST (webhooks)

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
