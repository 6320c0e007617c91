"""Fixed-window rate limits on capture and on public scans (T7).

Counters live in Django's cache: Redis when ``REDIS_URL`` is set (shared by every app process,
``INCR`` is atomic), local memory otherwise (per process, enough for one machine). A window is
the current minute. On Redis one pipelined round trip counts and sets the window's expiry
(``INCR`` then ``EXPIRE … NX``); elsewhere ``incr`` counts, and ``add`` creates the counter
with an expiry when the window has none yet.
"""

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

WINDOW_SECONDS: Final = 60
CAPTURE_PER_MINUTE: Final = int(getattr(settings, "TRACING_CAPTURE_PER_MINUTE", 120))
SCANS_PER_MINUTE: Final = int(getattr(settings, "TRACING_SCANS_PER_MINUTE", 600))


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends


def hit(bucket: str, who: str, limit: int) -> Verdict:
    now = int(time.time())
    window = now // WINDOW_SECONDS
    count = _count(f"tracing:rl:{bucket}:{who}:{window}")
    return Verdict(count <= limit, WINDOW_SECONDS - now % WINDOW_SECONDS)


def _count(key: str) -> int:
    shared = caches["default"]
    if isinstance(shared, RedisCache):
        name = shared.make_and_validate_key(key)
        pipeline = _redis(shared).pipeline(transaction=False)
        pipeline.incr(name)
        pipeline.expire(name, WINDOW_SECONDS + 5, nx=True)
        counted, _expiry = pipeline.execute()
        return int(counted)
    try:
        return cache.incr(key)
    except ValueError:
        # (or another process created it meanwhile: count on it)
        return 1 if cache.add(key, 1, timeout=WINDOW_SECONDS + 5) else cache.incr(key)


_CLIENTS: dict[int, Any] = {}


def _redis(shared: RedisCache) -> Any:
    """One client per process on the cache's own connection pool (Django's backend builds a
    new client object for every call, which costs more than the counting)."""
    client = _CLIENTS.get(os.getpid())
    if client is None:
        backend = shared._cache  # type: ignore[attr-defined]
        client = backend._client(connection_pool=backend._get_connection_pool(write=True))
        _CLIENTS.clear()
        _CLIENTS[os.getpid()] = client
    return client


def client_address(meta: Mapping[str, Any]) -> str:
    """The client's address: the proxy's X-Forwarded-For first hop when one is trusted
    (``SECURE_PROXY_SSL_HEADER`` set means the app runs behind its proxy), else REMOTE_ADDR."""
    forwarded = str(meta.get("HTTP_X_FORWARDED_FOR", ""))
    if forwarded and settings.SECURE_PROXY_SSL_HEADER:
        return forwarded.split(",")[0].strip()
    return str(meta.get("REMOTE_ADDR", ""))
