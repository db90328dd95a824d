"""Cache and locks: Redis when REDIS_URL is set (shared by every web process and worker), memory otherwise."""

from __future__ import annotations

import os
import secrets
import threading
from typing import Any

import pytest
from django.core.cache import caches
from django.test import override_settings

from liaison.config.env import cache_config
from liaison.core.locks import cache_lock

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


def test_cache_backend_follows_redis_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert cache_config()["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/2")
    assert cache_config() == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/2",
        "KEY_PREFIX": "liaison",
    }


def _lock_is_exclusive() -> None:
    name = f"test-{secrets.token_hex(4)}"
    with cache_lock(name, timeout=30) as first:
        assert first is True
        with cache_lock(name, timeout=30) as second:
            assert second is False  # held elsewhere: refused, not raised
    with cache_lock(name, timeout=30) as again:
        assert again is True  # released on exit


def test_lock_in_process_memory() -> None:
    _lock_is_exclusive()


def _redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


@pytest.mark.skipif(not _redis_available(), reason="no Redis server at REDIS_URL / 127.0.0.1:6379")
def test_lock_through_redis_is_exclusive_across_connections() -> None:
    """Threads with their own Redis connections stand in for processes: exactly one holds the lock."""
    with override_settings(CACHES={"default": {**cache_config_for(REDIS_URL), "KEY_PREFIX": secrets.token_hex(4)}}):
        assert caches["default"].__class__.__name__ == "RedisCache"
        _lock_is_exclusive()
        name, barrier, held = "race", threading.Barrier(8), []
        release = threading.Event()

        def contend() -> None:
            barrier.wait()
            with cache_lock(name, timeout=30) as got:
                held.append(got)
                if got:
                    release.wait(5)

        threads = [threading.Thread(target=contend) for _ in range(8)]
        for t in threads:
            t.start()
        while len(held) < 8 and any(t.is_alive() for t in threads):
            threading.Event().wait(0.05)
        release.set()
        for t in threads:
            t.join()
        assert sorted(held) == [False] * 7 + [True]


def cache_config_for(url: str) -> dict[str, Any]:
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
