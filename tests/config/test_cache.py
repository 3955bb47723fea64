"""The shared Redis cache keeps one client per connection pool instead of building one for every call."""

import pytest
from django.core.cache import caches

from config.cache import PooledClientRedisCache

pytestmark = pytest.mark.redis


def test_the_shared_cache_reuses_one_client_and_still_reads_what_it_wrote():
    backend = caches["default"]
    assert isinstance(backend, PooledClientRedisCache)
    backend.set("test:pooled-client", {"won": 12900}, 30)
    backend.set_many({"test:pooled-a": 1, "test:pooled-b": "둘"}, 30)

    assert backend.get("test:pooled-client") == {"won": 12900}
    assert backend.get_many(["test:pooled-a", "test:pooled-b"]) == {"test:pooled-a": 1, "test:pooled-b": "둘"}
    assert backend._cache.get_client() is backend._cache.get_client(write=True)
    backend.delete_many(["test:pooled-client", "test:pooled-a", "test:pooled-b"])
