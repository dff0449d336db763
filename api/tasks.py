"""Celery tasks for webhooks: thin wrappers that take ids and call api.services."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

_SOFT_LIMIT = settings.WEBHOOK_TIMEOUT + 30


@shared_task(
    bind=True,
    name="api.deliver_webhook",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=_SOFT_LIMIT,
    time_limit=_SOFT_LIMIT + 30,
    max_retries=None,  # attempts are counted in the database; the service gives up itself
    ignore_result=True,
)
def deliver_webhook(self, delivery_id: int) -> str:
    """One attempt; when it fails, try again after the backoff the service chose."""
    from api.services import webhook_attempt

    outcome = webhook_attempt(delivery_id=delivery_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.state


@shared_task(name="api.requeue_stale_deliveries", ignore_result=True)
def requeue_stale_deliveries() -> int:
    """Periodic: queue again the deliveries a lost broker message or a dead worker left."""
    from api.services import deliveries_requeue_stale

    return len(deliveries_requeue_stale())
