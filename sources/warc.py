"""Write one gzipped WARC per capture or upload, and read the archived payload back out.

Choices worth knowing:

* Digests are SHA-256 (``sha256:<base32>``), not warcio's default SHA-1, so the hex digest the
  app stores is the very WARC-Payload-Digest in the file and can be checked with standard tools.
* The response record holds the HTTP status line and headers byte-for-byte as received (latin-1
  round trip; warcio would otherwise %-encode non-ASCII header values) and the entity body as
  received, still gzip/deflate-encoded if the server compressed it. The one change is that any
  ``Transfer-Encoding`` header is dropped, because the fetcher stores the body de-chunked and a
  stale "chunked" header would make readers mis-parse it.
* The redirect chain that led to the final URL goes in the warcinfo record, one line per hop.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from sources.fetcher import (
    ContentDecoder,
    DecodedTooLarge,
    DecodeError,
    DecodeTruncated,
    FetchResult,
)

__all__ = [
    "WarcInfo",
    "capture_writer",
    "write_exchange",
    "write_resource",
    "write_warcinfo",
    "WarcReadError",
    "read_response_payload",
    "write_capture_warc",
    "write_upload_warc",
]

DEFAULT_MAX_READ = 50 * 1024 * 1024
_HOP_BY_HOP_BODY_HEADERS = ("content-encoding", "content-length", "transfer-encoding")
_CONFORMS_TO = "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.0/"


class WarcReadError(ValueError):
    """The WARC has no usable record, fails its digest check, or is too large to serve."""


@dataclass(frozen=True)
class WarcInfo:
    payload_sha256: str  # hex; equals WARC-Payload-Digest (entity body as stored)
    payload_size: int
    decoded_sha256: str  # hex of the payload with Content-Encoding removed (same if none)
    decoded_size: int
    record_id: str  # WARC-Record-ID of the response or resource record
    warcinfo_id: str
    warc_size: int  # bytes written to the file object


class _Writer(WARCWriter):
    @staticmethod
    def _create_digester() -> Digester:
        return Digester("sha256")


class _RawHeaders(StatusAndHeaders):
    """Serialise headers back to the exact bytes http.client decoded as latin-1."""

    def compute_headers_buffer(self, header_filter: Any = None) -> None:
        try:
            self.headers_buff = self.to_str(header_filter).encode("latin-1") + b"\r\n"
        except UnicodeEncodeError:
            super().compute_headers_buffer(header_filter)


def _warc_date(when: datetime) -> str:
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return datetime_to_iso_date(when)


def _field(value: object) -> str:
    # warc-fields are one line each; a stray newline would forge another field.
    return " ".join(str(value).split())


def _warcinfo(
    writer: _Writer, fields: list[tuple[str, object]], when: datetime, filename: str | None
) -> Any:
    text = "".join(
        f"{name}: {_field(value)}\r\n" for name, value in fields if value not in (None, "")
    )
    body = text.encode("utf-8")
    headers: dict[str, str] = {"WARC-Date": _warc_date(when)}
    if filename:
        headers["WARC-Filename"] = _field(filename)
    return writer.create_warc_record(
        "",
        "warcinfo",
        payload=io.BytesIO(body),
        length=len(body),
        warc_content_type="application/warc-fields",
        warc_headers_dict=headers,
    )


def _base_fields(software: str) -> list[tuple[str, object]]:
    return [
        ("software", software),
        ("format", "WARC File Format 1.0"),
        ("conformsTo", _CONFORMS_TO),
    ]


def write_capture_warc(
    result: FetchResult,
    fileobj: IO[bytes],
    *,
    software: str,
    filename: str | None = None,
    truncated: str | None = None,
) -> WarcInfo:
    """Write warcinfo, request and response records for ``result`` to ``fileobj`` (gzipped).

    ``truncated`` (WARC 1.0's WARC-Truncated: "length", "time", "disconnect" or "unspecified")
    marks a response whose body stops before the end its HTTP framing announced.
    """
    start = fileobj.tell() if fileobj.seekable() else 0
    writer = _Writer(fileobj, gzip=True)

    fields = _base_fields(software)
    fields += [
        ("http-header-user-agent", _header(result.request_headers, "User-Agent")),
        ("requested-url", result.requested_url),
        ("final-url", result.final_url),
        ("started", _warc_date(result.started_at)),
        ("ended", _warc_date(result.ended_at)),
    ]
    fields += [
        ("redirect", f"{hop['status']} {hop['url']} -> {hop['location']}")
        for hop in result.redirect_chain
    ]
    warcinfo = _warcinfo(writer, fields, result.fetched_at, filename)
    warcinfo_id = warcinfo.rec_headers.get_header("WARC-Record-ID")

    writer.write_record(warcinfo)
    response_id = write_exchange(writer, result, warcinfo_id=warcinfo_id, truncated=truncated)
    fileobj.flush()

    return WarcInfo(
        payload_sha256=hashlib.sha256(result.body).hexdigest(),
        payload_size=len(result.body),
        decoded_sha256=hashlib.sha256(result.decoded_body).hexdigest(),
        decoded_size=len(result.decoded_body),
        record_id=response_id,
        warcinfo_id=warcinfo_id,
        warc_size=(fileobj.tell() - start) if fileobj.seekable() else -1,
    )


def capture_writer(fileobj: IO[bytes]) -> WARCWriter:
    """A gzipping WARC writer with SHA-256 digests (for a capture of several exchanges)."""
    return _Writer(fileobj, gzip=True)


def write_warcinfo(
    writer: WARCWriter,
    fields: list[tuple[str, object]],
    *,
    software: str,
    when: datetime,
    filename: str | None = None,
) -> str:
    """Write the warcinfo record (our software and ``fields``); return its WARC-Record-ID."""
    record = _warcinfo(writer, _base_fields(software) + fields, when, filename)
    writer.write_record(record)
    return record.rec_headers.get_header("WARC-Record-ID")


def write_exchange(
    writer: WARCWriter, result: FetchResult, *, warcinfo_id: str, truncated: str | None = None
) -> str:
    """Write the request and response records of one fetch; return the response's record ID."""
    common = {
        "WARC-Date": _warc_date(result.fetched_at),
        "WARC-IP-Address": result.peer_ip,
        "WARC-Warcinfo-ID": warcinfo_id,
    }
    response = writer.create_warc_record(
        result.final_url,
        "response",
        payload=io.BytesIO(result.body),
        length=len(result.body),
        http_headers=_RawHeaders(
            f"{result.status} {result.reason}".rstrip(),
            [(k, v) for k, v in result.headers if k.lower() != "transfer-encoding"],
            protocol=result.http_version,
        ),
        warc_headers_dict={**common, **({"WARC-Truncated": truncated} if truncated else {})},
    )
    response_id = response.rec_headers.get_header("WARC-Record-ID")
    request = writer.create_warc_record(
        result.final_url,
        "request",
        payload=io.BytesIO(b""),
        length=0,
        http_headers=_RawHeaders(
            result.request_line, list(result.request_headers), is_http_request=True
        ),
        warc_headers_dict={**common, "WARC-Concurrent-To": response_id},
    )
    writer.write_record(request)
    writer.write_record(response)
    return response_id


def write_resource(
    writer: WARCWriter,
    uri: str,
    payload: bytes,
    *,
    content_type: str,
    when: datetime,
    warcinfo_id: str,
    concurrent_to: str | None = None,
) -> str:
    """Write one resource record (a screenshot, a rendered page, a provenance record)."""
    headers = {"WARC-Date": _warc_date(when), "WARC-Warcinfo-ID": warcinfo_id}
    if concurrent_to:
        headers["WARC-Concurrent-To"] = concurrent_to
    record = writer.create_warc_record(
        uri,
        "resource",
        payload=io.BytesIO(payload),
        length=len(payload),
        warc_content_type=_field(content_type),
        warc_headers_dict=headers,
    )
    writer.write_record(record)
    return record.rec_headers.get_header("WARC-Record-ID")


def write_upload_warc(
    content: bytes | BinaryIO,
    fileobj: IO[bytes],
    *,
    content_type: str,
    software: str,
    original_filename: str | None = None,
    target_uri: str | None = None,
    uploaded_at: datetime | None = None,
    filename: str | None = None,
) -> WarcInfo:
    """Write warcinfo and a resource record for an uploaded file.

    ``content`` may be bytes or a seekable binary file (read twice: once to hash, once to
    copy). ``target_uri`` defaults to ``urn:sha256:<hex>`` since an upload has no URL.
    """
    stream: BinaryIO = io.BytesIO(content) if isinstance(content, bytes | bytearray) else content
    origin = stream.tell()
    digest = hashlib.sha256()
    size = 0
    for block in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(block)
        size += len(block)
    stream.seek(origin)
    hexdigest = digest.hexdigest()

    start = fileobj.tell() if fileobj.seekable() else 0
    when = uploaded_at or datetime.now(UTC)
    writer = _Writer(fileobj, gzip=True)
    fields = _base_fields(software) + [
        ("original-filename", original_filename),
        ("description", "file uploaded by a user, not fetched from the web"),
    ]
    warcinfo = _warcinfo(writer, fields, when, filename)
    warcinfo_id = warcinfo.rec_headers.get_header("WARC-Record-ID")
    resource = writer.create_warc_record(
        target_uri or f"urn:sha256:{hexdigest}",
        "resource",
        payload=stream,
        length=size,
        warc_content_type=_field(content_type) or "application/octet-stream",
        warc_headers_dict={"WARC-Date": _warc_date(when), "WARC-Warcinfo-ID": warcinfo_id},
    )
    writer.write_record(warcinfo)
    writer.write_record(resource)
    fileobj.flush()
    return WarcInfo(
        payload_sha256=hexdigest,
        payload_size=size,
        decoded_sha256=hexdigest,
        decoded_size=size,
        record_id=resource.rec_headers.get_header("WARC-Record-ID"),
        warcinfo_id=warcinfo_id,
        warc_size=(fileobj.tell() - start) if fileobj.seekable() else -1,
    )


def read_response_payload(
    fileobj: IO[bytes], *, max_bytes: int = DEFAULT_MAX_READ
) -> tuple[list[tuple[str, str]], bytes]:
    """Return the headers and payload of the first response or resource record.

    The payload is content-decoded (gzip/deflate removed) and digest-verified, so the headers
    returned omit Content-Encoding, Content-Length and Transfer-Encoding, which described the
    wire form. If the encoding is one we cannot undo, the raw payload and its Content-Encoding
    header are returned unchanged. For a resource record the headers are just its Content-Type.
    Raises WarcReadError if there is no such record, its digest does not match, or the payload
    (stored or decoded) is over ``max_bytes``.
    """
    for record in ArchiveIterator(fileobj, check_digests=True):
        if record.rec_type not in ("response", "resource"):
            continue
        raw = _read_up_to(record.raw_stream, max_bytes + 1)
        if len(raw) > max_bytes:
            raise WarcReadError(f"archived payload is larger than {max_bytes} bytes")
        # Reach the end of the record: warcio only compares digests once it has seen every byte.
        while record.raw_stream.read(64 * 1024):
            pass
        if record.digest_checker.passed is False:
            problems = "; ".join(record.digest_checker.problems)
            raise WarcReadError(f"WARC record failed its digest check: {problems}")

        if record.rec_type == "resource":
            ctype = record.rec_headers.get_header("Content-Type") or "application/octet-stream"
            return [("Content-Type", ctype)], raw

        headers = list(record.http_headers.headers) if record.http_headers else []
        encoding = _header(headers, "Content-Encoding")
        try:
            decoder = ContentDecoder(encoding, max_bytes)
            decoder.feed(raw)
            decoded = decoder.finish()
        except DecodedTooLarge as exc:
            raise WarcReadError(f"archived payload cannot be served: {exc}") from exc
        except DecodeTruncated:
            # A body cut short (an incomplete copy): what of it decodes, the readable start.
            decoded = decoder.decoded_so_far
        except DecodeError:
            # An encoding we cannot undo: hand it over as stored, still labelled.
            return [(k, v) for k, v in headers if k.lower() != "content-length"], raw
        payload = raw if decoded is None else decoded
        return [(k, v) for k, v in headers if k.lower() not in _HOP_BY_HOP_BODY_HEADERS], payload
    raise WarcReadError("the WARC contains no response or resource record")


def _read_up_to(stream: Any, limit: int) -> bytes:
    # warcio's readers may return short reads before EOF, so loop.
    out = bytearray()
    while len(out) < limit:
        block = stream.read(min(64 * 1024, limit - len(out)))
        if not block:
            break
        out += block
    return bytes(out)


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    name = name.lower()
    return next((v for k, v in headers if k.lower() == name), None)
