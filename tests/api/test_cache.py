"""The API's cache (django-redis): the throttle's round trip survives Redis losing its scripts or
its connections."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django_redis import get_redis_connection
from rest_framework.test import APIClient

from api.throttling import SCRIPT_CONNECTION_NAME
from claims.models import ClaimState


@pytest.fixture
def polled(claim_in, settings):
    settings.API_THROTTLE_RATES = {"anonymous": "3/minute", "authenticated": "100/minute"}
    cache.clear()  # throttle windows live in Redis: start with none
    url = f"/api/v1/claims/{claim_in(ClaimState.PUBLISHED).pk}/status/"
    client = APIClient(REMOTE_ADDR="10.0.0.7")
    return client, url, client.get(url)["ETag"]


def _redis():
    return get_redis_connection()


def test_polls_are_counted_after_redis_forgets_its_scripts(polled):
    client, url, etag = polled
    _redis().script_flush()  # as after a restart of Redis
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 429


def test_polls_are_counted_after_redis_drops_the_connection(polled):
    client, url, etag = polled
    redis = _redis()
    db = redis.connection_pool.connection_kwargs.get("db", 0)
    killed = [
        redis.client_kill_filter(_id=connection["id"])
        for connection in redis.client_list()
        if connection["name"] == SCRIPT_CONNECTION_NAME and int(connection["db"]) == db
    ]
    assert killed
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 429
