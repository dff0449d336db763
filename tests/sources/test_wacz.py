"""Every web capture is packaged as a WACZ that py-wacz's validator accepts, signed, timestamped."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from claims.evidence.services import source_link
from claims.models import Claim
from factcheck.models import AuditEvent
from sources import signing
from sources.models import Capture, CaptureState
from sources.services import capture_perform, capture_request
from sources.wacz_verify import verify_wacz
from tests.sources.httpserver import HTTPTestServer, Reply, make_pdf
from tests.support.tsa import TSA_NAME

HTML = [("Content-Type", "text/html; charset=utf-8")]
PAGE = (
    b"<html><head><title>Port statistics</title></head><body>"
    b"<p>The port handled 41,200 containers in March, a rise of 6% on February.</p>"
    b"</body></html>"
)


def py_wacz_accepts(path: Path) -> bool:
    """py-wacz's own command-line validator, run as a user would run it."""
    done = subprocess.run(
        [str(Path(".venv/bin/wacz").resolve()), "validate", "-f", str(path)],
        capture_output=True,
        text=True,
    )
    return done.returncode == 0 and "Validation succeeded" in done.stdout


def capture_of(fact_checker, url: str):
    claim = Claim.objects.create(text="The port handled 41,200 containers in March.")
    evidence = source_link(actor=fact_checker, claim=claim, url=url)
    capture = evidence.source.captures.get()
    capture_perform(capture_id=capture.pk)
    capture.refresh_from_db()
    return capture


@pytest.fixture
def origin(settings):
    settings.FETCH_ALLOW_PRIVATE = True
    with HTTPTestServer() as server:
        server.route("/stats", Reply(body=PAGE, headers=HTML))
        pdf = make_pdf(["Exports rose 12% in 2023."])
        server.route("/report.pdf", Reply(body=pdf, headers=[("Content-Type", "application/pdf")]))
        yield server


@pytest.mark.django_db
def test_an_archived_page_gets_a_signed_timestamped_wacz_next_to_its_warc(
    fact_checker, origin, signing_key, tsa
):
    capture = capture_of(fact_checker, origin.url("/stats"))
    assert capture.state == CaptureState.ARCHIVED
    assert capture.wacz.name == capture.warc.name.replace(".warc.gz", ".wacz")
    assert capture.wacz_problem == ""
    assert capture.is_signed and capture.is_timestamped
    assert capture.wacz_timestamped_by == TSA_NAME
    assert tsa.queries == 1
    path = Path(default_storage.path(capture.wacz.name))
    assert capture.wacz_size == path.stat().st_size
    assert py_wacz_accepts(path)
    with zipfile.ZipFile(path) as wacz:
        names = set(wacz.namelist())
        pages = [json.loads(line) for line in wacz.read("pages/pages.jsonl").splitlines()]
        signed = json.loads(wacz.read("datapackage-digest.json"))["signedData"]
    assert {"datapackage.json", "datapackage-digest.json", "pages/pages.jsonl"} <= names
    assert any(n.startswith("indexes/") for n in names)
    assert f"archive/{Path(capture.warc.name).name}" in names
    assert pages[1]["url"] == origin.url("/stats")
    assert signed["signature"] == capture.wacz_signature
    report = verify_wacz(
        path, desk_key=capture.wacz_signing_key, tsa_roots=tsa.ca_file.read_bytes()
    )
    assert report.ok, report.failures
    event = AuditEvent.objects.get(action="capture.packaged")
    assert event.after["signed"] is True and event.after["timestamped_by"] == TSA_NAME


@pytest.mark.django_db
def test_a_pdf_capture_is_packaged_too(fact_checker, origin, signing_key, tsa):
    capture = capture_of(fact_checker, origin.url("/report.pdf"))
    assert capture.state == CaptureState.ARCHIVED
    assert py_wacz_accepts(Path(default_storage.path(capture.wacz.name)))


