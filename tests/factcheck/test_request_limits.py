"""Request bodies are weighed before they are read, over real sockets to a real gunicorn:
an oversized body is a 413 from its Content-Length, an upload from someone who may not upload
is turned away (login page or 403), and none of them puts a byte on disk; a file that passes
the limit inside an honest body stops being read there."""

from __future__ import annotations

import contextlib
import secrets
import socket
import threading
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from claims.evidence.models import Evidence
from claims.models import Claim
from tests.support.webserver import gunicorn_server

pytestmark = pytest.mark.django_db(transaction=True)

MB = 1024 * 1024
FILE_LIMIT = 4 * MB  # FETCH_MAX_BYTES of the server below: uploads may be 4 MB + 1 MB of form
BOUNDARY = "deskboundary7f3a"


@pytest.fixture
def spool(tmp_path):
    path = tmp_path / "spool"
    path.mkdir()
    return path


@pytest.fixture
def server(tmp_path, spool):
    env = {"FETCH_MAX_BYTES": str(FILE_LIMIT), "FILE_UPLOAD_TEMP_DIR": str(spool)}
    with gunicorn_server(tmp_path, workers=1, env=env) as running:
        yield running


@pytest.fixture
def claim():
    return Claim.objects.create(text="Freight volumes grew by a third over the winter.")


def _session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _spooled(spool: Path) -> int:
    return sum(f.stat().st_size for f in spool.iterdir() if f.is_file())


class Watcher:
    """Samples how many bytes the server's upload spool holds, while a request runs."""

    def __init__(self, spool: Path) -> None:
        self.spool, self.peak, self._stop = spool, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            # A temporary file may go away while it is weighed.
            with contextlib.suppress(FileNotFoundError):
                self.peak = max(self.peak, _spooled(self.spool))
            self._stop.wait(0.005)

    def __enter__(self) -> Watcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _spooled(self.spool))


