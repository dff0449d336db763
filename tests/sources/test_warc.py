"""Tests for WARC writing and reading; every file produced is checked with `warcio check`."""

from __future__ import annotations

import base64
import dataclasses
import gzip
import hashlib
import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from sources.fetcher import FetchPolicy, FetchResult, fetch
from sources.text import extract_text
from sources.warc import (
    WarcInfo,
    WarcReadError,
    read_response_payload,
    write_capture_warc,
    write_upload_warc,
)
from tests.sources.httpserver import HTTPTestServer, Reply, make_pdf, redirect

LOCAL = FetchPolicy(allow_private=True, total_timeout=5.0)
SOFTWARE = "factcheck-desk/test"
WARCIO = Path(sys.executable).with_name("warcio")
HTML = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Café report</title></head>"
    "<body><article><p>The minister said unemployment fell to 4.2 per cent in March, "
    "according to figures released on Tuesday.</p><p>Critics disputed the method used to "
    "count people on training schemes.</p></article></body></html>"
).encode()


@pytest.fixture
def server() -> Iterator[HTTPTestServer]:
    with HTTPTestServer() as srv:
        yield srv


def warcio_check(path: Path) -> str:
    proc = subprocess.run(
        [str(WARCIO), "check", "-v", str(path)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "fail" not in proc.stdout.lower(), proc.stdout
    return proc.stdout


def records(path: Path) -> list:
    with path.open("rb") as fh:
        out = []
        for record in ArchiveIterator(fh):
            out.append((record, record.content_stream().read()))
        return out


def sha256_b32(data: bytes) -> str:
    return "sha256:" + base64.b32encode(hashlib.sha256(data).digest()).decode()


def capture(server: HTTPTestServer, path: str = "/start") -> FetchResult:
    server.route("/start", redirect("/article"))
    server.route(
        "/article",
        Reply(
            body=gzip.compress(HTML),
            headers=[
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Encoding", "gzip"),
                ("Set-Cookie", "a=1"),
                ("Set-Cookie", "b=2"),
                ("X-Latin", "caf\xe9"),
            ],
            chunked=True,
            chunk_size=50,
        ),
    )
    return fetch(server.url(path), LOCAL)


def test_capture_warc_passes_warcio_check(server: HTTPTestServer, tmp_path: Path) -> None:
    result = capture(server)
    target = tmp_path / "capture.warc.gz"
    with target.open("wb") as fh:
        info = write_capture_warc(result, fh, software=SOFTWARE, filename="capture.warc.gz")

    out = warcio_check(target)
    assert out.count("digest pass") == 3
    assert target.read_bytes()[:2] == b"\x1f\x8b"  # gzipped
    assert info.warc_size == target.stat().st_size

    (warcinfo, info_body), (request, _), (response, payload) = records(target)
    assert [r.rec_type for r in (warcinfo, request, response)] == [
        "warcinfo",
        "request",
        "response",
    ]

    # warcinfo describes the capture, including how we got to the final URL
    text = info_body.decode()
    assert f"software: {SOFTWARE}" in text
    assert f"requested-url: {server.url('/start')}" in text
    assert f"redirect: 302 {server.url('/start')} -> {server.url('/article')}" in text
    assert warcinfo.rec_headers.get_header("WARC-Filename") == "capture.warc.gz"

    # request and response point at the final URL, the IP we connected to, and each other
    for record in (request, response):
        assert record.rec_headers.get_header("WARC-Target-URI") == result.final_url
        assert record.rec_headers.get_header("WARC-IP-Address") == "127.0.0.1"
        assert record.rec_headers.get_header("WARC-Warcinfo-ID") == info.warcinfo_id
    response_id = response.rec_headers.get_header("WARC-Record-ID")
    assert response_id == info.record_id
    assert request.rec_headers.get_header("WARC-Concurrent-To") == response_id

    # request record holds exactly what was sent
    assert request.http_headers.protocol == "GET"
    assert request.http_headers.headers == result.request_headers

    # response keeps headers in order with duplicates, minus the chunked framing we removed
    assert response.http_headers.get_statuscode() == "200"
    assert response.http_headers.headers == [
        h for h in result.headers if h[0].lower() != "transfer-encoding"
    ]
    assert ("X-Latin", "café") in response.http_headers.headers

    # digests: SHA-256, the payload is the body as received (still gzip)
    assert response.rec_headers.get_header("WARC-Payload-Digest") == sha256_b32(result.body)
    assert response.rec_headers.get_header("WARC-Block-Digest").startswith("sha256:")
    assert info.payload_sha256 == hashlib.sha256(result.body).hexdigest()
    assert info.payload_size == len(result.body)
    assert info.decoded_sha256 == hashlib.sha256(HTML).hexdigest()
    assert info.decoded_size == len(HTML)
    assert payload == HTML  # warcio's content_stream undoes gzip itself


def test_read_response_payload_serves_decoded_original(
    server: HTTPTestServer, tmp_path: Path
) -> None:
    result = capture(server)
    buf = io.BytesIO()
    write_capture_warc(result, buf, software=SOFTWARE)
    buf.seek(0)
    headers, payload = read_response_payload(buf)
    assert payload == HTML
    names = [k.lower() for k, _ in headers]
    assert "content-encoding" not in names and "content-length" not in names
    assert ("Content-Type", "text/html; charset=utf-8") in headers
    assert names.count("set-cookie") == 2


def test_identity_capture_digests_match(server: HTTPTestServer, tmp_path: Path) -> None:
    server.route("/", Reply(body=HTML, headers=[("Content-Type", "text/html")]))
    result = fetch(server.url("/"), LOCAL)
    target = tmp_path / "plain.warc.gz"
    with target.open("wb") as fh:
        info = write_capture_warc(result, fh, software=SOFTWARE)
    warcio_check(target)
    assert info.payload_sha256 == info.decoded_sha256 == hashlib.sha256(HTML).hexdigest()
    assert result.redirect_chain == []


def test_empty_body_capture(server: HTTPTestServer, tmp_path: Path) -> None:
    server.route("/", Reply(status=204))
    target = tmp_path / "empty.warc.gz"
    with target.open("wb") as fh:
        info = write_capture_warc(fetch(server.url("/"), LOCAL), fh, software=SOFTWARE)
    warcio_check(target)
    assert info.payload_size == 0
    assert info.payload_sha256 == hashlib.sha256(b"").hexdigest()


def test_pdf_capture_round_trip_and_text(server: HTTPTestServer, tmp_path: Path) -> None:
    pdf = make_pdf(["Inflation rose to 3.1 per cent", "Second page about wages"], title="Report")
    server.route("/r.pdf", Reply(body=pdf, headers=[("Content-Type", "application/pdf")]))
    result = fetch(server.url("/r.pdf"), LOCAL)
    target = tmp_path / "pdf.warc.gz"
    with target.open("wb") as fh:
        info = write_capture_warc(result, fh, software=SOFTWARE)
    warcio_check(target)
    assert info.payload_sha256 == hashlib.sha256(pdf).hexdigest()

    with target.open("rb") as fh:
        headers, payload = read_response_payload(fh)
    assert payload == pdf
    extracted = extract_text(payload, dict(headers)["Content-Type"])
    assert extracted.kind == "pdf"
    assert "Inflation rose to 3.1 per cent" in extracted.text
    assert "Second page about wages" in extracted.text


def test_html_capture_text_extraction(server: HTTPTestServer) -> None:
    result = capture(server)
    buf = io.BytesIO()
    write_capture_warc(result, buf, software=SOFTWARE)
    buf.seek(0)
    headers, payload = read_response_payload(buf)
    extracted = extract_text(payload, dict(headers)["Content-Type"], url=result.final_url)
    assert extracted.title == "Café report"
    assert "unemployment fell to 4.2 per cent" in extracted.text


def test_upload_warc_from_bytes(tmp_path: Path) -> None:
    pdf = make_pdf(["Uploaded evidence"])
    target = tmp_path / "upload.warc.gz"
    with target.open("wb") as fh:
        info = write_upload_warc(
            pdf,
            fh,
            content_type="application/pdf",
            software=SOFTWARE,
            original_filename="leaked memo\r\nX-Evil: 1.pdf",
        )
    out = warcio_check(target)
    assert out.count("digest pass") == 2
    (warcinfo, info_body), (resource, payload) = records(target)
    assert resource.rec_type == "resource"
    assert resource.rec_headers.get_header("Content-Type") == "application/pdf"
    assert resource.rec_headers.get_header("WARC-Target-URI") == f"urn:sha256:{info.payload_sha256}"
    assert resource.rec_headers.get_header("WARC-Payload-Digest") == sha256_b32(pdf)
    assert payload == pdf
    assert info == WarcInfo(
        payload_sha256=hashlib.sha256(pdf).hexdigest(),
        payload_size=len(pdf),
        decoded_sha256=hashlib.sha256(pdf).hexdigest(),
        decoded_size=len(pdf),
        record_id=resource.rec_headers.get_header("WARC-Record-ID"),
        warcinfo_id=warcinfo.rec_headers.get_header("WARC-Record-ID"),
        warc_size=target.stat().st_size,
    )
    # a newline in a user-supplied filename cannot forge another warcinfo field
    assert b"original-filename: leaked memo X-Evil: 1.pdf\r\n" in info_body

    with target.open("rb") as fh:
        assert read_response_payload(fh) == ([("Content-Type", "application/pdf")], pdf)


def test_upload_warc_from_file_object(tmp_path: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 5000
    source = tmp_path / "photo.png"
    source.write_bytes(data)
    target = tmp_path / "upload.warc.gz"
    with source.open("rb") as src, target.open("wb") as fh:
        info = write_upload_warc(
            src, fh, content_type="image/png", software=SOFTWARE, target_uri="urn:upload:42"
        )
    warcio_check(target)
    assert info.payload_size == len(data)
    (_, _), (resource, payload) = records(target)
    assert resource.rec_headers.get_header("WARC-Target-URI") == "urn:upload:42"
    assert payload == data


def test_tampered_payload_is_refused(server: HTTPTestServer) -> None:
    server.route("/", Reply(body=HTML, headers=[("Content-Type", "text/html")]))
    buf = io.BytesIO()
    write_capture_warc(fetch(server.url("/"), LOCAL), buf, software=SOFTWARE)
    plain = gzip.decompress(buf.getvalue())  # all members, as one uncompressed WARC
    tampered = plain.replace(b"4.2 per cent", b"9.9 per cent")
    assert tampered != plain
    with pytest.raises(WarcReadError, match="digest"):
        read_response_payload(io.BytesIO(tampered))
    headers, payload = read_response_payload(io.BytesIO(plain))
    assert payload == HTML


def test_read_refuses_oversized_payload(server: HTTPTestServer) -> None:
    server.route("/", Reply(body=HTML))
    buf = io.BytesIO()
    write_capture_warc(fetch(server.url("/"), LOCAL), buf, software=SOFTWARE)
    buf.seek(0)
    with pytest.raises(WarcReadError, match="larger"):
        read_response_payload(buf, max_bytes=10)


def test_read_without_payload_record() -> None:
    buf = io.BytesIO()
    with pytest.raises(WarcReadError, match="no response"):
        read_response_payload(buf)


def test_read_refuses_payload_that_decodes_past_the_cap(server: HTTPTestServer) -> None:
    server.route(
        "/", Reply(body=gzip.compress(b"z" * 100_000), headers=[("Content-Encoding", "gzip")])
    )
    buf = io.BytesIO()
    write_capture_warc(fetch(server.url("/"), LOCAL), buf, software=SOFTWARE)
    buf.seek(0)
    with pytest.raises(WarcReadError, match="cannot be served"):
        read_response_payload(buf, max_bytes=50_000)


def test_read_passes_through_unknown_encoding(server: HTTPTestServer) -> None:
    # The fetcher never accepts brotli, but a WARC from elsewhere may hold it: serve as stored.
    server.route("/", Reply(body=b"\x1b\x03brotli-ish", headers=[("Content-Type", "text/plain")]))
    fetched = fetch(server.url("/"), LOCAL)
    result = dataclasses.replace(fetched, headers=[*fetched.headers, ("Content-Encoding", "br")])
    buf = io.BytesIO()
    write_capture_warc(result, buf, software=SOFTWARE)
    buf.seek(0)
    headers, payload = read_response_payload(buf)
    assert payload == b"\x1b\x03brotli-ish"
    assert ("Content-Encoding", "br") in headers
