"""Webhook delivery by a real Celery worker, retried after a 503 (kept apart from the
schemathesis module so the two live servers and workers never share a moment)."""

from __future__ import annotations

import pytest
from django.db import connection

from api.models import DeliveryState, WebhookDelivery, WebhookSubscription
from api.services import webhook_subscribe
from api.webhooks import verify
from claims.models import Claim, ClaimState
from claims.services import claim_publish
from claims.signals import verdict_published
from tests.api.receiver import Answer, Receiver
from tests.support.worker import celery_worker, flush_broker, wait_for


@pytest.fixture(autouse=True)
def loopback_receivers(settings):
    settings.FETCH_ALLOW_PRIVATE = True  # the receivers listen on 127.0.0.1
    settings.WEBHOOK_RETRY_BASE_SECONDS = 2
    settings.WEBHOOK_MAX_ATTEMPTS = 3


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_after_a_retry(consumer, make_user, claim_in, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    editor = make_user("editor")
    flush_broker()
    with Receiver([Answer(503, b"busy"), Answer(200, b"thanks")]) as hook:
        subscription = webhook_subscribe(
            owner=consumer, url=hook.url(), events=["verdict.published"]
        )
        claim = claim_in(ClaimState.AWAITING_APPROVAL, ratings=2, verdict=True)
        with celery_worker(
            concurrency=4, env={"WEBHOOK_RETRY_BASE_SECONDS": "1", "FETCH_ALLOW_PRIVATE": "1"}
        ) as worker:
            claim_publish(actor=editor, claim=claim, expected_version=claim.version)
            # The delivery row is written when the publication commits, before any worker runs.
            assert WebhookDelivery.objects.filter(subscription=subscription).exists(), (
                list(WebhookSubscription.objects.values()),
                list(Claim.objects.filter(pk=claim.pk).values("state", "published_at")),
                verdict_published.receivers,
            )
            try:
                delivery = wait_for(
                    lambda: WebhookDelivery.objects.filter(state=DeliveryState.DELIVERED).first(),
                    timeout=60,
                    what="the delivery, retried once",
                )
            except AssertionError:
                print("".join(worker.log[-60:]), list(WebhookDelivery.objects.values()))
                raise
            assert worker.alive
    assert delivery.attempts == 2 and delivery.response_body == "thanks"
    assert [e["status"] for e in delivery.log] == [503, 200]
    first, second = hook.received
    assert second.at - first.at >= 0.9  # the backoff was waited out
    for request in hook.received:
        headers = request.headers
        assert verify(subscription.secret, headers, request.body)
