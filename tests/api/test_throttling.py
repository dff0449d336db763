"""Throttling per consumer token and per anonymous IP: a 429 with Retry-After, then recovery."""

from __future__ import annotations

import random

from rest_framework.test import APIClient


def test_a_token_over_its_budget_gets_429_with_retry_after(settings, client_for):
    settings.API_THROTTLE_RATES = {"anonymous": "100/minute", "authenticated": "3/minute"}
    client = client_for("consumer")
    statuses = [client.get("/api/v1/claims/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/claims/")
    assert response.json()["error"]["code"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another token of the same consumer has its own budget.
    assert client_for("consumer").get("/api/v1/claims/").status_code == 200


def test_anonymous_callers_are_throttled_per_ip_address(db, settings):
    settings.API_THROTTLE_RATES = {"anonymous": "2/minute", "authenticated": "100/minute"}
    # Counters live in Redis for the window: fresh addresses keep test runs apart.
    first_ip, second_ip = (
        f"10.{random.randrange(256)}.{random.randrange(256)}.{n}" for n in (1, 2)
    )
    client = APIClient(REMOTE_ADDR=first_ip)
    assert [client.get("/api/v1/claims/").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/api/v1/claims/")["Retry-After"].isdigit()
    assert APIClient(REMOTE_ADDR=second_ip).get("/api/v1/claims/").status_code == 200


def test_a_window_passes_and_requests_are_allowed_again(settings, client_for, monkeypatch):
    settings.API_THROTTLE_RATES = {"anonymous": "100/minute", "authenticated": "1/second"}
    clock = [1_000_000.2]
    monkeypatch.setattr("api.throttling.time.time", lambda: clock[0])
    client = client_for("consumer")
    assert client.get("/api/v1/claims/").status_code == 200
    throttled = client.get("/api/v1/claims/")
    assert throttled.status_code == 429 and throttled["Retry-After"] == "1"
    clock[0] += 1
    assert client.get("/api/v1/claims/").status_code == 200


def test_a_burst_at_a_window_edge_gets_no_second_budget(settings, client_for, monkeypatch):
    settings.API_THROTTLE_RATES = {"anonymous": "100/minute", "authenticated": "3/minute"}
    clock = [1_000_000 * 60 + 59.5]  # half a second before a fixed window would reset
    monkeypatch.setattr("api.throttling.time.time", lambda: clock[0])
    client = client_for("consumer")
    assert [client.get("/api/v1/claims/").status_code for _ in range(3)] == [200, 200, 200]
    clock[0] += 1  # past the edge: a fixed window would give three more here
    refused = client.get("/api/v1/claims/")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "59"
    clock[0] += 59  # the first three have left the window
    assert [client.get("/api/v1/claims/").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_no_span_of_one_window_lets_more_than_the_rate_through(settings, client_for, monkeypatch):
    settings.API_THROTTLE_RATES = {"anonymous": "100/minute", "authenticated": "10/minute"}
    rng = random.Random(13)
    clock = [6_000_000.0]
    monkeypatch.setattr("api.throttling.time.time", lambda: clock[0])
    client = client_for("consumer")
    accepted = []
    for _ in range(240):  # about four requests a second, in bursts and lulls, for four minutes
        clock[0] += rng.choice([0.01, 0.05, 0.2, 0.5, 1.5])
        if client.get("/api/v1/claims/").status_code == 200:
            accepted.append(clock[0])
    busiest = max(sum(1 for t in accepted if end - 60 < t <= end) for end in accepted)
    assert busiest == 10
    # The budget is still used: about ten a minute over the whole run.
    minutes = (clock[0] - 6_000_000.0) / 60
    assert len(accepted) >= 10 * int(minutes)
