"""Every write of a job's state: enqueue, claim, progress, success, failure (with retry) and the recovery of
runs whose worker died. Each state change is audited in the same transaction.

Dispatch to the queue happens in ``transaction.on_commit``: a job whose request rolls back is never run, and a
worker never picks up a job row it cannot see yet. The gap between commit and dispatch (a process killed in
between) is closed by :func:`jobs_recover`, which dispatches queued jobs that have no live task.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from liaison.core import audit
from liaison.core.actors import Actor
from liaison.core.context import current_correlation_id
from liaison.core.permissions import PermissionDeniedError
from liaison.jobs.choices import JobStatus
from liaison.jobs.kinds import get_kind
from liaison.jobs.models import Job

logger = logging.getLogger(__name__)
SYSTEM = Actor.system("jobs")


class JobLostError(Exception):
    """This attempt no longer owns the job (recovery gave it to another attempt or marked it failed)."""


def stale_after() -> timedelta:
    return timedelta(seconds=settings.LIAISON_JOB_STALE_SECONDS)


def _audit(actor: Actor, action: str, job: Job, **after: Any) -> None:
    audit.record_change(
        actor=actor, action=action, instance=job, before=None, after={"kind": job.kind, "status": job.status, **after}
    )


def _dispatch_on_commit(job: Job, delay: timedelta | None = None) -> None:
    job_id = job.pk

    def dispatch_job() -> None:
        from liaison.jobs.runner import run_job

        task = run_job
        if delay and run_job.get_backend().supports_defer:
            task = run_job.using(run_after=timezone.now() + delay)
        result = task.enqueue(job_id)
        Job.objects.filter(pk=job_id, status=JobStatus.QUEUED, task_id="").update(task_id=str(result.id)[:64])

    transaction.on_commit(dispatch_job)


def job_enqueue(*, actor: Actor, kind: str, params: dict[str, Any] | None = None, message: str = "") -> Job:
    """Record a job of a registered ``kind`` and queue it once the caller's transaction commits.

    ``params`` must be plain JSON (ids, strings, numbers): the worker runs in another process. The caller has
    checked that ``actor`` may start the work; the job runs with the actor's identity and permissions."""
    spec = get_kind(kind)
    params = audit.to_json(params or {})
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            params=params,
            user=actor.user,
            actor_kind=actor.kind,
            actor_label=actor.label[:150],
            correlation_id=current_correlation_id(),
            language=translation.get_language() or "",
            max_attempts=1 + spec.retries,
            message=message[:500],
            queued_at=timezone.now(),
        )
        _audit(actor, "job.enqueued", job, params=params)
        _dispatch_on_commit(job)
    return job


def job_claim(*, job_id: int, task_id: str, worker_id: str) -> Job | None:
    """Move a queued job to running for this attempt; None when it is not queued (a duplicate delivery)."""
    now = timezone.now()
    with transaction.atomic():
        values: dict[str, Any] = {"task_id": task_id[:64]} if task_id else {}
        claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING,
            attempts=F("attempts") + 1,
            started_at=now,
            heartbeat_at=now,
            worker_id=worker_id[:100],
            error="",
            **values,
        )
        if not claimed:
            return None
        job = Job.objects.get(pk=job_id)
        _audit(SYSTEM, "job.started", job, attempt=job.attempts, worker=job.worker_id)
    return job


def _owned(job: Job) -> QuerySet[Job]:
    return Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts)


def job_progress(*, job: Job, done: int, total: int | None = None, message: str | None = None) -> None:
    """Save progress (and a sign of life). Raises :class:`JobLostError` if this attempt lost the job."""
    values: dict[str, Any] = {"progress_done": max(0, done), "heartbeat_at": timezone.now()}
    if total is not None:
        values["progress_total"] = max(0, total)
    if message is not None:
        values["message"] = message[:500]
    if not _owned(job).update(**values):
        raise JobLostError(job.pk)
    for name, value in values.items():
        setattr(job, name, value)


def job_heartbeat(*, job_id: int, attempt: int) -> bool:
    """A sign of life from the worker thread that watches a running job; False once the attempt lost it."""
    return bool(
        Job.objects.filter(pk=job_id, status=JobStatus.RUNNING, attempts=attempt).update(heartbeat_at=timezone.now())
    )


def job_succeed(*, job: Job, result: Any) -> None:
    result = audit.to_json(result) if result is not None else None
    with transaction.atomic():
        if not _owned(job).update(status=JobStatus.SUCCEEDED, result=result, finished_at=timezone.now()):
            raise JobLostError(job.pk)
        job.refresh_from_db()
        _audit(SYSTEM, "job.succeeded", job, attempt=job.attempts)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    if isinstance(exc, PermissionDeniedError):
        return exc.decision.reason or _("Permission denied.")
    if isinstance(exc, SystemExit | KeyboardInterrupt):
        return _("The worker was stopped while running this job.")
    return f"{type(exc).__name__}: {exc}"


