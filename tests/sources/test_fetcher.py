"""Tests for the guarded fetcher against real local sockets (no mocking of the transport)."""

from __future__ import annotations

import gzip
import shutil
import socket
import ssl
import subprocess
import time
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from sources.fetcher import (
    Blocked,
    FetchError,
    FetchPolicy,
    PermanentFailure,
    TransientFailure,
    address_problem,
    check_target,
    fetch,
    parse_retry_after,
    redirect_target,
)
from tests.sources.httpserver import HTTPTestServer, Reply, Request, gzip_bomb, make_pdf, redirect

LOCAL = FetchPolicy(allow_private=True, connect_timeout=2.0, total_timeout=5.0)
STRICT = FetchPolicy(connect_timeout=2.0, total_timeout=5.0)
HTML = b"<!doctype html><html><head><title>T</title></head><body><p>Hello</p></body></html>"


@pytest.fixture
def server() -> Iterator[HTTPTestServer]:
    with HTTPTestServer() as srv:
        yield srv


def html_reply(body: bytes = HTML, **kwargs: object) -> Reply:
    return Reply(body=body, headers=[("Content-Type", "text/html; charset=utf-8")], **kwargs)


# ---------------------------------------------------------------------------------------------
# Successful fetches


def test_fetch_html_page(server: HTTPTestServer) -> None:
    server.route(
        "/page",
        Reply(
            body=HTML,
            headers=[
                ("Content-Type", "text/html; charset=utf-8"),
                ("Set-Cookie", "a=1"),
                ("X-Thing", "first"),
                ("Set-Cookie", "b=2"),
            ],
        ),
    )
    before = datetime.now(UTC)
    result = fetch(server.url("/page?x=1"), LOCAL)

    assert result.status == 200
    assert result.reason == "OK"
    assert result.http_version == "HTTP/1.1"
    assert result.requested_url == server.url("/page?x=1")
    assert result.final_url == server.url("/page?x=1")
    assert result.redirect_chain == []
    assert result.body == HTML
    assert result.decoded_body == HTML
    assert result.content_type == "text/html; charset=utf-8"
    assert result.content_encoding is None
    assert result.peer_ip == "127.0.0.1"
    # headers as received: order and duplicates preserved
    assert result.headers[:4] == [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Set-Cookie", "a=1"),
        ("X-Thing", "first"),
        ("Set-Cookie", "b=2"),
    ]
    # what we say we sent is what the server received
    (request,) = server.requests
    assert request.method == "GET"
    assert request.target == "/page?x=1"
    assert request.headers == result.request_headers
    assert result.request_line == "GET /page?x=1 HTTP/1.1"
    user_agent = request.header("User-Agent") or ""
    assert "FactcheckDesk" in user_agent and "python-requests" not in user_agent
    assert before <= result.started_at <= result.fetched_at <= result.ended_at
    assert result.elapsed_ms >= 0


def test_host_header_names_the_host_while_connecting_to_the_checked_ip(
    server: HTTPTestServer,
) -> None:
    server.route("/", html_reply())
    result = fetch(f"http://localhost:{server.port}/", LOCAL)
    assert server.requests[0].header("Host") == f"localhost:{server.port}"
    assert result.peer_ip == "127.0.0.1"


def test_custom_user_agent(server: HTTPTestServer) -> None:
    server.route("/", html_reply())
    fetch(server.url("/"), FetchPolicy(allow_private=True, user_agent="TestBot/1.0 (+contact)"))
    assert server.requests[0].header("User-Agent") == "TestBot/1.0 (+contact)"


def test_fetch_pdf(server: HTTPTestServer) -> None:
    pdf = make_pdf(["Hello from a PDF"], title="A PDF")
    server.route("/doc.pdf", Reply(body=pdf, headers=[("Content-Type", "application/pdf")]))
    result = fetch(server.url("/doc.pdf"), LOCAL)
    assert result.body == pdf
    assert result.content_type == "application/pdf"


