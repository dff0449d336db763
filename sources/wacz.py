"""Package a capture's WARC as WACZ, sign its datapackage digest, timestamp the signature.

The package itself (``archive/``, the CDXJ ``indexes/``, ``datapackage.json`` with a SHA-256 of
every file) is written by Webrecorder's py-wacz, the reference implementation of the format; we
give it our own ``pages/pages.jsonl`` (one page: the captured URL at its WARC-Date, which py-wacz
would not detect for a PDF) and then replace its unsigned ``datapackage-digest.json`` with one
carrying ``signedData`` in the anonymous form of the WACZ signing spec (sources/signing.py), plus
an RFC 3161 ``timeSignature`` over the signature when TIMESTAMP_AUTHORITY_URL is set
(sources/timestamping.py). The WACZ is stored next to the WARC; what was and was not done is
recorded on the capture, each failure with its reason (an archive is never lost for it).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import io
import json
import logging
import shutil
import tempfile
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from wacz.main import main as py_wacz
from warcio.archiveiterator import ArchiveIterator

from factcheck.audit import audit_record
from sources import fetcher, signing, timestamping
from sources.models import Capture
from sources.policy import fetch_policy

logger = logging.getLogger(__name__)

PACKAGER = "archive-packager"  # the audit log's name for this process
SOFTWARE = "factcheck-desk archive 0.1"
DIGEST_FILE = "datapackage-digest.json"
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "Pages"}


class PackagingError(Exception):
    """The WACZ could not be written (its reason is recorded on the capture)."""


@dataclass
class Package:
    """What packaging one capture produced: the file, and what was proven of it."""

    path: Path
    sha256: str = ""
    size: int = 0
    signed: dict[str, Any] = field(default_factory=dict)  # the digest's signedData
    signing_key: str = ""
    timestamped_by: str = ""
    timestamped_at: Any = None
    problems: list[str] = field(default_factory=list)


def _main_page(warc_path: Path) -> dict[str, str]:
    """URL and date of the first response (or resource) record: the page the WARC is about."""
    with warc_path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type in ("response", "resource"):
                return {
                    "url": record.rec_headers.get_header("WARC-Target-URI") or "",
                    "ts": record.rec_headers.get_header("WARC-Date") or "",
                }
    raise PackagingError("the WARC holds no response or resource record to package")


def build_wacz(warc_paths: list[Path], out: Path, *, title: str = "") -> dict[str, str]:
    """Write a WACZ of ``warc_paths`` to ``out`` with py-wacz; returns its main page."""
    page = _main_page(warc_paths[0])
    pages = out.with_suffix(".pages.jsonl")
    entry = {"id": uuid.uuid4().hex, "url": page["url"], "ts": page["ts"]}
    if title:
        entry["title"] = title
    pages.write_text(json.dumps(PAGES_HEADER) + "\n" + json.dumps(entry) + "\n")
    args = ["create", "-o", str(out), "--pages", str(pages), "--copy-pages", "--hash-type"]
    args += ["sha256", "--url", page["url"], "--date", page["ts"]]
    if title:
        args += ["--title", title]
    chatter = io.StringIO()  # py-wacz narrates to stdout; keep it for the error message
    try:
        with contextlib.redirect_stdout(chatter):
            failed = py_wacz([*args, *map(str, warc_paths)])
    except Exception as exc:  # py-wacz raises whatever its readers raise on a bad WARC
        raise PackagingError(f"py-wacz could not package the WARC: {exc}") from exc
    finally:
        pages.unlink(missing_ok=True)
    if failed:
        last = chatter.getvalue().strip().splitlines()[-1:] or ["no reason given"]
        raise PackagingError(f"py-wacz could not package the WARC: {last[0]}")
    return page


def _rewrite_digest(path: Path, digest: dict[str, Any]) -> None:
    """Replace the WACZ's datapackage-digest.json (zip entries cannot be replaced in place)."""
    rewritten = path.with_suffix(".signed")
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(rewritten, "w") as new:
        for info in old.infolist():
            if info.filename != DIGEST_FILE:
                new.writestr(info, old.read(info))
        new.writestr(
            zipfile.ZipInfo(DIGEST_FILE, date_time=old.getinfo(DIGEST_FILE).date_time),
            json.dumps(digest, indent=2),
            compress_type=zipfile.ZIP_DEFLATED,
        )
    rewritten.replace(path)


def sign_wacz(path: Path, *, policy: fetcher.FetchPolicy) -> Package:
    """Sign the WACZ's datapackage digest with the desk's key and timestamp the signature."""
    package = Package(path=path)
    with zipfile.ZipFile(path) as wacz:
        datapackage = wacz.read("datapackage.json")
    created = json.loads(datapackage)["created"]
    digest: dict[str, Any] = {
        "path": "datapackage.json",
        "hash": "sha256:" + hashlib.sha256(datapackage).hexdigest(),
    }
    try:
        key = signing.private_key()
    except signing.SigningKeyError as exc:
        key = None
        package.problems.append(f"not signed: {exc}")
    else:
        if key is None:
            package.problems.append(
                "not signed: no signing key is configured (ARCHIVE_SIGNING_KEY or "
                "ARCHIVE_SIGNING_KEY_FILE; `manage.py signing_key generate` makes one)"
            )
    if key is not None:
        signature = signing.sign_text(digest["hash"], key)
        signed = {
            "hash": digest["hash"],
            "created": created,
            "software": SOFTWARE,
            "signature": signature.signature,
            "publicKey": signature.public_key,
        }
        package.signing_key = signature.fingerprint
        _timestamp_into(signed, package, policy)
        digest["signedData"] = signed
        package.signed = signed
    _rewrite_digest(path, digest)
    return package


