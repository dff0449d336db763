"""Notifications: who hears of which event on a claim, in the app and by e-mail.

The services where an event happens call one `notify_*` function inside their transaction: the
notification rows commit (or roll back) with the event, and the e-mails are queued on commit, so
a rolled-back action never mails anyone. Each person chooses per kind how it is e-mailed
(NotificationPreference): at once (a Celery task with retries, claims.tasks), in a daily digest
(`manage.py send_digests`, run by beat), or not at all. Nothing is dropped silently: a
notification that was not e-mailed says why (no address, app only, the error of the last try).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from claims import tasks
from claims.models import (
    Claim,
    ClaimComment,
    Delivery,
    EmailState,
    Notification,
    NotificationKind,
    NotificationPreference,
    Rating,
    VerdictVersion,
)
from factcheck.audit import audit_record
from factcheck.errors import DomainError
from factcheck.roles import EDITOR

K = NotificationKind
MENTION = re.compile(r"(?<![\w@.])@([\w.+-]{1,150})")
NO_ADDRESS = "you have no e-mail address on your account"
APP_ONLY = "you chose to see this kind in the app only"


def _actor_name(actor: Any) -> str:
    if getattr(actor, "is_authenticated", False):
        return str(actor.get_username())
    return str(actor or "")


def notify(
    *,
    kind: str,
    claim: Claim,
    recipients: Iterable[Any],
    actor: Any,
    message: str,
    comment: ClaimComment | None = None,
) -> list[Notification]:
    """Write one notification per recipient (never the actor), and queue the e-mails of those
    who want them at once for after the commit. Call it inside the event's transaction."""
    actor_pk = getattr(actor, "pk", None)
    people = {u.pk: u for u in recipients if u is not None and u.pk != actor_pk and u.is_active}
    if not people:
        return []
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=list(people), kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    rows = []
    for pk, person in people.items():
        delivery = chosen.get(pk, Delivery.IMMEDIATE)
        state, reason = EmailState.QUEUED, ""
        if delivery == Delivery.APP:
            state, reason = EmailState.SKIPPED, APP_ONLY
        elif not person.email:
            state, reason = EmailState.SKIPPED, NO_ADDRESS
        elif delivery == Delivery.DAILY:
            state = EmailState.DIGEST
        rows.append(
            Notification(
                recipient_id=pk,
                kind=kind,
                claim_id=claim.pk,
                comment=comment,
                actor_name=_actor_name(actor),
                message=message[:500],
                email_state=state,
                email_reason=reason,
            )
        )
    created = Notification.objects.bulk_create(rows)
    immediate = [n.pk for n in created if n.email_state == EmailState.QUEUED]
    if immediate:
        transaction.on_commit(lambda: _enqueue(immediate))
    return created


def _enqueue(ids: list[int]) -> None:
    for pk in ids:
        tasks.send_notification_email.delay(pk)


def _short(claim: Claim) -> str:
    text = " ".join(claim.text.split())
    return text if len(text) <= 90 else text[:89].rstrip() + "…"


# The events ------------------------------------------------------------------------------------


def notify_assigned(*, claim: Claim, assignee: Any, actor: Any) -> None:
    notify(
        kind=K.ASSIGNED,
        claim=claim,
        recipients=[assignee],
        actor=actor,
        message=f"{_actor_name(actor)} assigned you a claim: {_short(claim)}",
    )


def notify_sent_back(*, claim: Claim, comment: ClaimComment, actor: Any) -> None:
    notify(
        kind=K.SENT_BACK,
        claim=claim,
        recipients=[claim.assignee] if claim.assignee_id else [],
        actor=actor,
        comment=comment,
        message=f"{_actor_name(actor)} sent a claim back to you: {comment.body[:300]}",
    )


def editors() -> QuerySet[Any]:
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name=EDITOR) | Q(is_superuser=True))
        .distinct()
    )


def notify_awaiting_approval(*, claim: Claim, actor: Any) -> None:
    notify(
        kind=K.AWAITING_APPROVAL,
        claim=claim,
        recipients=editors(),
        actor=actor,
        message=f"A claim awaits your approval: {_short(claim)}",
    )


