"""Bodies that do not match their framing or do not decode: the fetcher says which, and keeps
what arrived (real sockets, scripted hostile servers)."""

from __future__ import annotations

import gzip
from collections.abc import Iterator

import pytest

from sources.fetcher import (
    FetchPolicy,
    MalformedBody,
    PermanentFailure,
    TransientFailure,
    TruncatedBody,
    fetch,
)
from tests.sources.httpserver import HTTPTestServer, Reply

LOCAL = FetchPolicy(allow_private=True, connect_timeout=2.0, total_timeout=5.0)
PAGE = b"<html><body><p>The port handled 41,250 containers in March.</p></body></html>" * 40


@pytest.fixture
def server() -> Iterator[HTTPTestServer]:
    with HTTPTestServer() as srv:
        yield srv


def raw_reply(head: str, body: bytes = b"") -> Reply:
    return Reply(raw=head.replace("\n", "\r\n").encode("latin-1") + b"\r\n" + body)


def test_truncated_gzip_is_malformed_and_keeps_the_bytes_and_the_readable_start(
    server: HTTPTestServer,
) -> None:
    whole = gzip.compress(PAGE)
    cut = whole[: len(whole) // 2]
    server.route("/", Reply(body=cut, headers=[("Content-Encoding", "gzip")]))
    with pytest.raises(MalformedBody, match="gzip body is truncated") as caught:
        fetch(server.url("/"), LOCAL)
    exc = caught.value
    assert isinstance(exc, PermanentFailure)  # the same bytes come back on a retry
    assert exc.partial is not None
    assert exc.partial.body == cut  # what came over the wire, as it came
    assert exc.partial.status == 200
    assert PAGE.startswith(exc.partial.decoded_body) and exc.partial.decoded_body
    assert exc.warc_truncated is None  # the framing was whole; the encoding is what broke


def test_whole_gzip_still_decodes(server: HTTPTestServer) -> None:
    server.route("/", Reply(body=gzip.compress(PAGE), headers=[("Content-Encoding", "gzip")]))
    assert fetch(server.url("/"), LOCAL).decoded_body == PAGE


@pytest.mark.parametrize(
    "lengths",
    [("10", "20"), ("10, 20",), ("10", "10, 12")],
    ids=["two-headers", "one-header-two-values", "mixed"],
)
def test_conflicting_content_length_is_refused_with_the_bytes_received(
    server: HTTPTestServer, lengths: tuple[str, ...]
) -> None:
    head = "HTTP/1.1 200 OK\nContent-Type: text/plain\n"
    head += "".join(f"Content-Length: {value}\n" for value in lengths)
    server.route("/", raw_reply(head, b"0123456789abcdefghij"))
    with pytest.raises(MalformedBody, match="conflicting Content-Length") as caught:
        fetch(server.url("/"), LOCAL)
    assert caught.value.partial is not None
    assert caught.value.partial.body == b"0123456789abcdefghij"


def test_repeated_equal_content_length_is_accepted(server: HTTPTestServer) -> None:
    head = "HTTP/1.1 200 OK\nContent-Length: 10\nContent-Length: 10\n"
    server.route("/", raw_reply(head, b"0123456789"))
    assert fetch(server.url("/"), LOCAL).body == b"0123456789"


def test_non_numeric_content_length_is_refused(server: HTTPTestServer) -> None:
    server.route("/", raw_reply("HTTP/1.1 200 OK\nContent-Length: ten\n", b"0123456789"))
    with pytest.raises(MalformedBody, match="invalid Content-Length"):
        fetch(server.url("/"), LOCAL)


def test_chunked_garbage_is_permanent_and_keeps_the_chunks_before_it(
    server: HTTPTestServer,
) -> None:
    body = b"5\r\nhello\r\nzz-not-hex\r\nmore\r\n0\r\n\r\n"
    server.route("/", raw_reply("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n", body))
    with pytest.raises(MalformedBody, match="chunked body is malformed") as caught:
        fetch(server.url("/"), LOCAL)
    assert not isinstance(caught.value, TransientFailure)  # not retried as if the net failed
    assert caught.value.partial is not None
    assert caught.value.partial.body == b"hello"


def test_chunk_longer_than_its_size_is_malformed(server: HTTPTestServer) -> None:
    body = b"3\r\nhello\r\n0\r\n\r\n"
    server.route("/", raw_reply("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n", body))
    with pytest.raises(MalformedBody, match="longer than its declared size"):
        fetch(server.url("/"), LOCAL)


def test_chunked_body_cut_mid_chunk_is_truncated_and_transient(server: HTTPTestServer) -> None:
    body = b"5\r\nhello\r\n20\r\nonly part"
    server.route("/", raw_reply("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n", body))
    with pytest.raises(TruncatedBody, match="before the whole body") as caught:
        fetch(server.url("/"), LOCAL)
    assert isinstance(caught.value, TransientFailure)
    assert caught.value.partial is not None
    assert caught.value.partial.body == b"helloonly part"
    assert caught.value.warc_truncated == "disconnect"


def test_chunked_body_with_extensions_and_trailers_is_read_whole(server: HTTPTestServer) -> None:
    body = b"5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: yes\r\n\r\n"
    server.route("/", raw_reply("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n", body))
    assert fetch(server.url("/"), LOCAL).body == b"hello world"


def test_content_length_body_cut_short_keeps_what_arrived(server: HTTPTestServer) -> None:
    server.route("/", raw_reply("HTTP/1.1 200 OK\nContent-Length: 100\n", b"only ten.."))
    with pytest.raises(TruncatedBody, match="90 bytes before the end") as caught:
        fetch(server.url("/"), LOCAL)
    assert caught.value.partial is not None
    assert caught.value.partial.body == b"only ten.."


def test_chunked_garbage_without_a_line_end_is_malformed_not_a_cut(server: HTTPTestServer) -> None:
    server.route("/", raw_reply("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n", b"\x00\xff junk"))
    with pytest.raises(MalformedBody, match="is not a chunk size") as caught:
        fetch(server.url("/"), LOCAL)
    assert caught.value.partial is not None and caught.value.partial.body == b""


def test_chunked_body_cut_in_its_size_line_is_truncated(server: HTTPTestServer) -> None:
    server.route(
        "/", raw_reply("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n", b"5\r\nhello\r\n1f")
    )
    with pytest.raises(TruncatedBody, match="before the last chunk"):
        fetch(server.url("/"), LOCAL)
