"""Writes of the API app: tokens, webhook subscriptions, and webhook deliveries and attempts.

Keyword-only functions, each in one transaction with its audit event (deliveries are their own
log and are not audited). Refusals are factcheck.errors.DomainError.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

import orjson
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.functions import Now
from django.utils import timezone

from api import webhooks
from api.authentication import token_hash
from api.models import (
    ApiToken,
    DeliveryState,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from api.representations import claim_status_of, verdict_public
from claims.models import Claim, VerdictVersion
from claims.selectors import claims_visible_to
from factcheck import jobs
from factcheck.audit import audit_record
from factcheck.errors import DomainError
from factcheck.roles import is_staff_admin
from sources import fetcher
from sources.normalise import InvalidURL, split_url

TOKEN_PREFIX = "fcd_"  # noqa: S105 - a marker, not a secret
SYSTEM = "api"
RESPONSE_EXCERPT_CHARS = 1000


# Tokens ----------------------------------------------------------------------------------------


@transaction.atomic
def api_token_create(
    *, owner: Any, name: str, actor: Any = None, system_actor: str = ""
) -> tuple[ApiToken, str]:
    """Make a token for `owner`; returns the row and the token itself, shown only this once."""
    name = (name or "").strip()
    if not name:
        raise DomainError("A token needs a name saying who uses it.", fields={"name": ["required"]})
    if owner is None or not owner.is_active:
        raise DomainError("Tokens are for active users.", fields={"owner": ["inactive"]})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        owner=owner, name=name[:100], prefix=raw[:12], key_hash=token_hash(raw)
    )
    audit_record(
        action="api_token.created",
        obj=token,
        actor=actor,
        system_actor=system_actor or SYSTEM,
        after={"owner": owner.pk, "name": token.name, "prefix": token.prefix},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Any = None, system_actor: str = "") -> ApiToken:
    """Revoke a token at once (idempotent); the row stays for the record."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(
            action="api_token.revoked",
            obj=locked,
            actor=actor,
            system_actor=system_actor or SYSTEM,
            after={"revoked_at": locked.revoked_at.isoformat()},
        )
    token.revoked_at = locked.revoked_at
    return token


# Subscriptions ---------------------------------------------------------------------------------


def _check_webhook_url(url: str) -> str:
    url = (url or "").strip()
    try:
        parts = split_url(url)
    except InvalidURL as exc:
        raise DomainError(
            f"This URL cannot receive webhooks: {exc}", fields={"url": [str(exc)]}
        ) from None
    policy = webhook_policy()
    # Under production's rules the name is resolved now, through the fetcher's address rules,
    # so a name on a private, loopback or link-local address is refused here rather than at
    # every delivery. (Deliveries check again: a name may move.) With private targets allowed
    # (development and tests) only an address written in the URL is checked.
    if parts.ip is not None or not policy.allow_private:
        try:
            fetcher.check_target(parts.geturl(), policy)
        except fetcher.FetchError as exc:
            reason = exc.reason.removesuffix("; refusing to connect")
            raise DomainError(
                f"This URL cannot receive webhooks: {reason}.", fields={"url": [reason]}
            ) from None
    return parts.geturl()


@transaction.atomic
def webhook_subscribe(
    *, owner: Any, url: str, events: list[str], description: str = ""
) -> WebhookSubscription:
    """Register a URL for some events; the secret is made here and shown to the owner once."""
    events = list(dict.fromkeys(events or []))
    unknown = [e for e in events if e not in WebhookEvent.values]
    if not events or unknown:
        raise DomainError(
            f"Choose events among {', '.join(WebhookEvent.values)}.",
            fields={"events": [f"unknown: {', '.join(unknown)}" if unknown else "required"]},
        )
    subscription = WebhookSubscription.objects.create(
        owner=owner,
        url=_check_webhook_url(url),
        events=events,
        description=(description or "").strip()[:200],
        secret=webhooks.new_secret(),
    )
    audit_record(
        action="webhook.subscribed",
        obj=subscription,
        actor=owner,
        after={"url": subscription.url, "events": events},
    )
    return subscription


@transaction.atomic
def webhook_unsubscribe(*, actor: Any, subscription: WebhookSubscription) -> None:
    """Delete a subscription and its delivery log (its owner, or a staff admin)."""
    if subscription.owner_id != actor.pk and not is_staff_admin(actor):
        raise DomainError("This subscription belongs to someone else.", code="forbidden")
    audit_record(
        action="webhook.unsubscribed",
        obj=subscription,
        actor=actor,
        before={"url": subscription.url, "events": subscription.events},
    )
    subscription.delete()


