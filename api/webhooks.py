"""Webhook signatures and payloads (pure functions; api.services does the writes).

Each delivery is a JSON POST signed as Standard Webhooks specifies (the `standardwebhooks`
package), with the subscription's secret (`whsec_` and base64 of 32 random bytes):

    webhook-id: <the delivery's id, the same on every retry>
    webhook-timestamp: <unix seconds>
    webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">
    X-Desk-Event: verdict.published | verdict.corrected | claim.state_changed

The id is signed with the body, so a receiver that drops a delivery it already handled (by
webhook-id) cannot be fooled by a replayed body under another id. Receivers verify with any
Standard Webhooks library, e.g. `standardwebhooks.Webhook(secret).verify(body, headers)`, which
also refuses timestamps more than five minutes away (replays).
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from typing import Any

import orjson
from django.conf import settings
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from factcheck.jobs import backoff

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
EVENT_HEADER = "X-Desk-Event"


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def body_bytes(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent: sorted keys, so every retry sends the same body."""
    return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)


def signature(secret: str, delivery_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64>` over the id, the timestamp and the body. Secrets made before the switch to
    Standard Webhooks (64 hex digits) are read as the library reads any secret (base64), so
    receivers holding one verify with the same library call."""
    when = dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)
    return Webhook(secret).sign(delivery_id, when, body.decode("utf-8"))


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """What a receiver does (used by the tests and shown in the docs)."""
    try:
        Webhook(secret).verify(body, headers, json_parse=False)
    except WebhookVerificationError:
        return False
    return True


def request_headers(
    *, secret: str, timestamp: int, body: bytes, event: str, delivery_uuid: str
) -> list[tuple[str, str]]:
    return [
        ("Content-Type", "application/json"),
        (EVENT_HEADER, event),
        (ID_HEADER, delivery_uuid),
        (TIMESTAMP_HEADER, str(timestamp)),
        (SIGNATURE_HEADER, signature(secret, delivery_uuid, timestamp, body)),
    ]


def backoff_seconds(attempt: int, retry_after: float | None = None) -> float:
    """Exponential (base, 2 x base, 4 x base ... capped); a Retry-After may lengthen it."""
    return backoff(
        attempt,
        base=settings.WEBHOOK_RETRY_BASE_SECONDS,
        cap=settings.WEBHOOK_RETRY_MAX_SECONDS,
        retry_after=retry_after,
        retry_after_cap=settings.WEBHOOK_RETRY_MAX_SECONDS,
    )