def test_gzip_body_keeps_raw_bytes_and_decodes_payload(server: HTTPTestServer) -> None:
    compressed = gzip.compress(HTML * 50)
    server.route(
        "/gz",
        Reply(body=compressed, headers=[("Content-Encoding", "gzip")], chunked=True, chunk_size=7),
    )
    result = fetch(server.url("/gz"), LOCAL)
    assert result.body == compressed  # de-chunked, still gzip: what the WARC stores
    assert result.decoded_body == HTML * 50
    assert result.content_encoding == "gzip"
    assert ("Transfer-Encoding", "chunked") in result.headers


def test_concatenated_gzip_members(server: HTTPTestServer) -> None:
    body = gzip.compress(b"one ") + gzip.compress(b"two")
    server.route("/", Reply(body=body, headers=[("Content-Encoding", "gzip")]))
    assert fetch(server.url("/"), LOCAL).decoded_body == b"one two"


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib", "raw"])
def test_deflate_body(server: HTTPTestServer, wbits: int) -> None:
    comp = zlib.compressobj(6, zlib.DEFLATED, wbits)
    body = comp.compress(HTML) + comp.flush()
    server.route("/", Reply(body=body, headers=[("Content-Encoding", "deflate")]))
    assert fetch(server.url("/"), LOCAL).decoded_body == HTML


def test_close_delimited_body(server: HTTPTestServer) -> None:
    server.route("/", Reply(body=HTML, content_length=False))
    assert fetch(server.url("/"), LOCAL).body == HTML


def test_empty_204(server: HTTPTestServer) -> None:
    server.route("/", Reply(status=204))
    result = fetch(server.url("/"), LOCAL)
    assert (result.status, result.body) == (204, b"")


# ---------------------------------------------------------------------------------------------
# Redirects


def test_redirect_chain(server: HTTPTestServer) -> None:
    server.route("/a", redirect("/b", 301))
    server.route("/b", redirect("c?utm_source=x", 302))  # relative, query kept as sent
    server.route("/c", redirect(server.url("/final"), 307))
    server.route("/final", html_reply())
    result = fetch(server.url("/a"), LOCAL)

    assert result.status == 200
    assert result.final_url == server.url("/final")
    assert result.redirect_chain == [
        {"url": server.url("/a"), "status": 301, "location": server.url("/b")},
        {"url": server.url("/b"), "status": 302, "location": server.url("/c?utm_source=x")},
        {"url": server.url("/c?utm_source=x"), "status": 307, "location": server.url("/final")},
    ]
    assert [r.target for r in server.requests] == ["/a", "/b", "/c?utm_source=x", "/final"]
    assert server.connections == 4


def test_redirect_loop(server: HTTPTestServer) -> None:
    server.route("/x", redirect("/y"))
    server.route("/y", redirect("/x"))
    with pytest.raises(PermanentFailure, match="redirect loop"):
        fetch(server.url("/x"), LOCAL)
    assert server.connections == 2


def test_self_redirect(server: HTTPTestServer) -> None:
    server.route("/same", redirect("/same"))
    with pytest.raises(PermanentFailure, match="loop"):
        fetch(server.url("/same"), LOCAL)


def test_endless_redirects_stop_at_max_redirects(server: HTTPTestServer) -> None:
    def onwards(request: Request) -> Reply:
        n = int(request.query or "0")
        return redirect(f"/r?{n + 1}")

    server.route("/r", onwards)
    with pytest.raises(PermanentFailure, match="too many redirects"):
        fetch(server.url("/r?0"), FetchPolicy(allow_private=True, max_redirects=5))
    assert server.connections == 6  # the first request plus five followed redirects


def test_max_redirects_zero(server: HTTPTestServer) -> None:
    server.route("/a", redirect("/b"))
    with pytest.raises(PermanentFailure, match="too many"):
        fetch(server.url("/a"), FetchPolicy(allow_private=True, max_redirects=0))


def test_redirect_without_location_is_permanent(server: HTTPTestServer) -> None:
    server.route("/", Reply(status=302))
    with pytest.raises(PermanentFailure, match="302"):
        fetch(server.url("/"), LOCAL)


