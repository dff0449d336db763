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
import os
import secrets
import threading
import time
from typing import Any

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django_redis import get_redis_connection
from django_redis.cache import RedisCache
from redis.exceptions import ConnectionError, NoScriptError, ResponseError, TimeoutError
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
        accepted, wait_ms, *read = run_script(keys, [limit, window_ms, f"{now_ms:.3f}", member])
        # Left undecoded: a request reads one scope's version, or none (api.versions.read).
        versions.remember(request, dict(zip(versions.SCOPES, read, strict=False)))
        return bool(accepted), int(wait_ms) / 1000
    # Process memory (development without Redis): the same window, kept as a list of times.
    with _memory_lock:
        times = [t for t in cache.get(key, []) if t > now_ms - window_ms]
        if len(times) < limit:
            cache.set(key, [*times, now_ms], timeout=window + 1)
            return True, 0.0
        cache.set(key, times, timeout=window + 1)
        return False, max(0.001, (times[0] + window_ms - now_ms) / 1000)


# What CLIENT LIST calls the connection the throttle keeps to itself.
SCRIPT_CONNECTION_NAME = "desk-api-throttle"
_own = threading.local()


def run_script(keys: list[str], args: list[Any]) -> Any:
    """The throttle's script in one round trip, on a connection this thread keeps to itself.

    redis-py's Script goes through the client's pool (take a connection, poll it, give it back)
    and retry wrapper, which cost about as much CPU as the round trip itself; the throttle runs
    on every request. So EVALSHA is sent on a connection of django-redis's pool settings kept
    per thread (and per process: a forked child opens its own). When Redis lost the script or
    the connection, redis-py's Script, through the ordinary client, loads it again and retries.
    """
    script = getattr(_own, "script", None)
    if script is None:
        script = _own.script = get_redis_connection().register_script(SLIDE_AND_READ_VERSION)
    connection = getattr(_own, "connection", None)
    if connection is None or _own.pid != os.getpid():
        pool = get_redis_connection().connection_pool
        kwargs = {**pool.connection_kwargs, "client_name": SCRIPT_CONNECTION_NAME}
        connection = _own.connection = pool.connection_class(**kwargs)
        _own.pid = os.getpid()
    try:
        connection.send_command("EVALSHA", script.sha, len(keys), *keys, *args)
        return connection.read_response()
    except NoScriptError:
        pass
    except (ConnectionError, TimeoutError):
        connection.disconnect()
    except ResponseError:
        raise  # the reply was read whole: the connection is still in step
    except BaseException:
        connection.disconnect()  # interrupted mid-exchange: start the next one afresh
        raise
    return script(keys=keys, args=args, client=get_redis_connection())


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
