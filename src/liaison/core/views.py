"""The front page (public landing or the dashboard), health check, and the auditors' view of the trail."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from liaison.core import selectors
from liaison.core.exports import write_audit
from liaison.core.htmx import render_page


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "core/landing.html", {})
    return render(request, "core/dashboard.html", selectors.dashboard_figures(viewer=request.user))


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    entries = selectors.audit_entries(viewer=request.user, filters=request.GET)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    context = {"page": page, "filters": request.GET, "query": request.GET.urlencode()}
    return render_page(request, "core/audit_list.html", "core/partials/_audit_rows.html", context)


@login_required
@require_GET
def audit_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in {"csv", "jsonl"}:
        raise Http404
    entries = selectors.audit_entries(viewer=request.user, filters=request.GET)
    buffer = io.StringIO()
    write_audit(buffer, fmt, entries)
    content_type = "text/csv" if fmt == "csv" else "application/x-ndjson"
    response = HttpResponse(buffer.getvalue(), content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-trail.{fmt}"'
    return response
