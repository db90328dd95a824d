"""`liaison jobs`: list recent jobs, recover stale ones, tick the scheduler (for a systemd timer or cron)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from liaison.jobs.kinds import registered
from liaison.jobs.models import Job
from liaison.jobs.scheduler import schedule_tick, schedules
from liaison.jobs.services import jobs_recover


class Command(BaseCommand):
    help = "Background jobs: `jobs list`, `jobs recover`, `jobs tick` (enqueue due schedules), `jobs kinds`."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["list", "recover", "tick", "kinds"])
        parser.add_argument("--limit", type=int, default=20)

    def handle(self, *args: Any, action: str, limit: int, **options: Any) -> None:
        if action == "list":
            for job in Job.objects.order_by("-created_at", "-pk")[:limit]:
                self.stdout.write(
                    f"{job.pk:>6} {job.status:<9} {job.kind:<28} {job.progress_done}/{job.progress_total} "
                    f"{job.actor_label} {job.error[:80]}"
                )
        elif action == "recover":
            result = jobs_recover()
            self.stdout.write(f"resumed {result.resumed} failed {result.failed} redispatched {result.redispatched}")
        elif action == "tick":
            for job in schedule_tick():
                self.stdout.write(f"enqueued job {job.pk} ({job.kind})")
        else:
            for name in registered():
                self.stdout.write(name)
            for schedule in schedules():
                when = schedule.daily_at.isoformat() if schedule.daily_at else f"every {schedule.every}"
                self.stdout.write(f"schedule {schedule.name}: {schedule.kind} {when}")
