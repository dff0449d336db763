"""The desk's archive signing key: ECDSA P-256 signatures over a WACZ's datapackage digest.

Follows the anonymous form of Webrecorder's "WACZ Signing and Verification": the signed text is
the digest's ``hash`` string (``sha256:<hex>``, as ASCII), the signature is ECDSA with SHA-256 in
DER, base64-encoded, and the public key travels with it as base64 DER SubjectPublicKeyInfo. The
``cryptography`` package does the work; this module only reads the key from settings and names
the formats, so ``openssl dgst -sha256 -verify`` checks the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings


class SigningKeyError(Exception):
    """The configured key is missing, unreadable or not an ECDSA P-256 private key."""


@dataclass(frozen=True)
class Signature:
    signature: str  # base64 DER ECDSA-SHA256 over the signed text
    public_key: str  # base64 DER SubjectPublicKeyInfo
    fingerprint: str  # SHA-256 hex of the DER public key


def generate_private_key_pem() -> bytes:
    """A new P-256 private key as unencrypted PKCS#8 PEM (kept secret by whoever stores it)."""
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _load_private_key(pem: bytes) -> ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise SigningKeyError(f"the archive signing key is not a readable PEM key ({exc})") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise SigningKeyError("the archive signing key is not an ECDSA P-256 private key")
    return key


def configured_key_pem() -> bytes | None:
    """The PEM of the configured key (ARCHIVE_SIGNING_KEY or ..._FILE), None when neither is set."""
    if settings.ARCHIVE_SIGNING_KEY:
        return settings.ARCHIVE_SIGNING_KEY.replace("\\n", "\n").encode("ascii", "replace")
    if settings.ARCHIVE_SIGNING_KEY_FILE:
        try:
            return Path(settings.ARCHIVE_SIGNING_KEY_FILE).read_bytes()
        except OSError as exc:
            raise SigningKeyError(
                f"ARCHIVE_SIGNING_KEY_FILE cannot be read: {exc.strerror or exc}"
            ) from exc
    return None


def private_key() -> ec.EllipticCurvePrivateKey | None:
    pem = configured_key_pem()
    return None if pem is None else _load_private_key(pem)


def public_key_der(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_key_pem(key: ec.EllipticCurvePublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def desk_public_key() -> ec.EllipticCurvePublicKey | None:
    """The public half of the configured key (what /.well-known/ publishes), None if unset."""
    key = private_key()
    return None if key is None else key.public_key()


def sign_text(text: str, key: ec.EllipticCurvePrivateKey) -> Signature:
    der = public_key_der(key.public_key())
    raw = key.sign(text.encode("ascii"), ec.ECDSA(hashes.SHA256()))
    return Signature(
        signature=base64.b64encode(raw).decode("ascii"),
        public_key=base64.b64encode(der).decode("ascii"),
        fingerprint=fingerprint(der),
    )


def load_public_key(b64_der: str) -> ec.EllipticCurvePublicKey:
    """A base64 DER public key as carried in a signature; ValueError if it is not P-256."""
    return _p256(serialization.load_der_public_key(base64.b64decode(b64_der, validate=True)))


def load_public_key_pem(pem: bytes) -> ec.EllipticCurvePublicKey:
    """A PEM public key (as published at /.well-known/); ValueError if it is not P-256."""
    return _p256(serialization.load_pem_public_key(pem))


def _p256(key: object) -> ec.EllipticCurvePublicKey:
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("the public key is not an ECDSA P-256 key")
    return key


def signature_valid(text: str, signature_b64: str, key: ec.EllipticCurvePublicKey) -> bool:
    try:
        raw = base64.b64decode(signature_b64, validate=True)
        key.verify(raw, text.encode("ascii"), ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return False
    return True
