"""A threaded HTTP/1.1 test server on 127.0.0.1 with scripted replies, for tests that fetch.

Usage::

    from tests.sources.httpserver import HTTPTestServer, Reply, redirect

    with HTTPTestServer() as server:
        server.route("/", Reply(body=b"<p>hi</p>", headers=[("Content-Type", "text/html")]))
        server.route("/old", redirect("/"))
        fetch(server.url("/old"), policy)
        assert server.connections == 2

A route's handler is a :class:`Reply` or a callable ``(Request) -> Reply``. Replies can delay,
drip bytes, use chunked encoding, or send raw bytes, so slow and hostile servers are easy to
script. ``connections`` counts accepted TCP connections (before any TLS handshake), which is how
tests prove a blocked fetch never reached the server. Pass ``tls=`` an ``ssl.SSLContext`` to
serve HTTPS. Other test modules can use the ``http_server`` fixture below by importing it or by
listing this module in ``pytest_plugins``.
"""

from __future__ import annotations

import contextlib
import functools
import socket
import ssl
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus

import pytest

__all__ = [
    "HTTPTestServer",
    "Reply",
    "Request",
    "gzip_bomb",
    "http_server",
    "make_pdf",
    "redirect",
]

MAX_HEAD = 64 * 1024


@dataclass
class Request:
    method: str
    target: str
    version: str
    headers: list[tuple[str, str]]

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> str:
        return self.target.split("?", 1)[1] if "?" in self.target else ""

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    reason: str | None = None
    content_length: bool = True  # add Content-Length (unless chunked or already present)
    chunked: bool = False  # send the body with Transfer-Encoding: chunked
    chunk_size: int = 1000
    delay: float = 0.0  # seconds to wait before sending anything
    drip_interval: float | None = None  # send the body one byte at a time, pausing this long
    drip_headers: bool = False  # with drip_interval, drip the status line and headers too
    raw: bytes | None = None  # send exactly these bytes (then close) instead of formatting

    def head_bytes(self) -> bytes:
        reason = self.reason if self.reason is not None else _reason(self.status)
        headers = list(self.headers)
        names = {k.lower() for k, _ in headers}
        if self.chunked:
            headers.append(("Transfer-Encoding", "chunked"))
        elif self.content_length and "content-length" not in names:
            headers.append(("Content-Length", str(len(self.body))))
        headers.append(("Connection", "close"))
        lines = [f"HTTP/1.1 {self.status} {reason}"] + [f"{k}: {v}" for k, v in headers]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def body_bytes(self) -> bytes:
        if not self.chunked:
            return self.body
        out = bytearray()
        for i in range(0, len(self.body), self.chunk_size):
            piece = self.body[i : i + self.chunk_size]
            out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
        return bytes(out + b"0\r\n\r\n")


Handler = Reply | Callable[[Request], Reply]


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status=status, headers=[("Location", location)], body=b"moved")


