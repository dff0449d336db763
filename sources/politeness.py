"""Per-host fetch slots in Redis, so one site is never fetched by more than N workers at once."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from django.conf import settings

# Slots are leases: a worker killed mid-fetch frees its slot when the lease runs out.
_ACQUIRE = """
local key, now, lease, limit, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]),
    tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
if redis.call('ZCARD', key) < limit then
    redis.call('ZADD', key, now + lease, member)
    redis.call('EXPIRE', key, math.ceil(lease) + 5)
    return 1
end
return 0
"""


@lru_cache(maxsize=1)
def _client():
    import redis

    return redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=5)


def _key(host: str) -> str:
    return f"factcheck:fetch-slots:{host.lower()}"


@contextmanager
def host_slot(host: str, *, lease_seconds: float) -> Iterator[bool]:
    """Yield True holding one of the host's slots, or False when all are taken.

    Without a broker (development, tasks run in-process one at a time) there is nothing to share
    and every request gets a slot.
    """
    if settings.CELERY_TASK_ALWAYS_EAGER or not host:
        yield True
        return
    client = _client()
    member = uuid.uuid4().hex
    acquired = bool(
        client.eval(
            _ACQUIRE,
            1,
            _key(host),
            time.time(),
            lease_seconds,
            settings.FETCH_PER_HOST_CONCURRENCY,
            member,
        )
    )
    try:
        yield acquired
    finally:
        if acquired:
            client.zrem(_key(host), member)