@transaction.atomic
def webhook_set_active(
    *, actor: Any, subscription: WebhookSubscription, active: bool
) -> WebhookSubscription:
    """Pause or resume a subscription (a staff admin's edit): paused ones are sent nothing."""
    if subscription.owner_id != actor.pk and not is_staff_admin(actor):
        raise DomainError("This subscription belongs to someone else.", code="forbidden")
    locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    if locked.active != active:
        WebhookSubscription.objects.filter(pk=locked.pk).update(active=active)
        audit_record(
            action="webhook.updated",
            obj=locked,
            actor=actor,
            before={"active": locked.active},
            after={"active": active},
        )
        locked.active = active
    return locked


# Deliveries ------------------------------------------------------------------------------------


def _api_url(claim_id: int) -> str:
    return f"{settings.FACTCHECK_PUBLIC_URL}/api/v1/claims/{claim_id}/"


def _payload(event: str, claim: Claim, data: dict[str, Any]) -> dict[str, Any]:
    body = {
        "event": event,
        "occurred_at": timezone.now(),
        "claim": {**claim_status_of(claim), "text": claim.text, "url": _api_url(claim.pk)},
        **data,
    }
    return json.loads(orjson.dumps(body))  # datetimes and decimals as JSON text


def webhook_event_record(*, event: str, claim_id: int, data: dict[str, Any]) -> list[int]:
    """Queue one delivery of `event` to each active subscription whose owner may see the claim.

    Called after the change committed (claims.signals), with ids; returns the delivery ids.
    """
    claim = Claim.objects.select_related("rating").filter(pk=claim_id).first()
    if claim is None:
        return []
    wanted = [
        s
        for s in WebhookSubscription.objects.filter(active=True).select_related("owner")
        if event in s.events and s.owner.is_active
    ]
    payload = _payload(event, claim, data)
    ids: list[int] = []
    with transaction.atomic():
        for subscription in wanted:
            # The one visibility rule: a consumer hears only of what it may read.
            if not claims_visible_to(subscription.owner).filter(pk=claim_id).exists():
                continue
            delivery = WebhookDelivery.objects.create(
                subscription=subscription, event=event, payload=payload
            )
            ids.append(delivery.pk)
        transaction.on_commit(lambda: _enqueue(ids))
    return ids


def _enqueue(ids: list[int]) -> None:
    from api.tasks import deliver_webhook

    for delivery_id in ids:
        deliver_webhook.delay(delivery_id)


def on_claim_state_changed(
    sender: Any, *, claim_id: int, from_state: str, to_state: str, action: str, **kwargs: Any
) -> None:
    webhook_event_record(
        event=WebhookEvent.CLAIM_STATE_CHANGED,
        claim_id=claim_id,
        data={"transition": {"from_state": from_state, "to_state": to_state, "action": action}},
    )


def on_verdict_published(
    sender: Any, *, claim_id: int, verdict_id: int, is_correction: bool, **kwargs: Any
) -> None:
    verdict = VerdictVersion.objects.select_related("rating").filter(pk=verdict_id).first()
    if verdict is None:
        return
    event = WebhookEvent.VERDICT_CORRECTED if is_correction else WebhookEvent.VERDICT_PUBLISHED
    webhook_event_record(
        event=event,
        claim_id=claim_id,
        data={"verdict": {**(verdict_public(verdict) or {}), "is_correction": is_correction}},
    )


@dataclass(frozen=True)
class AttemptOutcome:
    state: str
    retry_in: float | None = None
    detail: str = ""


def webhook_policy() -> fetcher.FetchPolicy:
    return fetcher.FetchPolicy(
        allow_private=settings.FETCH_ALLOW_PRIVATE,
        connect_timeout=min(settings.FETCH_CONNECT_TIMEOUT, settings.WEBHOOK_TIMEOUT),
        total_timeout=settings.WEBHOOK_TIMEOUT,
        max_bytes=64 * 1024,
        max_decompressed_bytes=64 * 1024,
        max_redirects=0,
        user_agent=settings.FETCH_USER_AGENT,
    )


def _take(delivery_id: int) -> bool:
    """Take a pending delivery for this worker (a conditional UPDATE: one taker only)."""
    return jobs.claim(
        WebhookDelivery.objects,
        delivery_id,
        ready={"state": DeliveryState.PENDING},
        taken={"state": DeliveryState.SENDING, "next_attempt_at": None},
        started_field="last_attempt_at",
    )


