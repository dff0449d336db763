"""One hop of an exchange: a socket we connect to the checked address, TLS, deadlines."""

from __future__ import annotations

import contextlib
import email.utils
import functools
import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sources.fetcher.addresses import Target
from sources.fetcher.errors import FetchError, PermanentFailure, TransientFailure
from sources.fetcher.policy import TRANSIENT_STATUSES, FetchPolicy
from sources.normalise import SplitURL


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
