"""Celery tasks of the desk, where Celery's autodiscovery looks for them (``<app>.tasks``):
e-mailing notifications, at once and as the daily digest, and the evidence tasks
(claims/evidence/tasks.py) re-exported."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from claims.evidence.tasks import match_evidence_for_capture, match_evidence_for_claim

__all__ = [
    "match_evidence_for_capture",
    "match_evidence_for_claim",
    "send_digests",
    "send_notification_email",
]


@shared_task(
    bind=True,
    name="claims.send_notification_email",
    acks_late=True,
    max_retries=settings.NOTIFICATION_EMAIL_MAX_RETRIES,
    ignore_result=True,
)
def send_notification_email(self, notification_id: int) -> bool:
    """E-mail one notification; a failing mail server is tried again with backoff, and after
    the last try the notification says the e-mail failed and why."""
    from claims.notifications import notification_email_failed, notification_email_send

    try:
        return notification_email_send(notification_id=notification_id)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            notification_email_failed(
                notification_id=notification_id, reason=f"{type(exc).__name__}: {exc}"
            )
            return False
        countdown = settings.NOTIFICATION_EMAIL_RETRY_SECONDS * 2**self.request.retries
        raise self.retry(exc=exc, countdown=countdown) from None


@shared_task(name="claims.send_digests", ignore_result=True)
def send_digests() -> dict[str, int]:
    """The daily digest of every person who chose it for some kind (celery beat)."""
    from claims.notifications import digests_send

    return digests_send()
