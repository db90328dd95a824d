"""The chain and its anchors under real parallel writers: threads with their own database connections, released
together by a barrier, on committed data. The chain must stay one unbroken line with every personal part in
place, and parallel anchor runs (two timers, or a timer and an operator) must write one line, not several."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction

from liaison.core import audit, audit_verify
from liaison.core.actors import Actor
from liaison.core.models import AuditEntry, AuditPersonal

pytestmark = pytest.mark.django_db(transaction=True)


def _in_parallel(runs: int, work: Callable[[int], Any]) -> tuple[list[Any], list[str]]:
    barrier = threading.Barrier(runs)
    results: list[Any] = []
    failures: list[str] = []

    def one(number: int) -> None:
        try:
            barrier.wait(timeout=60)
            results.append(work(number))
        except Exception as exc:  # every failure is reported with its message, none is swallowed
            failures.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)
    return results, failures


def _record_five(number: int) -> None:
    with transaction.atomic():
        for step in range(5):
            audit.record(
                actor=Actor.system(f"writer{number}"),
                action="thing.changed",
                object_type="tests.thing",
                object_id=number,
                object_repr=f"Thing {number}",
                after={"step": step},
                personal={"email": f"w{number}@example.org"},
            )


def test_parallel_writers_keep_one_unbroken_chain() -> None:
    """PostgreSQL serialises appends with an advisory lock: every writer succeeds. The test suite's SQLite is an
    in-memory shared-cache database whose table locks fail at once instead of waiting; there a writer may fail
    with "locked" and roll back whole — but the chain never forks and never holds half a transaction."""
    _, failures = _in_parallel(10, _record_five)
    if connection.vendor == "postgresql":
        assert failures == []
    assert all("locked" in failure for failure in failures), failures
    written = 5 * (10 - len(failures))
    assert list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True)) == list(
        range(1, written + 1)
    )
    assert AuditPersonal.objects.count() == written
    result = audit_verify.verify_chain()
    assert (result.ok, result.checked) == (True, written)


def test_parallel_anchor_runs_write_one_line(tmp_path: Path) -> None:
    _record_five(0)
    path = tmp_path / "anchors.jsonl"
    anchors, failures = _in_parallel(8, lambda _: audit_verify.write_anchor(path))
    assert failures == []
    assert sorted(written for _, written in anchors) == [False] * 7 + [True]
    assert {anchor.sequence for anchor, _ in anchors} == {5}
    assert len(path.read_text().splitlines()) == 1
    assert audit_verify.verify_against([path]).ok