def webhook_attempt(*, delivery_id: int) -> AttemptOutcome:
    """Send one attempt of a delivery and record it; say when to try again, if ever."""
    if not _take(delivery_id):
        state = (
            WebhookDelivery.objects.filter(pk=delivery_id).values_list("state", flat=True).first()
        )
        return AttemptOutcome(state or "missing", detail="not pending: nothing to do")
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    subscription = delivery.subscription
    if not subscription.active:
        return _record(delivery, error="the subscription was deactivated", give_up=True)
    body = webhooks.body_bytes(delivery.payload)
    headers = webhooks.request_headers(
        secret=subscription.secret,
        timestamp=int(time.time()),
        body=body,
        event=delivery.event,
        delivery_uuid=str(delivery.uuid),
    )
    started = time.monotonic()
    try:
        result = fetcher.post(
            subscription.url, body, headers=headers, policy=webhook_policy(), excerpt_bytes=4096
        )
    except fetcher.Blocked as exc:
        return _record(delivery, error=exc.reason, give_up=True, started=started)
    except fetcher.FetchError as exc:
        return _record(delivery, error=exc.reason, started=started)
    excerpt = result.body_excerpt.decode("utf-8", "replace")[:RESPONSE_EXCERPT_CHARS]
    if 200 <= result.status < 300:
        return _record(
            delivery, status=result.status, body=excerpt, delivered=True, started=started
        )
    if 300 <= result.status < 400:
        # Redirects are never followed (the next hop would be unchecked and unsigned for), and
        # the same URL will answer the same way: give up at once and say where it pointed.
        location = (result.header("Location") or "").strip()[:500]
        return _record(
            delivery,
            status=result.status,
            body=excerpt,
            error=f"the receiver answered HTTP {result.status} {result.reason}".rstrip()
            + (f", a redirect to {location}" if location else ", a redirect")
            + "; redirects are not followed: subscribe the URL that receives the POST",
            give_up=True,
            started=started,
        )
    return _record(
        delivery,
        status=result.status,
        body=excerpt,
        error=f"the receiver answered HTTP {result.status} {result.reason}".rstrip(),
        retry_after=fetcher.parse_retry_after(result.header("Retry-After")),
        started=started,
    )


def _record(
    delivery: WebhookDelivery,
    *,
    status: int | None = None,
    body: str = "",
    error: str = "",
    delivered: bool = False,
    give_up: bool = False,
    retry_after: float | None = None,
    started: float | None = None,
) -> AttemptOutcome:
    duration = int((time.monotonic() - started) * 1000) if started is not None else None
    retry_in = None
    if delivered:
        state = DeliveryState.DELIVERED
    elif give_up or delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        state = DeliveryState.FAILED
        if not give_up:
            error = f"{error} (gave up after {delivery.attempts} attempts)"
    else:
        state = DeliveryState.PENDING
        retry_in = webhooks.backoff_seconds(delivery.attempts, retry_after)
    entry = {
        "attempt": delivery.attempts,
        "at": delivery.last_attempt_at.isoformat() if delivery.last_attempt_at else None,
        "status": status,
        "error": error,
        "duration_ms": duration,
        "retry_in": retry_in,
    }
    WebhookDelivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENDING).update(
        state=state,
        response_status=status,
        response_body=body,
        error=error,
        duration_ms=duration,
        delivered_at=Now() if delivered else None,
        next_attempt_at=jobs.after(retry_in) if retry_in else None,
        log=[*delivery.log, entry],
    )
    return AttemptOutcome(state, retry_in=retry_in, detail=error)


def deliveries_requeue_stale(*, grace_seconds: int = 120) -> list[int]:
    """Deliveries a lost broker message or a dead worker left behind: queue them again.

    Measured with the database's clock (factcheck.jobs), as the capture sweep is."""
    cutoff = jobs.before(grace_seconds + settings.WEBHOOK_TIMEOUT)
    with transaction.atomic():
        WebhookDelivery.objects.filter(
            state=DeliveryState.SENDING, last_attempt_at__lt=cutoff
        ).update(state=DeliveryState.PENDING)
        due = list(
            WebhookDelivery.objects.filter(state=DeliveryState.PENDING)
            .filter(next_attempt_at__lt=jobs.before(grace_seconds))
            .values_list("pk", flat=True)
        ) + list(
            WebhookDelivery.objects.filter(
                state=DeliveryState.PENDING, next_attempt_at__isnull=True, created_at__lt=cutoff
            ).values_list("pk", flat=True)
        )
    _enqueue(due)
    return due


def active_user(username: str) -> Any:
    """For the management command: the active user with this name, or a DomainError."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise DomainError(f"No active user named {username!r}.", code="not_found")
    return user
