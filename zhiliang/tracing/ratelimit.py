"""Fixed-window rate limits on capture and on public scans (T7).

A window is the current minute. Each app process counts hits in memory and shares its counts
through the cache at most every ``SYNC_SECONDS``: on Redis (``REDIS_URL``) one pipelined round
trip adds this process's new hits to every counter it touched (``INCRBY``, ``EXPIRE … NX``) and
reads back the totals of all processes; with the local-memory cache (one process, or a single
machine's development server) the process's own count is the count.

So a busy scan path pays a round trip to Redis once per interval, not once per scan. What this
allows: between two shares, the other processes' newest hits are not yet seen, so a client
spreading requests over every process may go over its limit by what it sends in one interval
(0.1 s); a client over its limit is refused from the next request its process sees.
"""

import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

WINDOW_SECONDS: Final = 60
SYNC_SECONDS: Final = 0.1
CAPTURE_PER_MINUTE: Final = int(getattr(settings, "TRACING_CAPTURE_PER_MINUTE", 120))
SCANS_PER_MINUTE: Final = int(getattr(settings, "TRACING_SCANS_PER_MINUTE", 600))


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends


class _Counters:
    """This process's view of the counters of the current windows."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.unshared: dict[str, int] = {}  # hits not yet added to the shared counters
        self.shared: dict[str, int] = {}  # the shared totals at the last share
        self.shared_at = 0.0
        self.pid = os.getpid()

    def hit(self, key: str) -> tuple[int, bool]:
        """This process's best count of ``key`` after one more hit, and whether to share."""
        with self.lock:
            if self.pid != os.getpid():  # a forked worker starts afresh
                self.unshared, self.shared, self.pid = {}, {}, os.getpid()
            pending = self.unshared.get(key, 0) + 1
            self.unshared[key] = pending
            due = time.monotonic() - self.shared_at >= SYNC_SECONDS
            if due:
                self.shared_at = time.monotonic()
            return self.shared.get(key, 0) + pending, due

    def count(self, key: str) -> int:
        with self.lock:
            return self.shared.get(key, 0) + self.unshared.get(key, 0)

    def share(self, window: int) -> None:
        """Add the unshared hits to the shared counters and read back their totals."""
        with self.lock:
            sent, self.unshared = self.unshared, {}
            current = {k: v for k, v in self.shared.items() if _window(k) >= window}
        totals = _add(sent)
        with self.lock:  # hits that came in meanwhile stay unshared, counted on top
            current.update(totals)
            self.shared = current


def _window(key: str) -> int:
    return int(key.rsplit(":", 1)[1])


_COUNTERS: Final = _Counters()


def hit(bucket: str, who: str, limit: int) -> Verdict:
    now = int(time.time())
    window = now // WINDOW_SECONDS
    key = f"tracing:rl:{bucket}:{who}:{window}"
    count, due = _COUNTERS.hit(key)
    if due:
        _COUNTERS.share(window)
        count = _COUNTERS.count(key)
    return Verdict(count <= limit, WINDOW_SECONDS - now % WINDOW_SECONDS)


def forget() -> None:
    """Drop this process's counts (tests: the cache is cleared between them)."""
    with _COUNTERS.lock:
        _COUNTERS.unshared, _COUNTERS.shared, _COUNTERS.shared_at = {}, {}, 0.0


def _add(hits: dict[str, int]) -> dict[str, int]:
    """Add hits to the shared counters; their totals afterwards."""
    if not hits:
        return {}
    shared = caches["default"]
    if isinstance(shared, RedisCache):
        names = {key: shared.make_and_validate_key(key) for key in hits}
        pipeline = _redis(shared).pipeline(transaction=False)
        for key, n in hits.items():
            pipeline.incrby(names[key], n)
            pipeline.expire(names[key], WINDOW_SECONDS + 5, nx=True)
        results = pipeline.execute()
        return {key: int(results[2 * i]) for i, key in enumerate(hits)}
    totals = {}
    for key, n in hits.items():  # local memory: this process's own counters
        shared.add(key, 0, timeout=WINDOW_SECONDS + 5)
        totals[key] = shared.incr(key, n)
    return totals


def _redis(shared: RedisCache) -> Any:
    """The cache's own client (one per process: ``zhiliang.common.cache``); Django's cache API
    has no pipeline."""
    return shared._cache.get_client(None, write=True)  # type: ignore[attr-defined]


def client_address(meta: Mapping[str, Any]) -> str:
    """The client's address: the proxy's X-Forwarded-For first hop when one is trusted
    (``SECURE_PROXY_SSL_HEADER`` set means the app runs behind its proxy), else REMOTE_ADDR."""
    forwarded = str(meta.get("HTTP_X_FORWARDED_FOR", ""))
    if forwarded and settings.SECURE_PROXY_SSL_HEADER:
        return forwarded.split(",")[0].strip()
    return str(meta.get("REMOTE_ADDR", ""))
