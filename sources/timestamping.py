"""RFC 3161 timestamps over archive signatures, asked of TIMESTAMP_AUTHORITY_URL.

The request is built and the answer parsed and verified by ``rfc3161-client`` (the Trail of Bits
library that sigstore uses); the request leaves through our guarded fetcher (``fetcher.post``),
like every other outbound byte. What is timestamped is the signature's base64 text, as in
Webrecorder's authsign, so ``openssl ts -verify -data`` over that text checks the same thing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.x509.oid import NameOID
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from sources import fetcher

# A timestamp answer with its certificates is a few kilobytes; more than this is not one.
MAX_REPLY_BYTES = 256 * 1024


class TimestampError(Exception):
    """The authority could not be reached, refused, or answered with something that fails."""


@dataclass(frozen=True)
class Timestamp:
    reply: bytes  # the TimeStampResp, DER, as the authority sent it
    gen_time: dt.datetime
    authority: str  # the name in the authority's certificate (or its URL when it carries none)


def _authority_name(response: TimeStampResponse, fallback: str) -> str:
    certs = [x509.load_der_x509_certificate(der) for der in response.signed_data.certificates]
    signer = next(iter(response.signed_data.signer_infos), None)
    for cert in certs:
        if signer is not None and cert.serial_number == signer.serial_number:
            names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
            if names:
                return str(names[0].value)
            return cert.subject.rfc4514_string()
    return fallback


def _parse(reply: bytes) -> TimeStampResponse:
    try:
        return decode_timestamp_response(reply)
    except ValueError as exc:
        raise TimestampError(f"the answer is not an RFC 3161 timestamp response ({exc})") from exc


def request_timestamp(data: bytes, *, url: str, policy: fetcher.FetchPolicy) -> Timestamp:
    """Ask the authority at ``url`` to timestamp ``data`` (SHA-256), and check what it answers."""
    request = (
        TimestampRequestBuilder()
        .data(data)
        .hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=True)
        .build()
    )
    try:
        answer = fetcher.post(
            url,
            request.as_bytes(),
            headers=[("Content-Type", "application/timestamp-query")],
            policy=policy,
            excerpt_bytes=MAX_REPLY_BYTES + 1,
        )
    except fetcher.FetchError as exc:
        raise TimestampError(f"the timestamp authority could not be asked: {exc.reason}") from exc
    if answer.status != 200:
        raise TimestampError(f"the timestamp authority answered HTTP {answer.status}")
    if len(answer.body_excerpt) > MAX_REPLY_BYTES:
        raise TimestampError("the timestamp authority's answer is too large to be a timestamp")
    response = _parse(answer.body_excerpt)
    if PKIStatus(response.status) not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        detail = "; ".join(response.status_string) or f"status {response.status}"
        raise TimestampError(f"the timestamp authority refused: {detail}")
    info = response.tst_info
    if request.nonce is not None and info.nonce != request.nonce:
        raise TimestampError("the timestamp answers another request (its nonce differs)")
    if info.message_imprint.message != request.message_imprint.message:
        raise TimestampError("the timestamp covers other data than the signature sent")
    return Timestamp(
        reply=answer.body_excerpt,
        gen_time=info.gen_time,
        authority=_authority_name(response, url),
    )


def _self_signed(cert: x509.Certificate) -> bool:
    return cert.issuer == cert.subject


def verify_timestamp(
    reply: bytes, data: bytes, *, roots_pem: bytes | None
) -> tuple[Timestamp, str]:
    """Check that ``reply`` timestamps ``data`` and is signed by a chain to a trusted root.

    ``roots_pem`` are the trusted roots (TIMESTAMP_AUTHORITY_CA_FILE); without them the only
    roots available are the self-signed certificates the reply carries, which proves the reply
    is intact but not who made it: the second value says which trust was used.
    """
    response = _parse(reply)
    carried = [x509.load_der_x509_certificate(der) for der in response.signed_data.certificates]
    if roots_pem:
        roots = x509.load_pem_x509_certificates(roots_pem)
        basis = "trusted roots of TIMESTAMP_AUTHORITY_CA_FILE"
    else:
        roots = [cert for cert in carried if _self_signed(cert)]
        basis = "the certificates the timestamp carries (no TIMESTAMP_AUTHORITY_CA_FILE set)"
    if not roots:
        raise TimestampError(
            "no trusted root to verify the timestamp against (the authority's root CA: "
            "TIMESTAMP_AUTHORITY_CA_FILE, or verify_archive --tsa-ca FILE)"
        )
    builder = VerifierBuilder()
    for root in roots:
        builder = builder.add_root_certificate(root)
    for cert in carried:
        if not _self_signed(cert):
            builder = builder.add_intermediate_certificate(cert)
    try:
        builder.build().verify_message(response, data)
    except VerificationError as exc:
        raise TimestampError(f"the timestamp does not verify: {exc}") from exc
    stamp = Timestamp(
        reply=reply,
        gen_time=response.tst_info.gen_time,
        authority=_authority_name(response, "unnamed authority"),
    )
    return stamp, basis
