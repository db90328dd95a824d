"""The registry API: the same scoping and rules as the services and the web UI, every response checked against the
OpenAPI document (tests.api_schema)."""

from __future__ import annotations

from typing import Any

import pytest

from liaison.core.models import AuditEntry
from liaison.registry.models import Organisation, Person, Product, TechnologyField
from tests.api_schema import api_client, token_for
from tests.factories import CertificationFactory, OrganisationFactory, PersonFactory, ProductFactory, technology_field

pytestmark = pytest.mark.django_db

PROFILE_KEYS = {
    "name_de",
    "name_uk",
    "name_en",
    "website",
    "size_class",
    "roles",
    "technology_fields",
    "description_de",
    "description_uk",
    "description_en",
}
ALWAYS_KEYS = {"id", "version", "legal_name", "short_name", "country", "visible_groups"}


@pytest.fixture
def officer(users: dict[str, Any]) -> Any:
    return api_client(token=token_for(users["liaison_officer"]))


@pytest.fixture
def rep(users: dict[str, Any]) -> Any:
    """Company A's representative, by token."""
    return api_client(token=token_for(users["company_representative"]))


@pytest.fixture
def org_c(db: Any) -> Any:
    """Company C shares its profile, products and people (not address, identifiers or certifications)."""
    org = OrganisationFactory(
        legal_name="Gamma Optronik GmbH",
        short_name="Gamma",
        street="Hafenstraße 1",
        shared_groups=["profile", "products", "people"],
    )
    ProductFactory(organisation=org, name_en="Nachtsicht", technology_field=technology_field("drones-fpv"))
    PersonFactory(organisation=org, full_name="Olena Kovalenko", email="olena@example.org")
    CertificationFactory(organisation=org, standard="AQAP 2110")
    return org


def _ua(**kwargs: Any) -> Any:
    """A Ukrainian organisation without EDRPOU: the factory's EDRPOU sequence repeats within ten rows."""
    return OrganisationFactory(ukrainian=True, edrpou=None, **kwargs)


def _ids(response: Any) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def test_list_is_paginated_by_limit_and_offset(officer: Any, org_a: Any) -> None:
    kappa, lambda_, mu = (OrganisationFactory(legal_name=f"{name} Systems GmbH") for name in ("Kappa", "Lambda", "Mu"))
    page = officer.get("/api/organisations/", {"limit": 3})
    assert page.status_code == 200
    assert page.json()["count"] == 4
    assert page.json()["next"] == "http://testserver/api/organisations/?limit=3&offset=3"
    assert page.json()["previous"] is None
    assert _ids(page) == [org_a.pk, kappa.pk, lambda_.pk]
    last = officer.get("/api/organisations/", {"limit": 3, "offset": 3})
    assert (_ids(last), last.json()["next"]) == ([mu.pk], None)


def test_filters_by_country_role_certification_and_technology_subtree(
    officer: Any, org_a: Any, org_b: Any, org_c: Any
) -> None:
    org_a.roles = ["series_production"]
    org_a.save()
    org_b.technology_fields.set([technology_field("drones-recon")])
    CertificationFactory(organisation=org_b, standard="ISO 9001")
    assert _ids(officer.get("/api/organisations/", {"country": "ua"})) == [org_b.pk]
    assert _ids(officer.get("/api/organisations/", {"role": "series_production"})) == [org_a.pk]
    assert _ids(officer.get("/api/organisations/", {"certification": "AQAP 2110"})) == [org_c.pk]
    assert _ids(officer.get("/api/organisations/", {"technology_field": "drones"})) == [org_b.pk]


def test_latin_query_finds_cyrillic_names_ranked(officer: Any, org_a: Any) -> None:
    exact = _ua(legal_name="ТОВ «Харків Оптика»", short_name="Харків Оптика")
    by_city = _ua(legal_name="ТОВ «Полтавські Системи»", short_name="Полтава", city="Харків")
    _ua(legal_name="ТОВ «Київ Дрони»", short_name="Київ Дрони")
    response = officer.get("/api/organisations/", {"q": "Kharkiv Optika"})
    assert _ids(response) == [exact.pk]
    assert _ids(officer.get("/api/organisations/", {"q": "Kharkiv"})) == [exact.pk, by_city.pk]


