"""`liaison worker`: django-tasks-db's worker loop plus the platform's upkeep (stale-run recovery, schedules).

The upkeep runs once before the first job, then in a thread of the worker process every ``--upkeep-interval``
seconds, so a job whose worker was killed is resumed or failed soon after the stale limit, without a separate
process to deploy. Several workers may run: recovery and schedule slots are claimed by conditional updates.
"""

from __future__ import annotations

import logging
import threading
from argparse import ArgumentParser
from typing import Any

from django.db import connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from liaison.core.context import correlation_scope
from liaison.jobs.scheduler import schedule_tick
from liaison.jobs.services import jobs_recover

logger = logging.getLogger("liaison.jobs.worker")


class Upkeep(threading.Thread):
    def __init__(self, interval: float) -> None:
        super().__init__(name="liaison-upkeep", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                self.tick()
        finally:
            connection.close()

    def tick(self) -> None:
        try:
            with correlation_scope():
                jobs_recover()
            with correlation_scope():
                schedule_tick()
        except Exception:  # the next tick tries again; a worker must not die of its upkeep
            logger.exception("worker upkeep failed")


class Command(DbWorkerCommand):
    help = "Run background jobs (django-tasks database worker) with stale-run recovery and the scheduler."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--upkeep-interval",
            type=float,
            default=30.0,
            help="Seconds between stale-job recovery and scheduler ticks (default: %(default)s).",
        )
        parser.add_argument("--no-upkeep", action="store_true", help="Run jobs only (another worker does upkeep).")
        # The autoreloader restarts the process on code changes and would kill running jobs; opt in with --reload.
        parser.set_defaults(reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        upkeep_interval, no_upkeep = options.pop("upkeep_interval"), options.pop("no_upkeep")
        if not no_upkeep:
            upkeep = Upkeep(upkeep_interval)
            upkeep.tick()  # before the first task: a job left running by a killed worker is dealt with first
            upkeep.start()
        super().handle(*args, **options)
