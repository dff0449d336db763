"""Webhook signatures and payloads (pure functions; api.services does the writes).

Each delivery is a JSON POST signed with the subscription's secret:

    X-Desk-Timestamp: <unix seconds>
    X-Desk-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">

Receivers recompute the HMAC over the timestamp, a dot and the raw body, compare in constant
time, and refuse timestamps older than a few minutes (replays). X-Desk-Delivery is the same on
every retry of one delivery, so receivers can drop duplicates.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

import orjson
from django.conf import settings

SIGNATURE_HEADER = "X-Desk-Signature"
TIMESTAMP_HEADER = "X-Desk-Timestamp"
EVENT_HEADER = "X-Desk-Event"
DELIVERY_HEADER = "X-Desk-Delivery"


def new_secret() -> str:
    return secrets.token_hex(32)


def body_bytes(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent: sorted keys, so every retry sends the same body."""
    return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)


def signature(secret: str, timestamp: int | str, body: bytes) -> str:
    signed = str(timestamp).encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str, body: bytes, received: str) -> bool:
    """What a receiver does (used by the tests and shown in the docs)."""
    return hmac.compare_digest(signature(secret, timestamp, body), received)


def request_headers(
    *, secret: str, timestamp: int, body: bytes, event: str, delivery_uuid: str
) -> list[tuple[str, str]]:
    return [
        ("Content-Type", "application/json"),
        (EVENT_HEADER, event),
        (DELIVERY_HEADER, delivery_uuid),
        (TIMESTAMP_HEADER, str(timestamp)),
        (SIGNATURE_HEADER, signature(secret, timestamp, body)),
    ]


def backoff_seconds(attempt: int, retry_after: float | None = None) -> float:
    """Exponential (base, 2 x base, 4 x base ... capped); a Retry-After may lengthen it."""
    delay = min(
        settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(0, attempt - 1),
        settings.WEBHOOK_RETRY_MAX_SECONDS,
    )
    if retry_after is not None:
        delay = max(delay, min(retry_after, settings.WEBHOOK_RETRY_MAX_SECONDS))
    return float(delay)