def test_search_never_reaches_past_the_callers_scope(rep: Any, org_a: Any) -> None:
    _ua(private=True, legal_name="ТОВ «Харків Приват»", short_name="Харків")
    shared = _ua(legal_name="ТОВ «Харків Відкритий»", short_name="Харків Відкритий")
    assert _ids(rep.get("/api/organisations/", {"q": "Kharkiv"})) == [shared.pk]


def test_other_company_sees_only_the_shared_groups(rep: Any, org_a: Any, org_b: Any, org_c: Any) -> None:
    assert _ids(rep.get("/api/organisations/")) == [org_a.pk, org_c.pk]
    body = rep.get(f"/api/organisations/{org_c.pk}/").json()
    assert set(body) == ALWAYS_KEYS | PROFILE_KEYS | {"products", "certifications", "people"}
    assert body["visible_groups"] == ["people", "products", "profile"]
    assert [p["name_en"] for p in body["products"]] == ["Nachtsicht"]
    assert body["products"][0]["technology_field"] == "drones-fpv"
    assert [p["full_name"] for p in body["people"]] == ["Olena Kovalenko"]
    assert body["certifications"] == []
    assert rep.get(f"/api/organisations/{org_c.pk}/certifications/").json() == []


def test_own_organisation_is_seen_in_full(rep: Any, org_a: Any) -> None:
    body = rep.get(f"/api/organisations/{org_a.pk}/").json()
    assert body["visible_groups"] == ["address", "certifications", "identifiers", "people", "products", "profile"]
    assert (body["city"], body["shared_groups"], body["security_clearance"]) == ("Berlin", ["profile"], "none")


@pytest.mark.parametrize(
    "path",
    [
        "/api/organisations/{pk}/",
        "/api/organisations/{pk}/products/",
        "/api/organisations/{pk}/people/",
        "/api/organisations/999999/",
    ],
)
def test_private_or_absent_organisation_is_404(rep: Any, org_b: Any, path: str) -> None:
    response = rep.get(path.format(pk=org_b.pk))
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_create_returns_the_card_and_possible_duplicates(officer: Any, users: dict[str, Any]) -> None:
    first = officer.post(
        "/api/organisations/",
        {"legal_name": "ДК «Укроборонпром»", "short_name": "Укроборонпром", "country": "UA"},
        format="json",
    )
    assert (first.status_code, first.json()["possible_duplicates"]) == (201, [])
    second = officer.post(
        "/api/organisations/",
        {
            "legal_name": "Ukroboronprom SC",
            "country": "UA",
            "roles": ["integration"],
            "technology_fields": ["drones"],
            "vat_id": "de 136 695 976",
        },
        format="json",
    )
    assert second.status_code == 201
    body = second.json()
    assert body["possible_duplicates"] == [first.json()["id"]]
    assert (body["roles"], body["technology_fields"], body["vat_id"]) == (["integration"], ["drones"], "DE136695976")
    entry = AuditEntry.objects.filter(action="organisation.created").last()
    assert (entry.object_id, entry.actor_kind, entry.actor_id) == (
        str(body["id"]),
        "token",
        users["liaison_officer"].pk,
    )


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({}, {"legal_name": ["This field is required."], "country": ["This field is required."]}),
        ({"legal_name": "X", "country": "XX"}, {"country": ['"XX" is not a valid choice.']}),
        ({"legal_name": "X", "country": "UA", "roles": ["spy"]}, {"roles": {"0": ['"spy" is not a valid choice.']}}),
        ({"legal_name": "X", "country": "UA", "edrpou": "32855962"}, {"edrpou": ["EDRPOU: the check digit is wrong"]}),
        (
            {"legal_name": "X", "country": "UA", "technology_fields": ["teleporters"]},
            {"technology_fields": ["Unknown technology field: teleporters"]},
        ),
    ],
)
def test_create_refuses_bad_data_with_field_messages(
    officer: Any, payload: dict[str, Any], errors: dict[str, Any]
) -> None:
    audit_rows = AuditEntry.objects.count()
    response = officer.post("/api/organisations/", payload, format="json")
    assert (response.status_code, response.json()) == (400, errors)
    assert (Organisation.objects.filter(legal_name="X").exists(), AuditEntry.objects.count()) == (False, audit_rows)