def _raters_and_assignee(claim: Claim) -> list[Any]:
    raters = Rating.objects.filter(claim_id=claim.pk).select_related("reviewer")
    people: dict[int, Any] = {r.reviewer_id: r.reviewer for r in raters}
    if claim.assignee_id:
        people.setdefault(claim.assignee_id, claim.assignee)
    return list(people.values())


def notify_published(*, claim: Claim, actor: Any) -> None:
    notify(
        kind=K.PUBLISHED,
        claim=claim,
        recipients=_raters_and_assignee(claim),
        actor=actor,
        message=f"{_actor_name(actor)} published the verdict on a claim you worked on: "
        f"{_short(claim)}",
    )


def notify_recheck(*, claim: Claim, detail: str) -> None:
    """A re-check alert reaches whoever rated the claim or approved its verdict."""
    raters = Rating.objects.filter(claim_id=claim.pk).select_related("reviewer")
    people: dict[int, Any] = {r.reviewer_id: r.reviewer for r in raters}
    for verdict in VerdictVersion.objects.filter(claim_id=claim.pk).select_related("approved_by"):
        people.setdefault(verdict.approved_by_id, verdict.approved_by)
    notify(
        kind=K.RECHECK,
        claim=claim,
        recipients=people.values(),
        actor="recheck",
        message=f"A source of a published verdict changed: {_short(claim)}"
        + (f" ({detail[:200]})" if detail else ""),
    )


def mentioned_users(body: str) -> QuerySet[Any]:
    """The active desk members named as @username in a comment."""
    names = {m.group(1).rstrip(".") for m in MENTION.finditer(body)}
    if not names:
        return get_user_model().objects.none()
    query = Q()
    for name in names:
        query |= Q(username__iexact=name)
    return get_user_model().objects.filter(query, is_active=True)


def notify_mentions(*, claim: Claim, comment: ClaimComment, actor: Any) -> None:
    notify(
        kind=K.MENTION,
        claim=claim,
        recipients=mentioned_users(comment.body),
        actor=actor,
        comment=comment,
        message=f"{_actor_name(actor)} mentioned you: {comment.body[:300]}",
    )


# Sending ---------------------------------------------------------------------------------------


def _claim_url(claim_id: int) -> str:
    return f"{settings.FACTCHECK_PUBLIC_URL.rstrip('/')}/claims/{claim_id}/"


def email_body(notifications: list[Notification]) -> str:
    lines = []
    for n in notifications:
        lines += [f"- {n.message}", f"  {_claim_url(n.claim_id)}", ""]
    lines.append(
        "Choose how you hear of each kind: "
        f"{settings.FACTCHECK_PUBLIC_URL.rstrip('/')}/notifications/preferences/"
    )
    return "\n".join(lines)


def notification_email_send(*, notification_id: int) -> bool:
    """E-mail one queued notification; True when sent (or already sent), False when there is
    nothing to send. Raises what the mail backend raised, for the task to retry."""
    with transaction.atomic():
        n = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if n is None or n.email_state != EmailState.QUEUED:
            return n is not None and n.email_state == EmailState.SENT
        n.email_attempts += 1
        try:
            send_mail(
                subject=f"[{settings.FACTCHECK_ORGANISATION}] {n.get_kind_display()}",
                message=email_body([n]),
                from_email=None,
                recipient_list=[n.recipient.email],
            )
        except Exception as exc:
            # Kept (the block commits): the page shows the last error while retries go on.
            error = exc
            n.email_reason = f"{type(exc).__name__}: {exc}"[:300]
            n.save(update_fields=["email_attempts", "email_reason"])
        else:
            n.email_state, n.emailed_at, n.email_reason = EmailState.SENT, timezone.now(), ""
            n.save(update_fields=["email_state", "emailed_at", "email_reason", "email_attempts"])
            return True
    raise error


MAILER = "mailer"


@transaction.atomic
def notification_email_failed(*, notification_id: int, reason: str) -> None:
    """The last retry failed: the notification says so, with the reason, and so does the audit
    log (system actor "mailer")."""
    n = (
        Notification.objects.select_for_update()
        .filter(pk=notification_id, email_state=EmailState.QUEUED)
        .first()
    )
    if n is None:
        return
    n.email_state, n.email_reason = EmailState.FAILED, reason[:300]
    n.save(update_fields=["email_state", "email_reason"])
    audit_record(
        action="notification.email_failed",
        obj=n,
        system_actor=MAILER,
        claim=n.claim,
        after={"recipient": n.recipient_id, "kind": n.kind, "attempts": n.email_attempts},
        note=n.email_reason,
    )


