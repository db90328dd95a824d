"""The jobs app's own job kinds, platform upkeep on a schedule: pruning old finished jobs and queue rows (daily),
and anchoring the audit chain's head outside the database (every few minutes; docs/audit-tamper.md)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.core import audit, audit_verify
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


@job_task("audit.anchor", label=_("Anchor the audit trail"), retries=2)
def anchor_audit(ctx: JobContext) -> dict[str, Any]:
    """Append the chain's head to ``AUDIT_ANCHOR_PATH`` (and syslog if ``params["syslog"]``). Safe to retry: a line
    is written only when the head moved. A trail that fails verification is never anchored: the job fails with
    the problems as its error (no retry — it would fail the same way), which is the alert."""
    try:
        anchor, written = audit_verify.write_anchor(
            audit_verify.default_anchor_path(), to_syslog=bool(ctx.params.get("syslog"))
        )
    except audit_verify.AnchorRefused as exc:
        lines = [f"#{p.sequence}: {p.problem}" if p.sequence else p.problem for p in exc.result.problems]
        raise ValidationError([_("The audit trail fails verification; it was not anchored."), *lines[:20]]) from exc
    ctx.progress(1, 1)
    return {"sequence": anchor.sequence, "head": anchor.head, "written": written}