def _multipart_head(csrf: str) -> bytes:
    return (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f"{csrf}\r\n"
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="file"; filename="report.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()


def _multipart_tail() -> bytes:
    return f"\r\n--{BOUNDARY}--\r\n".encode()


def post(
    server, path: str, *, cookies: dict[str, str], length: int, body: bytes, more: int = 0
) -> tuple[int, str, int]:
    """POST with the given Content-Length over a raw socket: send `body`, then try to send up
    to `more` bytes while reading the answer. Returns (status, answer, bytes the client could
    send in all); the server closing on a body it will not read ends the sending early."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {length}\r\n"
        f"Cookie: {'; '.join(f'{k}={v}' for k, v in cookies.items())}\r\n\r\n"
    ).encode()
    sent = [0]

    def send() -> None:
        try:
            sock.sendall(head)
            sock.sendall(body)
            sent[0] += len(body)
            chunk = b"x" * MB
            while sent[0] < len(body) + more:
                sock.sendall(chunk)
                sent[0] += len(chunk)
        except OSError:
            pass  # the server closed the connection: it is not reading any more

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    answer = b""
    try:
        while data := sock.recv(65536):
            answer += data
    except ConnectionResetError:
        pass
    sender.join(timeout=30)
    sock.close()
    text = answer.decode("utf-8", "replace")
    status = int(text.split(" ", 2)[1]) if text.startswith("HTTP/") else 0
    return status, text, sent[0]


def upload(server, claim, cookies: dict[str, str], body: bytes, **kwargs) -> tuple[int, str, int]:
    """POST `body` to the claim's upload form; kwargs as for post() (length defaults to the
    body's own)."""
    kwargs.setdefault("length", len(body))
    return post(server, f"/claims/{claim.pk}/sources/upload/", cookies=cookies, body=body, **kwargs)


def huge_upload(server, claim, cookies: dict[str, str], csrf: str = "") -> tuple[int, str, int]:
    """Declare 300 MB, send the first one and keep sending while the server listens."""
    head = _multipart_head(csrf) + b"A" * MB
    return upload(server, claim, cookies, head, length=300 * MB, more=299 * MB)


def test_an_anonymous_upload_is_sent_to_log_in_unread_and_nothing_reaches_the_disk(
    server, spool, claim
):
    csrf = secrets.token_hex(16)  # the login page's CSRF cookie, which anyone can get
    with Watcher(spool) as watch:
        status, answer, sent = huge_upload(server, claim, {"csrftoken": csrf}, csrf)
    assert status == 302, answer[:500]
    assert f"Location: /accounts/login/?next=/claims/{claim.pk}/sources/upload/" in answer
    assert watch.peak == 0
    assert sent < 300 * MB  # the server hung up instead of reading the rest
    assert not Evidence.objects.exists()


def test_an_upload_from_someone_without_a_desk_role_is_a_403_unread(server, spool, claim):
    outsider = get_user_model().objects.create_user(username="reader-only", password="x")
    csrf = secrets.token_hex(16)
    cookies = {"sessionid": _session_of(outsider), "csrftoken": csrf}
    with Watcher(spool) as watch:
        status, answer, sent = huge_upload(server, claim, cookies, csrf)
    assert status == 403, answer[:500]
    assert "Log in as a fact-checker or an editor to upload files" in answer
    assert watch.peak == 0
    assert sent < 300 * MB


def test_an_oversized_upload_is_refused_from_its_length_before_csrf(
    server, spool, claim, fact_checker
):
    cookies = {"sessionid": _session_of(fact_checker)}  # and no CSRF token at all
    with Watcher(spool) as watch:
        status, answer, sent = huge_upload(server, claim, cookies)
    assert status == 413, answer[:500]
    assert "larger than 4 MB, the most the desk accepts for one file" in answer
    assert "Nothing was saved" in answer
    assert watch.peak == 0
    assert sent < 300 * MB
    assert not Evidence.objects.exists()


def test_a_file_past_the_limit_inside_an_honest_body_stops_being_read_there(
    server, spool, claim, fact_checker
):
    csrf = secrets.token_hex(16)
    cookies = {"sessionid": _session_of(fact_checker), "csrftoken": csrf}
    body = _multipart_head(csrf) + b"B" * (FILE_LIMIT + MB // 2) + _multipart_tail()
    assert len(body) < FILE_LIMIT + MB  # within the body limit: the length alone passes
    with Watcher(spool) as watch:
        status, answer, _ = upload(server, claim, cookies, body)
    assert status == 413, answer[:500]
    assert "larger than 4 MB" in answer
    assert watch.peak <= FILE_LIMIT
    assert _spooled(spool) == 0  # the partial file is gone
    assert not Evidence.objects.exists()


def test_an_upload_within_the_limits_is_archived(server, spool, claim, fact_checker):
    csrf = secrets.token_hex(16)
    cookies = {"sessionid": _session_of(fact_checker), "csrftoken": csrf}
    body = _multipart_head(csrf) + b"Tonnage at the port rose 12 percent.\n" + _multipart_tail()
    status, answer, _ = upload(server, claim, cookies, body)
    assert status == 302, answer[:500]
    assert Evidence.objects.filter(claim=claim).count() == 1


def test_an_oversized_form_anywhere_is_a_413_from_its_length(server, spool):
    csrf = secrets.token_hex(16)
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    sock.sendall(
        (
            f"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {300 * MB}\r\nCookie: csrftoken={csrf}\r\n\r\n"
            f"csrfmiddlewaretoken={csrf}&username=a&password="
        ).encode()
    )
    answer = b""
    while data := sock.recv(65536):
        answer += data
    sock.close()
    assert answer.startswith(b"HTTP/1.1 413")
    assert b"The request is larger than 12 MB" in answer


def test_the_api_answers_the_same_refusals_in_its_error_shape(client):
    csrf = secrets.token_hex(16)
    anonymous_upload = client.generic(
        "POST",
        "/api/v1/claims/1/sources/",
        _multipart_head(csrf) + b"C" * (128 * 1024) + _multipart_tail(),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    assert anonymous_upload.status_code == 403
    assert anonymous_upload.json()["error"]["code"] == "forbidden"
    huge_json = client.generic(
        "POST",
        "/api/v1/claims/",
        b'{"text": "' + b"x" * (13 * MB) + b'"}',
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer not-checked-before-the-size",
    )
    assert huge_json.status_code == 413
    error = huge_json.json()["error"]
    assert error["code"] == "too_large"
    assert error["message"].startswith("The request is larger than 12 MB")