def _timestamp_into(signed: dict[str, Any], package: Package, policy: fetcher.FetchPolicy) -> None:
    url = settings.TIMESTAMP_AUTHORITY_URL
    if not url:
        package.problems.append("not timestamped: no TIMESTAMP_AUTHORITY_URL is configured")
        return
    try:
        stamp = timestamping.request_timestamp(
            signed["signature"].encode("ascii"), url=url, policy=policy
        )
    except timestamping.TimestampError as exc:
        package.problems.append(f"not timestamped: {exc}")
        return
    signed["timeSignature"] = _b64(stamp.reply)
    signed["timestampAuthority"] = url
    package.timestamped_by = stamp.authority
    package.timestamped_at = stamp.gen_time


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def wacz_name(capture: Capture) -> str:
    """The WACZ sits next to the capture's WARC: same folder, same stem."""
    warc = capture.warc.name
    stem = warc[: -len(".warc.gz")] if warc.endswith(".warc.gz") else warc.rsplit(".", 1)[0]
    return f"{stem}.wacz"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_package(capture: Capture, folder: Path, *, policy: fetcher.FetchPolicy) -> Package:
    """Build and sign the capture's WACZ in ``folder`` (the storage copy is the caller's)."""
    warc_path = folder / Path(capture.warc.name).name
    with default_storage.open(capture.warc.name, "rb") as src, warc_path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    out = folder / Path(wacz_name(capture)).name
    build_wacz([warc_path], out, title=capture.title)
    package = sign_wacz(out, policy=policy)
    package.sha256 = sha256_file(out)
    package.size = out.stat().st_size
    return package


def package_capture(capture: Capture, *, policy: fetcher.FetchPolicy | None = None) -> str | None:
    """Package, sign and timestamp a finished capture; record it on the capture.

    Returns the WACZ's name in storage, or None when no package could be written (the reason is
    on the capture: ``wacz_problem``, shown on its card, its reader and in the API). A capture
    whose payload equals an earlier one's shares that capture's WARC, and so its package.
    """
    if not capture.warc:
        _record_failure(capture, "no WARC to package")
        return None
    earlier = capture.same_payload_as
    if earlier is not None and earlier.wacz and earlier.warc.name == capture.warc.name:
        return _record(capture, _shared_fields(earlier), reused_from=earlier.pk)
    try:
        with tempfile.TemporaryDirectory(prefix="wacz-") as tmp:
            package = write_package(capture, Path(tmp), policy=policy or fetch_policy())
            name = wacz_name(capture)
            if default_storage.exists(name):
                default_storage.delete(name)
            with package.path.open("rb") as stream:
                stored = default_storage.save(name, File(stream))
    except Exception as exc:  # the capture is archived already: a package problem is recorded
        logger.exception("capture %s: WACZ not written", capture.pk)
        _record_failure(capture, f"WACZ not written: {exc}")
        return None
    fields = {
        "wacz": stored,
        "wacz_size": package.size,
        "wacz_sha256": package.sha256,
        "wacz_signature": package.signed.get("signature", ""),
        "wacz_signing_key": package.signing_key,
        "wacz_signed_at": _parse_created(package.signed.get("created")),
        "wacz_timestamped_at": package.timestamped_at,
        "wacz_timestamped_by": package.timestamped_by[:300],
        "wacz_problem": "; ".join(package.problems),
    }
    return _record(capture, fields)


_WACZ_FIELDS = (
    "wacz",
    "wacz_size",
    "wacz_sha256",
    "wacz_signature",
    "wacz_signing_key",
    "wacz_signed_at",
    "wacz_timestamped_at",
    "wacz_timestamped_by",
    "wacz_problem",
)


def _shared_fields(earlier: Capture) -> dict[str, Any]:
    return {
        name: (earlier.wacz.name if name == "wacz" else getattr(earlier, name))
        for name in _WACZ_FIELDS
    }


def _parse_created(created: str | None) -> Any:
    if not created:
        return None
    return dt.datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


def _record_failure(capture: Capture, reason: str) -> None:
    nothing: dict[str, Any] = {name: "" for name in _WACZ_FIELDS}
    nothing.update(wacz_size=None, wacz_signed_at=None, wacz_timestamped_at=None)
    _record(capture, {**nothing, "wacz_problem": reason})


def _record(capture: Capture, fields: dict[str, Any], *, reused_from: int | None = None) -> Any:
    with transaction.atomic():
        Capture.objects.filter(pk=capture.pk).update(**fields)
        for name, value in fields.items():
            setattr(capture, name, value)
        audit_record(
            action="capture.packaged" if fields.get("wacz") else "capture.package_failed",
            obj=capture,
            system_actor=PACKAGER,
            after={
                "wacz": fields.get("wacz") or "",
                "wacz_sha256": fields.get("wacz_sha256", ""),
                "signed": fields.get("wacz_signed_at") is not None,
                "signing_key": fields.get("wacz_signing_key", ""),
                "timestamped_by": fields.get("wacz_timestamped_by", ""),
                "problem": fields.get("wacz_problem", ""),
                "shared_with_capture": reused_from,
            },
        )
    return fields.get("wacz") or None
