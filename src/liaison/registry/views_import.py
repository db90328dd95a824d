"""The import wizard (upload → dry-run report → import) and the export download.

The uploaded file is kept server-side under ``VAR_DIR/imports`` (named by user id and SHA-256, never by the
uploaded name) and referenced from the session, so step 3 imports exactly the bytes step 2 checked and nothing
travels through a hidden field. Step 3 re-validates: the registry may have changed in between.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core.actors import Actor
from liaison.core.permissions import PermissionDeniedError
from liaison.registry import exporting, importing, permissions, selectors

SESSION_KEY = "registry_import"
SHOWN_ROWS = 500
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _require_import(request: HttpRequest) -> None:
    decision = permissions.can_import(request.user)
    if not decision:
        raise PermissionDenied(decision.reason)


def _stash_path(user: Any, sha256: str) -> Path:
    if not _SHA256.match(sha256):
        raise ValueError("not a SHA-256 digest")
    return Path(settings.VAR_DIR) / "imports" / f"{int(user.pk)}-{sha256}"


def _drop_stash(request: HttpRequest) -> None:
    stash = request.session.pop(SESSION_KEY, None)
    if stash:
        _stash_path(request.user, stash["sha256"]).unlink(missing_ok=True)


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
    path = _stash_path(request.user, sha256)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.write_bytes(data)
    request.session[SESSION_KEY] = {"sha256": sha256, "name": Path(upload.name or "upload").name[:200]}
    return None


def _stashed(request: HttpRequest) -> tuple[str, bytes] | None:
    """The stashed file's name and bytes, if it is still there and unchanged."""
    stash = request.session.get(SESSION_KEY)
    if not stash:
        return None
    try:
        data = _stash_path(request.user, stash["sha256"]).read_bytes()
    except (OSError, ValueError, KeyError):
        return None
    return (stash["name"], data) if hashlib.sha256(data).hexdigest() == stash["sha256"] else None


def _upload_page(request: HttpRequest, errors: list[str], status: int = 200) -> HttpResponse:
    context = {
        "step": 1,
        "errors": errors,
        "columns": importing.COLUMNS,
        "max_mb": settings.LIAISON_IMPORT_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "registry/import/upload.html", context, status=status)


def _report_page(request: HttpRequest, report: importing.ImportReport) -> HttpResponse:
    rows = report.rows if report.ok else [r for r in report.rows if r.action == "rejected"]
    context = {
        "step": 3 if report.committed else 2,
        "report": report,
        "counts": report.counts,
        "rows": rows[:SHOWN_ROWS],
        "hidden": max(len(rows) - SHOWN_ROWS, 0),
    }
    return render(request, "registry/import/report.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """Step 1: choose a file. Nothing is stored in the registry yet."""
    _require_import(request)
    if request.method == "GET":
        return _upload_page(request, [])
    error = _stash(request, request.FILES.get("file"))
    if error:
        return _upload_page(request, [error], status=400)
    return redirect("registry_import:review")


def _run(request: HttpRequest, *, dry_run: bool) -> HttpResponse:
    stashed = _stashed(request)
    if stashed is None:
        return _upload_page(request, [_("The uploaded file has expired; please upload it again.")], status=400)
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
    return _report_page(request, report)


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
