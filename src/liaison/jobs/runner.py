"""The one django-tasks task that runs every job, and what a job function sees while it runs.

Why one task for all kinds: the queue row then only carries a job id, the platform's :class:`Job` keeps the
parameters, the actor and the state, and a kind can be renamed or retried without touching the queue's rows.

A daemon thread beats the job's heartbeat while the function runs, so a long step without progress calls (an
index build) is not mistaken for a dead worker; a killed worker stops beating and :func:`jobs_recover` notices.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import translation
from django_tasks import TaskContext, task

from liaison.core.actors import Actor
from liaison.core.context import correlation_scope
from liaison.jobs import services
from liaison.jobs.kinds import get_kind, kind_label
from liaison.jobs.models import Job

logger = logging.getLogger(__name__)
Listener = Callable[[int, int], None]

__all__ = ["JobContext", "execute_job", "kind_label", "run_job", "run_job_here"]


def job_actor(job: Job) -> Actor:
    """The identity the job acts as: the user who started it (with their permissions today), or the system."""
    if job.user is not None and job.user.is_active:
        return Actor(kind=job.actor_kind or "user", user=job.user, label=job.actor_label)
    if job.user_id is not None or job.actor_kind in {"user", "token"}:
        # The account was removed or deactivated since: run as nobody rather than as the system.
        from django.contrib.auth.models import AnonymousUser

        return Actor(kind=job.actor_kind, user=AnonymousUser(), label=job.actor_label)  # type: ignore[arg-type]
    return Actor(kind=job.actor_kind or "system", user=None, label=job.actor_label)


class JobContext:
    """Handed to a job function: its parameters, its actor, and progress reporting (throttled to ~1 write/s)."""

    def __init__(self, job: Job, actor: Actor, listener: Listener | None = None) -> None:
        self.job = job
        self.actor = actor
        self._listener = listener
        self._last_write = 0.0

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.job.params)

    def progress(self, done: int, total: int | None = None, message: str | None = None) -> None:
        now = time.monotonic()
        final = total is not None and done >= total
        if final or message is not None or now - self._last_write >= 1.0:
            services.job_progress(job=self.job, done=done, total=total, message=message)
            self._last_write = now
        if self._listener is not None:
            self._listener(done, total if total is not None else self.job.progress_total)


class Heartbeat(threading.Thread):
    """Beats every LIAISON_JOB_HEARTBEAT_SECONDS from its own database connection until stopped."""

    def __init__(self, job: Job) -> None:
        super().__init__(name=f"job-{job.pk}-heartbeat", daemon=True)
        self.job_id, self.attempt = job.pk, job.attempts
        self.interval = float(settings.LIAISON_JOB_HEARTBEAT_SECONDS)
        self._stop_event = threading.Event()

    def run(self) -> None:
        try:
            while not self._stop_event.wait(self.interval):
                try:
                    if not services.job_heartbeat(job_id=self.job_id, attempt=self.attempt):
                        return
                except Exception:  # a locked SQLite file, a dropped connection: try again next beat
                    logger.warning("heartbeat of job %s failed", self.job_id, exc_info=True)
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop_event.set()


def execute_job(job_id: int, *, task_id: str, worker_id: str, listener: Listener | None = None) -> str:
    """Claim the job, run its kind's function as its actor, and record the outcome."""
    job = services.job_claim(job_id=job_id, task_id=task_id, worker_id=worker_id)
    if job is None:
        return "not queued"
    beat = Heartbeat(job)
    beat.start()
    try:
        with correlation_scope(job.correlation_id or None), translation.override(job.language or None):
            value = get_kind(job.kind).func(JobContext(job, job_actor(job), listener))
    except BaseException as exc:
        beat.stop()
        with translation.override(job.language or None):
            services.job_fail(job=job, exc=exc)
        raise
    finally:
        beat.stop()
    services.job_succeed(job=job, result=value)
    return "succeeded"


@task(takes_context=True)
def run_job(context: TaskContext, job_id: int) -> str:
    """The queue's entry point: the task row carries the job id only."""
    result = context.task_result
    worker = result.worker_ids[-1] if result.worker_ids else ""
    return execute_job(job_id, task_id=str(result.id), worker_id=worker)


def run_job_here(job: Job, listener: Listener | None = None) -> Job:
    """Run a queued job in this process (the CLI, with its progress bar) instead of waiting for a worker. It is
    the same claim as a worker's, so the job runs once: if a worker claimed it first, this returns at once. A
    killed CLI leaves a stale job that the worker's recovery resumes or fails like any other."""
    execute_job(job.pk, task_id="", worker_id=f"cli-{socket.gethostname()}-{os.getpid()}", listener=listener)
    job.refresh_from_db()
    return job
