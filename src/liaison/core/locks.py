"""A named lock shared by every process that shares the cache: Redis when REDIS_URL is set (all web processes
and workers), per-process memory otherwise (one process: nothing else to exclude).

``cache.add`` is atomic on both backends (Redis ``SET NX``), so exactly one caller acquires; the timeout frees
a lock whose holder died. The token check on release keeps a slow holder from freeing a successor's lock."""

from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import Iterator

from django.core.cache import cache


@contextlib.contextmanager
def cache_lock(name: str, *, timeout: float, wait: float = 0.0, poll: float = 0.2) -> Iterator[bool]:
    """Hold ``name`` for at most ``timeout`` seconds; yields False (without raising) if another holder kept it
    for ``wait`` seconds, so the caller decides what to do without the lock."""
    key, token = f"lock:{name}", secrets.token_hex(16)
    deadline = time.monotonic() + wait
    acquired = cache.add(key, token, timeout=timeout)
    while not acquired and time.monotonic() < deadline:
        time.sleep(poll)
        acquired = cache.add(key, token, timeout=timeout)
    try:
        yield acquired
    finally:
        if acquired and cache.get(key) == token:
            cache.delete(key)