def digest_recipients() -> list[Any]:
    """The people with notifications waiting for their daily digest."""
    waiting = Notification.objects.filter(email_state=EmailState.DIGEST)
    people = waiting.values_list("recipient_id", flat=True).distinct().order_by()
    return list(get_user_model().objects.filter(pk__in=list(people)).order_by("pk"))


def digest_send(*, person: Any, now: Any = None) -> bool | None:
    """E-mail one person's digest: True sent, None nothing waited, False the e-mail failed (the
    notifications keep waiting for the next run, with the reason recorded)."""
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(recipient_id=person.pk, email_state=EmailState.DIGEST)
            .order_by("created_at", "id")
        )
        if not rows:
            return None
        ids = [n.pk for n in rows]
        try:
            send_mail(
                subject=f"[{settings.FACTCHECK_ORGANISATION}] Your daily digest: "
                f"{len(rows)} notification{'s' if len(rows) != 1 else ''}",
                message=email_body(rows),
                from_email=None,
                recipient_list=[person.email],
            )
        except Exception as exc:
            reason = f"digest failed, will be tried again: {type(exc).__name__}: {exc}"[:300]
            Notification.objects.filter(pk__in=ids).update(email_reason=reason)
            audit_record(
                action="notification.digest_failed",
                obj=person,
                system_actor=MAILER,
                after={"notifications": ids},
                note=reason,
            )
            return False
        Notification.objects.filter(pk__in=ids).update(
            email_state=EmailState.SENT, emailed_at=now or timezone.now(), email_reason=""
        )
        return True


def digests_send(*, people: Iterable[Any] | None = None) -> dict[str, int]:
    """Every waiting digest, one e-mail per person (`people` defaults to digest_recipients())."""
    people = list(digest_recipients() if people is None else people)
    outcomes = [digest_send(person=p) for p in people]
    return {
        "people": len(people),
        "sent": outcomes.count(True),
        "failed": outcomes.count(False),
    }


# A person's own writes: reading notifications, choosing how each kind reaches them ------------


def notification_mark_read(*, actor: Any, notification_id: int) -> Notification:
    """Mark one of my notifications read (again is harmless); someone else's is not found."""
    n = Notification.objects.filter(pk=notification_id, recipient_id=actor.pk).first()
    if n is None:
        raise DomainError("No such notification of yours.", code="not_found")
    if n.read_at is None:
        Notification.objects.filter(pk=n.pk, read_at__isnull=True).update(read_at=timezone.now())
        n.refresh_from_db(fields=["read_at"])
    return n


def notifications_mark_all_read(*, actor: Any) -> int:
    """Mark every unread notification of mine read; returns how many were."""
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preferences_of(user: Any) -> dict[str, str]:
    """The delivery chosen for each kind (immediate where nothing was chosen)."""
    chosen = dict(
        NotificationPreference.objects.filter(user_id=user.pk).values_list("kind", "delivery")
    )
    return {kind: chosen.get(kind, Delivery.IMMEDIATE) for kind in K.values}


@transaction.atomic
def notification_preferences_set(*, actor: Any, choices: dict[str, str]) -> dict[str, str]:
    """Store how each kind reaches me, with an audit event of what changed."""
    unknown = [k for k, v in choices.items() if k not in K.values or v not in Delivery.values]
    if unknown:
        raise DomainError(
            "Unknown notification kind or delivery: " + ", ".join(sorted(unknown)),
            fields={k: ["invalid"] for k in unknown},
        )
    before = preferences_of(actor)
    for kind, delivery in choices.items():
        NotificationPreference.objects.update_or_create(
            user_id=actor.pk, kind=kind, defaults={"delivery": delivery}
        )
    after = {**before, **choices}
    if after != before:
        audit_record(
            action="notifications.preferences_changed",
            obj=actor,
            actor=actor,
            before=before,
            after=after,
        )
    return after
