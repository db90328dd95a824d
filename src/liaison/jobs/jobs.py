"""The jobs app's own job kind: pruning old finished jobs and queue rows (scheduled daily)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.core import audit
from liaison.jobs.choices import ACTIVE
from liaison.jobs.kinds import job_task
from liaison.jobs.models import Job
from liaison.jobs.runner import JobContext


@job_task("jobs.prune", label=_("Remove old finished jobs"), retries=2)
def prune(ctx: JobContext) -> dict[str, Any]:
    """Delete finished jobs (and the queue's finished rows) older than ``days``; the audit trail keeps their
    history. Safe to retry: deleting what is already gone deletes nothing."""
    days = int(ctx.params.get("days", settings.LIAISON_JOB_KEEP_DAYS))
    cutoff = timezone.now() - timedelta(days=days)
    with transaction.atomic():
        jobs, _n = Job.objects.exclude(status__in=ACTIVE).filter(finished_at__lt=cutoff).delete()
        tasks = 0
        if "django_tasks_db" in settings.INSTALLED_APPS:
            from django_tasks_db.models import DBTaskResult

            tasks, _n = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
        audit.record(
            actor=ctx.actor,
            action="jobs.pruned",
            object_type="jobs.job",
            after={"older_than_days": days, "jobs": jobs, "tasks": tasks},
        )
    ctx.progress(1, 1)
    return {"jobs": jobs, "tasks": tasks}
