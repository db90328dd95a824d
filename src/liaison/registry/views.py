"""The registry's web pages: thin views that parse a form, call a service or selector and render.

Every organisation is fetched through the selectors, so absent and forbidden are the same 404; a service's
permission refusal is turned into that 404 as well (``hide_denials``), so a page never confirms that
something it will not show exists.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import prefetch_related_objects
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core.actors import Actor
from liaison.core.exports import json_dumps
from liaison.core.htmx import render_page
from liaison.core.permissions import PermissionDeniedError
from liaison.registry import choices, forms, permissions, selectors, services
from liaison.registry.models import Organisation, TechnologyField

PAGE_SIZE = 50
GET_POST = require_http_methods(["GET", "POST"])


def hide_denials(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A service's permission refusal looks like an absent object, exactly as the selectors answer."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDeniedError as exc:
            raise Http404 from exc

    return wrapper


def _actor(request: HttpRequest) -> Actor:
    return Actor.for_user(request.user)


def _add_service_errors(form: Form, exc: ValidationError) -> None:
    """Show a service's field errors next to the fields; errors for fields the form lacks go on top."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    aliases = {"technology_field_id": "technology_field", "parent_id": "parent"}
    for name, msgs in errors.items():
        name = aliases.get(name, name)
        form.add_error(name if name in form.fields else None, msgs)


def _submit(form: Form, save: Callable[[dict[str, Any]], Any]) -> tuple[bool, Any]:
    """Validate the form, then let the service validate and write. Returns (saved, the service's result)."""
    if not form.is_valid():
        return False, None
    data = form.service_data() if isinstance(form, forms.ModelFieldsForm) else dict(form.cleaned_data)
    try:
        return True, save(data)
    except ValidationError as exc:
        _add_service_errors(form, exc)
        return False, None


def _label(enum: Any, value: Any) -> str:
    return str(dict(enum.choices).get(value, value)) if value else ""


def _localized(card: dict[str, Any], base: str) -> str:
    lang = (get_language() or "en")[:2]
    return next((card[f"{base}_{c}"] for c in (lang, "en", "de", "uk") if card.get(f"{base}_{c}")), "")


def _field_labels() -> dict[str, str]:
    return {f.code: f.label for f, _depth in selectors.technology_field_tree()}


def _summary(card: dict[str, Any], field_labels: dict[str, str]) -> dict[str, Any]:
    """Display values of a card: labels in the active language, built from the visible groups only."""
    return {
        "card": card,
        "name": _localized(card, "name") or card["legal_name"],
        "country": _label(choices.Country, card["country"]),
        "roles": [_label(choices.OrganisationRole, r) for r in card.get("roles", [])],
        "technology_fields": [field_labels.get(code, code) for code in card.get("technology_fields", [])],
        "size_class": _label(choices.SizeClass, card.get("size_class")),
        "security_clearance": _label(choices.SecurityClearance, card.get("security_clearance")),
        "description": _localized(card, "description"),
        "shared_groups": [_label(choices.SharedGroup, g) for g in card.get("shared_groups", [])],
        "sharing_known": "shared_groups" in card,
    }


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    """Filters and search; an HTMX request gets the result table only. Ranked results (with a query) are
    capped by the selector's candidate limit."""
    filters = selectors.OrganisationFilters.from_mapping(request.GET)
    if filters.q:
        # Rank ids, then load only the page shown.
        ranked = selectors.organisation_ranked_ids(viewer=request.user, filters=filters)
        page: Page[Any] = Paginator(ranked, PAGE_SIZE).get_page(request.GET.get("page"))
        orgs = selectors.organisations_in_order(list(page.object_list))
    else:
        found = selectors.organisation_list(viewer=request.user, filters=filters).order_by("legal_name", "pk")
        page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
        orgs = list(page.object_list)
    prefetch_related_objects(orgs, "technology_fields")
    labels, own = _field_labels(), permissions.member_organisation_ids(request.user)
    rows = []
    for org in orgs:
        row = _summary(selectors.organisation_card(viewer=request.user, organisation=org), labels)
        rows.append({**row, "own": org.pk in own})
    context = {
        "form": forms.OrganisationFilterForm(request.GET or None),
        "page": page,
        "rows": rows,
        "query": _query_without_page(request),
        "filtered": any(vars(filters).values()),
        "can_create": permissions.can_create_organisation(request.user),
    }
    return render_page(
        request, "registry/organisation_list.html", "registry/partials/_organisation_results.html", context
    )