@functools.lru_cache(maxsize=4)
def gzip_bomb(decompressed_size: int) -> bytes:
    """A gzip body of ``decompressed_size`` zero bytes, built without holding them in memory."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    out = bytearray()
    left = decompressed_size
    while left > 0:
        out += comp.compress(block[: min(left, len(block))])
        left -= len(block)
    out += comp.flush()
    return bytes(out)


def make_pdf(pages: list[str], title: str | None = None) -> bytes:
    """A small valid PDF with one Helvetica text line per ``\\n`` on each page (latin-1 only)."""

    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    objs: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    kids: list[int] = []
    next_id = 4
    for text in pages:
        ops = " ".join(f"({esc(line)}) Tj T*" for line in text.split("\n"))
        stream = f"BT /F1 12 Tf 14 TL 72 720 Td {ops} ET".encode("latin-1")
        content_id, page_id = next_id, next_id + 1
        next_id += 2
        objs[content_id] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
        objs[page_id] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {content_id} 0 R >>"
        ).encode()
        kids.append(page_id)
    objs[2] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    ).encode()
    info = ""
    if title is not None:
        objs[next_id] = f"<< /Title ({esc(title)}) >>".encode("latin-1")
        info = f" /Info {next_id} 0 R"

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for obj_id in sorted(objs):
        offsets[obj_id] = len(out)
        out += f"{obj_id} 0 obj\n".encode() + objs[obj_id] + b"\nendobj\n"
    xref = len(out)
    size = max(objs) + 1
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    for obj_id in range(1, size):
        out += f"{offsets[obj_id]:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {size} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


class HTTPTestServer:
    """A real listening socket on ``host`` with one thread per connection."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        routes: dict[str, Handler] | None = None,
        *,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.host = host
        self.routes: dict[str, Handler] = dict(routes or {})
        self.tls = tls
        self.requests: list[Request] = []
        self._connections = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listener: socket.socket | None = None
        self._accept_thread: threading.Thread | None = None
        self._workers: set[threading.Thread] = set()
        self._clients: set[socket.socket] = set()

    # -- configuration ---------------------------------------------------------------------

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    @property
    def port(self) -> int:
        assert self._listener is not None, "server not started"
        return self._listener.getsockname()[1]

    @property
    def base_url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    @property
    def connections(self) -> int:
        with self._lock:
            return self._connections

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> HTTPTestServer:
        self._listener = socket.create_server((self.host, 0), backlog=64)
        self._listener.settimeout(0.05)
        self._accept_thread = threading.Thread(
            target=self._accept_loop, name="test-http-accept", daemon=True
        )
        self._accept_thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._accept_thread:
            self._accept_thread.join(timeout=5)
        if self._listener:
            self._listener.close()
        with self._lock:
            clients, workers = list(self._clients), list(self._workers)
        for conn in clients:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        for worker in workers:
            worker.join(timeout=5)

    def __enter__(self) -> HTTPTestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- serving ---------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self._stop.is_set():
            try:
                conn, _addr = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            worker = threading.Thread(
                target=self._serve, args=(conn,), name="test-http-conn", daemon=True
            )
            with self._lock:
                self._connections += 1
                self._clients.add(conn)
                self._workers.add(worker)
            worker.start()

    def _serve(self, conn: socket.socket) -> None:
        sock: socket.socket = conn
        try:
            conn.settimeout(10)
            if self.tls:
                sock = self.tls.wrap_socket(conn, server_side=True)
            request = self._read_request(sock)
            if request is None:
                return
            with self._lock:
                self.requests.append(request)
            self._send(sock, self._handle(request))
        except (OSError, ssl.SSLError):
            pass  # client went away or the test cut the connection: nothing to report
        finally:
            try:
                sock.close()
            finally:
                with self._lock:
                    self._clients.discard(conn)
                    self._workers.discard(threading.current_thread())

    def _handle(self, request: Request) -> Reply:
        handler = self.routes.get(request.path)
        if handler is None:
            return Reply(status=404, body=b"not found", headers=[("Content-Type", "text/plain")])
        return handler(request) if callable(handler) else handler

    def _read_request(self, sock: socket.socket) -> Request | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                return None
            data += chunk
            if len(data) > MAX_HEAD:
                return None
        head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        lines = head.split("\r\n")
        method, target, version = lines[0].split(" ", 2)
        headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.append((name, value.strip()))
        return Request(method, target, version, headers)

    def _send(self, sock: socket.socket, reply: Reply) -> None:
        if reply.delay and self._stop.wait(reply.delay):
            return
        if reply.raw is not None:
            sock.sendall(reply.raw)
            return
        head, body = reply.head_bytes(), reply.body_bytes()
        if reply.drip_interval is None:
            sock.sendall(head + body)
            return
        if not reply.drip_headers:
            sock.sendall(head)
            head = b""
        for i in range(len(head) + len(body)):
            byte = head[i : i + 1] if i < len(head) else body[i - len(head) : i - len(head) + 1]
            sock.sendall(byte)
            if self._stop.wait(reply.drip_interval):
                return


@pytest.fixture
def http_server() -> Iterator[HTTPTestServer]:
    """A started :class:`HTTPTestServer`, stopped after the test."""
    with HTTPTestServer() as server:
        yield server