def test_representative_patches_own_organisation_audited_as_token(rep: Any, org_a: Any, users: dict[str, Any]) -> None:
    response = rep.patch(f"/api/organisations/{org_a.pk}/", {"city": "Kiel"}, format="json")
    assert (response.status_code, response.json()["city"]) == (200, "Kiel")
    entry = AuditEntry.objects.get(action="organisation.updated")
    assert (entry.actor_kind, entry.actor_id, entry.before, entry.after) == (
        "token",
        users["company_representative"].pk,
        {"city": "Berlin"},
        {"city": "Kiel"},
    )


def test_patch_refuses_bad_identifier_and_changes_nothing(rep: Any, org_a: Any) -> None:
    response = rep.patch(f"/api/organisations/{org_a.pk}/", {"vat_id": "DE136695977", "city": "Kiel"}, format="json")
    assert (response.status_code, response.json()) == (400, {"vat_id": ["VAT number: the check digit is wrong"]})
    assert Organisation.objects.get(pk=org_a.pk).city == "Berlin"
    assert not AuditEntry.objects.filter(action="organisation.updated").exists()


def _denials(org_c: Any) -> list[tuple[str, str, str, dict[str, Any], int]]:
    product, person = org_c.products.get(), org_c.people.get()
    org = f"/api/organisations/{org_c.pk}"
    return [
        ("company_representative", "patch", f"{org}/", {"city": "Kiel"}, 404),
        ("company_representative", "post", f"{org}/products/", {"name_en": "X", "trl": 5, "category": "ML1"}, 404),
        ("company_representative", "patch", f"{org}/products/{product.pk}/", {"trl": 2}, 404),
        ("company_representative", "delete", f"{org}/products/{product.pk}/", {}, 404),
        ("company_representative", "patch", f"{org}/people/{person.pk}/", {"phone": "1"}, 404),
        ("company_representative", "get", f"/api/people/{person.pk}/export/", {}, 404),
        ("company_representative", "post", f"/api/people/{person.pk}/erase/", {"reason": "x"}, 404),
        ("company_representative", "post", "/api/organisations/", {"legal_name": "X", "country": "DE"}, 403),
        (
            "company_representative",
            "post",
            "/api/technology-fields/",
            {"code": "x", "label_en": "x", "label_de": "x", "label_uk": "x"},
            403,
        ),
        ("ministry_official", "patch", f"{org}/", {"city": "Kiel"}, 404),
        ("nobody", "patch", f"{org}/", {"city": "Kiel"}, 404),
        ("nobody", "get", f"{org}/", {}, 404),
        ("anonymous", "patch", f"{org}/", {"city": "Kiel"}, 401),
        ("anonymous", "get", "/api/technology-fields/", {}, 401),
    ]


@pytest.mark.parametrize("case", range(14))
def test_denials_change_nothing_and_write_no_audit(users: dict[str, Any], org_c: Any, case: int) -> None:
    role, method, path, payload, expected = _denials(org_c)[case]
    client = api_client() if role == "anonymous" else api_client(token=token_for(users[role]))
    before = (
        list(Organisation.objects.values()),
        list(Product.objects.values()),
        list(Person.objects.values()),
        TechnologyField.objects.count(),
        AuditEntry.objects.count(),
    )
    response = getattr(client, method)(path, payload, format="json") if payload else getattr(client, method)(path)
    assert response.status_code == expected
    after = (
        list(Organisation.objects.values()),
        list(Product.objects.values()),
        list(Person.objects.values()),
        TechnologyField.objects.count(),
        AuditEntry.objects.count(),
    )
    assert after == before


def test_denial_reasons_are_given_where_nothing_is_hidden(rep: Any) -> None:
    response = rep.post("/api/organisations/", {"legal_name": "X", "country": "DE"}, format="json")
    assert response.json() == {"detail": "Only the liaison office registers organisations."}
    response = rep.post(
        "/api/technology-fields/", {"code": "x", "label_en": "x", "label_de": "x", "label_uk": "x"}, format="json"
    )
    assert response.json() == {"detail": "Only administrators edit the technology taxonomy."}


