"""Periodic schedules: each slot is enqueued once, a new schedule starts with its next slot, and two workers
ticking at the same moment (threads with their own connections, on PostgreSQL) enqueue it once."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from liaison.jobs.models import Job, ScheduleSlot
from liaison.jobs.scheduler import Schedule, schedule_tick

pytestmark = pytest.mark.django_db

EVERY_HOUR = {"hourly-count": {"kind": "test.count", "params": {"n": 2}, "every_minutes": 60}}


def at(hour: int, minute: int = 0, day: int = 1) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 12, day, hour, minute))


def test_daily_slot_is_the_latest_past_occurrence_in_local_time() -> None:
    nightly = Schedule("n", "test.count", daily_at=dt.time(2, 30))
    assert nightly.slot(at(3, 0, day=5)) == at(2, 30, day=5)
    assert nightly.slot(at(2, 29, day=5)) == at(2, 30, day=4)
    assert nightly.slot(at(2, 30, day=5)) == at(2, 30, day=5)


def test_each_slot_is_enqueued_once(settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.LIAISON_SCHEDULES = EVERY_HOUR
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_tick(now=at(10, 5)) == []  # first sight: starts with the next slot
        assert schedule_tick(now=at(10, 50)) == []
        [job] = schedule_tick(now=at(11, 1))
        assert schedule_tick(now=at(11, 30)) == []
        later = schedule_tick(now=at(14, 0))  # a worker down over three slots runs the newest once
    assert len(later) == 1
    job.refresh_from_db()
    assert (job.kind, job.params, job.status, job.actor_label) == (
        "test.count",
        {"n": 2},
        "succeeded",
        "schedule:hourly-count",
    )
    assert ScheduleSlot.objects.get(name="hourly-count").last_slot == at(14, 0)
    assert Job.objects.count() == 2


def test_a_broken_schedule_does_not_stop_the_others(settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.LIAISON_SCHEDULES = {"gone": {"kind": "test.removed", "every_minutes": 60}, **EVERY_HOUR}
    schedule_tick(now=at(10, 5))
    with django_capture_on_commit_callbacks(execute=True):
        jobs = schedule_tick(now=at(11, 5))
    assert [j.kind for j in jobs] == ["test.count"]


@pytest.mark.django_db(transaction=True)
def test_parallel_ticks_enqueue_a_slot_once(settings: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("parallel writers need PostgreSQL (SQLite serialises them anyway)")
    settings.LIAISON_SCHEDULES = EVERY_HOUR
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    schedule_tick(now=at(10, 5))
    barrier, results = threading.Barrier(6), []

    def tick() -> None:
        try:
            barrier.wait()
            results.append(len(schedule_tick(now=at(11, 5))))
        finally:
            connection.close()

    threads = [threading.Thread(target=tick) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0, 0, 0, 0, 0, 1]
    assert Job.objects.count() == 1
