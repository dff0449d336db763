"""Webhooks: subscriptions, who hears what, signed deliveries, retries with backoff, the log."""

from __future__ import annotations

import base64
import json

import pytest

from api.models import DeliveryState, WebhookDelivery, WebhookSubscription
from api.services import webhook_attempt, webhook_subscribe
from api.tasks import deliver_webhook
from api.webhooks import new_secret, signature, verify
from claims.models import ClaimState
from claims.services import claim_publish, claim_start_research
from tests.api.receiver import Answer, Receiver
from tests.api.receiver import receiver as receiver  # noqa: F401 - a fixture


@pytest.fixture(autouse=True)
def loopback_receivers(settings):
    settings.FETCH_ALLOW_PRIVATE = True  # the receivers listen on 127.0.0.1
    settings.WEBHOOK_RETRY_BASE_SECONDS = 2
    settings.WEBHOOK_MAX_ATTEMPTS = 3


@pytest.fixture
def no_queue(monkeypatch):
    """Deliveries are made but not sent to the broker; the test runs them itself."""
    queued: list[int] = []
    monkeypatch.setattr(deliver_webhook, "delay", queued.append)
    return queued


def run_delivery(delivery_id: int) -> list[float]:
    """What the task does, in this process: attempt, then attempt again while it says retry.

    (The backoff is recorded, not waited for; the worker test below waits it out for real.)
    """
    delays = []
    while (outcome := webhook_attempt(delivery_id=delivery_id)).retry_in is not None:
        delays.append(outcome.retry_in)
        WebhookDelivery.objects.filter(pk=delivery_id).update(next_attempt_at=None)
    return delays


def _publish(claim, editor, capture):
    with capture(execute=True):
        claim_publish(actor=editor, claim=claim, expected_version=claim.version)


def test_subscribing_through_the_api_returns_the_secret_once(client_for):
    client = client_for("consumer")
    created = client.post(
        "/api/v1/webhooks/",
        {"url": "https://cms.example/hooks", "events": ["verdict.published"]},
        format="json",
    )
    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("whsec_") and len(base64.b64decode(body["secret"][6:])) == 32
    assert body["events"] == ["verdict.published"]
    listed = client.get("/api/v1/webhooks/").json()["results"]
    assert [s["id"] for s in listed] == [body["id"]] and "secret" not in listed[0]
    assert "secret" not in client.get(f"/api/v1/webhooks/{body['id']}/").json()
    # Someone else's subscription does not exist for another consumer.
    other = client_for("editor")
    assert other.get(f"/api/v1/webhooks/{body['id']}/").status_code == 404
    assert other.delete(f"/api/v1/webhooks/{body['id']}/").status_code == 404
    assert client.delete(f"/api/v1/webhooks/{body['id']}/").status_code == 204
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"url": "ftp://cms.example/x", "events": ["verdict.published"]}, "url"),
        ({"url": "https://cms.example/x", "events": ["verdict.deleted"]}, "events.0"),
        ({"url": "https://cms.example/x", "events": []}, "events"),
    ],
)
def test_bad_subscriptions_are_refused(client_for, payload, field):
    response = client_for("consumer").post("/api/v1/webhooks/", payload, format="json")
    assert response.status_code == 400 and field in response.json()["error"]["fields"]


def test_private_addresses_are_refused_when_not_allowed(client_for, settings):
    settings.FETCH_ALLOW_PRIVATE = False
    response = client_for("consumer").post(
        "/api/v1/webhooks/",
        {"url": "http://10.1.2.3/hook", "events": ["verdict.published"]},
        format="json",
    )
    assert response.status_code == 400 and "private" in response.json()["error"]["message"]


def test_anonymous_callers_cannot_subscribe(client_for):
    response = client_for("anonymous").post(
        "/api/v1/webhooks/", {"url": "https://x.example", "events": ["verdict.published"]}
    )
    assert response.status_code == 401


