"""Request budgets per consumer token, per signed-in user and per anonymous IP address.

A sliding window: each caller's accepted requests of the last window are kept (a Redis sorted
set of their times), so no span of one window ever holds more than the rate, even across what
would be a fixed window's edge (where a fixed window lets twice the rate through). One Lua
script drops the entries that left the window, counts, adds this request if it fits and reads
the API's data versions (api.versions), in one round trip, so throttling stays cheap on the polled
endpoints. The script runs through redis-py's Script (EVALSHA, loading it again when Redis lost
it) on django-redis's client.
A refused request is not added: a caller who keeps knocking is let in again as the window
slides. Memory is at most the rate's count of entries per caller. Rates come from settings at
call time.
"""

from __future__ import annotations

import itertools
import math
import secrets
import threading
import time
from typing import Any

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django_redis import get_redis_connection
from django_redis.cache import RedisCache
from rest_framework.throttling import BaseThrottle

from api import versions

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}

# KEYS: the caller's window, the data versions. ARGV: limit, window (ms), now (ms), member.
# Returns {1 if accepted else 0, ms until a request would fit (0 when accepted), versions...}.
SLIDE_AND_READ_VERSION = """
local window = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local wait = 0
local accepted = 0
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  accepted = 1
else
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  wait = math.max(1, math.ceil(tonumber(oldest[2]) + window - now))
end
return {accepted, wait, unpack(redis.call('MGET', unpack(KEYS, 2)))}
"""

# Members of a window must be unique across web processes and machines: a random tag per
# process and a counter.
_MEMBER_TAG = secrets.token_hex(6)
_members = itertools.count()
_memory_lock = threading.Lock()


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period]


def _hit(key: str, limit: int, window: int, request: Any) -> tuple[bool, float]:
    """Count one request in the sliding window keyed `key`: (accepted, seconds to wait).

    With Redis, the same round trip also reads the API's data versions (api.versions) and
    leaves them on the request, so a polled endpoint's 304 costs one round trip in all.
    """
    now_ms = time.time() * 1000
    window_ms = window * 1000
    backend = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(backend, RedisCache):
        scoped = (backend.make_key(versions.KEYS[scope]) for scope in versions.SCOPES)
        keys = [backend.make_key(key), *scoped]
        member = f"{_MEMBER_TAG}:{next(_members)}"
        accepted, wait_ms, *read = _script()(
            keys=keys,
            args=[limit, window_ms, f"{now_ms:.3f}", member],
            client=get_redis_connection(),
        )
        versions.remember(
            request,
            {
                scope: backend.client.decode(value)
                for scope, value in zip(versions.SCOPES, read, strict=False)
                if value is not None
            },
        )
        return bool(accepted), int(wait_ms) / 1000
    # Process memory (development without Redis): the same window, kept as a list of times.
    with _memory_lock:
        times = [t for t in cache.get(key, []) if t > now_ms - window_ms]
        if len(times) < limit:
            cache.set(key, [*times, now_ms], timeout=window + 1)
            return True, 0.0
        cache.set(key, times, timeout=window + 1)
        return False, max(0.001, (times[0] + window_ms - now_ms) / 1000)


def _script() -> Any:
    """The registered script on django-redis's client (redis-py keeps its SHA)."""
    global _registered
    if _registered is None:
        _registered = get_redis_connection().register_script(SLIDE_AND_READ_VERSION)
    return _registered


_registered: Any = None


def token_ident(token_id: int) -> tuple[str, str]:
    return "authenticated", f"token:{token_id}"


def anonymous_ident(request: Any) -> tuple[str, str]:
    """Per client address (X-Forwarded-For behind API_NUM_PROXIES proxies)."""
    return "anonymous", f"ip:{BaseThrottle().get_ident(request)}"


def count_request(request: Any, scope: str, ident: str) -> tuple[bool, int]:
    """Count the request against the caller's budget: (within it, seconds until one fits).

    A request is counted once: when api.polling counted it before DRF's dispatch and then left
    it to DRF, the throttle finds that count on the request.
    """
    limit, window = parse_rate(settings.API_THROTTLE_RATES[scope])
    key = f"api-throttle:{ident}:{limit}/{window}"
    counted = getattr(request, "_api_throttle_count", None)
    if counted is not None and counted[0] == key:
        accepted, wait = counted[1], counted[2]
    else:
        accepted, wait = _hit(key, limit, window, request)
        request._api_throttle_count = (key, accepted, wait)
    return accepted, max(1, math.ceil(wait)) if not accepted else 0


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
