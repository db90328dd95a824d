"""The demo data set: deterministic, valid identifiers, loaded through the services, idempotent, users per role."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.accounts.models import User
from liaison.core.models import AuditEntry
from liaison.engines.identifiers import validate_edrpou, validate_handelsregister, validate_lei, validate_vat
from liaison.registry import demo
from liaison.registry.models import Membership, Organisation, Person, Product, TechnologyField
from liaison.registry.selectors import OrganisationFilters, organisation_search

PASSWORD = "demo-password-for-tests"  # noqa: S105
FORBIDDEN = ["Rheinmetall", "KNDS", "Hensoldt", "Diehl", "Antonov", "Антонов", "Укроборонпром", "Motor Sich"]


def _country_mix(specs: list[demo.OrganisationSpec]) -> Counter[str]:
    return Counter(s.data["country"] if s.data["country"] in ("DE", "UA") else "other" for s in specs)


def test_generation_is_deterministic_and_independent_of_count() -> None:
    small, large = demo.generate(count=20), demo.generate(count=60)
    assert [s.data for s in small] == [s.data for s in large[:20]]
    assert [s.people for s in small] == [s.people for s in large[:20]]
    assert _country_mix(small) == {"UA": 8, "DE": 10, "other": 2}


def test_full_set_mix_names_and_identifiers_are_valid() -> None:
    specs = demo.generate(count=200)
    assert _country_mix(specs) == {"UA": 89, "DE": 91, "other": 20}
    assert len({s.data["legal_name"] for s in specs}) == 200
    assert not [s for s in specs for bad in FORBIDDEN if bad.lower() in s.data["legal_name"].lower()]
    for spec in specs:
        data = spec.data
        if data.get("edrpou"):
            assert validate_edrpou(data["edrpou"]) == data["edrpou"]
        if data.get("vat_id"):
            assert validate_vat(data["vat_id"]) == data["vat_id"]
        if data.get("hr_number"):
            assert validate_handelsregister(data["hr_court"], data["hr_number"]) == (
                data["hr_court"],
                data["hr_number"],
            )
        if data.get("lei"):
            assert validate_lei(data["lei"]) == data["lei"]
        assert 1 <= len(spec.products) <= 5 and 1 <= len(spec.people) <= 3
    ua = [s for s in specs if s.data["country"] == "UA"]
    assert all(s.data["edrpou"] and s.data["description_uk"] and s.data["description_en"] for s in ua)
    de = [s for s in specs if s.data["country"] == "DE"]
    assert all(s.data["vat_id"] and s.data["hr_number"] and s.data["description_de"] for s in de)


def test_fixed_search_examples_are_the_first_records() -> None:
    kharkiv, weissenfels, shevchenko = demo.generate(count=3)
    assert (kharkiv.data["city"], kharkiv.data["legal_name"].count("Харків")) == ("Харків", 1)
    assert weissenfels.data["legal_name"] == "Weißenfels Präzisionstechnik GmbH"
    assert shevchenko.data["short_name"] == "Шевченко-Оптика"
    assert shevchenko.people[0]["full_name"] == "Андрій Шевченко"


@pytest.mark.django_db
def test_product_templates_cover_the_seeded_taxonomy() -> None:
    assert set(demo.FIELD_CODES) == set(TechnologyField.objects.values_list("code", flat=True))


@pytest.mark.django_db
def test_load_writes_through_services_and_a_second_run_changes_nothing() -> None:
    first = demo.load(password=PASSWORD, count=12)
    counts = (Organisation.objects.count(), Product.objects.count(), Person.objects.count())
    assert counts == (12, first.products, first.people)
    assert (first.organisations_created, first.users_created) == (12, 8)
    created = AuditEntry.objects.filter(action__endswith=".created", personal_part__actor_label="demo").count()
    memberships = Membership.objects.count()  # each audited on its own since memberships moved to the registry
    assert memberships == 2
    expected = 12 + first.products + first.people + first.certifications + 8 + memberships
    assert created == expected
    assert AuditEntry.objects.filter(action="two_factor.enabled").count() == 6
    before = AuditEntry.objects.count()

    second = demo.load(password=PASSWORD, count=12)
    assert AuditEntry.objects.count() == before
    assert (second.organisations_created, second.organisations_present) == (0, 12)
    assert (second.users_created, second.users_present, second.products) == (0, 8, 0)


@pytest.mark.django_db
def test_users_per_role_with_devices_and_memberships() -> None:
    result = demo.load(password=PASSWORD, count=3)
    roles = {u.username: sorted(u.groups.values_list("name", flat=True)) for u in User.objects.all()}
    assert roles == {
        "admin": ["administrator"],
        "liaison": ["liaison_officer"],
        "ministry.de": ["ministry_official"],
        "ministry.ua": ["ministry_official"],
        "company.de": ["company_representative"],
        "company.ua": ["company_representative"],
        "compliance": ["compliance_officer"],
        "auditor": ["auditor"],
    }
    assert User.objects.get(username="ministry.ua").country == "UA"
    assert User.objects.get(username="admin").check_password(PASSWORD)
    devices = dict(TOTPDevice.objects.filter(confirmed=True).values_list("user__username", "key"))
    assert devices == {
        name: demo.totp_key(name)
        for name in ["admin", "liaison", "ministry.de", "ministry.ua", "compliance", "auditor"]
    }
    assert [m.organisation.legal_name for m in User.objects.get(username="company.de").memberships.all()] == [
        "Weißenfels Präzisionstechnik GmbH"
    ]
    assert {c.username: bool(c.totp_secret) for c in result.credentials}["company.ua"] is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Kharkiv", "Харків"),
        ("Shevchenko", "Шевченко"),
        ("Weissenfels", "Weißenfels Präzisionstechnik GmbH"),
    ],
)
def test_fixed_records_are_found_across_scripts(query: str, expected: str) -> None:
    demo.load(password=PASSWORD, count=3)
    admin = User.objects.get(username="admin")
    found = organisation_search(viewer=admin, filters=OrganisationFilters(q=query))
    assert expected in found[0].legal_name


@pytest.mark.django_db
def test_democode_refuses_without_debug(settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only in development"):
        call_command("democode", "admin")


@pytest.mark.django_db
def test_democode_prints_a_code_the_device_accepts(settings: Any) -> None:
    demo.load(password=PASSWORD, count=2)
    settings.DEBUG = True
    out = io.StringIO()
    call_command("democode", "auditor", stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and TOTPDevice.objects.get(user__username="auditor").verify_token(code) is True


@pytest.mark.django_db
def test_demo_command_refuses_in_production(settings: Any) -> None:
    settings.LIAISON_DEMO_PASSWORD = PASSWORD
    # Last: each override is a new settings holder whose own SETTINGS_MODULE class attribute is None.
    settings.SETTINGS_MODULE = "liaison.config.settings.production"
    with pytest.raises(CommandError, match="production settings"):
        call_command("demo", "--count", "2", verbosity=0)
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_demo_command_needs_a_password_outside_development(settings: Any, monkeypatch: Any) -> None:
    monkeypatch.delenv("LIAISON_DEMO_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="LIAISON_DEMO_PASSWORD"):
        call_command("demo", "--count", "2", verbosity=0)
    assert User.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("print_credentials", [True, False])
def test_demo_command_prints_credentials_only_when_configured(settings: Any, print_credentials: bool) -> None:
    settings.LIAISON_DEMO_PASSWORD = PASSWORD
    settings.LIAISON_PRINT_DEMO_CREDENTIALS = print_credentials
    out = io.StringIO()
    call_command("demo", "--count", "2", verbosity=0, stdout=out)
    text = out.getvalue()
    assert "Organisations: 2 created, 0 already present." in text
    assert "Users: 8 created, 0 already present." in text
    assert (PASSWORD in text, "liaison democode USERNAME" in text) == (print_credentials, print_credentials)
    secret = next(c.totp_secret for c in demo.load(password=PASSWORD, count=2).credentials if c.username == "admin")
    assert (secret in text) is print_credentials
