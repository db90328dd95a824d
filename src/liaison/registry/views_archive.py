"""Pages that end an organisation's active life: archive, restore, dismiss a possible-duplicate flag, merge.

Each is a confirmation page (GET) and the service call (POST). The organisations come through the delete scope
(``restrict(user, "delete")``: the liaison office), so who may not act gets the same 404 as for an absent
organisation, as everywhere in the registry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.core.errors import NotFound
from liaison.core.permissions import Decision
from liaison.core.scoping import Action
from liaison.registry import archiving, forms, permissions, selectors
from liaison.registry.models import Organisation
from liaison.registry.views import GET_POST, _actor, _submit


def _allowed(decision: Decision) -> None:
    if not decision:
        raise NotFound()


def _page(request: HttpRequest, org: Organisation, form: Form, **context: Any) -> HttpResponse:
    return render(request, "registry/organisation_action.html", {"org": org, "form": form, **context})


def _form(request: HttpRequest, form_class: type[Form], **kwargs: Any) -> Form:
    return form_class(request.POST if request.method == "POST" else None, **kwargs)


def _done(request: HttpRequest, message: str, pk: int) -> HttpResponse:
    messages.success(request, message)
    return redirect("registry:organisation_detail", pk=pk)


@login_required
@GET_POST
def organisation_archive(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_for(viewer=request.user, pk=pk, action=Action.DELETE)
    _allowed(permissions.can_archive_organisation(request.user, org))
    form, actor = _form(request, forms.ReasonForm), _actor(request)
    saved, _org = _submit(
        form, lambda d, _v: archiving.organisation_archive(actor=actor, organisation=org, reason=d["reason"])
    )
    if saved:
        return _done(request, _("The organisation was archived."), org.pk)
    return _page(request, org, form, title=gettext_lazy("Archive organisation"), submit=gettext_lazy("Archive"),
                 explanation=gettext_lazy("The organisation disappears from lists, search and matchmaking. Its "
                                          "audit trail and screening history are kept; staff can restore it."))


@login_required
@GET_POST
def organisation_restore(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_for(viewer=request.user, pk=pk, action=Action.DELETE)
    _allowed(permissions.can_archive_organisation(request.user, org))
    form, actor = _form(request, forms.ConfirmForm), _actor(request)
    saved, _org = _submit(form, lambda d, _v: archiving.organisation_restore(actor=actor, organisation=org))
    if saved and request.method == "POST":
        return _done(request, _("The organisation was restored."), org.pk)
    return _page(request, org, form, title=gettext_lazy("Restore organisation"), submit=gettext_lazy("Restore"),
                 explanation=gettext_lazy("The organisation returns to lists, search and matchmaking."))


def _pair(request: HttpRequest, pk: int, other_pk: int) -> tuple[Organisation, Organisation]:
    """The organisation and one of its flagged possible duplicates, for the liaison office only."""
    _allowed(permissions.can_resolve_duplicates(request.user))
    org = selectors.organisation_for(viewer=request.user, pk=pk, action=Action.DELETE)
    other = org.possible_duplicates.filter(pk=other_pk).first()
    if other is None:
        raise NotFound()
    return org, other


@login_required
@GET_POST
def duplicate_dismiss(request: HttpRequest, pk: int, other_pk: int) -> HttpResponse:
    org, other = _pair(request, pk, other_pk)
    form, actor = _form(request, forms.ReasonForm), _actor(request)
    saved, _none = _submit(
        form, lambda d, _v: archiving.duplicate_dismiss(actor=actor, organisation=org, other=other, reason=d["reason"])
    )
    if saved:
        return _done(request, _("The possible duplicate was dismissed."), org.pk)
    return _page(request, org, form, other=other, title=gettext_lazy("Not a duplicate"),
                 submit=gettext_lazy("Dismiss"),
                 explanation=gettext_lazy("The two organisations are different companies; the pair will not be "
                                          "flagged again."))


@login_required
@GET_POST
def duplicate_merge(request: HttpRequest, pk: int, other_pk: int) -> HttpResponse:
    org, other = _pair(request, pk, other_pk)
    form, actor = _form(request, forms.MergeForm, pair=(org, other), initial={"survivor": org.pk}), _actor(request)

    def merge(data: dict[str, Any], _version: int | None) -> archiving.MergeResult:
        survivor, gone = (org, other) if data["survivor"] == org.pk else (other, org)
        return archiving.organisation_merge(actor=actor, survivor=survivor, other=gone, reason=data["reason"])

    saved, result = _submit(form, merge)
    if saved:
        return _done(request, _("The organisations were merged."), result.survivor.pk)
    return _page(request, org, form, other=other, title=gettext_lazy("Merge organisations"),
                 submit=gettext_lazy("Merge"), danger=True,
                 explanation=gettext_lazy("Products, people, certifications, memberships, owners and directors "
                                          "and screening hits move onto the record you keep; the other is "
                                          "archived. This cannot be undone."))
