"""Forms of the registry web UI.

The forms parse and present input only; the services validate the business rules and write. That is why they
are plain ``forms.Form`` classes that borrow their fields from the models instead of ModelForms: a ModelForm
would copy the input onto the instance the service then snapshots as "before", so an edit would look like no
change, and it would run uniqueness checks whose messages are vaguer than the service's ("EDRPOU … is already
registered for …").
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.db import models
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from liaison.registry.choices import (
    CertificationStandard,
    Country,
    Language,
    OrganisationRole,
    SharedGroup,
)
from liaison.registry.fields import IDENTIFIER_FIELDS, PRODUCT_FIELDS
from liaison.registry.models import Certification, Organisation, Person, Product, TechnologyField
from liaison.registry.permissions import OFFICE_ONLY_FIELDS
from liaison.registry.selectors import technology_field_tree
from liaison.registry.services import ORGANISATION_FIELDS

INDENT = "\u2003"  # an em space per tree level: visible indentation inside <option> without markup


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


def grouped_field_choices() -> list[tuple[Any, Any]]:
    """Technology fields as <optgroup>s, one per top-level field, with descendants indented below it."""
    groups: list[tuple[Any, list[tuple[int, str]]]] = []
    for field, depth in technology_field_tree():
        if depth == 0:
            groups.append((field.label, []))
        groups[-1][1].append((field.pk, INDENT * depth + field.label))
    return groups


def flat_field_choices(*, value: str = "pk") -> list[tuple[Any, str]]:
    """Technology fields in tree order, indented, keyed by primary key or code."""
    return [(getattr(f, value), INDENT * depth + f.label) for f, depth in technology_field_tree()]


class ModelFieldsForm(forms.Form):
    """A plain form whose fields come from a model (labels, help texts, widgets), which never touches an
    instance. Declared fields override generated ones of the same name and keep the model's order.

    Every such form carries the version of the record it was opened on in a hidden field; the service refuses
    the save if the record changed since (core.versioning), so a stale form cannot undo a newer edit."""

    model: ClassVar[type[models.Model]]
    model_fields: ClassVar[tuple[str, ...]] = ()
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        generated = forms.fields_for_model(self.model, fields=self.model_fields)
        self.fields = {**generated, **self.fields}
        self.order_fields(self.field_order)

    def service_data(self) -> dict[str, Any]:
        """The cleaned values keyed the way the service expects them."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data

    def based_on_version(self) -> int | None:
        """The version of the record this form was opened on (None for a new record)."""
        return self.cleaned_data.get("version")


def _choices(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """A choice field of the form, to set its choices at run time."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def _label(model: type[models.Model], name: str) -> Any:
    """The model field's own (translated) name, capitalised as Django does for generated form fields."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return capfirst(field.verbose_name)


def _identifier(name: str) -> forms.CharField:
    """Identifiers are entered as people write them ("de 136 695 976"); the service normalises them."""
    return forms.CharField(label=_label(Organisation, name), max_length=40, required=False)


class OrganisationForm(ModelFieldsForm):
    model = Organisation
    # The service's fields, less those declared below with their own widgets.
    model_fields = tuple(
        f for f in ORGANISATION_FIELDS if f not in {"website", *IDENTIFIER_FIELDS, "roles", "shared_groups"}
    )
    edrpou = _identifier("edrpou")
    vat_id = _identifier("vat_id")
    lei = _identifier("lei")
    website = forms.URLField(label=_label(Organisation, "website"), required=False, assume_scheme="https")
    roles = forms.MultipleChoiceField(
        label=_label(Organisation, "roles"),
        choices=OrganisationRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    technology_fields = forms.TypedMultipleChoiceField(
        label=_label(Organisation, "technology_fields"),
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )
    shared_groups = forms.MultipleChoiceField(
        label=_label(Organisation, "shared_groups"),
        choices=SharedGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Other companies on the platform see the legal name, short name and country together with "
            "the groups ticked here; with none ticked, the organisation stays private."
        ),
    )

    def __init__(self, *args: Any, office: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "technology_fields").choices = grouped_field_choices()
        if not office:
            # Shown but fixed: the service refuses a change by a company representative anyway.
            for name in OFFICE_ONLY_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Set by the liaison office.")

    @staticmethod
    def initial_for(org: Organisation) -> dict[str, Any]:
        names = (*OrganisationForm.model_fields, "website", *IDENTIFIER_FIELDS, "roles", "shared_groups")
        initial = {name: getattr(org, name) or "" for name in names}
        initial["roles"], initial["shared_groups"] = list(org.roles), list(org.shared_groups)
        initial["technology_fields"] = [f.pk for f in org.technology_fields.all()]
        initial["version"] = org.version
        return initial


class ProductForm(ModelFieldsForm):
    model = Product
    field_order = ("name_en", "name_de", "name_uk", "technology_field")
    # The declared list, less the technology field, which is a select box declared below.
    model_fields = tuple(name for name in PRODUCT_FIELDS if name != "technology_field")
    technology_field = forms.TypedChoiceField(
        label=_label(Product, "technology_field"), coerce=int, empty_value=None, required=False
    )
    trl = forms.IntegerField(label=_label(Product, "trl"), min_value=1, max_value=9)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "technology_field").choices = _blank("—") + flat_field_choices()

    @staticmethod
    def initial_for(product: Product) -> dict[str, Any]:
        initial = {name: getattr(product, name) for name in ProductForm.model_fields}
        initial["technology_field"] = product.technology_field_id
        initial["version"] = product.version
        return initial

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        data["technology_field_id"] = data.pop("technology_field")
        return data


