"""The import wizard (upload → dry-run report → import) and the export download.

The uploaded file is kept server-side under ``VAR_DIR/imports`` (named by user id and SHA-256, never by the
uploaded name; see :mod:`liaison.registry.jobs`) and referenced from the session, so step 3 imports exactly the
bytes step 2 checked and nothing travels through a hidden field. Step 3 re-validates: the registry may have
changed in between.

Small files (up to ``LIAISON_IMPORT_SYNC_MAX_BYTES`` and ``LIAISON_IMPORT_SYNC_MAX_ROWS``) are checked and
imported inside the request. Larger ones never are: the dry run and the import run as background jobs, and the
wizard shows the job's progress until its report is ready (the same report, from the job's result).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core.actors import Actor
from liaison.core.permissions import PermissionDeniedError
from liaison.jobs import selectors as job_selectors
from liaison.jobs.choices import ACTIVE, JobStatus
from liaison.jobs.models import Job
from liaison.registry import exporting, importing, jobs, permissions, selectors
from liaison.registry.import_parsers import bytes_to_parse

SESSION_KEY = "registry_import"


def _require_import(request: HttpRequest) -> None:
    decision = permissions.can_import(request.user)
    if not decision:
        raise PermissionDenied(decision.reason)


def _drop_stash(request: HttpRequest) -> None:
    stash = request.session.pop(SESSION_KEY, None)
    if stash:
        jobs.stash_path(request.user.pk, stash["sha256"]).unlink(missing_ok=True)


def _in_background(name: str, data: bytes) -> bool:
    """Whether checking and importing this file is work for the worker rather than for a request."""
    if bytes_to_parse(name, data) > settings.LIAISON_IMPORT_SYNC_MAX_BYTES:
        return True
    try:  # small enough to read here (bounded by the byte limit); a file that cannot be read fails fast anyway
        return len(importing.parse_file(name, data)) > settings.LIAISON_IMPORT_SYNC_MAX_ROWS
    except ValidationError:
        return False


def _stash(request: HttpRequest, upload: Any) -> str | None:
    """Keep the upload for the next steps; the error message if it cannot even be kept."""
    if upload is None:
        return _("Choose a file to import.")
    limit = settings.LIAISON_IMPORT_MAX_BYTES
    if upload.size > limit:
        return _("The file is larger than %(limit)s bytes.") % {"limit": limit}
    data = upload.read(limit + 1)
    sha256 = hashlib.sha256(data).hexdigest()
    _drop_stash(request)
    path = jobs.stash_path(request.user.pk, sha256)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.write_bytes(data)
    name = Path(upload.name or "upload").name[:200]
    request.session[SESSION_KEY] = {"sha256": sha256, "name": name, "background": _in_background(name, data)}
    return None


def _stashed(request: HttpRequest) -> tuple[str, bytes] | None:
    """The stashed file's name and bytes, if it is still there and unchanged."""
    stash = request.session.get(SESSION_KEY)
    if not stash:
        return None
    try:
        data = jobs.stash_read(request.user.pk, stash["sha256"])
    except (KeyError, TypeError):
        return None
    return (stash["name"], data) if data is not None else None


def _upload_page(request: HttpRequest, errors: list[str], status: int = 200) -> HttpResponse:
    context = {
        "step": 1,
        "errors": errors,
        "columns": importing.COLUMNS,
        "max_mb": settings.LIAISON_IMPORT_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "registry/import/upload.html", context, status=status)


def _report_page(request: HttpRequest, summary: importing.ImportSummary, *, can_commit: bool) -> HttpResponse:
    context = {
        "step": 3 if summary.committed else 2,
        "report": summary,
        "counts": summary.counts,
        "rows": summary.rows,
        "hidden": summary.hidden,
        "can_commit": can_commit and summary.ok and not summary.committed,
    }
    return render(request, "registry/import/report.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """Step 1: choose a file. Nothing is stored in the registry yet; a large file's dry run is queued."""
    _require_import(request)
    if request.method == "GET":
        return _upload_page(request, [])
    error = _stash(request, request.FILES.get("file"))
    if error:
        return _upload_page(request, [error], status=400)
    if request.session[SESSION_KEY]["background"]:
        return _enqueue(request, dry_run=True)
    return redirect("registry_import:review")


def _enqueue(request: HttpRequest, *, dry_run: bool) -> HttpResponse:
    stash = request.session[SESSION_KEY]
    try:
        job = jobs.import_enqueue(
            actor=Actor.for_user(request.user), name=stash["name"], sha256=stash["sha256"], dry_run=dry_run
        )
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.decision.reason) from exc
    request.session[SESSION_KEY] = {**stash, "job": job.pk}
    return redirect("registry_import:job", pk=job.pk)


