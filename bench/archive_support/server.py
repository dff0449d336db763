"""The archiving benchmark's web server: N pages and one PDF on several loopback addresses.

Run as a subprocess of bench/archive.py (its own process, so its GIL is not the bench's):

    python bench/archive_support/server.py --hosts 16 --pages 500 --pdf-mb 40

It binds the same port on 127.0.0.1 .. 127.0.0.N (one listening socket per address, nothing on
0.0.0.0), prints ``ready <port>`` when every page is in memory, and serves:

* ``/news/<i>.html``: page i (text/html; charset=utf-8, Content-Length, keep-alive allowed);
* ``/reports/annual-report.pdf``: the PDF;
* ``/__bench/delay?ms=<n>``: sets the delay applied before every later answer (0 = at once).

The delay is slept in the handler thread, like a remote server's think time plus network latency.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

# After the standard library: bench/ holds other scripts (queue.py) that would shadow it.
sys.path.append(str(Path(__file__).resolve().parent.parent))

from archive_support.pages import html_page, pdf_document  # noqa: E402

PDF_PATH = "/reports/annual-report.pdf"


class _State:
    delay = 0.0
    pages: list[bytes] = []
    pdf: bytes = b""
    served = 0
    lock = threading.Lock()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # the default (5) drops SYNs under 64 concurrent connects
    allow_reuse_address = True


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        return "nginx/1.24.0"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        parts = urlsplit(self.path)
        if parts.path == "/__bench/delay":
            _State.delay = int(parse_qs(parts.query).get("ms", ["0"])[0]) / 1000
            self._send(200, b"ok\n", "text/plain")
            return
        if parts.path == "/__bench/served":
            self._send(200, f"{_State.served}\n".encode(), "text/plain")
            return
        if _State.delay:
            time.sleep(_State.delay)
        body: bytes | None = None
        ctype = "text/html; charset=utf-8"
        if parts.path == PDF_PATH and _State.pdf:
            body, ctype = _State.pdf, "application/pdf"
        elif parts.path.startswith("/news/") and parts.path.endswith(".html"):
            try:
                index = int(parts.path[6:-5])
                body = _State.pages[index] if 0 <= index < len(_State.pages) else None
            except ValueError:
                body = None
        if body is None:
            self._send(404, b"<h1>Not found</h1>", "text/html")
            return
        with _State.lock:
            _State.served += 1
        self._send(200, body, ctype)

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", "Mon, 08 Jan 2024 09:30:00 GMT")
        self.send_header("Cache-Control", "public, max-age=300")
        self.end_headers()
        self.wfile.write(body)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hosts", type=int, default=16)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--page-kb", type=int, default=50)
    parser.add_argument("--pdf-mb", type=int, default=40)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    _State.pages = [html_page(i, target_bytes=args.page_kb * 1000) for i in range(args.pages)]
    if args.pdf_mb:
        _State.pdf = pdf_document(target_bytes=args.pdf_mb * 1024 * 1024)

    servers: list[_Server] = []
    port = args.port
    for attempt in range(20):
        try:
            servers.append(_Server(("127.0.0.1", port), _Handler))
            port = servers[0].server_address[1]
            for i in range(2, args.hosts + 1):
                servers.append(_Server((f"127.0.0.{i}", port), _Handler))
            break
        except OSError:
            for server in servers:
                server.server_close()
            servers = []
            if args.port or attempt == 19:
                raise
            port = 0
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"ready {port}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        sys.stdin.read()  # runs until the parent closes our stdin (or dies)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