def test_consumers_hear_of_published_verdicts_only_the_desk_of_every_change(
    consumer, editor, claim_in, django_capture_on_commit_callbacks, no_queue
):
    public = webhook_subscribe(
        owner=consumer,
        url="https://cms.example/h",
        events=["verdict.published", "claim.state_changed"],
    )
    desk = webhook_subscribe(
        owner=editor, url="https://desk.example/h", events=["claim.state_changed"]
    )
    claim = claim_in(ClaimState.NEW)
    with django_capture_on_commit_callbacks(execute=True):
        claim_start_research(actor=editor, claim=claim, expected_version=claim.version)
    assert list(WebhookDelivery.objects.values_list("subscription", "event")) == [
        (desk.pk, "claim.state_changed")
    ]
    ready = claim_in(ClaimState.AWAITING_APPROVAL, ratings=2, verdict=True)
    WebhookDelivery.objects.all().delete()
    no_queue.clear()
    _publish(ready, editor, django_capture_on_commit_callbacks)
    got = sorted(WebhookDelivery.objects.values_list("subscription", "event"))
    assert got == sorted(
        [
            (public.pk, "verdict.published"),
            (public.pk, "claim.state_changed"),
            (desk.pk, "claim.state_changed"),
        ]
    )
    payload = WebhookDelivery.objects.get(event="verdict.published").payload
    assert payload["claim"]["state"] == "published" and payload["verdict"]["number"] == 1
    assert payload["claim"]["public_url"] == f"https://desk.example.org/verdicts/{ready.pk}/"
    assert len(no_queue) == 3


def test_a_delivery_is_signed_and_logged(
    consumer, editor, claim_in, receiver, django_capture_on_commit_callbacks, no_queue
):
    subscription = webhook_subscribe(
        owner=consumer, url=receiver.url(), events=["verdict.published"]
    )
    claim = claim_in(ClaimState.AWAITING_APPROVAL, ratings=2, verdict=True)
    _publish(claim, editor, django_capture_on_commit_callbacks)
    [delivery_id] = no_queue

    run_delivery(delivery_id)

    [request] = receiver.received
    headers = request.headers
    assert headers["X-Desk-Event"] == "verdict.published"
    assert headers["Content-Type"] == "application/json"
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert headers["webhook-id"] == str(delivery.uuid)
    timestamp = int(headers["webhook-timestamp"])
    assert headers["webhook-signature"] == signature(
        subscription.secret, str(delivery.uuid), timestamp, request.body
    )
    assert subscription.secret.startswith("whsec_")
    assert verify(subscription.secret, headers, request.body)
    assert not verify(new_secret(), headers, request.body)
    # The id is signed too: the same body under another id (to dodge de-duplication) fails.
    assert not verify(subscription.secret, {**headers, "webhook-id": "another"}, request.body)
    assert json.loads(request.body)["claim"]["id"] == claim.pk

    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 1
    assert delivery.response_status == 200 and delivery.response_body == "ok"
    assert delivery.delivered_at and delivery.duration_ms is not None
    log = client_log(consumer, subscription)
    assert log[0]["state"] == "delivered" and log[0]["log"][0]["status"] == 200


def client_log(owner, subscription):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(owner)
    return client.get(f"/api/v1/webhooks/{subscription.pk}/deliveries/").json()["results"]


def test_failures_are_retried_with_exponential_backoff_then_given_up(
    consumer, editor, claim_in, django_capture_on_commit_callbacks, no_queue
):
    with Receiver([Answer(500, b"boom")]) as failing:
        subscription = webhook_subscribe(
            owner=consumer, url=failing.url(), events=["verdict.published"]
        )
        failing.secret = subscription.secret
        claim = claim_in(ClaimState.AWAITING_APPROVAL, ratings=2, verdict=True)
        _publish(claim, editor, django_capture_on_commit_callbacks)
        assert run_delivery(no_queue[0]) == [2.0, 4.0]
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == DeliveryState.FAILED and delivery.attempts == 3
    assert len(failing.received) == 3
    assert [e["retry_in"] for e in delivery.log] == [2.0, 4.0, None]
    assert [e["status"] for e in delivery.log] == [500, 500, 500]
    assert "gave up after 3 attempts" in delivery.error and delivery.response_body == "boom"
    # Every retry of one delivery carries the same delivery id, each verifies, and a receiver
    # that de-duplicates on the id handles the delivery once.
    assert len({r.headers["webhook-id"] for r in failing.received}) == 1
    assert all(r.verified for r in failing.received)
    assert list(failing.handled) == [str(delivery.uuid)]


def test_a_blocked_address_fails_at_once(
    consumer, editor, claim_in, receiver, settings, django_capture_on_commit_callbacks, no_queue
):
    webhook_subscribe(owner=consumer, url=receiver.url(), events=["verdict.published"])
    settings.FETCH_ALLOW_PRIVATE = False
    claim = claim_in(ClaimState.AWAITING_APPROVAL, ratings=2, verdict=True)
    _publish(claim, editor, django_capture_on_commit_callbacks)
    run_delivery(no_queue[0])
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == DeliveryState.FAILED and delivery.attempts == 1
    assert "loopback" in delivery.error and receiver.received == []
