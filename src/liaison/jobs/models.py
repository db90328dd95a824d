"""A background job as people see it: what runs, for whom, how far it got, and how it ended.

django-tasks keeps its own row per enqueued task (``task_id`` links to it); that row knows nothing about
progress, the acting user or a worker that died. This model is the platform's record of the work, the one
the UI, the API and the stale-run recovery read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.jobs.choices import ACTIVE, JobStatus


class Job(models.Model):
    """One piece of background work of a registered kind (see :mod:`liaison.jobs.runner`)."""

    kind = models.CharField(_("kind"), max_length=100)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("total"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    error = models.TextField(_("error"), blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("started by"),
    )
    actor_kind = models.CharField(max_length=10)
    actor_label = models.CharField(_("started by"), max_length=150)
    correlation_id = models.CharField(max_length=64, blank=True)
    task_id = models.CharField(max_length=64, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("maximum attempts"), default=1)
    worker_id = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=10, blank=True)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [models.Index(fields=["status", "heartbeat_at"]), models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"job {self.pk} {self.kind} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def kind_label(self) -> str:
        from liaison.jobs.runner import kind_label

        return kind_label(self.kind)


class ScheduleSlot(models.Model):
    """The last slot a periodic schedule was enqueued for. A conditional update on this row makes each slot run
    once, however many workers tick the scheduler at the same moment."""

    name = models.CharField(max_length=100, unique=True)
    last_slot = models.DateTimeField(null=True, blank=True)
    last_job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_slot}"
