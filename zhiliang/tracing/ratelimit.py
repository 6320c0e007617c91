"""Fixed-window rate limits on capture and on public scans (T7).

Counters live in Django's cache: Redis when ``REDIS_URL`` is set (shared by every app process,
``INCR`` is atomic), local memory otherwise (per process, enough for one machine). A window is
the current minute; ``incr`` counts, and ``add`` creates the counter with an expiry when the
window has none yet.
"""

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings
from django.core.cache import cache

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
    key = f"tracing:rl:{bucket}:{who}:{window}"
    try:  # one round trip once the window's counter exists
        count = cache.incr(key)
    except ValueError:
        # (or another process created it meanwhile: count on it)
        count = 1 if cache.add(key, 1, timeout=WINDOW_SECONDS + 5) else cache.incr(key)
    return Verdict(count <= limit, WINDOW_SECONDS - now % WINDOW_SECONDS)


def client_address(meta: Mapping[str, Any]) -> str:
    """The client's address: the proxy's X-Forwarded-For first hop when one is trusted
    (``SECURE_PROXY_SSL_HEADER`` set means the app runs behind its proxy), else REMOTE_ADDR."""
    forwarded = str(meta.get("HTTP_X_FORWARDED_FOR", ""))
    if forwarded and settings.SECURE_PROXY_SSL_HEADER:
        return forwarded.split(",")[0].strip()
    return str(meta.get("REMOTE_ADDR", ""))