@login_required
@require_GET
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_get(viewer=request.user, pk=pk)
    viewer = request.user
    card = selectors.organisation_card(viewer=viewer, organisation=org)
    context = {
        **_summary(card, _field_labels()),
        "groups": set(card["visible_groups"]),
        "products": selectors.products_visible(viewer=viewer, organisation=org),
        "people": [
            (p, [_label(choices.Language, c) for c in p.languages])
            for p in selectors.people_visible(viewer=viewer, organisation=org)
        ],
        "certifications": selectors.certifications_visible(viewer=viewer, organisation=org),
        "can_edit": permissions.can_edit_organisation(viewer, org),
        "can_manage_personal_data": permissions.can_manage_personal_data(viewer, org),
        "is_own": org.pk in permissions.member_organisation_ids(viewer),
        # Only staff learn about possible duplicates: for a company they could reveal private organisations.
        "possible_duplicates": list(org.possible_duplicates.all()) if permissions.sees_everything(viewer) else [],
    }
    return render(request, "registry/organisation_detail.html", context)


def _duplicates_warning(duplicates: list[Organisation]) -> str:
    links = format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        ((reverse("registry:organisation_detail", args=[o.pk]), o.legal_name) for o in duplicates),
    )
    return format_html("{} {}", _("Possible duplicate — please check:"), links)


@login_required
@GET_POST
@hide_denials
def organisation_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_create_organisation(request.user):
        raise Http404
    form = forms.OrganisationForm(request.POST if request.method == "POST" else None)
    saved, result = _submit(form, lambda data: services.organisation_create(actor=_actor(request), data=data))
    if not saved:
        return render(request, "registry/organisation_form.html", {"form": form, "creating": True})
    messages.success(request, _("The organisation was registered."))
    if result.possible_duplicates:
        messages.warning(request, _duplicates_warning(result.possible_duplicates))
    return redirect("registry:organisation_detail", pk=result.organisation.pk)


@login_required
@GET_POST
@hide_denials
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_for_edit(viewer=request.user, pk=pk)
    form = forms.OrganisationForm(
        request.POST if request.method == "POST" else None,
        initial=forms.OrganisationForm.initial_for(org),
        office=bool(permissions.can_edit_office_fields(request.user)),
    )
    actor = _actor(request)
    saved, _result = _submit(form, lambda data: services.organisation_update(actor=actor, organisation=org, data=data))
    if not saved:
        return render(request, "registry/organisation_form.html", {"form": form, "org": org})
    messages.success(request, _("Your changes were saved."))
    return redirect("registry:organisation_detail", pk=org.pk)


def _child(items: Iterable[Any], pk: int) -> Any:
    """One child (product, person, certification) of an organisation the viewer may edit, or 404."""
    found = next((item for item in items if item.pk == pk), None)
    if found is None:
        raise Http404
    return found


def _child_form(
    request: HttpRequest,
    org: Organisation,
    form_class: type[forms.ModelFieldsForm],
    save: Callable[[dict[str, Any]], Any],
    instance: Any = None,
) -> HttpResponse:
    """The shared create/edit page of products, people and certifications."""
    initial = form_class.initial_for(instance) if instance is not None else None  # type: ignore[attr-defined]
    form = form_class(request.POST if request.method == "POST" else None, initial=initial)
    saved, _result = _submit(form, save)
    if not saved:
        context = {"form": form, "org": org, "instance": instance, "kind": form_class.model._meta.verbose_name}
        return render(request, "registry/child_form.html", context)
    messages.success(request, _("Saved."))
    return redirect("registry:organisation_detail", pk=org.pk)


def _confirm_delete(request: HttpRequest, org: Organisation, instance: Any, delete: Callable[[], None]) -> HttpResponse:
    if request.method == "POST":
        delete()
        messages.success(request, _("Deleted."))
        return redirect("registry:organisation_detail", pk=org.pk)
    context = {"org": org, "instance": instance, "kind": instance._meta.verbose_name}
    return render(request, "registry/confirm_delete.html", context)


