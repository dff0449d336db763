"""A webhook receiver on 127.0.0.1 for tests: records each POST and answers from a script.

Given the subscription's secret, it does what a consumer's receiver should: verifies each POST
as Standard Webhooks specifies (the signature covers webhook-id, the timestamp and the body) and
handles each delivery once, dropping a retry whose webhook-id it has already handled.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float
    verified: bool | None = None  # None when the receiver was given no secret


@dataclass
class Answer:
    status: int = 200
    body: bytes = b"ok"
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0


class _QuietServer(ThreadingHTTPServer):
    """A sender that gave up (the timeout tests) hangs up before a slow answer: not an error."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class Receiver:
    """`answers` are used in order; the last one repeats."""

    def __init__(self, answers: list[Answer] | None = None, secret: str | None = None) -> None:
        self.answers = list(answers or [Answer()])
        self.secret = secret
        self.received: list[Received] = []
        # The bodies handled, once per webhook-id (verified ones only, when there is a secret).
        self.handled: dict[str, bytes] = {}
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = dict(self.headers.items())
                verified = receiver.verify(headers, body)
                with receiver._lock:
                    receiver.received.append(
                        Received(self.path, headers, body, time.time(), verified)
                    )
                    if verified is not False:
                        receiver.handled.setdefault(headers.get("webhook-id", ""), body)
                    index = min(len(receiver.received), len(receiver.answers)) - 1
                    answer = receiver.answers[index]
                if answer.delay:
                    time.sleep(answer.delay)
                self.send_response(answer.status)
                for name, value in answer.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def verify(self, headers: dict[str, str], body: bytes) -> bool | None:
        if self.secret is None:
            return None
        try:
            Webhook(self.secret).verify(body, headers, json_parse=False)
        except WebhookVerificationError:
            return False
        return True

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running
