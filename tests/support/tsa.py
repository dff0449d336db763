"""A real RFC 3161 timestamp authority on 127.0.0.1: `openssl ts -reply` behind an HTTP handler.

A test CA and a TSA certificate (critical extendedKeyUsage timeStamping) are made by openssl in a
temporary folder; each POSTed query is answered by `openssl ts -reply` with that key. ``queries``
counts the requests that reached it, so a test can prove one did (or did not).
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sources import signing

TSA_NAME = "Desk Test Timestamp Authority"

_CONFIG = """
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = placeholder
[ ca_ext ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ tsa_ext ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@dataclass
class TimestampAuthority:
    folder: Path
    url: str = ""
    queries: int = 0
    answer_status: int = 200  # set to e.g. 503 to make it refuse
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def ca_file(self) -> Path:
        return self.folder / "ca.crt"

    def reply(self, query: bytes) -> bytes:
        with self._lock:
            self.queries += 1
            (self.folder / "query.tsq").write_bytes(query)
            _openssl(
                "ts",
                "-reply",
                "-config",
                "openssl.cnf",
                "-queryfile",
                "query.tsq",
                "-out",
                "reply.tsr",
                cwd=self.folder,
            )
            return (self.folder / "reply.tsr").read_bytes()


def _make_pki(folder: Path) -> None:
    (folder / "openssl.cnf").write_text(_CONFIG.format(dir=folder))
    (folder / "serial").write_text("01\n")
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    _openssl(
        "req", "-x509", *key, "-keyout", "ca.key", "-out", "ca.crt", "-days", "30",
        "-subj", "/CN=Desk Test Root CA", "-config", "openssl.cnf", "-extensions", "ca_ext",
        cwd=folder,
    )  # fmt: skip
    _openssl(
        "req", "-new", *key, "-keyout", "tsa.key", "-out", "tsa.csr",
        "-subj", f"/CN={TSA_NAME}", "-config", "openssl.cnf",
        cwd=folder,
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", "tsa.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "tsa.crt", "-days", "30",
        "-extfile", "openssl.cnf", "-extensions", "tsa_ext",
        cwd=folder,
    )  # fmt: skip


@contextmanager
def timestamp_authority() -> Iterator[TimestampAuthority]:
    with tempfile.TemporaryDirectory(prefix="test-tsa-") as tmp:
        authority = TimestampAuthority(folder=Path(tmp))
        _make_pki(authority.folder)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                query = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if authority.answer_status != 200:
                    self.send_response(authority.answer_status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = authority.reply(query)
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        authority.url = f"http://127.0.0.1:{server.server_address[1]}/tsa"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield authority
        finally:
            server.shutdown()
            server.server_close()


@pytest.fixture
def signing_key(settings, tmp_path) -> Path:
    """A fresh desk signing key, configured as ARCHIVE_SIGNING_KEY_FILE."""
    key_file = tmp_path / "archive-key.pem"
    key_file.write_bytes(signing.generate_private_key_pem())
    settings.ARCHIVE_SIGNING_KEY = ""
    settings.ARCHIVE_SIGNING_KEY_FILE = str(key_file)
    return key_file


@pytest.fixture
def tsa(settings) -> Iterator[TimestampAuthority]:
    """A running authority, configured as the desk's (URL and trusted root)."""
    with timestamp_authority() as authority:
        settings.TIMESTAMP_AUTHORITY_URL = authority.url
        settings.TIMESTAMP_AUTHORITY_CA_FILE = str(authority.ca_file)
        yield authority
