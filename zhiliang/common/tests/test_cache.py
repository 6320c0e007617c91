"""The shared cache on Redis keeps one client per process and behaves as Django's backend."""

import os

import pytest

from zhiliang.common.cache import RedisCache


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)")
def test_the_redis_cache_reuses_its_client_and_keeps_values() -> None:
    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "zhiliang-test-cache"})
    clients = cache._cache  # type: ignore[attr-defined]
    assert clients.get_client() is clients.get_client()  # Django's own builds one per call
    cache.set("card", {"code": "/01/06901234567892/21/SN0001", "hops": [1, 2]}, 30)
    assert cache.get("card") == {"code": "/01/06901234567892/21/SN0001", "hops": [1, 2]}
    assert cache.add("card-count", 0, 30)
    assert cache.incr("card-count") == 1
    cache.delete_many(["card", "card-count"])
    assert cache.get("card") is None
