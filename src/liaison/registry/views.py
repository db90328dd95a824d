"""The registry's web pages: thin views that parse a form, call a service or selector and render.

Every organisation and child is fetched through the selectors scoped by action (view for pages, change for
forms), so absent and forbidden are the same 404 and a page never confirms that something it will not show
exists. Domain errors become responses in one place (core.middleware.DomainErrorMiddleware).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Page, Paginator
from django.db.models import prefetch_related_objects
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET, require_http_methods

from liaison.core import conflicts, errors
from liaison.core.actors import Actor
from liaison.core.errors import Conflict
from liaison.core.exports import json_dumps
from liaison.core.htmx import render_page
from liaison.core.versioning import parse_version
from liaison.registry import choices, forms, permissions, selectors, services
from liaison.registry.models import Organisation, TechnologyField

PAGE_SIZE = 50
GET_POST = require_http_methods(["GET", "POST"])


def _actor(request: HttpRequest) -> Actor:
    return Actor.for_user(request.user)


def _submit(form: Form, save: Callable[[dict[str, Any], int | None], Any]) -> tuple[bool, Any]:
    """Validate the form, then let the service validate and write, passing the version the form was opened on.
    Returns (saved, the service's result)."""
    if not form.is_valid():
        return False, None
    if isinstance(form, forms.ModelFieldsForm):
        data, version = form.service_data(), form.based_on_version()
    else:
        data, version = dict(form.cleaned_data), None
    try:
        return True, save(data, version)
    except errors.ValidationError as exc:
        errors.add_to_form(form, exc)
    except Conflict as exc:
        conflicts.add_to_form(form, exc)
    return False, None


def _status(form: Form) -> int:
    """409 for a form refused because the record changed meanwhile, so scripts and tests can tell it apart."""
    return 409 if conflicts.is_conflict(form) else 200


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
        "form": forms.OrganisationFilterForm(request.GET or None, staff=permissions.sees_everything(request.user)),
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
        "possible_duplicates": (
            list(org.possible_duplicates.filter(archived_at__isnull=True))
            if permissions.sees_everything(viewer)
            else []
        ),
        "org": org,
        "can_archive": permissions.can_archive_organisation(viewer, org),
        "can_resolve_duplicates": permissions.can_resolve_duplicates(viewer),
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
def organisation_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_create_organisation(request.user):
        raise errors.NotFound()
    form = forms.OrganisationForm(request.POST if request.method == "POST" else None)
    saved, result = _submit(form, lambda data, _v: services.organisation_create(actor=_actor(request), data=data))
    if not saved:
        return render(request, "registry/organisation_form.html", {"form": form, "creating": True})
    messages.success(request, _("The organisation was registered."))
    if result.possible_duplicates:
        messages.warning(request, _duplicates_warning(result.possible_duplicates))
    return redirect("registry:organisation_detail", pk=result.organisation.pk)


@login_required
@GET_POST
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_for_edit(viewer=request.user, pk=pk)
    form = forms.OrganisationForm(
        request.POST if request.method == "POST" else None,
        initial=forms.OrganisationForm.initial_for(org),
        office=bool(permissions.can_edit_office_fields(request.user)),
    )
    actor = _actor(request)
    saved, _result = _submit(
        form,
        lambda data, v: services.organisation_update(actor=actor, organisation=org, data=data, expected_version=v),
    )
    if not saved:
        return render(request, "registry/organisation_form.html", {"form": form, "org": org}, status=_status(form))
    messages.success(request, _("Your changes were saved."))
    return redirect("registry:organisation_detail", pk=org.pk)


def _child(items: Iterable[Any], pk: int) -> Any:
    """One item of an already scoped list, or NotFound."""
    found = next((item for item in items if item.pk == pk), None)
    if found is None:
        raise errors.NotFound()
    return found


@dataclass(frozen=True)
class ChildKind:
    """How one kind of an organisation's children is reached and written: the related name on the
    organisation, the URL keyword of its key, its form, and its services. The services take the child under
    its model name (``product=``, ``person=`` …), which is also how the kind is named here."""

    related_name: str
    url_kwarg: str
    form: type[forms.ModelFieldsForm]
    save: Callable[..., Any]
    delete: Callable[..., None] | None = None

    @property
    def model_name(self) -> str:
        return str(self.form.model._meta.model_name)


PRODUCT = ChildKind("products", "product_pk", forms.ProductForm, services.product_save, services.product_delete)
PERSON = ChildKind("people", "person_pk", forms.PersonForm, services.person_save)
CERTIFICATION = ChildKind(
    "certifications", "certification_pk", forms.CertificationForm, services.certification_save,
    services.certification_delete,
)


@method_decorator(login_required, name="dispatch")
class ObjectChildView(View):
    """The shared frame of the child pages (NetBox's generic object views): the organisation comes through the
    editing selector, the child through the organisation (so a foreign child is the same 404 as an absent one),
    and a subclass only says what to do with them in :meth:`handle`."""

    kind: ChildKind | None = None  # set by a subclass or as_view(kind=…)
    http_method_names = ["get", "post"]

    @property
    def child(self) -> ChildKind:
        if self.kind is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a kind")
        return self.kind

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method is None or request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request)
        org = selectors.organisation_for_edit(viewer=request.user, pk=kwargs["pk"])
        child_pk = kwargs.get(self.child.url_kwarg)
        related_name = self.child.related_name
        instance = (
            selectors.child_get(viewer=request.user, organisation=org, related_name=related_name, pk=child_pk)
            if child_pk is not None
            else None
        )
        return self.handle(request, org, instance)

    def handle(self, request: HttpRequest, org: Organisation, instance: Any) -> HttpResponse:
        raise NotImplementedError

    def done(self, request: HttpRequest, org: Organisation, message: str) -> HttpResponse:
        messages.success(request, message)
        return redirect("registry:organisation_detail", pk=org.pk)


