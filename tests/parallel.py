"""Real parallel requests for the concurrency tests: one thread per request, each with its own database
connection (Django's connections are per thread), all released together by a barrier so that they really
overlap. Tests that use this must be ``pytest.mark.django_db(transaction=True)``: the threads see only what is
committed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def run_parallel(count: int, work: Callable[[int], Any], *, timeout: float = 120) -> list[Any]:
    """Run ``work(0) … work(count - 1)`` at once; return their results in order (an exception is returned as
    the result of its thread, so a test can assert on it)."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[index] = work(index)
        except BaseException as exc:  # noqa: BLE001 - reported to the test, which asserts on it
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a parallel request did not finish"
    return results


def file_database() -> bool:
    """Parallel connections need a database that several connections share for real: PostgreSQL, or SQLite
    in a file (the in-memory test database shares one cache whose table locks do not wait)."""
    return connection.vendor != "sqlite" or not connection.is_in_memory_db()
