"""The shared cache on Redis, with one client per process.

Django's ``RedisCache`` builds a new ``redis.Redis`` client object for every call (its pool is
shared, the client is not). Building one costs more than the round trip it makes, and the scan
path reads the shared cache whenever an app process meets a label for the first time. A Redis
client is safe to share between threads (each command borrows a connection from the pool), so
this backend keeps one per pool and process; everything else is Django's.
"""

import os
from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class PooledClients(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[tuple[int, int], Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        slot = (os.getpid(), id(pool))  # a forked worker makes its own
        client = self._clients.get(slot)
        if client is None:
            client = self._clients[slot] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class RedisCache(DjangoRedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with ``PooledClients``."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = PooledClients
