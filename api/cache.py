"""The API's cache backend: Django's Redis cache, with its redis-py client kept between calls.

Django's RedisCacheClient makes a new redis.Redis for every call, and redis-py fills a table of
some 170 response callbacks in each: about as long as the round trip to Redis. The API reads the
data version, a throttle counter and often a cached body on every request, so the client is kept
(redis-py clients are thread-safe, and each thread has its own cache backend anyway).
"""

from __future__ import annotations

import os
from typing import Any

from django.core.cache.backends import redis as django_redis
from redis.exceptions import ConnectionError, NoScriptError, ResponseError, TimeoutError

# What CLIENT LIST calls the connections run_script keeps.
OWN_NAME = "desk-api-scripts"


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}
        self._scripts: dict[str, Any] = {}
        self._own: Any = None
        self._own_pid = 0

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def run_script(self, source: str, keys: list[str], args: list[Any]) -> Any:
        """Run a Lua script in one round trip, on a connection this client keeps to itself.

        Taking a connection from redis-py's pool and giving it back (a lock, a poll for unread
        bytes, bookkeeping) and the client's retry wrapper cost about as much CPU as the round
        trip; the API's throttle runs this on every request. When the server lost the script
        or the connection, the ordinary client loads the script again and retries.
        """
        script = self._scripts.get(source)
        if script is None:
            script = self._scripts[source] = self.get_client(write=True).register_script(source)
        connection = self._own_connection()
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
        return script(keys=keys, args=args)

    def _own_connection(self) -> Any:
        if self._own is None or self._own_pid != os.getpid():  # new, or inherited by a fork
            pool = self._get_connection_pool(True)
            self._own = pool.connection_class(**pool.connection_kwargs, client_name=OWN_NAME)
            self._own_pid = os.getpid()
        return self._own


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
