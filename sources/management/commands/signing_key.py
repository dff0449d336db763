"""manage.py signing_key generate|show: the desk's archive signing key (ECDSA P-256)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sources import signing


class Command(BaseCommand):
    help = (
        "Generate the desk's archive signing key, or show the public half of the configured one. "
        "The private key is a secret: give it to the app as ARCHIVE_SIGNING_KEY_FILE (a path) or "
        "ARCHIVE_SIGNING_KEY (the PEM), never commit it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        generate = sub.add_parser("generate", help="make a new P-256 private key")
        generate.add_argument(
            "--out", help="write the private key PEM to this file (mode 600) instead of stdout"
        )
        generate.add_argument("--force", action="store_true", help="overwrite --out if it exists")
        sub.add_parser("show", help="print the configured key's public PEM and fingerprint")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "generate":
            self._generate(options)
        else:
            self._show()

    def _generate(self, options: dict[str, Any]) -> None:
        pem = signing.generate_private_key_pem()
        public = serialization.load_pem_private_key(pem, password=None).public_key()
        der = public.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        out = options.get("out")
        if out:
            path = Path(out)
            if path.exists() and not options["force"]:
                raise CommandError(f"{path} exists; pass --force to replace it (old WACZs stay "
                                   "verifiable only with the old public key)")  # fmt: skip
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
            self.stderr.write(f"Private key written to {path}; set ARCHIVE_SIGNING_KEY_FILE={path}")
        else:
            self.stdout.write(pem.decode("ascii"), ending="")
        self.stderr.write(f"Public key fingerprint (SHA-256): {signing.fingerprint(der)}")

    def _show(self) -> None:
        try:
            key = signing.desk_public_key()
        except signing.SigningKeyError as exc:
            raise CommandError(str(exc)) from exc
        if key is None:
            raise CommandError(
                "no signing key is configured (ARCHIVE_SIGNING_KEY or ARCHIVE_SIGNING_KEY_FILE)"
            )
        self.stdout.write(signing.public_key_pem(key), ending="")
        fingerprint = signing.fingerprint(signing.public_key_der(key))
        self.stderr.write(f"Public key fingerprint (SHA-256): {fingerprint}")
