"""Reads of jobs, scoped to the viewer: a user sees the jobs they started; see permissions.can_view_all_jobs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from liaison.core.errors import NotFound
from liaison.core.types import Viewer
from liaison.jobs.choices import JobStatus
from liaison.jobs.models import Job
from liaison.jobs.permissions import can_view_all_jobs


def job_list(*, viewer: Viewer, filters: Mapping[str, Any] | None = None) -> QuerySet[Job]:
    if not viewer.is_authenticated:
        return Job.objects.none()
    qs = Job.objects.select_related("user")
    if not can_view_all_jobs(viewer):
        qs = qs.filter(user=viewer)
    filters = filters or {}
    if filters.get("status") in JobStatus.values:
        qs = qs.filter(status=filters["status"])
    if filters.get("kind"):
        qs = qs.filter(kind=str(filters["kind"])[:100])
    return qs.order_by("-created_at", "-pk")


def job_get(*, viewer: Viewer, pk: int) -> Job:
    job = job_list(viewer=viewer).filter(pk=pk).first()
    if job is None:
        raise NotFound()
    return job
