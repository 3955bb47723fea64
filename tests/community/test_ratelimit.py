from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine

from community.ratelimit import ratelimit_hit
from config.errors import DomainError

START = datetime(2026, 3, 2, 10, 0, 0, tzinfo=UTC)


def test_ratelimit_under_limit_passes():
    with time_machine.travel(START, tick=False):
        for _ in range(3):
            ratelimit_hit(key="post:user:1", limit=3, window_seconds=60)


def test_ratelimit_over_limit_raises_429_with_wait_message():
    with time_machine.travel(START + timedelta(seconds=15), tick=False):
        for _ in range(3):
            ratelimit_hit(key="post:user:1", limit=3, window_seconds=60)
        with pytest.raises(DomainError) as excinfo:
            ratelimit_hit(key="post:user:1", limit=3, window_seconds=60)
    assert excinfo.value.http_status == 429
    assert excinfo.value.code == "rate_limited"
    assert "45초 뒤에 다시 시도해 주세요" in excinfo.value.message


def test_ratelimit_long_window_says_minutes():
    with time_machine.travel(START, tick=False):
        ratelimit_hit(key="report:user:1", limit=1, window_seconds=3600)
        with pytest.raises(DomainError) as excinfo:
            ratelimit_hit(key="report:user:1", limit=1, window_seconds=3600)
    assert "60분 뒤에" in excinfo.value.message


def test_ratelimit_next_window_allows_again():
    with time_machine.travel(START, tick=False):
        ratelimit_hit(key="post:user:1", limit=1, window_seconds=60)
        with pytest.raises(DomainError):
            ratelimit_hit(key="post:user:1", limit=1, window_seconds=60)
    with time_machine.travel(START + timedelta(seconds=61), tick=False):
        ratelimit_hit(key="post:user:1", limit=1, window_seconds=60)


def test_ratelimit_keys_are_independent():
    with time_machine.travel(START, tick=False):
        ratelimit_hit(key="post:user:1", limit=1, window_seconds=60)
        ratelimit_hit(key="post:user:2", limit=1, window_seconds=60)
        ratelimit_hit(key="comment:user:1", limit=1, window_seconds=60)


def test_ratelimit_dead_cache_fails_open():
    with mock.patch("community.ratelimit.cache.add", side_effect=ConnectionError("redis down")):
        for _ in range(5):
            ratelimit_hit(key="post:user:1", limit=1, window_seconds=60)