def _retryable(job: Job, exc: BaseException | None) -> bool:
    # Bad input and missing permission fail the same way every time; retrying them only delays the answer.
    if isinstance(exc, ValidationError | PermissionDeniedError | JobLostError):
        return False
    return job.attempts < job.max_attempts


def _give_up(job: Job, reason: str, actor: Actor) -> None:
    job.status, job.error, job.finished_at = JobStatus.FAILED, reason[:4000], timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    _audit(actor, "job.failed", job, attempt=job.attempts, error=job.error[:500])
    hook = get_kind(job.kind).on_failure
    if hook is not None:
        hook(job, job.error)


def _requeue(job: Job, reason: str, actor: Actor, action: str, *, backoff: bool) -> None:
    """Queue another attempt: after a growing pause when the attempt failed (``backoff``), at once when only
    its worker died."""
    delay = timedelta(seconds=settings.LIAISON_JOB_RETRY_SECONDS * 2 ** max(0, job.attempts - 1)) if backoff else None
    job.status, job.error, job.task_id, job.queued_at = JobStatus.QUEUED, reason[:4000], "", timezone.now()
    job.message = _("Attempt %(n)d of %(max)d failed; trying again.") % {"n": job.attempts, "max": job.max_attempts}
    job.save(update_fields=["status", "error", "task_id", "queued_at", "message"])
    _audit(actor, action, job, attempt=job.attempts, error=job.error[:500])
    _dispatch_on_commit(job, delay)


def job_fail(*, job: Job, exc: BaseException) -> Job:
    """Record a failed attempt: queue another one when the kind is safe to retry, otherwise mark it failed."""
    reason = _describe(exc)
    with transaction.atomic():
        current = Job.objects.select_for_update().filter(pk=job.pk, attempts=job.attempts).first()
        if current is None or current.status != JobStatus.RUNNING:
            return current or job  # recovery already took it over; nothing of ours to record
        if _retryable(current, exc):
            _requeue(current, reason, SYSTEM, "job.retried", backoff=True)
        else:
            _give_up(current, reason, SYSTEM)
    return current


@dataclass
class RecoverResult:
    resumed: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    redispatched: list[int] = field(default_factory=list)


def _lost_reason(job: Job) -> str:
    seen = timezone.localtime(job.heartbeat_at).strftime("%Y-%m-%d %H:%M:%S") if job.heartbeat_at else "-"
    return _("The worker running this job stopped answering (last sign of life %(at)s, worker %(worker)s).") % {
        "at": seen,
        "worker": job.worker_id or "-",
    }


def _recover_one(job_id: int, cutoff: datetime, result: RecoverResult) -> None:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id, status=JobStatus.RUNNING).first()
        if job is None or job.heartbeat_at is None or job.heartbeat_at >= cutoff:
            return  # finished or beat again since we looked
        reason = _lost_reason(job)
        _close_task(job.task_id, reason)
        if _retryable(job, None):
            _requeue(job, reason, SYSTEM, "job.resumed", backoff=False)
            result.resumed.append(job.pk)
        else:
            _give_up(job, reason, SYSTEM)
            result.failed.append(job.pk)


def _close_task(task_id: str, reason: str) -> None:
    """The dead worker's django-tasks row says RUNNING for ever too; close it so the admin tells the truth."""
    if not task_id or "django_tasks_db" not in settings.INSTALLED_APPS:
        return
    from django_tasks_db.models import DBTaskResult

    try:
        DBTaskResult.objects.filter(id=task_id, status="RUNNING").update(
            status="FAILED",
            finished_at=timezone.now(),
            exception_class_path="liaison.jobs.services.JobLostError",
            traceback=reason,
        )
    except ValidationError:  # not a UUID: the task came from another backend
        return


def _has_live_task(job: Job) -> bool:
    if not job.task_id:
        return False
    if "django_tasks_db" not in settings.INSTALLED_APPS:
        return True  # nothing to look it up in; trust the backend
    from django_tasks_db.models import DBTaskResult

    try:
        return DBTaskResult.objects.filter(id=job.task_id, status__in=["READY", "RUNNING"]).exists()
    except ValidationError:
        return True


def jobs_recover(*, now: datetime | None = None, stale: timedelta | None = None) -> RecoverResult:
    """Find jobs whose worker died (no heartbeat within ``stale``) and resume them when their kind is safe to
    retry and attempts remain, else mark them failed with the reason; re-dispatch queued jobs whose task was
    lost between commit and enqueue. The worker runs this at start and every minute."""
    now = now or timezone.now()
    cutoff = now - (stale or stale_after())
    result = RecoverResult()
    for job_id in Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff).values_list("pk", flat=True):
        _recover_one(job_id, cutoff, result)
    for job in Job.objects.filter(status=JobStatus.QUEUED, queued_at__lt=cutoff):
        if not _has_live_task(job):
            with transaction.atomic():
                if Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED, task_id=job.task_id).update(task_id=""):
                    _dispatch_on_commit(job)
                    result.redispatched.append(job.pk)
    if result.resumed or result.failed or result.redispatched:
        logger.warning("jobs recovered: %s", result)
    return result