def test_products_are_created_changed_and_deleted_through_services(officer: Any, org_a: Any) -> None:
    url = f"/api/organisations/{org_a.pk}/products/"
    created = officer.post(
        url, {"name_en": "Falke", "trl": 7, "category": "ML10", "technology_field": "drones-fpv"}, format="json"
    )
    assert created.status_code == 201
    product = created.json()
    assert (product["name"], product["technology_field"], product["trl"]) == ("Falke", "drones-fpv", 7)
    changed = officer.patch(f"{url}{product['id']}/", {"trl": 8, "technology_field": None}, format="json")
    assert (changed.json()["trl"], changed.json()["technology_field"]) == (8, None)
    too_high = officer.patch(f"{url}{product['id']}/", {"trl": 10}, format="json")
    assert too_high.json() == {"trl": ["Ensure this value is less than or equal to 9."]}
    assert officer.delete(f"{url}{product['id']}/").status_code == 204
    assert not Product.objects.filter(pk=product["id"]).exists()
    assert list(AuditEntry.objects.filter(object_type="registry.product").values_list("action", flat=True)) == [
        "product.created",
        "product.updated",
        "product.deleted",
    ]


def test_child_rules_come_from_the_services(officer: Any, org_a: Any) -> None:
    nameless = officer.post(f"/api/organisations/{org_a.pk}/products/", {"trl": 3, "category": "ML1"}, format="json")
    assert (nameless.status_code, nameless.json()) == (
        400,
        {"name_en": ["A product needs a name in at least one language."]},
    )
    backwards = officer.post(
        f"/api/organisations/{org_a.pk}/certifications/",
        {"standard": "ISO 9001", "valid_from": "2026-01-01", "valid_until": "2025-01-01"},
        format="json",
    )
    assert backwards.json() == {"valid_until": ["The end of validity lies before its start."]}


def test_people_and_gdpr_export_and_erasure(officer: Any, org_a: Any) -> None:
    created = officer.post(
        f"/api/organisations/{org_a.pk}/people/",
        {"full_name": "Taras Shevchenko", "email": "taras@example.org", "languages": ["uk", "de"]},
        format="json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    export = officer.get(f"/api/people/{pk}/export/").json()
    assert (export["person"]["email"], export["organisation"]) == ("taras@example.org", "Alpha Wehrtechnik GmbH")
    assert [h["action"] for h in export["history"]] == ["person.created", "person.exported"]
    blank = officer.post(f"/api/people/{pk}/erase/", {"reason": " "}, format="json")
    assert blank.json() == {"reason": ["Give the reason for the erasure (e.g. the request reference)."]}
    assert officer.post(f"/api/people/{pk}/erase/", {"reason": "Request 2026-17"}, format="json").status_code == 204
    person = Person.objects.get(pk=pk)
    assert (person.full_name, person.email, person.erased_at is not None) == ("[erased]", "", True)
    assert officer.get(f"/api/people/{pk}/export/").status_code == 404
    assert officer.get(f"/api/organisations/{org_a.pk}/people/").json() == []


def test_technology_fields_read_by_all_edited_by_administrators(rep: Any, users: dict[str, Any]) -> None:
    listed = rep.get("/api/technology-fields/").json()
    assert len(listed) == TechnologyField.objects.count()
    assert [f["code"] for f in listed[:2]] == ["drones", "drones-fpv"]
    admin = api_client(token=token_for(users["administrator"]))
    created = admin.post(
        "/api/technology-fields/",
        {"code": "drones-swarm", "parent": "drones", "label_en": "Swarms", "label_de": "Schwärme", "label_uk": "Рої"},
        format="json",
    )
    assert (created.status_code, created.json()["parent"]) == (201, "drones")
    root = TechnologyField.objects.get(code="drones")
    loop = admin.patch(f"/api/technology-fields/{root.pk}/", {"parent": "drones-swarm"}, format="json")
    assert (loop.status_code, loop.json()) == (400, {"parent": ["A field cannot be placed below itself."]})
    assert TechnologyField.objects.get(code="drones").parent_id is None


@pytest.mark.parametrize("query", [{}, {"q": "Testfirma"}])
def test_list_queries_do_not_grow_with_the_page(
    rep: Any, org_a: Any, django_assert_max_num_queries: Any, query: dict[str, Any]
) -> None:
    for _ in range(30):
        OrganisationFactory().technology_fields.set([technology_field("drones")])
    with django_assert_max_num_queries(7):
        response = rep.get("/api/organisations/", query)
    assert len(response.json()["results"]) == (30 if query else 31)
