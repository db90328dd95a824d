"""Periodic jobs (the nightly re-screen; reminders later): a small scheduler the worker ticks every minute.

Why not a cron daemon or a systemd timer per job: django-tasks has no periodic tasks, and the worker is
already a long-running process with database access on every machine that runs jobs. Why it is safe with
several workers: each schedule has a :class:`ScheduleSlot` row, and a slot is claimed by a conditional
UPDATE (``last_slot < slot``), so exactly one tick enqueues it however many workers tick at once. A worker that
was down over a slot enqueues the newest missed slot once when it comes back (not every missed one).

Schedules come from ``settings.LIAISON_SCHEDULES``: ``{name: {"kind": ..., "params": {...}, "daily_at":
"HH:MM"}}`` (local time, settings.TIME_ZONE) or ``"every_minutes": N``.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from liaison.core.actors import Actor
from liaison.jobs.models import Job, ScheduleSlot
from liaison.jobs.services import job_enqueue

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    name: str
    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    daily_at: dt.time | None = None
    every: dt.timedelta | None = None

    def slot(self, now: dt.datetime) -> dt.datetime:
        """The newest slot at or before ``now``."""
        if self.every is not None:
            step = int(self.every.total_seconds())
            return dt.datetime.fromtimestamp(int(now.timestamp()) // step * step, tz=dt.UTC)
        assert self.daily_at is not None
        day = timezone.localtime(now).date()
        slot = timezone.make_aware(dt.datetime.combine(day, self.daily_at))
        if slot > now:
            slot = timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=1), self.daily_at))
        return slot


def schedules() -> list[Schedule]:
    found = []
    for name, spec in getattr(settings, "LIAISON_SCHEDULES", {}).items():
        daily = dt.time.fromisoformat(spec["daily_at"]) if spec.get("daily_at") else None
        every = dt.timedelta(minutes=int(spec["every_minutes"])) if spec.get("every_minutes") else None
        if (daily is None) == (every is None):
            raise ValueError(f"schedule {name}: give exactly one of daily_at or every_minutes")
        found.append(Schedule(name, spec["kind"], dict(spec.get("params", {})), daily, every))
    return found


def _slot_row(name: str, slot: dt.datetime) -> tuple[ScheduleSlot, bool]:
    """The schedule's row; a schedule seen for the first time starts with its next slot, not a past one."""
    try:
        with transaction.atomic():
            return ScheduleSlot.objects.get_or_create(name=name, defaults={"last_slot": slot})
    except IntegrityError:  # another worker created it in the same instant
        return ScheduleSlot.objects.get(name=name), False


def schedule_tick(*, now: dt.datetime | None = None) -> list[Job]:
    """Enqueue every schedule whose newest slot has not been enqueued yet; returns the jobs enqueued."""
    now = now or timezone.now()
    enqueued = []
    for schedule in schedules():
        try:
            job = _tick_one(schedule, now)
        except Exception:  # one broken schedule (a kind removed from the code) must not stop the others
            logger.exception("schedule %s failed", schedule.name)
            continue
        if job is not None:
            enqueued.append(job)
    return enqueued


def _tick_one(schedule: Schedule, now: dt.datetime) -> Job | None:
    slot = schedule.slot(now)
    row, created = _slot_row(schedule.name, slot)
    if created:
        return None
    with transaction.atomic():
        if not ScheduleSlot.objects.filter(pk=row.pk, last_slot__lt=slot).update(last_slot=slot):
            return None
        actor = Actor.system(f"schedule:{schedule.name}")
        job = job_enqueue(actor=actor, kind=schedule.kind, params=schedule.params)
        ScheduleSlot.objects.filter(pk=row.pk).update(last_job=job)
    return job
