"""Request budgets per consumer token, per signed-in user and per anonymous IP address.

A fixed window per caller: one INCR (and an EXPIRE on the first hit) in one round trip to Redis,
so throttling stays cheap on the polled endpoints. Rates come from settings at call time.
"""

from __future__ import annotations

import math
import time
from typing import Any

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from rest_framework.throttling import BaseThrottle

from api.conditional import VERSION_KEY

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}

# One round trip: count the request, start the window on its first hit, read the data version.
COUNT_AND_READ_VERSION = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('GET', KEYS[2])}
"""


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period]


def _hit(key: str, window: int, request: Any) -> int:
    """Count one request in the window keyed `key`; return the count so far.

    With Redis, the same round trip also reads the API's data version (api.conditional) and
    leaves it on the request, so a polled endpoint's 304 costs one round trip in all.
    """
    backend = caches[DEFAULT_CACHE_ALIAS]
    client: Any = getattr(backend, "_cache", None)
    if hasattr(client, "run_script"):  # api.cache.RedisCache
        keys = [backend.make_key(key), backend.make_key(VERSION_KEY)]
        count, *version = client.run_script(COUNT_AND_READ_VERSION, keys, [window + 1])
        if version and version[0] is not None:
            request._api_data_version = client._serializer.loads(version[0])
        return int(count)
    if cache.add(key, 1, timeout=window + 1):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 1)
        return 1


def token_ident(token_id: int) -> tuple[str, str]:
    return "authenticated", f"token:{token_id}"


def anonymous_ident(request: Any) -> tuple[str, str]:
    """Per client address (X-Forwarded-For behind API_NUM_PROXIES proxies)."""
    return "anonymous", f"ip:{BaseThrottle().get_ident(request)}"


def count_request(request: Any, scope: str, ident: str) -> tuple[bool, int]:
    """Count the request against the caller's budget: (within it, seconds until the window ends).

    A request is counted once: when api.polling counted it before DRF's dispatch and then left
    it to DRF, the throttle finds that count on the request.
    """
    limit, window = parse_rate(settings.API_THROTTLE_RATES[scope])
    now = time.time()
    slot = int(now // window)
    retry_after = max(1, math.ceil((slot + 1) * window - now))
    key = f"api-throttle:{ident}:{window}:{slot}"
    counted = getattr(request, "_api_throttle_count", None)
    if counted is not None and counted[0] == key:
        count = counted[1]
    else:
        count = _hit(key, window, request)
        request._api_throttle_count = (key, count)
    return count <= limit, retry_after


class ApiRateThrottle(BaseThrottle):
    def scope_and_ident(self, request: Any) -> tuple[str, str]:
        token = getattr(request, "auth", None)
        if token is not None and getattr(token, "pk", None) is not None:
            return token_ident(token.pk)
        if request.user and request.user.is_authenticated:
            return "authenticated", f"user:{request.user.pk}"
        return anonymous_ident(request)

    def allow_request(self, request: Any, view: Any) -> bool:
        allowed, self.retry_after = count_request(request, *self.scope_and_ident(request))
        return allowed

    def wait(self) -> float:
        return self.retry_after