class PersonForm(ModelFieldsForm):
    model = Person
    model_fields = ("full_name", "function", "email", "phone")
    languages = forms.MultipleChoiceField(
        label=_label(Person, "languages"), choices=Language.choices, required=False, widget=forms.SelectMultiple
    )

    @staticmethod
    def initial_for(person: Person) -> dict[str, Any]:
        return {name: getattr(person, name) for name in (*PersonForm.model_fields, "languages", "version")}


class PersonEraseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the erasure"),
        max_length=500,
        help_text=_("For example the reference of the person's request (GDPR Art. 17)."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DateInput(forms.DateInput):
    input_type = "date"


class CertificationForm(ModelFieldsForm):
    model = Certification
    model_fields = ("standard", "certificate_number", "issuer", "valid_from", "valid_until")
    valid_from = forms.DateField(label=_label(Certification, "valid_from"), required=False, widget=DateInput)
    valid_until = forms.DateField(label=_label(Certification, "valid_until"), required=False, widget=DateInput)

    @staticmethod
    def initial_for(certification: Certification) -> dict[str, Any]:
        return {name: getattr(certification, name) for name in (*CertificationForm.model_fields, "version")}


class TechnologyFieldForm(ModelFieldsForm):
    model = TechnologyField
    field_order = ("code", "parent")
    model_fields = ("code", "label_en", "label_de", "label_uk", "position")
    parent = forms.TypedChoiceField(
        label=_label(TechnologyField, "parent"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "parent").choices = _blank(_("— top level —")) + flat_field_choices()

    @staticmethod
    def initial_for(field: TechnologyField) -> dict[str, Any]:
        initial = {name: getattr(field, name) for name in TechnologyFieldForm.model_fields}
        initial["parent"] = field.parent_id
        initial["version"] = field.version
        return initial

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        data["parent_id"] = data.pop("parent")
        return data


def _live(attrs: dict[str, str], trigger: str) -> dict[str, str]:
    """HTMX attributes that refresh the result table from one filter control, sending the whole form."""
    return {
        **attrs,
        "hx-get": reverse("registry:organisation_list"),
        "hx-trigger": trigger,
        "hx-include": "closest form",
        "hx-target": "#organisation-results",
        "hx-push-url": "true",
    }


class OrganisationFilterForm(forms.Form):
    """The list's filters. Rendering only: the selector parses the query string itself, so an unknown value
    filters to nothing instead of failing."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    country = forms.ChoiceField(label=_("Country"), required=False)
    technology_field = forms.ChoiceField(label=_("Technology field"), required=False)
    role = forms.ChoiceField(label=_("Role"), required=False)
    certification = forms.ChoiceField(label=_("Certification"), required=False)
    archived = forms.BooleanField(label=_("Archived organisations"), required=False)

    def __init__(self, *args: Any, staff: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not staff:
            del self.fields["archived"]  # only staff see archived organisations (selectors.organisation_list)
        else:
            self.fields["archived"].widget.attrs.update(_live({}, "change"))
        any_ = _blank(_("any"))
        _choices(self, "country").choices = any_ + list(Country.choices)
        _choices(self, "technology_field").choices = any_ + flat_field_choices(value="code")
        _choices(self, "role").choices = any_ + list(OrganisationRole.choices)
        _choices(self, "certification").choices = any_ + list(CertificationStandard.choices)
        search_attrs = {"type": "search", "autocomplete": "off", "placeholder": str(_("Name, city … in any script"))}
        self.fields["q"].widget.attrs.update(_live(search_attrs, "input changed delay:300ms, search"))
        for name in ("country", "technology_field", "role", "certification"):
            self.fields[name].widget.attrs.update(_live({}, "change"))


class ReasonForm(forms.Form):
    """A confirmation that asks why (archiving, dismissing a duplicate flag); the service checks the reason."""

    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class ConfirmForm(forms.Form):
    """A confirmation without input (restoring): the POST itself is the answer."""


class MergeForm(forms.Form):
    """Which of the two records survives; the other is archived after its records moved."""

    survivor = forms.TypedChoiceField(label=_("Keep this record"), coerce=int, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, pair: tuple[Organisation, Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(o.pk, f"{o.legal_name} (#{o.pk})") for o in pair]
        _choices(self, "survivor").choices = choices
