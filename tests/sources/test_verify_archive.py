"""verify_archive names the part of a WACZ that was tampered with, and passes an intact one."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from claims.evidence.services import source_link
from claims.models import Claim
from sources import fetcher, signing, timestamping
from sources.services import capture_perform
from sources.wacz import build_wacz, sign_wacz
from sources.wacz_verify import verify_wacz
from sources.warc import write_capture_warc
from tests.sources.httpserver import HTTPTestServer, Reply
from tests.support.tsa import TSA_NAME, TimestampAuthority, timestamp_authority

PAGE = (
    b"<html><head><title>Harbour figures</title></head><body>"
    b"<p>Ships waited nine days on average in May, up from four in April.</p></body></html>"
)
POLICY = fetcher.FetchPolicy(allow_private=True)


@pytest.fixture(scope="module")
def authority() -> Iterator[TimestampAuthority]:
    with timestamp_authority() as tsa:
        yield tsa


@pytest.fixture(scope="module")
def desk_key(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("key") / "desk.pem"
    path.write_bytes(signing.generate_private_key_pem())
    return path


def _fingerprint(key_file: Path) -> str:
    with override_settings(ARCHIVE_SIGNING_KEY="", ARCHIVE_SIGNING_KEY_FILE=str(key_file)):
        key = signing.desk_public_key()
    assert key is not None
    return signing.fingerprint(signing.public_key_der(key))


@pytest.fixture(scope="module")
def intact(tmp_path_factory, authority, desk_key) -> Path:
    """One signed, timestamped WACZ of a page fetched from a test server (no database)."""
    folder = tmp_path_factory.mktemp("wacz")
    with HTTPTestServer() as server:
        server.route("/harbour", Reply(body=PAGE, headers=[("Content-Type", "text/html")]))
        result = fetcher.fetch(server.url("/harbour"), POLICY)
    warc = folder / "capture-1.warc.gz"
    with warc.open("wb") as out:
        write_capture_warc(result, out, software="test", filename=warc.name)
    wacz = folder / "capture-1.wacz"
    build_wacz([warc], wacz, title="Harbour figures")
    with override_settings(
        ARCHIVE_SIGNING_KEY="",
        ARCHIVE_SIGNING_KEY_FILE=str(desk_key),
        TIMESTAMP_AUTHORITY_URL=authority.url,
    ):
        package = sign_wacz(wacz, policy=POLICY)
    assert package.problems == []
    return wacz


def rebuilt(source: Path, target: Path, change: Callable[[str, bytes], bytes]) -> Path:
    """A copy of the WACZ with ``change(name, data)`` applied to every entry's bytes."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            new.writestr(info, change(info.filename, old.read(info)))
    return target


def entry(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as wacz:
        return wacz.read(name)


def warc_name(path: Path) -> str:
    with zipfile.ZipFile(path) as wacz:
        return next(n for n in wacz.namelist() if n.startswith("archive/"))


def digest_with(path: Path, **signed_changes: object) -> Callable[[str, bytes], bytes]:
    def change(name: str, data: bytes) -> bytes:
        if name != "datapackage-digest.json":
            return data
        digest = json.loads(data)
        digest["signedData"].update(signed_changes)
        return json.dumps(digest).encode()

    return change


def flip_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]


def failed(report) -> set[str]:
    return {check.name for check in report.failures}


def check(path: Path, authority: TimestampAuthority, desk_key: Path, **kwargs):
    return verify_wacz(
        path,
        desk_key=_fingerprint(desk_key),
        tsa_roots=authority.ca_file.read_bytes(),
        **kwargs,
    )


def test_an_intact_package_passes_every_check(intact, authority, desk_key):
    report = check(intact, authority, desk_key)
    assert report.ok, report.failures
    names = {c.name for c in report.checks}
    assert {"digest", "signature", "signing key", "timestamp", "py-wacz validator"} <= names
    assert report.timestamped_by == TSA_NAME


