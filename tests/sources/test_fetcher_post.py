"""The fetcher's POST (for webhooks): same guards as GET, redirects returned and never followed."""

from __future__ import annotations

import pytest

from sources import fetcher
from tests.api.receiver import Answer, Receiver

LOOPBACK_OK = fetcher.FetchPolicy(allow_private=True, total_timeout=5, connect_timeout=2)


def test_posts_the_body_and_headers_and_returns_the_answer():
    with Receiver([Answer(201, b"created")]) as receiver:
        result = fetcher.post(
            receiver.url("/in?x=1"),
            b'{"a": 1}',
            headers=[("Content-Type", "application/json"), ("X-Desk-Event", "verdict.published")],
            policy=LOOPBACK_OK,
        )
    assert (result.status, result.body_excerpt) == (201, b"created")
    [seen] = receiver.received
    assert seen.path == "/in?x=1" and seen.body == b'{"a": 1}'
    assert seen.headers["X-Desk-Event"] == "verdict.published"
    assert seen.headers["Content-Length"] == "8"
    assert result.peer_ip == "127.0.0.1" and result.elapsed_ms >= 0


def test_an_error_status_comes_back_instead_of_raising():
    with Receiver([Answer(503, b"busy", headers=(("Retry-After", "7"),))]) as receiver:
        result = fetcher.post(receiver.url(), b"{}", policy=LOOPBACK_OK)
    assert result.status == 503 and result.header("retry-after") == "7"


def test_a_redirect_is_returned_not_followed():
    with Receiver([Answer(302, b"", headers=(("Location", "/elsewhere"),))]) as receiver:
        result = fetcher.post(receiver.url(), b"{}", policy=LOOPBACK_OK)
    assert result.status == 302 and result.header("Location") == "/elsewhere"
    assert [r.path for r in receiver.received] == ["/hook"]


def test_loopback_is_refused_without_the_development_setting():
    with Receiver() as receiver, pytest.raises(fetcher.Blocked, match="loopback"):
        fetcher.post(receiver.url(), b"{}", policy=fetcher.FetchPolicy())
    assert receiver.received == []


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/x", "http://user:pw@127.0.0.1/x", "http://10.0.0.1/x", "http://[::1]/"]
)
def test_schemes_credentials_and_private_addresses_are_blocked(url):
    with pytest.raises(fetcher.Blocked):
        fetcher.post(url, b"{}", policy=fetcher.FetchPolicy())


@pytest.mark.parametrize(
    "header",
    [("Host", "evil.example"), ("Content-Length", "1"), ("X-A", "b\r\nX-Injected: 1"), ("", "x")],
)
def test_reserved_or_malformed_headers_are_refused(header):
    with pytest.raises(ValueError):
        fetcher.post("http://127.0.0.1:9/", b"{}", headers=[header], policy=LOOPBACK_OK)


def test_only_an_excerpt_of_the_answer_is_read():
    with Receiver([Answer(200, b"x" * 100_000)]) as receiver:
        result = fetcher.post(receiver.url(), b"{}", policy=LOOPBACK_OK, excerpt_bytes=100)
    assert result.body_excerpt == b"x" * 100


def test_a_slow_receiver_is_cut_off_at_the_total_timeout():
    policy = fetcher.FetchPolicy(allow_private=True, total_timeout=1, connect_timeout=1)
    with (
        Receiver([Answer(200, b"late", delay=3)]) as receiver,
        pytest.raises(fetcher.TransientFailure, match="timeout|responding"),
    ):
        fetcher.post(receiver.url(), b"{}", policy=policy)


def test_a_closed_port_is_a_transient_failure():
    with Receiver() as receiver:
        url = receiver.url()
    with pytest.raises(fetcher.TransientFailure):
        fetcher.post(url, b"{}", policy=LOOPBACK_OK)