@pytest.mark.django_db
def test_without_a_key_the_wacz_is_written_unsigned_and_says_why(fact_checker, origin, settings):
    settings.ARCHIVE_SIGNING_KEY = ""
    settings.ARCHIVE_SIGNING_KEY_FILE = ""
    capture = capture_of(fact_checker, origin.url("/stats"))
    assert capture.wacz and not capture.is_signed
    assert "no signing key is configured" in capture.wacz_problem
    assert py_wacz_accepts(Path(default_storage.path(capture.wacz.name)))
    report = verify_wacz(Path(default_storage.path(capture.wacz.name)))
    assert [c.name for c in report.failures] == ["signature"]


@pytest.mark.django_db
def test_an_authority_that_refuses_leaves_a_signed_package_and_the_reason(
    fact_checker, origin, signing_key, tsa
):
    tsa.answer_status = 503
    capture = capture_of(fact_checker, origin.url("/stats"))
    assert capture.is_signed and not capture.is_timestamped
    assert capture.wacz_problem == "not timestamped: the timestamp authority answered HTTP 503"
    assert py_wacz_accepts(Path(default_storage.path(capture.wacz.name)))


@pytest.mark.django_db
def test_the_signature_checks_with_openssl_and_the_timestamp_with_openssl_ts(
    fact_checker, origin, signing_key, tsa, tmp_path
):
    """What the README tells a third party to run, run here."""
    capture = capture_of(fact_checker, origin.url("/stats"))
    with zipfile.ZipFile(default_storage.path(capture.wacz.name)) as wacz:
        datapackage = wacz.read("datapackage.json")
        signed = json.loads(wacz.read("datapackage-digest.json"))["signedData"]
    pem = signing.public_key_pem(signing.desk_public_key())
    (tmp_path / "key.pem").write_text(pem)
    (tmp_path / "hash.txt").write_text(signed["hash"])
    (tmp_path / "sig.der").write_bytes(base64.b64decode(signed["signature"]))
    (tmp_path / "sig.txt").write_text(signed["signature"])
    (tmp_path / "stamp.tsr").write_bytes(base64.b64decode(signed["timeSignature"]))
    assert signed["hash"] == "sha256:" + hashlib.sha256(datapackage).hexdigest()
    dgst = subprocess.run(
        ["openssl", "dgst", "-sha256", "-verify", "key.pem", "-signature", "sig.der", "hash.txt"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert dgst.stdout.strip() == "Verified OK"
    ts = subprocess.run(
        ["openssl", "ts", "-verify", "-data", "sig.txt", "-in", "stamp.tsr"]
        + ["-CAfile", str(tsa.ca_file)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert "Verification: OK" in ts.stdout


@pytest.mark.django_db
def test_a_capture_with_the_same_bytes_shares_the_earlier_package(
    fact_checker, origin, signing_key, tsa
):
    first = capture_of(fact_checker, origin.url("/stats"))
    again = capture_request(actor=fact_checker, source=first.source)
    capture_perform(capture_id=again.pk)
    again.refresh_from_db()
    assert again.same_payload_as_id == first.pk
    assert again.wacz.name == first.wacz.name
    assert again.wacz_sha256 == first.wacz_sha256 and again.is_timestamped
    assert tsa.queries == 1  # nothing packaged or timestamped twice
    event = AuditEvent.objects.filter(action="capture.packaged").order_by("-id").first()
    assert event.after["shared_with_capture"] == first.pk


@pytest.mark.django_db
def test_captures_without_a_package_are_packaged_by_the_command(
    fact_checker, origin, signing_key, tsa
):
    capture = capture_of(fact_checker, origin.url("/stats"))
    Capture.objects.filter(pk=capture.pk).update(wacz="", wacz_problem="archived before WACZ")
    out = io.StringIO()
    call_command("package_captures", stdout=out, stderr=io.StringIO())
    capture.refresh_from_db()
    assert out.getvalue().strip() == "1 of 1 captures packaged."
    assert capture.wacz and capture.wacz_problem == "" and capture.is_timestamped
    assert py_wacz_accepts(Path(default_storage.path(capture.wacz.name)))
