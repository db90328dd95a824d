"""Registry services: identifiers with their real rules, duplicate refusal and flagging, audit, GDPR."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from liaison.core.actors import Actor
from liaison.core.models import AuditEntry
from liaison.core.permissions import PermissionDeniedError
from liaison.registry import services
from liaison.registry.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _officer(users: dict[str, Any]) -> Actor:
    return Actor.for_user(users["liaison_officer"])


def test_create_normalises_identifiers_and_audits(users: dict[str, Any]) -> None:
    result = services.organisation_create(
        actor=_officer(users),
        data={
            "legal_name": "Nordlicht Optronik GmbH",
            "country": "DE",
            "hr_court": "München",
            "hr_number": "hrb 123456",
            "vat_id": "de 136 695 976",
            "technology_fields": ["optics"],
            "roles": ["rnd"],
        },
    )
    org = result.organisation
    assert (org.hr_court, org.hr_number, org.vat_id) == ("München", "HRB 123456", "DE136695976")
    assert [f.code for f in org.technology_fields.all()] == ["optics"]
    entry = AuditEntry.objects.get(action="organisation.created")
    assert (entry.object_id, entry.actor_id, entry.after["vat_id"]) == (
        str(org.pk),
        users["liaison_officer"].pk,
        "DE136695976",
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("edrpou", "32855962", "EDRPOU: the check digit is wrong"),
        ("lei", "529900T8BM49AURSDO56", "LEI: the check digit is wrong"),
        ("vat_id", "DE136695977", "VAT number: the check digit is wrong"),
    ],
)
def test_invalid_identifier_is_refused_with_reason(
    users: dict[str, Any], field: str, value: str, message: str
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(
            actor=_officer(users), data={"legal_name": "X", "country": "UA", field: value}
        )
    assert excinfo.value.message_dict[field] == [message]
    assert Organisation.objects.filter(legal_name="X").count() == 0
    assert AuditEntry.objects.count() == 0


def test_existing_identifier_is_refused_naming_the_holder(users: dict[str, Any]) -> None:
    OrganisationFactory(legal_name="ДП «Антонов»", edrpou="32855961", country="UA")
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(
            actor=_officer(users), data={"legal_name": "Antonov Copy", "country": "UA", "edrpou": "32855961"}
        )
    assert excinfo.value.message_dict["edrpou"] == [
        "EDRPOU 32855961 is already registered for “ДП «Антонов»”."
    ]


def test_similar_name_across_scripts_is_flagged(users: dict[str, Any]) -> None:
    first = services.organisation_create(
        actor=_officer(users),
        data={"legal_name": "ДК «Укроборонпром»", "short_name": "Укроборонпром", "country": "UA"},
    ).organisation
    second = services.organisation_create(
        actor=_officer(users), data={"legal_name": "Ukroboronprom SC", "country": "UA"}
    )
    assert [o.pk for o in second.possible_duplicates] == [first.pk]
    assert list(first.possible_duplicates.values_list("pk", flat=True)) == [second.organisation.pk]


def test_unrelated_name_is_not_flagged(users: dict[str, Any]) -> None:
    services.organisation_create(actor=_officer(users), data={"legal_name": "Укроборонпром", "country": "UA"})
    result = services.organisation_create(
        actor=_officer(users), data={"legal_name": "Ukrspecexport", "country": "UA"}
    )
    assert result.possible_duplicates == []


def test_update_without_change_writes_nothing(users: dict[str, Any], org_a: Any) -> None:
    services.organisation_update(
        actor=_officer(users), organisation=org_a, data={"legal_name": org_a.legal_name}
    )
    assert AuditEntry.objects.count() == 0
    services.organisation_update(actor=_officer(users), organisation=org_a, data={"city": "Kiel"})
    entry = AuditEntry.objects.get()
    assert (entry.before, entry.after) == ({"city": "Berlin"}, {"city": "Kiel"})


def test_representative_cannot_edit_another_company(users: dict[str, Any], org_b: Any) -> None:
    rep = Actor.for_user(users["company_representative"])
    with pytest.raises(PermissionDeniedError):
        services.organisation_update(actor=rep, organisation=org_b, data={"city": "Lviv"})
    org_b.refresh_from_db()
    assert org_b.city == "Київ"
    assert AuditEntry.objects.count() == 0


def test_person_erasure_blanks_data_and_keeps_the_chain(users: dict[str, Any], org_a: Any) -> None:
    from liaison.core.audit import verify_chain

    actor = _officer(users)
    person = services.person_save(
        actor=actor,
        organisation=org_a,
        data={"full_name": "Олександр Шевченко", "email": "o.shevchenko@example.org", "function": "CTO"},
    )
    created = AuditEntry.objects.get(action="person.created")
    assert created.personal == {
        "full_name": "Олександр Шевченко",
        "email": "o.shevchenko@example.org",
        "phone": "",
    }
    assert "Шевченко" not in str(created.after)
    export = services.person_export(actor=actor, person=person)
    assert export["person"]["email"] == "o.shevchenko@example.org"
    services.person_erase(actor=actor, person=person, reason="request 2026-17")
    person.refresh_from_db()
    assert (person.full_name, person.email, person.erased_at is not None) == ("[erased]", "", True)
    erased = AuditEntry.objects.get(pk=created.pk)
    assert (erased.personal, erased.object_repr, erased.actor_label) == (None, "", "")
    erasure = AuditEntry.objects.get(action="person.erased")
    assert erasure.after == {"erased": True, "erased_entries": [created.pk, created.pk + 1]}  # created, exported
    assert verify_chain().ok


def test_representative_cannot_change_what_the_office_vouches_for(users: dict[str, Any], org_a: Any) -> None:
    rep = Actor.for_user(users["company_representative"])
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_update(actor=rep, organisation=org_a, data={"security_clearance": "secret"})
    assert excinfo.value.message_dict == {
        "security_clearance": ["Only the liaison office changes the security clearance and registry identifiers."]
    }
    services.organisation_update(actor=rep, organisation=org_a, data={"city": "Kiel", "security_clearance": "none"})
    org_a.refresh_from_db()
    assert (org_a.city, org_a.security_clearance) == ("Kiel", "none")


def test_representative_edit_form_shows_office_fields_fixed(users: dict[str, Any], org_a: Any, client_for: Any) -> None:
    client = client_for(users["company_representative"])
    page = client.get(f"/registry/organisations/{org_a.pk}/edit/").content.decode()
    assert 'name="security_clearance"' in page and "disabled" in page.split('name="security_clearance"')[1][:200]


def test_export_is_recorded_in_the_trail(users: dict[str, Any], org_a: Any) -> None:
    from liaison.registry.exporting import organisation_export
    from liaison.registry.selectors import OrganisationFilters

    organisation_export(viewer=users["ministry_official"], filters=OrganisationFilters(country="DE"), fmt="csv")
    entry = AuditEntry.objects.get(action="organisation.exported")
    assert (entry.actor_id, entry.after["format"], entry.after["count"], entry.after["filters"]["country"]) == (
        users["ministry_official"].pk, "csv", 1, "DE",
    )


def test_certification_dates_are_checked_against_the_stored_other_end(users: dict[str, Any], org_a: Any) -> None:
    import datetime

    actor = _officer(users)
    cert = services.certification_save(actor=actor, organisation=org_a, data={
        "standard": "ISO 9001", "valid_from": datetime.date(2025, 1, 1), "valid_until": datetime.date(2028, 1, 1)})
    with pytest.raises(ValidationError) as excinfo:
        services.certification_save(actor=actor, organisation=org_a, certification=cert,
                                    data={"valid_until": datetime.date(2024, 6, 1)})
    assert excinfo.value.message_dict == {"valid_until": ["The end of validity lies before its start."]}
    cert.refresh_from_db()
    assert cert.valid_until == datetime.date(2028, 1, 1)
