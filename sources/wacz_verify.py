"""Check a WACZ end to end: every file's hash, the WARC records, the digest, signature, timestamp.

Each check is named and says what it found, so a tampered package names the part that changed
(a WARC byte, an index, the pages, datapackage.json, the digest, the signature, the timestamp).
Webrecorder's own validator (py-wacz) runs as one of the checks; the rest is spelled out here
because the validator stops at the first problem and does not verify anonymous signatures.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from wacz.validate import Validation
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from sources import signing, timestamping

DATAPACKAGE = "datapackage.json"
DIGEST_FILE = "datapackage-digest.json"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    signed_by: str = ""  # fingerprint of the key that signed it
    timestamped_by: str = ""
    timestamped_at: Any = None

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]

    def add(self, name: str, ok: bool, detail: str) -> bool:
        self.checks.append(Check(name, ok, detail))
        return ok


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_files(wacz: zipfile.ZipFile, datapackage: dict[str, Any], report: Report) -> None:
    listed = {res.get("path"): res for res in datapackage.get("resources", [])}
    names = [n for n in wacz.namelist() if n not in (DATAPACKAGE, DIGEST_FILE)]
    for name in names:
        resource = listed.pop(name, None)
        if resource is None:
            report.add(f"file {name}", False, "is in the package but not in datapackage.json")
            continue
        data = wacz.read(name)
        expected = str(resource.get("hash", ""))
        actual = "sha256:" + _sha256(data)
        if actual != expected:
            report.add(f"file {name}", False, f"hash {actual} differs from the listed {expected}")
        elif resource.get("bytes") not in (None, len(data)):
            report.add(f"file {name}", False, f"{len(data)} bytes, listed as {resource['bytes']}")
        else:
            report.add(
                f"file {name}", True, f"SHA-256 matches datapackage.json ({len(data)} bytes)"
            )
    for missing in listed:
        report.add(f"file {missing}", False, "listed in datapackage.json but not in the package")
    required = {
        "archive": any(n.startswith("archive/") and ".warc" in n for n in names),
        "indexes": any(n.startswith("indexes/") for n in names),
        "pages/pages.jsonl": "pages/pages.jsonl" in names,
    }
    for part, present in required.items():
        if not present:
            report.add(f"part {part}", False, "missing (the WACZ format requires it)")


def _check_warcs(wacz: zipfile.ZipFile, report: Report) -> None:
    for name in wacz.namelist():
        if not (name.startswith("archive/") and ".warc" in name):
            continue
        records = 0
        try:
            with wacz.open(name) as stream:
                for record in ArchiveIterator(stream, check_digests="raise"):
                    record.content_stream().read()
                    records += 1
        except (ArchiveLoadFailed, ValueError, OSError, EOFError) as exc:
            report.add(f"WARC records {name}", False, f"unreadable or fails a digest: {exc}")
            continue
        report.add(f"WARC records {name}", True, f"{records} records, every digest matches")


def _check_pages(wacz: zipfile.ZipFile, report: Report) -> None:
    if "pages/pages.jsonl" not in wacz.namelist():
        return
    try:
        lines = [json.loads(line) for line in wacz.read("pages/pages.jsonl").splitlines() if line]
        ok = bool(lines) and "format" in lines[0] and all("url" in p for p in lines[1:])
    except ValueError as exc:
        report.add("pages", False, f"pages/pages.jsonl is not JSON lines: {exc}")
        return
    report.add("pages", ok, f"{len(lines) - 1} page(s) listed" if ok else "malformed page list")


def _check_signature(
    datapackage: bytes,
    digest: dict[str, Any],
    report: Report,
    *,
    desk_key: str | None,
    tsa_roots: bytes | None,
    require_timestamp: bool,
) -> None:
    expected = "sha256:" + _sha256(datapackage)
    report.add(
        "digest",
        digest.get("hash") == expected,
        f"{DIGEST_FILE} holds the hash of datapackage.json ({expected})"
        if digest.get("hash") == expected
        else f"{DIGEST_FILE} says {digest.get('hash')}, datapackage.json hashes to {expected}",
    )
    signed = digest.get("signedData")
    if not isinstance(signed, dict):
        report.add("signature", False, "the package is not signed")
        return
    if signed.get("hash") != digest.get("hash"):
        report.add("signature", False, "the signed hash is not the digest's hash")
        return
    created = json.loads(datapackage).get("created")
    if signed.get("created") != created:
        report.add("signature", False, "the signature's time is not datapackage.json's created")
        return
    try:
        key = signing.load_public_key(str(signed.get("publicKey", "")))
    except ValueError as exc:
        report.add("signature", False, f"the public key it carries is unusable: {exc}")
        return
    if not signing.signature_valid(str(signed["hash"]), str(signed.get("signature", "")), key):
        report.add("signature", False, "the signature does not verify with its public key")
        return
    fingerprint = signing.fingerprint(signing.public_key_der(key))
    report.signed_by = fingerprint
    report.add("signature", True, f"ECDSA P-256 signature valid (key {fingerprint[:16]}…)")
    if desk_key is None:
        report.add(
            "signing key", True, "no desk key configured here to compare: the key it carries"
        )
    else:
        same = fingerprint == desk_key
        report.add(
            "signing key",
            same,
            "the desk's published key" if same else f"not the desk's key ({desk_key[:16]}…)",
        )
    _check_timestamp(signed, report, tsa_roots=tsa_roots, required=require_timestamp)


def _check_timestamp(
    signed: dict[str, Any], report: Report, *, tsa_roots: bytes | None, required: bool
) -> None:
    reply_b64 = signed.get("timeSignature")
    if not reply_b64:
        report.add("timestamp", not required, "the signature carries no RFC 3161 timestamp")
        return
    try:
        reply = base64.b64decode(str(reply_b64), validate=True)
        stamp, basis = timestamping.verify_timestamp(
            reply, str(signed["signature"]).encode("ascii"), roots_pem=tsa_roots
        )
    except (ValueError, timestamping.TimestampError) as exc:
        report.add("timestamp", False, str(exc))
        return
    report.timestamped_by = stamp.authority
    report.timestamped_at = stamp.gen_time
    report.add(
        "timestamp",
        True,
        f"timestamped by {stamp.authority} at {stamp.gen_time:%Y-%m-%d %H:%M:%S} UTC "
        f"(verified against {basis})",
    )


def _validator(path: Path, report: Report) -> None:
    chatter = io.StringIO()
    try:
        with contextlib.redirect_stdout(chatter):
            validation = Validation(str(path))
            # The same steps as `wacz validate`; the first answers 0 for success, the rest True.
            ok = validation.check_required_contents() == 0 and all(
                step() is True
                for step in (
                    validation.frictionless_validate,
                    validation.check_file_paths,
                    validation.check_file_hashes,
                    validation.check_data_package_hash_and_sig,
                )
            )
    except Exception as exc:  # the validator raises on packages it cannot even open
        report.add("py-wacz validator", False, f"could not validate: {exc}")
        return
    lines = [line for line in chatter.getvalue().splitlines() if line.strip()]
    report.add("py-wacz validator", ok, "valid" if ok else (lines[-1] if lines else "invalid"))


def verify_wacz(
    path: Path,
    *,
    desk_key: str | None = None,
    tsa_roots: bytes | None = None,
    require_timestamp: bool = False,
) -> Report:
    """Every check of the package at ``path``; ``desk_key`` is the desk's key fingerprint."""
    report = Report()
    try:
        wacz = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        report.add("package", False, f"not a readable ZIP file: {exc}")
        return report
    with wacz:
        try:
            datapackage_bytes = wacz.read(DATAPACKAGE)
            datapackage = json.loads(datapackage_bytes)
            digest = json.loads(wacz.read(DIGEST_FILE))
        except (KeyError, ValueError) as exc:
            report.add("package", False, f"datapackage.json or its digest is missing: {exc}")
            return report
        report.add("package", True, f"WACZ {datapackage.get('wacz_version', '?')}")
        _check_files(wacz, datapackage, report)
        _check_warcs(wacz, report)
        _check_pages(wacz, report)
        _check_signature(
            datapackage_bytes,
            digest,
            report,
            desk_key=desk_key,
            tsa_roots=tsa_roots,
            require_timestamp=require_timestamp,
        )
    _validator(path, report)
    return report


def signature_check(wacz_name: str) -> Report:
    """The quick check the reader view shows: the digest, signature, key and timestamp of the
    stored package (its files' hashes are left to verify_archive, which reads every byte)."""
    report = Report()
    try:
        desk = signing.desk_public_key()
    except signing.SigningKeyError:
        desk = None
    desk_key = None if desk is None else signing.fingerprint(signing.public_key_der(desk))
    roots = None
    if settings.TIMESTAMP_AUTHORITY_CA_FILE:
        with contextlib.suppress(OSError):
            roots = Path(settings.TIMESTAMP_AUTHORITY_CA_FILE).read_bytes()
    try:
        with default_storage.open(wacz_name, "rb") as stream, zipfile.ZipFile(stream) as wacz:
            datapackage = wacz.read(DATAPACKAGE)
            digest = json.loads(wacz.read(DIGEST_FILE))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        report.add("package", False, f"the stored WACZ cannot be read: {exc}")
        return report
    _check_signature(
        datapackage, digest, report, desk_key=desk_key, tsa_roots=roots, require_timestamp=False
    )
    return report