def test_a_changed_warc_byte_is_named(intact, authority, desk_key, tmp_path):
    name = warc_name(intact)
    bad = rebuilt(intact, tmp_path / "x.wacz", lambda n, d: flip_byte(d) if n == name else d)
    assert f"file {name}" in failed(check(bad, authority, desk_key))


def test_a_changed_index_is_named(intact, authority, desk_key, tmp_path):
    def change(name: str, data: bytes) -> bytes:
        return data + b"\n" if name == "indexes/index.idx" else data

    bad = rebuilt(intact, tmp_path / "x.wacz", change)
    assert failed(check(bad, authority, desk_key)) >= {"file indexes/index.idx"}


def test_changed_pages_are_named(intact, authority, desk_key, tmp_path):
    def change(name: str, data: bytes) -> bytes:
        return data.replace(b"harbour", b"airport") if name == "pages/pages.jsonl" else data

    bad = rebuilt(intact, tmp_path / "x.wacz", change)
    assert "file pages/pages.jsonl" in failed(check(bad, authority, desk_key))


def test_a_warc_and_datapackage_rewritten_together_break_the_digest(
    intact, authority, desk_key, tmp_path
):
    """Someone who changes a WARC and recomputes its listed hash still cannot match the digest."""
    name = warc_name(intact)
    new_warc = flip_byte(entry(intact, name))
    datapackage = json.loads(entry(intact, "datapackage.json"))
    for resource in datapackage["resources"]:
        if resource["path"] == name:
            resource["hash"] = "sha256:" + hashlib.sha256(new_warc).hexdigest()

    def change(entry_name: str, data: bytes) -> bytes:
        if entry_name == name:
            return new_warc
        if entry_name == "datapackage.json":
            return json.dumps(datapackage).encode()
        return data

    report = check(rebuilt(intact, tmp_path / "x.wacz", change), authority, desk_key)
    assert "digest" in failed(report)
    assert f"file {name}" not in failed(report)  # its listed hash was forged to match
    assert f"WARC records {name}" in failed(report)  # but the record's own digest was not


def test_a_digest_rewritten_to_match_a_changed_datapackage_fails_the_signature(
    intact, authority, desk_key, tmp_path
):
    datapackage = json.loads(entry(intact, "datapackage.json"))
    datapackage["title"] = "Something else"
    new_bytes = json.dumps(datapackage).encode()
    new_hash = "sha256:" + hashlib.sha256(new_bytes).hexdigest()

    def change(name: str, data: bytes) -> bytes:
        if name == "datapackage.json":
            return new_bytes
        if name == "datapackage-digest.json":
            digest = json.loads(data)
            digest["hash"] = new_hash
            digest["signedData"]["hash"] = new_hash
            return json.dumps(digest).encode()
        return data

    report = check(rebuilt(intact, tmp_path / "x.wacz", change), authority, desk_key)
    assert "digest" not in failed(report)
    assert "signature" in failed(report)
    assert any("does not verify" in c.detail for c in report.failures if c.name == "signature")


def test_a_changed_signature_is_named(intact, authority, desk_key, tmp_path):
    signed = json.loads(entry(intact, "datapackage-digest.json"))["signedData"]
    forged = base64.b64encode(flip_byte(base64.b64decode(signed["signature"]))).decode()
    bad = rebuilt(intact, tmp_path / "x.wacz", digest_with(intact, signature=forged))
    assert "signature" in failed(check(bad, authority, desk_key))


def test_a_package_re_signed_with_another_key_is_not_the_desks(
    intact, authority, desk_key, tmp_path
):
    other = signing._load_private_key(signing.generate_private_key_pem())
    signed = json.loads(entry(intact, "datapackage-digest.json"))["signedData"]
    forged = signing.sign_text(signed["hash"], other)
    bad = rebuilt(
        intact,
        tmp_path / "x.wacz",
        digest_with(intact, signature=forged.signature, publicKey=forged.public_key),
    )
    report = check(bad, authority, desk_key)
    assert "signing key" in failed(report)
    assert "signature" not in failed(report)  # a valid signature, by someone else


