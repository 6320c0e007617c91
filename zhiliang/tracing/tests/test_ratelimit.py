"""Rate limits shared by the app processes: each counts in memory and shares its counts through
the cache every ``SYNC_SECONDS``, so hits made in other processes are seen within it."""

import time
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache

from zhiliang.tracing import ratelimit

MID_MINUTE = datetime(2026, 3, 3, 9, 0, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fresh() -> None:
    cache.clear()
    ratelimit.forget()


def test_a_client_over_its_limit_is_refused_until_the_window_ends() -> None:
    with time_machine.travel(MID_MINUTE, tick=False):
        verdicts = [ratelimit.hit("scan", "192.0.2.1", 3) for _ in range(5)]
    assert [v.allowed for v in verdicts] == [True, True, True, False, False]
    assert verdicts[-1].retry_after == 30
    with time_machine.travel(MID_MINUTE.replace(minute=1)):
        time.sleep(ratelimit.SYNC_SECONDS)
        assert ratelimit.hit("scan", "192.0.2.1", 3).allowed  # a new window
    assert ratelimit.hit("scan", "192.0.2.2", 3).allowed  # another client


def test_hits_counted_by_other_processes_are_seen_within_the_interval() -> None:
    with time_machine.travel(MID_MINUTE):  # the clock runs: the interval passes
        assert ratelimit.hit("scan", "192.0.2.9", 5).allowed  # shared at once: the first hit
        window = int(time.time()) // ratelimit.WINDOW_SECONDS
        cache.incr(f"tracing:rl:scan:192.0.2.9:{window}", 10)  # another process's hits
        time.sleep(ratelimit.SYNC_SECONDS)
        verdict = ratelimit.hit("scan", "192.0.2.9", 5)
    assert not verdict.allowed