@pytest.mark.parametrize(
    "location",
    [
        "file:///etc/passwd",
        "gopher://127.0.0.1:70/_stats",
        "ftp://127.0.0.1/",
        "http://user@127.0.0.1:{port}/",
        "http://example.com@127.0.0.1:{port}/",
        "http://0.0.0.0:{port}/",
        "http://224.0.0.1:{port}/",
        "http://[ff02::1]:{port}/",
    ],
)
def test_redirects_are_checked_on_every_hop(server: HTTPTestServer, location: str) -> None:
    # Even with loopback allowed, these targets are refused when a redirect points at them.
    server.route("/", redirect(location.format(port=server.port)))
    with pytest.raises(Blocked):
        fetch(server.url("/"), LOCAL)
    assert server.connections == 1


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.1/",
        "http://127.0.0.1:8000/admin",
        "//127.0.0.1/x",
        "http://localhost/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://10.1.2.3/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://100.100.100.200/",
        "file:///etc/passwd",
        "gopher://example.org/",
        "http://user:pw@93.184.216.34/",
    ],
)
def test_redirect_from_public_to_private_is_blocked(location: str) -> None:
    # The per-hop check that fetch() runs on each Location header, driven directly, because no
    # public server is reachable from the test machine to send the redirect for real.
    with pytest.raises(Blocked):
        redirect_target("http://93.184.216.34/start", location, STRICT)


def test_redirect_target_resolves_relative_locations() -> None:
    target = redirect_target("http://93.184.216.34/a/b", "../c?d=1", STRICT)
    assert target.url.geturl() == "http://93.184.216.34/c?d=1"
    assert [str(a.ip) for a in target.addresses] == ["93.184.216.34"]


# ---------------------------------------------------------------------------------------------
# HTTP errors


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 451])
def test_client_errors_are_permanent(server: HTTPTestServer, status: int) -> None:
    server.route("/", Reply(status=status, body=b"no"))
    with pytest.raises(PermanentFailure) as caught:
        fetch(server.url("/"), LOCAL)
    assert caught.value.status == status
    assert str(status) in caught.value.reason


def test_404_is_permanent(server: HTTPTestServer) -> None:
    with pytest.raises(PermanentFailure, match="404 Not Found"):
        fetch(server.url("/missing"), LOCAL)


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408])
def test_server_errors_are_transient(server: HTTPTestServer, status: int) -> None:
    server.route("/", Reply(status=status))
    with pytest.raises(TransientFailure) as caught:
        fetch(server.url("/"), LOCAL)
    assert caught.value.status == status
    assert caught.value.retry_after is None


def test_429_with_retry_after_seconds(server: HTTPTestServer) -> None:
    server.route("/", Reply(status=429, headers=[("Retry-After", "120")]))
    with pytest.raises(TransientFailure) as caught:
        fetch(server.url("/"), LOCAL)
    assert caught.value.status == 429
    assert caught.value.retry_after == 120.0