def test_a_changed_timestamp_is_named(intact, authority, desk_key, tmp_path):
    signed = json.loads(entry(intact, "datapackage-digest.json"))["signedData"]
    stamp = base64.b64decode(signed["timeSignature"])
    forged = base64.b64encode(stamp[:-40] + flip_byte(stamp[-40:])).decode()
    bad = rebuilt(intact, tmp_path / "x.wacz", digest_with(intact, timeSignature=forged))
    assert failed(check(bad, authority, desk_key)) >= {"timestamp"}


def test_a_timestamp_from_another_signature_is_named(intact, authority, desk_key, tmp_path):
    """A genuine timestamp, moved from another package onto this one, does not cover it."""
    other = timestamping.request_timestamp(b"another signature", url=authority.url, policy=POLICY)
    moved = base64.b64encode(other.reply).decode()
    bad = rebuilt(intact, tmp_path / "x.wacz", digest_with(intact, timeSignature=moved))
    report = check(bad, authority, desk_key)
    assert failed(report) == {"timestamp"}


def test_a_timestamp_checked_without_the_authoritys_root_says_so(intact, desk_key):
    report = verify_wacz(intact, desk_key=_fingerprint(desk_key), tsa_roots=None)
    timestamp = next(c for c in report.checks if c.name == "timestamp")
    assert not timestamp.ok and "no trusted root" in timestamp.detail


def test_the_command_exits_non_zero_and_names_what_failed(
    intact, authority, desk_key, tmp_path, settings
):
    settings.ARCHIVE_SIGNING_KEY_FILE = str(desk_key)
    settings.TIMESTAMP_AUTHORITY_CA_FILE = str(authority.ca_file)
    out = io.StringIO()
    call_command("verify_archive", str(intact), stdout=out)
    assert "verified" in out.getvalue() and "FAIL" not in out.getvalue()
    name = warc_name(intact)
    bad = rebuilt(intact, tmp_path / "x.wacz", lambda n, d: flip_byte(d) if n == name else d)
    out = io.StringIO()
    with pytest.raises(CommandError, match=f"file {name}"):
        call_command("verify_archive", str(bad), stdout=out)
    assert f"FAIL  file {name}" in out.getvalue()


@pytest.mark.django_db
def test_the_command_checks_a_capture_against_what_was_recorded(
    fact_checker, settings, authority, desk_key
):
    settings.FETCH_ALLOW_PRIVATE = True
    settings.ARCHIVE_SIGNING_KEY_FILE = str(desk_key)
    settings.TIMESTAMP_AUTHORITY_URL = authority.url
    settings.TIMESTAMP_AUTHORITY_CA_FILE = str(authority.ca_file)
    with HTTPTestServer() as server:
        server.route("/harbour", Reply(body=PAGE, headers=[("Content-Type", "text/html")]))
        claim = Claim.objects.create(text="Ships waited nine days on average in May.")
        capture = source_link(actor=fact_checker, claim=claim, url=server.url("/harbour"))
        capture = capture.source.captures.get()
        capture_perform(capture_id=capture.pk)
    capture.refresh_from_db()
    out = io.StringIO()
    call_command("verify_archive", str(capture.pk), "--format", "json", stdout=out)
    document = json.loads(out.getvalue())
    assert document["ok"] is True
    assert document["timestamped_by"] == TSA_NAME
    assert {"recorded hash", "signing key", "timestamp"} <= {c["name"] for c in document["checks"]}
    # The stored file replaced by a valid but different package: the recorded hash catches it.
    stored = Path(default_storage.path(capture.wacz.name))
    shutil.copy(stored, stored.with_suffix(".bak"))
    with zipfile.ZipFile(stored.with_suffix(".bak")) as old, zipfile.ZipFile(stored, "w") as new:
        for info in reversed(old.infolist()):  # the same entries in another order
            new.writestr(info, old.read(info))
    with pytest.raises(CommandError, match="recorded hash"):
        call_command("verify_archive", str(capture.pk), stdout=io.StringIO())
