"""Job pages: the viewer's jobs, one job, and its status fragment (polls itself every 2 s while active)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from liaison.core.htmx import render_page
from liaison.jobs import selectors
from liaison.jobs.choices import JobStatus


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = selectors.job_list(viewer=request.user, filters=request.GET)
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    context = {"page": page, "statuses": JobStatus.choices, "filters": request.GET}
    return render_page(request, "jobs/job_list.html", "jobs/partials/_job_rows.html", context)


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_get(viewer=request.user, pk=pk)
    return render(request, "jobs/job_detail.html", {"job": job})


@login_required
@require_GET
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_get(viewer=request.user, pk=pk)
    return render(request, "jobs/partials/_job.html", {"job": job})
