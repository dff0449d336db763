"""manage.py verify_archive CAPTURE_ID|FILE: check a WACZ's hashes, signature and timestamp."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sources import signing
from sources.models import Capture
from sources.wacz import sha256_file
from sources.wacz_verify import Report, verify_wacz


class Command(BaseCommand):
    help = (
        "Verify a capture's WACZ (by capture id) or any WACZ file: every file's SHA-256 against "
        "datapackage.json, every WARC record's digest, the datapackage digest, the ECDSA "
        "signature and its key, and the RFC 3161 timestamp. Exits 1 if any check fails."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", help="a capture id, or the path of a .wacz file")
        parser.add_argument(
            "--tsa-ca",
            help="PEM roots of the timestamp authority (default: TIMESTAMP_AUTHORITY_CA_FILE)",
        )
        parser.add_argument(
            "--public-key",
            help="PEM public key the signature must be made with (default: the desk's own key)",
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        target = options["target"]
        roots = self._read(options.get("tsa_ca") or settings.TIMESTAMP_AUTHORITY_CA_FILE)
        desk_key = self._desk_key(options.get("public_key"))
        capture = self._capture(target)
        with tempfile.TemporaryDirectory(prefix="verify-") as tmp:
            if capture is None:
                path = Path(target)
                if not path.is_file():
                    raise CommandError(f"{target} is neither a capture id nor a file")
            else:
                path = Path(tmp) / "capture.wacz"
                with default_storage.open(capture.wacz.name, "rb") as src, path.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
            report = verify_wacz(
                path,
                desk_key=desk_key,
                tsa_roots=roots,
                require_timestamp=bool(capture and capture.is_timestamped),
            )
            if capture is not None:
                self._against_record(capture, path, report)
        self._print(report, options["format"], target)
        if not report.ok:
            names = ", ".join(check.name for check in report.failures)
            raise CommandError(f"{len(report.failures)} check(s) failed: {names}")

    def _read(self, name: str | None) -> bytes | None:
        if not name:
            return None
        try:
            return Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {name}: {exc.strerror or exc}") from exc

    def _desk_key(self, public_key: str | None) -> str | None:
        if public_key:
            pem = self._read(public_key) or b""
            try:
                key = signing.load_public_key_pem(pem)
            except ValueError as exc:
                raise CommandError(f"{public_key}: {exc}") from exc
            return signing.fingerprint(signing.public_key_der(key))
        try:
            key = signing.desk_public_key()
        except signing.SigningKeyError as exc:
            raise CommandError(str(exc)) from exc
        return None if key is None else signing.fingerprint(signing.public_key_der(key))

    def _capture(self, target: str) -> Capture | None:
        if not target.isdigit() or Path(target).is_file():
            return None
        capture = Capture.objects.filter(pk=int(target)).first()
        if capture is None:
            raise CommandError(f"no capture {target}")
        if not capture.wacz:
            raise CommandError(
                f"capture {target} has no WACZ: {capture.wacz_problem or 'not packaged (yet)'}"
            )
        return capture

    def _against_record(self, capture: Capture, path: Path, report: Report) -> None:
        """The file in storage is the one the desk recorded when it packaged the capture."""
        actual, recorded = sha256_file(path), capture.wacz_sha256
        report.add(
            "recorded hash",
            actual == recorded,
            f"the WACZ's SHA-256 is the one recorded for capture {capture.pk}"
            if actual == recorded
            else f"the WACZ hashes to {actual}, capture {capture.pk} recorded {recorded}",
        )

    def _print(self, report: Report, fmt: str, target: str) -> None:
        if fmt == "json":
            stamped = report.timestamped_at
            document = {
                "target": target,
                "ok": report.ok,
                "signed_by": report.signed_by,
                "timestamped_by": report.timestamped_by,
                "timestamped_at": stamped.isoformat() if stamped else None,
                "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in report.checks],
            }
            self.stdout.write(json.dumps(document, indent=2))
            return
        for check in report.checks:
            self.stdout.write(f"{'ok  ' if check.ok else 'FAIL'}  {check.name}: {check.detail}")
        self.stdout.write(
            f"{target}: {'verified' if report.ok else 'NOT verified'} "
            f"({len(report.checks) - len(report.failures)} of {len(report.checks)} checks passed)"
        )
