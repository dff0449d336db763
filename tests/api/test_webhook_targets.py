"""Where webhooks may go: under production's address rules a subscription whose host resolves
to a non-public address is refused when it is made, and a receiver's redirect is a permanent
failure that says where it pointed."""

from __future__ import annotations

import socket

import pytest

from api.models import DeliveryState, WebhookDelivery, WebhookSubscription
from api.services import webhook_attempt, webhook_subscribe
from api.tasks import deliver_webhook
from claims.models import ClaimState
from claims.services import claim_publish
from factcheck.errors import DomainError
from tests.api.receiver import Answer, Receiver


@pytest.fixture
def production_rules(settings):
    settings.FETCH_ALLOW_PRIVATE = False
    return settings


def _own_name_is_loopback() -> bool:
    name = socket.gethostname()
    return all(
        info[4][0].startswith("127.") or info[4][0] == "::1"
        for info in socket.getaddrinfo(name, 80)
    )


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://localhost:8080/hook", "localhost resolves to 127.0.0.1"),
        ("https://hooks.localhost/hook", "hooks.localhost"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is not a public address"),
        ("http://10.20.30.40/hook", "10.20.30.40 is not a public address"),
        ("http://0x7f000001/hook", "127.0.0.1 is not a public address"),
        ("http://[::ffff:192.168.1.9]/hook", "not a public address"),
        ("https://receiver.invalid/hook", "receiver.invalid"),
    ],
)
def test_a_subscription_to_a_non_public_target_is_refused_when_made(
    production_rules, consumer, url, why
):
    with pytest.raises(DomainError) as refused:
        webhook_subscribe(owner=consumer, url=url, events=["verdict.published"])
    assert refused.value.message.startswith("This URL cannot receive webhooks: ")
    assert why in refused.value.message
    assert "url" in refused.value.fields
    assert not WebhookSubscription.objects.exists()


def test_a_name_of_this_machine_is_refused_through_the_api(production_rules, client_for):
    if not _own_name_is_loopback():
        pytest.fail("this test needs a machine whose own name resolves to loopback")
    name = socket.gethostname()
    response = client_for("consumer").post(
        "/api/v1/webhooks/",
        {"url": f"http://{name}:9000/hook", "events": ["verdict.published"]},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert f"{name.lower()} resolves to 127." in error["message"]
    assert "loopback" in error["fields"]["url"][0]
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirecting_receiver_fails_at_once_with_its_reason(
    settings, consumer, editor, claim_in, django_capture_on_commit_callbacks, monkeypatch, status
):
    settings.FETCH_ALLOW_PRIVATE = True  # the receiver listens on 127.0.0.1
    settings.WEBHOOK_MAX_ATTEMPTS = 8
    queued: list[int] = []
    monkeypatch.setattr(deliver_webhook, "delay", queued.append)
    answer = Answer(status, b"moved", headers=(("Location", "http://10.0.0.7/internal"),))
    with Receiver([answer]) as redirecting:
        webhook_subscribe(owner=consumer, url=redirecting.url(), events=["verdict.published"])
        claim = claim_in(ClaimState.AWAITING_APPROVAL, ratings=2, verdict=True)
        with django_capture_on_commit_callbacks(execute=True):
            claim_publish(actor=editor, claim=claim, expected_version=claim.version)
        outcome = webhook_attempt(delivery_id=queued[0])
    assert outcome.retry_in is None
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == DeliveryState.FAILED and delivery.attempts == 1
    assert len(redirecting.received) == 1  # and nothing was sent to where it pointed
    assert delivery.response_status == status
    assert f"the receiver answered HTTP {status}" in delivery.error
    assert "a redirect to http://10.0.0.7/internal" in delivery.error
    assert "redirects are not followed" in delivery.error
    assert [e["retry_in"] for e in delivery.log] == [None]