class ObjectChildEditView(ObjectChildView):
    """Create (no child key in the URL) or edit a child through its form and its ``save`` service."""

    def handle(self, request: HttpRequest, org: Organisation, instance: Any) -> HttpResponse:
        kind, actor = self.child, _actor(request)
        form_class = kind.form
        initial = form_class.initial_for(instance) if instance is not None else None  # type: ignore[attr-defined]
        form = form_class(request.POST if request.method == "POST" else None, initial=initial)
        target = {kind.model_name: instance} if instance is not None else {}
        saved, _result = _submit(
            form,
            lambda data, v: kind.save(actor=actor, organisation=org, data=data, expected_version=v, **target),
        )
        if saved:
            return self.done(request, org, _("Saved."))
        context = {"form": form, "org": org, "instance": instance, "kind": form_class.model._meta.verbose_name}
        return render(request, "registry/child_form.html", context, status=_status(form))


class ObjectChildDeleteView(ObjectChildView):
    """A confirmation page, then the kind's ``delete`` service. The page carries the version it showed: a
    record changed since is not deleted unseen."""

    def handle(self, request: HttpRequest, org: Organisation, instance: Any) -> HttpResponse:
        kind = self.child
        if kind.delete is None or instance is None:
            raise errors.NotFound()
        if request.method == "POST":
            try:
                version = parse_version(request.POST.get("version"))
                kind.delete(actor=_actor(request), expected_version=version, **{kind.model_name: instance})
            except errors.ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect("registry:organisation_detail", pk=org.pk)
            except Conflict as exc:
                messages.error(request, exc.message)
                return redirect("registry:organisation_detail", pk=org.pk)
            return self.done(request, org, _("Deleted."))
        context = {"org": org, "instance": instance, "kind": instance._meta.verbose_name}
        return render(request, "registry/confirm_delete.html", context)


class PersonExportView(ObjectChildView):
    """GDPR Art. 15: everything stored about one person, as a download. POST because it is audited."""

    kind = PERSON
    http_method_names = ["post"]

    def handle(self, request: HttpRequest, org: Organisation, instance: Any) -> HttpResponse:
        data = services.person_export(actor=_actor(request), person=instance)
        response = HttpResponse(json_dumps(data), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="person-{instance.pk}.json"'
        return response


class PersonEraseView(ObjectChildView):
    """GDPR Art. 17: a confirmation page asking for the reason, then the erasure."""

    kind = PERSON

    def handle(self, request: HttpRequest, org: Organisation, instance: Any) -> HttpResponse:
        form = forms.PersonEraseForm(request.POST if request.method == "POST" else None)
        actor = _actor(request)
        saved, _none = _submit(
            form, lambda data, _v: services.person_erase(actor=actor, person=instance, reason=data["reason"])
        )
        if saved:
            return self.done(request, org, _("The person's data was erased."))
        return render(request, "registry/person_erase.html", {"form": form, "org": org, "person": instance})


product_create = ObjectChildEditView.as_view(kind=PRODUCT)
product_edit = ObjectChildEditView.as_view(kind=PRODUCT)
product_delete = ObjectChildDeleteView.as_view(kind=PRODUCT)
person_create = ObjectChildEditView.as_view(kind=PERSON)
person_edit = ObjectChildEditView.as_view(kind=PERSON)
person_export = PersonExportView.as_view()
person_erase = PersonEraseView.as_view()
certification_create = ObjectChildEditView.as_view(kind=CERTIFICATION)
certification_delete = ObjectChildDeleteView.as_view(kind=CERTIFICATION)


def _require_taxonomy_editor(request: HttpRequest) -> list[tuple[TechnologyField, int]]:
    if not permissions.can_edit_taxonomy(request.user):
        raise errors.NotFound()
    return selectors.technology_field_tree()


@login_required
@require_GET
def taxonomy(request: HttpRequest) -> HttpResponse:
    """The technology taxonomy as a tree, for administrators."""
    tree = _require_taxonomy_editor(request)
    return render(request, "registry/taxonomy.html", {"tree": tree})


@login_required
@GET_POST
def taxonomy_create(request: HttpRequest) -> HttpResponse:
    _require_taxonomy_editor(request)
    return _taxonomy_form(request, None)


@login_required
@GET_POST
def taxonomy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tree = _require_taxonomy_editor(request)
    return _taxonomy_form(request, _child((f for f, _depth in tree), pk))


def _taxonomy_form(request: HttpRequest, field: TechnologyField | None) -> HttpResponse:
    initial = forms.TechnologyFieldForm.initial_for(field) if field is not None else {"position": 0}
    form = forms.TechnologyFieldForm(request.POST if request.method == "POST" else None, initial=initial)
    actor = _actor(request)
    saved, _result = _submit(
        form,
        lambda data, v: services.technology_field_save(
            actor=actor, data=data, technology_field=field, expected_version=v
        ),
    )
    if not saved:
        return render(request, "registry/taxonomy_form.html", {"form": form, "field": field}, status=_status(form))
    messages.success(request, _("The technology field was saved."))
    return redirect("registry:taxonomy")