def test_503_with_retry_after_http_date(server: HTTPTestServer) -> None:
    when = datetime.now(UTC) + timedelta(seconds=90)
    server.route("/", Reply(status=503, headers=[("Retry-After", format_datetime(when, True))]))
    with pytest.raises(TransientFailure) as caught:
        fetch(server.url("/"), LOCAL)
    assert caught.value.retry_after is not None
    assert 80 <= caught.value.retry_after <= 91


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0.0),
        ("3600", 3600.0),
        (" 5 ", 5.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # in the past
        ("Thu, 01 Jan 2099 00:00:10 GMT", 10.0),
        ("soon", None),
        ("-5", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    now = datetime(2099, 1, 1, tzinfo=UTC)
    assert parse_retry_after(value, now=now) == expected


def test_errors_share_a_base_with_a_reason() -> None:
    for cls in (Blocked, PermanentFailure, TransientFailure):
        assert issubclass(cls, FetchError)
    error = TransientFailure("slow down", retry_after=3.0)
    assert (error.reason, error.retry_after, str(error)) == ("slow down", 3.0, "slow down")


# ---------------------------------------------------------------------------------------------
# Time and size limits


def test_drip_fed_body_is_cut_off_at_total_timeout(server: HTTPTestServer) -> None:
    server.route("/drip", Reply(body=b"x" * 1000, drip_interval=1.0))
    policy = FetchPolicy(allow_private=True, connect_timeout=1.0, total_timeout=2.0)
    start = time.monotonic()
    with pytest.raises(TransientFailure, match="total timeout"):
        fetch(server.url("/drip"), policy)
    assert 1.8 <= time.monotonic() - start < 3.0


def test_drip_fed_headers_are_cut_off_at_total_timeout(server: HTTPTestServer) -> None:
    server.route("/drip", Reply(body=b"x", drip_interval=0.3, drip_headers=True))
    policy = FetchPolicy(allow_private=True, connect_timeout=1.0, total_timeout=1.5)
    start = time.monotonic()
    with pytest.raises(TransientFailure, match="total timeout"):
        fetch(server.url("/drip"), policy)
    assert 1.3 <= time.monotonic() - start < 2.5


def test_silent_server_times_out(server: HTTPTestServer) -> None:
    server.route("/slow", Reply(body=b"late", delay=10))
    start = time.monotonic()
    with pytest.raises(TransientFailure):
        fetch(server.url("/slow"), FetchPolicy(allow_private=True, total_timeout=1.0))
    assert time.monotonic() - start < 2.0


def test_total_timeout_spans_redirects(server: HTTPTestServer) -> None:
    server.route("/a", Reply(status=302, headers=[("Location", "/b")], delay=0.7))
    server.route("/b", Reply(status=302, headers=[("Location", "/c")], delay=0.7))
    server.route("/c", html_reply(delay=0.7))
    start = time.monotonic()
    with pytest.raises(TransientFailure):
        fetch(server.url("/a"), FetchPolicy(allow_private=True, total_timeout=1.5))
    assert time.monotonic() - start < 2.2


def test_content_length_over_cap_is_refused_before_reading(server: HTTPTestServer) -> None:
    server.route("/big", Reply(body=b"x" * 5000))
    with pytest.raises(PermanentFailure, match="limit"):
        fetch(server.url("/big"), FetchPolicy(allow_private=True, max_bytes=1000))


@pytest.mark.parametrize("framing", ["chunked", "close-delimited", "lying-length"])
def test_streamed_body_over_cap(server: HTTPTestServer, framing: str) -> None:
    body = b"y" * 300_000
    if framing == "chunked":
        reply = Reply(body=body, chunked=True, chunk_size=10_000)
    elif framing == "close-delimited":
        reply = Reply(body=body, content_length=False)
    else:  # Content-Length claims less than is sent; we must not read past it either
        reply = Reply(body=body, headers=[("Content-Length", "100")])
    server.route("/big", reply)
    policy = FetchPolicy(allow_private=True, max_bytes=100_000)
    if framing == "lying-length":
        assert len(fetch(server.url("/big"), policy).body) == 100
    else:
        with pytest.raises(PermanentFailure, match="larger than the limit"):
            fetch(server.url("/big"), policy)


def test_gzip_bomb_hits_decompressed_cap(server: HTTPTestServer) -> None:
    bomb = gzip_bomb(100 * 1024 * 1024)  # 100 MiB of zeros in ~100 KiB
    assert len(bomb) < 1024 * 1024
    server.route("/bomb", Reply(body=bomb, headers=[("Content-Encoding", "gzip")]))
    start = time.monotonic()
    with pytest.raises(PermanentFailure, match="decompresses to more than"):
        fetch(server.url("/bomb"), FetchPolicy(allow_private=True))  # default 50 MiB cap
    assert time.monotonic() - start < 5


def test_small_decompressed_cap(server: HTTPTestServer) -> None:
    server.route(
        "/", Reply(body=gzip.compress(b"a" * 10_001), headers=[("Content-Encoding", "gzip")])
    )
    with pytest.raises(PermanentFailure, match="decompresses"):
        fetch(server.url("/"), FetchPolicy(allow_private=True, max_decompressed_bytes=10_000))
    ok = fetch(server.url("/"), FetchPolicy(allow_private=True, max_decompressed_bytes=10_001))
    assert len(ok.decoded_body) == 10_001


@pytest.mark.parametrize("encoding", ["br", "zstd", "compress", "gzip, gzip"])
def test_unsupported_content_encoding_is_permanent(server: HTTPTestServer, encoding: str) -> None:
    server.route("/", Reply(body=b"\x00\x01", headers=[("Content-Encoding", encoding)]))
    with pytest.raises(PermanentFailure, match="Content-Encoding"):
        fetch(server.url("/"), LOCAL)


def test_corrupt_gzip_is_permanent(server: HTTPTestServer) -> None:
    server.route("/", Reply(body=b"not gzip at all", headers=[("Content-Encoding", "gzip")]))
    with pytest.raises(PermanentFailure, match="corrupt gzip"):
        fetch(server.url("/"), LOCAL)


# ---------------------------------------------------------------------------------------------
# Connection-level failures


def test_connection_refused_is_transient() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(TransientFailure, match="could not connect"):
        fetch(f"http://127.0.0.1:{port}/", LOCAL)


def test_dns_failure_is_transient() -> None:
    with pytest.raises(TransientFailure, match="DNS"):
        fetch("http://no-such-host.invalid/", STRICT)


def test_truncated_body_is_transient(server: HTTPTestServer) -> None:
    server.route("/", Reply(raw=b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten.."))
    with pytest.raises(TransientFailure, match="before the end"):
        fetch(server.url("/"), LOCAL)


def test_truncated_chunked_body_is_transient(server: HTTPTestServer) -> None:
    raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n64\r\nshort"
    server.route("/", Reply(raw=raw))
    with pytest.raises(TransientFailure):
        fetch(server.url("/"), LOCAL)


def test_no_response_is_transient(server: HTTPTestServer) -> None:
    server.route("/", Reply(raw=b""))
    with pytest.raises(TransientFailure, match="without a response"):
        fetch(server.url("/"), LOCAL)


def test_garbage_response_is_permanent(server: HTTPTestServer) -> None:
    server.route("/", Reply(raw=b"SSH-2.0-OpenSSH_9.6\r\n\r\n"))
    with pytest.raises(PermanentFailure, match="malformed"):
        fetch(server.url("/"), LOCAL)


def test_http_10_response(server: HTTPTestServer) -> None:
    server.route("/", Reply(raw=b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nold school"))
    result = fetch(server.url("/"), LOCAL)
    assert (result.http_version, result.body) == ("HTTP/1.0", b"old school")


# ---------------------------------------------------------------------------------------------
# TLS: certificate checked against the URL's host although we connect to the pinned IP


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    # openssl ships with every machine this project runs on; its absence is a setup error.
    assert shutil.which("openssl"), "the openssl CLI is needed to make the test certificates"
    out = tmp_path_factory.mktemp("tls")
    files = {}
    for name, san in (("localhost", "DNS:localhost,IP:127.0.0.1"), ("other", "DNS:other.test")):
        cert, key = out / f"{name}.pem", out / f"{name}.key"
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", f"/CN={name}",
                "-addext", f"subjectAltName={san}", "-keyout", str(key), "-out", str(cert),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        files[name] = cert
        files[f"{name}.key"] = key
    return files


def tls_server(files: dict[str, Path], name: str) -> HTTPTestServer:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(files[name], files[f"{name}.key"])
    server = HTTPTestServer(tls=ctx)
    server.route("/", html_reply())
    return server


def test_https_with_trusted_certificate(tls_files: dict[str, Path]) -> None:
    policy = FetchPolicy(allow_private=True, total_timeout=5, ca_file=str(tls_files["localhost"]))
    with tls_server(tls_files, "localhost") as srv:
        result = fetch(f"https://localhost:{srv.port}/", policy)
        assert result.body == HTML
        assert srv.requests[0].header("Host") == f"localhost:{srv.port}"


def test_https_untrusted_certificate_is_permanent(tls_files: dict[str, Path]) -> None:
    with (
        tls_server(tls_files, "localhost") as srv,
        pytest.raises(PermanentFailure, match="certificate"),
    ):
        fetch(f"https://localhost:{srv.port}/", LOCAL)


def test_https_wrong_host_certificate_is_permanent(tls_files: dict[str, Path]) -> None:
    policy = FetchPolicy(allow_private=True, total_timeout=5, ca_file=str(tls_files["other"]))
    with (
        tls_server(tls_files, "other") as srv,
        pytest.raises(PermanentFailure, match="certificate"),
    ):
        fetch(f"https://localhost:{srv.port}/", policy)


# ---------------------------------------------------------------------------------------------
# Hostile URLs: refused before any connection is made


HOSTILE_URLS = [
    # loopback in every spelling
    "http://127.0.0.1:{port}/",
    "http://127.0.0.2:{port}/",
    "http://127.1:{port}/",
    "http://127.0.1:{port}/",
    "http://2130706433:{port}/",
    "http://0x7f000001:{port}/",
    "http://0x7f.0.0.1:{port}/",
    "http://0x7F.0x0.0x0.0x1:{port}/",
    "http://0177.0.0.1:{port}/",
    "http://017700000001:{port}/",
    "http://0177.1:{port}/",
    "http://127.000.000.001:{port}/",
    "http://localhost:{port}/",
    "http://LOCALHOST:{port}/",
    "http://localhost.:{port}/",
    "http://sub.localhost:{port}/",
    "http://[::1]:{port}/",
    "http://[0:0:0:0:0:0:0:1]:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/",
    "http://[::ffff:7f00:1]:{port}/",
    "http://[::127.0.0.1]:{port}/",
    "http://[64:ff9b::7f00:1]:{port}/",
    "http://[64:ff9b::127.0.0.1]:{port}/",
    "http://[2002:7f00:1::]:{port}/",
    "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]:{port}/",
    # unspecified
    "http://0.0.0.0:{port}/",
    "http://0:{port}/",
    "http://[::]:{port}/",
    # private, CGNAT, link-local, metadata
    "http://10.0.0.1:{port}/",
    "http://10.255.255.255:{port}/",
    "http://172.16.0.1:{port}/",
    "http://172.31.255.254:{port}/",
    "http://192.168.0.1:{port}/",
    "http://192.168.1.1.:{port}/",
    "http://100.64.0.1:{port}/",
    "http://100.127.255.254:{port}/",
    "http://169.254.169.254/latest/meta-data/",
    "http://169.254.0.1:{port}/",
    "http://[fe80::1]:{port}/",
    "http://[fc00::1]:{port}/",
    "http://[fd12:3456:789a::1]:{port}/",
    "http://[fec0::1]:{port}/",
    "http://[::ffff:169.254.169.254]/",
    "http://[::ffff:a00:1]:{port}/",
    # multicast, broadcast, reserved, special-purpose
    "http://224.0.0.1:{port}/",
    "http://239.255.255.250:{port}/",
    "http://[ff02::1]:{port}/",
    "http://255.255.255.255:{port}/",
    "http://240.0.0.1:{port}/",
    "http://192.0.0.1:{port}/",
    "http://198.18.0.1:{port}/",
    "http://192.88.99.1:{port}/",
    "http://[2001:db8::1]:{port}/",
    # schemes and credentials
    "file:///etc/passwd",
    "file://localhost/etc/passwd",
    "gopher://127.0.0.1:{port}/_GET%20/",
    "ftp://127.0.0.1:{port}/",
    "dict://127.0.0.1:{port}/",
    "javascript:alert(1)",
    "data:text/html,<h1>x</h1>",
    "http://user@127.0.0.1:{port}/",
    "http://example.com@127.0.0.1:{port}/",
    "http://user:password@example.com/",
    "https://127.0.0.1:{port}/",
]


@pytest.fixture(scope="module")
def trap() -> Iterator[HTTPTestServer]:
    """A listener nothing in the hostile corpus may reach."""
    with HTTPTestServer() as srv:
        srv.route("/", html_reply())
        yield srv


@pytest.mark.parametrize("template", HOSTILE_URLS)
def test_hostile_url_is_blocked_without_connecting(trap: HTTPTestServer, template: str) -> None:
    url = template.format(port=trap.port)
    with pytest.raises(Blocked) as caught:
        fetch(url, STRICT)
    assert caught.value.reason
    assert trap.connections == 0


def test_hostile_corpus_is_large_enough() -> None:
    assert len(HOSTILE_URLS) >= 25


@pytest.mark.parametrize(
    "template",
    [
        "file:///etc/passwd",
        "gopher://127.0.0.1:{port}/",
        "ftp://127.0.0.1:{port}/",
        "javascript:alert(1)",
        "http://user@127.0.0.1:{port}/",
        "http://0.0.0.0:{port}/",
        "http://224.0.0.1:{port}/",
    ],
)
def test_still_blocked_when_private_allowed(trap: HTTPTestServer, template: str) -> None:
    with pytest.raises(Blocked):
        fetch(template.format(port=trap.port), LOCAL)
    assert trap.connections == 0


def test_loopback_spellings_do_reach_the_server_when_allowed(server: HTTPTestServer) -> None:
    # Control for the corpus above: the same spellings really mean loopback, so the refusals
    # are the guard at work, not URLs that could never have connected.
    server.route("/", html_reply())
    spellings = ["127.0.0.1", "localhost", "2130706433", "0x7f.0.0.1", "0177.0.0.1", "127.1"]
    for host in spellings:
        assert fetch(f"http://{host}:{server.port}/", LOCAL).status == 200
    assert server.connections == len(spellings)


def test_blocked_reason_names_the_resolved_address() -> None:
    with pytest.raises(Blocked, match=r"localhost resolves to 127\.0\.0\.1.*loopback"):
        check_target("http://localhost:9/", STRICT)


def test_hostname_resolving_to_private_address_is_blocked() -> None:
    # The machine's own name usually maps to a loopback or private address in /etc/hosts.
    name = socket.gethostname()
    addresses = {info[4][0] for info in socket.getaddrinfo(name, 80)}
    if all(address_problem(a) for a in addresses):
        with pytest.raises(Blocked, match=f"{name.lower()} resolves to"):
            check_target(f"http://{name}:9/", STRICT)
    else:
        # A machine whose name is public: the same check must then let it through.
        assert check_target(f"http://{name}:9/", STRICT).addresses


def test_invalid_url_is_permanent_not_blocked() -> None:
    with pytest.raises(PermanentFailure, match="invalid URL"):
        fetch("http://exa mple.com/", STRICT)


@pytest.mark.parametrize(
    "ip",
    [
        "127.0.0.1", "0.0.0.0", "10.1.1.1", "172.16.5.4", "192.168.10.1", "100.64.1.1",
        "169.254.169.254", "224.0.0.251", "255.255.255.255", "240.1.2.3", "192.0.0.170",
        "198.19.1.1", "192.88.99.2", "::", "::1", "::ffff:127.0.0.1", "::ffff:8.8.8.8",
        "::7f00:1", "64:ff9b::808:808", "64:ff9b:1::1", "2002:808:808::1", "2001::1",
        "2001:db8::2", "fc00::1", "fdff::1", "fe80::1", "fec0::1", "ff02::1", "ff0e::1",
        "100::1", "5f00::1", "3fff::1", "4000::1",
    ],
)  # fmt: skip
def test_address_problem_refuses(ip: str) -> None:
    assert address_problem(ip) is not None


@pytest.mark.parametrize(
    "ip", ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "2a00:1450:4001::1"]
)
def test_address_problem_allows_public(ip: str) -> None:
    assert address_problem(ip) is None


def test_allow_private_allows_private_but_not_multicast() -> None:
    for ip in ("127.0.0.1", "10.0.0.1", "192.168.1.1", "::1", "fd00::1", "169.254.1.1"):
        assert address_problem(ip, allow_private=True) is None
    for ip in ("0.0.0.0", "224.0.0.1", "255.255.255.255", "::", "ff02::1"):
        assert address_problem(ip, allow_private=True) is not None


def test_policy_is_frozen_with_safe_defaults() -> None:
    policy = FetchPolicy()
    assert policy.allow_private is False
    assert (policy.connect_timeout, policy.total_timeout) == (10.0, 60.0)
    assert policy.max_bytes == policy.max_decompressed_bytes == 50 * 1024 * 1024
    assert policy.max_redirects == 5
    with pytest.raises(AttributeError):
        policy.allow_private = True  # type: ignore[misc]