def _run(request: HttpRequest, *, dry_run: bool) -> HttpResponse:
    stashed = _stashed(request)
    if stashed is None:
        return _upload_page(request, [_("The uploaded file has expired; please upload it again.")], status=400)
    stash = request.session[SESSION_KEY]
    if stash.get("background"):
        running = Job.objects.filter(pk=stash.get("job") or 0, user_id=request.user.pk or 0, kind=jobs.IMPORT_JOB)
        if running.filter(status__in=ACTIVE).exists() or (dry_run and stash.get("job")):
            return redirect("registry_import:job", pk=stash["job"])  # no second job for a double click
        if dry_run:  # the dry run was queued at upload; without it there is nothing to show
            return redirect("registry_import:upload")
        return _enqueue(request, dry_run=False)
    name, data = stashed
    try:
        report = importing.import_file(actor=Actor.for_user(request.user), name=name, data=data, dry_run=dry_run)
    except ValidationError as exc:
        _drop_stash(request)
        return _upload_page(request, exc.messages, status=400)
    except importing.ImportBusyError as exc:
        return _upload_page(request, [str(exc)], status=503)  # the file stays stashed: trying again works
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.decision.reason) from exc
    if report.committed:
        _drop_stash(request)
    return _report_page(request, importing.ImportSummary.of(report, shown=jobs.SHOWN_ROWS), can_commit=True)


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    """Step 2: the dry run — every row's outcome, every rejected row with its reason."""
    _require_import(request)
    return _run(request, dry_run=True)


@login_required
@require_POST
def commit(request: HttpRequest) -> HttpResponse:
    """Step 3: check again and import, all or nothing."""
    _require_import(request)
    return _run(request, dry_run=False)


def _import_job(request: HttpRequest, pk: int) -> Job:
    """The viewer's own import job (404 for anyone else's, and for jobs of other kinds)."""
    job = job_selectors.job_get(viewer=request.user, pk=pk)
    if job.kind != jobs.IMPORT_JOB or job.user_id != request.user.pk:
        raise Http404
    return job


@login_required
@require_GET
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """Steps 2 and 3 of a large file: the job's progress while it runs, then its report (or why it failed)."""
    _require_import(request)
    job = _import_job(request, pk)
    if job.is_active:
        step = 2 if job.params.get("dry_run") else 3
        return render(request, "registry/import/job.html", {"step": step, "job": job})
    if job.status == JobStatus.FAILED or not isinstance(job.result, dict):  # unreadable, expired, retries spent
        if (request.session.get(SESSION_KEY) or {}).get("job") == job.pk:
            _drop_stash(request)
        return _upload_page(request, [job.error or _("The import did not finish; please upload the file again.")])
    summary = importing.ImportSummary.from_json(job.result)
    stash = request.session.get(SESSION_KEY) or {}
    if summary.committed and stash.get("job") == job.pk:
        request.session.pop(SESSION_KEY, None)  # the job removed the file
    return _report_page(request, summary, can_commit=stash.get("sha256") == summary.sha256)


@login_required
@require_GET
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the job page polls; once the job has finished, HTMX is sent to its report."""
    _require_import(request)
    job = _import_job(request, pk)
    if not job.is_active:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("registry_import:job", args=[job.pk])
        return response
    return render(request, "registry/import/partials/_progress.html", {"job": job})


@login_required
@require_GET
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The organisations the user may see, with the list page's filters, as a download."""
    if fmt not in exporting.FORMATS:
        raise Http404
    filters = selectors.OrganisationFilters.from_mapping(request.GET)
    try:
        content, content_type, filename = exporting.organisation_export(viewer=request.user, filters=filters, fmt=fmt)
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.decision.reason) from exc
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
