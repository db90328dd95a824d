"""Compliance pages: watchlists and runs, the review queue, owners and directors, the clearance panel and the
trail export. Thin views: parse, call a selector or service, render. A service's permission refusal is shown
as the same 404 as an absent object, so a page never confirms what it will not show."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core import errors
from liaison.core.actors import Actor
from liaison.core.errors import Conflict
from liaison.core.htmx import is_htmx, render_page
from liaison.core.scoping import Action
from liaison.core.versioning import parse_version
from liaison.integrity import permissions, selectors, services
from liaison.integrity.exports import write_trail
from liaison.integrity.forms import DecisionForm, HitFilterForm, RelationForm, WatchlistUploadForm

GET_POST = require_http_methods(["GET", "POST"])


def _watchlists_context(request: HttpRequest, form: WatchlistUploadForm) -> dict[str, Any]:
    return {
        "watchlists": selectors.watchlist_list(viewer=request.user),
        "runs": selectors.run_list(viewer=request.user),
        "form": form,
        "can_import": permissions.can_import_watchlist(request.user),
    }


@login_required
@GET_POST
def watchlists(request: HttpRequest) -> HttpResponse:
    """Lists with versions and counts, recent runs, and the upload form. The rescreen after an import is a
    background job: the request only loads the list and queues it; the run below shows its progress."""
    form = WatchlistUploadForm(request.POST or None, request.FILES or None)
    context = _watchlists_context(request, form)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if services.watchlist_import_is_large(upload.size):
            return _watchlist_import_in_background(request, form)
        try:
            result = services.watchlist_import(
                actor=Actor.for_user(request.user),
                path_or_bytes=upload.read(),
                filename=upload.name,
                source=form.cleaned_data["source"],
                version=form.cleaned_data["version"] or None,
            )
        except errors.ValidationError as exc:
            errors.add_to_form(form, exc)
        else:
            messages.success(
                request,
                _("List %(name)s version %(version)s loaded: %(count)d entities. Every party is being screened again.")
                % {
                    "name": result.watchlist.name,
                    "version": result.watchlist.version,
                    "count": result.watchlist.entity_count,
                },
            )
            return redirect("integrity:watchlists")
    return render(request, "integrity/watchlists.html", context)


def _watchlist_import_in_background(request: HttpRequest, form: WatchlistUploadForm) -> HttpResponse:
    """A large list: the request only keeps the file and queues its import; the job page shows the rest."""
    upload = form.cleaned_data["file"]
    try:
        job = services.watchlist_import_enqueue(
            actor=Actor.for_user(request.user),
            raw=upload.read(),
            filename=upload.name,
            source=form.cleaned_data["source"],
            version=form.cleaned_data["version"] or None,
        )
    except errors.ValidationError as exc:
        errors.add_to_form(form, exc)
        return render(request, "integrity/watchlists.html", _watchlists_context(request, form))
    messages.success(
        request,
        _("The list is large: it is being imported in the background. Every party is screened again afterwards."),
    )
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_GET
def run_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The run's progress; the fragment polls itself every 2 s while the run is active."""
    run = selectors.run_get(viewer=request.user, pk=pk)
    return render(request, "integrity/partials/_run.html", {"run": run})


@login_required
@require_POST
def rescreen(request: HttpRequest) -> HttpResponse:
    services.screening_run_start(actor=Actor.for_user(request.user))
    messages.success(request, _("Screening of every party has started; its progress is shown below."))
    return redirect("integrity:watchlists")


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    filters = HitFilterForm(request.GET or None)
    hits = selectors.hit_list(viewer=request.user, filters=request.GET)
    page = Paginator(hits, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "query": request.GET.urlencode(),
        "can_decide": permissions.can_decide_hit(request.user),
    }
    return render_page(request, "integrity/queue.html", "integrity/partials/_queue_rows.html", context)


@login_required
@require_POST
def hit_decide(request: HttpRequest, pk: int) -> HttpResponse:
    hit = selectors.hit_get(viewer=request.user, pk=pk, action=Action.CHANGE)
    form = DecisionForm(request.POST)
    conflict = ""
    if form.is_valid():
        try:
            hit = services.hit_decide(actor=Actor.for_user(request.user), hit=hit, **form.cleaned_data)
            form = DecisionForm()
        except errors.ValidationError as exc:
            errors.add_to_form(form, exc)
        except Conflict as exc:
            # Someone decided first: show the row as it is now (their decision), with why ours was refused.
            conflict = exc.message
            hit = selectors.hit_get(viewer=request.user, pk=pk)
    if is_htmx(request):
        # 200 even on a conflict: htmx swaps only successful answers, and the row must show the decision made.
        context = {"hit": hit, "form": form, "can_decide": True, "conflict": conflict}
        return render(request, "integrity/partials/_hit_row.html", context)
    if conflict:
        messages.error(request, conflict)
    if form.errors:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("integrity:queue")


@login_required
@require_GET
def organisation_panel(request: HttpRequest, pk: int) -> HttpResponse:
    panel = selectors.organisation_panel(viewer=request.user, pk=pk)
    return render(request, "integrity/partials/_org_clearance.html", {"panel": panel})


@login_required
@GET_POST
def relations(request: HttpRequest, pk: int) -> HttpResponse:
    """Owners and directors of an organisation: the list for those who may see it, the form for editors."""
    org = selectors.organisation_for_relations(viewer=request.user, pk=pk)
    can_edit = permissions.can_edit_relations(request.user, org)
    form = RelationForm(request.POST or None, viewer=request.user, organisation=org)
    if request.method == "POST":
        if not can_edit:
            raise errors.NotFound()
        if form.is_valid():
            try:
                services.relation_save(actor=Actor.for_user(request.user), organisation=org, data=form.service_data())
            except errors.ValidationError as exc:
                errors.add_to_form(form, exc)
            else:
                messages.success(request, _("Saved; the new entry is being screened."))
                return redirect("integrity:relations", pk=org.pk)
    context = {"organisation": org, "relations": selectors.relations_of(org), "form": form, "can_edit": can_edit}
    return render(request, "integrity/relations.html", context)


@login_required
@require_POST
def relation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rel = selectors.relation_for_edit(viewer=request.user, pk=pk)
    try:
        version = parse_version(request.POST.get("version"))
        services.relation_delete(actor=Actor.for_user(request.user), relation=rel, expected_version=version)
    except Conflict as exc:
        messages.error(request, exc.message)
    except errors.ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Removed."))
    return redirect("integrity:relations", pk=rel.organisation_id)


@login_required
@require_GET
def trail_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in {"csv", "json"}:
        raise errors.NotFound()
    records = selectors.trail(viewer=request.user)
    buffer = io.StringIO()
    write_trail(buffer, fmt, records)
    content_type = "text/csv" if fmt == "csv" else "application/json"
    response = HttpResponse(buffer.getvalue(), content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="screening-trail.{fmt}"'
    return response
