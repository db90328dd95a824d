"""Forms parse and shape input only; validation that matters lives in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.core.types import Viewer
from liaison.integrity.choices import HitDecision, HitStatus, RelationKind
from liaison.registry.choices import Country
from liaison.registry.models import Organisation


class WatchlistUploadForm(forms.Form):
    file = forms.FileField(label=_("List file (FollowTheMoney JSON lines or CSV)"))
    source = forms.CharField(
        label=_("List name"),
        max_length=100,
        help_text=_("Letters, digits, '-', '_' or '.'; importing again under the same name replaces that list."),
    )
    version = forms.CharField(
        label=_("Version"),
        max_length=100,
        required=False,
        help_text=_("Leave empty to use today's date and the file's checksum."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=HitDecision.choices)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class HitFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[*HitStatus.choices, ("all", _("All"))])
    list = forms.CharField(label=_("List"), required=False, max_length=100)


class RelationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RelationKind.choices)
    party_organisation = forms.ModelChoiceField(
        label=_("Registered organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Either choose a registered organisation, or give a name below."),
    )
    name = forms.CharField(label=_("Name"), max_length=300, required=False)
    is_company = forms.BooleanField(label=_("This owner or director is a company"), required=False)
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    country = forms.ChoiceField(label=_("Country"), required=False, choices=[("", "—"), *Country.choices])
    registration_number = forms.CharField(label=_("Registration number"), max_length=60, required=False)
    share_percent = forms.DecimalField(label=_("Share (%)"), required=False, max_digits=5, decimal_places=2)
    since = forms.DateField(label=_("Since"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, viewer: Viewer, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = (
            Organisation.objects.visible_to(viewer)
            .filter(archived_at__isnull=True)
            .exclude(pk=organisation.pk)
            .order_by("legal_name")
        )
        field = self.fields["party_organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = choices

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        org = data.pop("party_organisation")
        data["party_organisation_id"] = org.pk if org else None
        return data