@login_required
@GET_POST
@hide_denials
def product_create(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_for_edit(viewer=request.user, pk=pk)
    actor = _actor(request)
    return _child_form(
        request, org, forms.ProductForm, lambda data: services.product_save(actor=actor, organisation=org, data=data)
    )


@login_required
@GET_POST
@hide_denials
def product_edit(request: HttpRequest, pk: int, product_pk: int) -> HttpResponse:
    org = selectors.organisation_for_edit(viewer=request.user, pk=pk)
    product, actor = _child(org.products.all(), product_pk), _actor(request)
    return _child_form(
        request,
        org,
        forms.ProductForm,
        lambda data: services.product_save(actor=actor, organisation=org, data=data, product=product),
        instance=product,
    )


@login_required
@GET_POST
@hide_denials
def product_delete(request: HttpRequest, pk: int, product_pk: int) -> HttpResponse:
    org = selectors.organisation_for_edit(viewer=request.user, pk=pk)
    product = _child(org.products.all(), product_pk)
    return _confirm_delete(
        request, org, product, lambda: services.product_delete(actor=_actor(request), product=product)
    )


@login_required
@GET_POST
@hide_denials
def person_create(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_for_edit(viewer=request.user, pk=pk)
    actor = _actor(request)
    return _child_form(
        request, org, forms.PersonForm, lambda data: services.person_save(actor=actor, organisation=org, data=data)
    )


@login_required
@GET_POST
@hide_denials
def person_edit(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    org = selectors.organisation_for_edit(viewer=request.user, pk=pk)
    person, actor = _child(org.people.all(), person_pk), _actor(request)
    return _child_form(
        request,
        org,
        forms.PersonForm,
        lambda data: services.person_save(actor=actor, organisation=org, data=data, person=person),
        instance=person,
    )


@login_required
@require_POST
@hide_denials
def person_export(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    """GDPR Art. 15: everything stored about one person, as a download. POST because it is audited."""
    org = selectors.organisation_for_edit(viewer=request.user, pk=pk)
    person = _child(org.people.all(), person_pk)
    data = services.person_export(actor=_actor(request), person=person)
    response = HttpResponse(json_dumps(data), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
    return response


@login_required
@GET_POST
@hide_denials
def person_erase(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    """GDPR Art. 17: a confirmation page asking for the reason, then the erasure."""
    org = selectors.organisation_for_edit(viewer=request.user, pk=pk)
    person = _child(org.people.all(), person_pk)
    form = forms.PersonEraseForm(request.POST if request.method == "POST" else None)
    actor = _actor(request)
    saved, _none = _submit(form, lambda data: services.person_erase(actor=actor, person=person, reason=data["reason"]))
    if saved:
        messages.success(request, _("The person's data was erased."))
        return redirect("registry:organisation_detail", pk=org.pk)
    return render(request, "registry/person_erase.html", {"form": form, "org": org, "person": person})


@login_required
@GET_POST
@hide_denials
def certification_create(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_for_edit(viewer=request.user, pk=pk)
    actor = _actor(request)
    return _child_form(
        request,
        org,
        forms.CertificationForm,
        lambda data: services.certification_save(actor=actor, organisation=org, data=data),
    )


@login_required
@GET_POST
@hide_denials
def certification_delete(request: HttpRequest, pk: int, certification_pk: int) -> HttpResponse:
    org = selectors.organisation_for_edit(viewer=request.user, pk=pk)
    certification = _child(org.certifications.all(), certification_pk)
    return _confirm_delete(
        request,
        org,
        certification,
        lambda: services.certification_delete(actor=_actor(request), certification=certification),
    )


def _require_taxonomy_editor(request: HttpRequest) -> list[tuple[TechnologyField, int]]:
    if not permissions.can_edit_taxonomy(request.user):
        raise Http404
    return selectors.technology_field_tree()


@login_required
@require_GET
def taxonomy(request: HttpRequest) -> HttpResponse:
    """The technology taxonomy as a tree, for administrators."""
    tree = _require_taxonomy_editor(request)
    return render(request, "registry/taxonomy.html", {"tree": tree})


@login_required
@GET_POST
@hide_denials
def taxonomy_create(request: HttpRequest) -> HttpResponse:
    _require_taxonomy_editor(request)
    return _taxonomy_form(request, None)


@login_required
@GET_POST
@hide_denials
def taxonomy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tree = _require_taxonomy_editor(request)
    return _taxonomy_form(request, _child((f for f, _depth in tree), pk))


def _taxonomy_form(request: HttpRequest, field: TechnologyField | None) -> HttpResponse:
    initial = forms.TechnologyFieldForm.initial_for(field) if field is not None else {"position": 0}
    form = forms.TechnologyFieldForm(request.POST if request.method == "POST" else None, initial=initial)
    actor = _actor(request)
    saved, _result = _submit(
        form, lambda data: services.technology_field_save(actor=actor, data=data, technology_field=field)
    )
    if not saved:
        return render(request, "registry/taxonomy_form.html", {"form": form, "field": field})
    messages.success(request, _("The technology field was saved."))
    return redirect("registry:taxonomy")
