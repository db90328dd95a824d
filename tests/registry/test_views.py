"""Registry web UI: lists, search and filters through the view, object-level access (404 for absent and
forbidden alike), writes through the services, GDPR buttons, the taxonomy page and the CSP-safe markup."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.urls import reverse

from liaison.core.models import AuditEntry
from liaison.registry.models import Organisation, Person, Product, TechnologyField
from tests.factories import (
    CertificationFactory,
    OrganisationFactory,
    PersonFactory,
    ProductFactory,
    technology_field,
)

pytestmark = pytest.mark.django_db

LIST = reverse("registry:organisation_list")


def _names(response: Any) -> list[str]:
    return [row["card"]["legal_name"] for row in response.context["rows"]]


def _detail(org: Any) -> str:
    return reverse("registry:organisation_detail", args=[org.pk])


# --- list, filters, search -------------------------------------------------------------------------------


def test_list_filters_by_country_field_role_and_certification(users: dict[str, Any], client_for: Any) -> None:
    drones = OrganisationFactory(legal_name="Drohnenwerk GmbH", roles=["rnd"])
    drones.technology_fields.set([technology_field("drones-fpv")])
    CertificationFactory(organisation=drones, standard="AQAP 2110")
    OrganisationFactory(ukrainian=True, legal_name="ТОВ «Оптика»", roles=["series_production"])
    client = client_for(users["liaison_officer"])

    assert _names(client.get(LIST, {"country": "UA"})) == ["ТОВ «Оптика»"]
    # A parent field finds organisations in its sub-fields.
    assert _names(client.get(LIST, {"technology_field": "drones"})) == ["Drohnenwerk GmbH"]
    assert _names(client.get(LIST, {"role": "series_production"})) == ["ТОВ «Оптика»"]
    assert _names(client.get(LIST, {"certification": "AQAP 2110", "country": "DE"})) == ["Drohnenwerk GmbH"]
    assert _names(client.get(LIST, {"certification": "AQAP 2110", "country": "UA"})) == []


def test_search_finds_cyrillic_name_from_latin_query(users: dict[str, Any], client_for: Any) -> None:
    OrganisationFactory(ukrainian=True, legal_name="ТОВ «Харків Оптикс»", short_name="Харків Оптикс")
    OrganisationFactory(legal_name="Kiel Marine GmbH", short_name="Kiel Marine")
    response = client_for(users["ministry_official"]).get(LIST, {"q": "Kharkiv"})
    assert response.status_code == 200
    assert _names(response) == ["ТОВ «Харків Оптикс»"]
    assert 'id="id_q"' in response.content.decode()


def test_list_scopes_and_marks_own_organisation(users: dict[str, Any], client_for: Any, org_a: Any, org_b: Any) -> None:
    OrganisationFactory(legal_name="Gamma Systems GmbH", short_name="Gamma")  # shares its profile
    response = client_for(users["company_representative"]).get(LIST)
    assert _names(response) == ["Alpha Wehrtechnik GmbH", "Gamma Systems GmbH"]  # not the private org_b
    assert [row["own"] for row in response.context["rows"]] == [True, False]
    assert response.content.decode().count("own-badge") == 1


def test_list_paginates_fifty_per_page(users: dict[str, Any], client_for: Any) -> None:
    OrganisationFactory.create_batch(54)  # with org_a from the users fixture: 55
    client = client_for(users["liaison_officer"])
    first, second = client.get(LIST), client.get(LIST, {"page": 2})
    assert (len(first.context["rows"]), len(second.context["rows"])) == (50, 5)
    assert first.context["page"].paginator.count == 55


def test_htmx_request_gets_the_fragment_only(users: dict[str, Any], client_for: Any, org_a: Any) -> None:
    client = client_for(users["liaison_officer"])
    full = client.get(LIST, {"q": "Alpha"}).content.decode()
    fragment = client.get(LIST, {"q": "Alpha"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" in full and 'id="organisation-results"' in full
    assert "<html" not in fragment and "<form" not in fragment
    assert fragment.count("Alpha Wehrtechnik GmbH") == 1
    assert fragment.strip().startswith('<p class="result-count">')


def test_anonymous_is_sent_to_login(client: Any) -> None:
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- detail and object-level access -------------------------------------------------------------------------


def test_detail_shows_only_shared_groups_to_another_company(
    users: dict[str, Any], client_for: Any, org_a: Any, rep_b: Any
) -> None:
    Organisation.objects.filter(pk=org_a.pk).update(street="Geheimweg 7", vat_id="DE136695976")
    ProductFactory(organisation=org_a, name_en="Secret Drone")
    PersonFactory(organisation=org_a, full_name="Hans Geheim")
    response = client_for(rep_b).get(_detail(org_a))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["groups"] == {"profile"}
    assert "Alpha Wehrtechnik GmbH" in html
    for hidden in (
        "Geheimweg",
        "DE136695976",
        "Secret Drone",
        "Hans Geheim",
        "section-address",
        'id="section-products"',
        "Edit",
    ):
        assert hidden not in html


def test_detail_for_staff_shows_everything_and_edit(users: dict[str, Any], client_for: Any, org_a: Any) -> None:
    ProductFactory(organisation=org_a, name_en="Visible Drone")
    html = client_for(users["liaison_officer"]).get(_detail(org_a)).content.decode()
    assert "Visible Drone" in html
    assert reverse("registry:organisation_edit", args=[org_a.pk]) in html
    assert "{# integrity panel #}" not in html  # the marker is a template comment, never rendered


def test_private_organisation_is_404_like_an_absent_one(users: dict[str, Any], client_for: Any, org_b: Any) -> None:
    client = client_for(users["company_representative"])
    assert client.get(_detail(org_b)).status_code == 404
    assert client.get(reverse("registry:organisation_detail", args=[999999])).status_code == 404


def test_other_company_cannot_edit_and_nothing_changes(
    users: dict[str, Any], client_for: Any, org_a: Any, rep_b: Any
) -> None:
    url = reverse("registry:organisation_edit", args=[org_a.pk])
    client = client_for(rep_b)
    assert client.get(url).status_code == 404
    response = client.post(url, {"legal_name": "Hijacked", "country": "DE"})
    assert response.status_code == 404
    org_a.refresh_from_db()
    assert org_a.legal_name == "Alpha Wehrtechnik GmbH"
    assert AuditEntry.objects.count() == 0


def _org_post(**extra: Any) -> dict[str, Any]:
    data = {
        "legal_name": "Nordlicht Optronik GmbH",
        "country": "DE",
        "security_clearance": "none",
        "shared_groups": ["profile"],
    }
    data.update(extra)
    return data


def test_representative_edits_own_organisation(users: dict[str, Any], client_for: Any, org_a: Any) -> None:
    url = reverse("registry:organisation_edit", args=[org_a.pk])
    client = client_for(users["company_representative"])
    form = client.get(url).context["form"]
    assert form.initial["legal_name"] == "Alpha Wehrtechnik GmbH"
    optics = technology_field("optics")
    response = client.post(
        url,
        _org_post(
            legal_name="Alpha Wehrtechnik GmbH",
            short_name="Alpha",
            city="Kiel",
            roles=["rnd", "testing"],
            technology_fields=[str(optics.pk)],
            shared_groups=["profile", "address"],
        ),
    )
    assert response.status_code == 302 and response["Location"] == _detail(org_a)
    org_a.refresh_from_db()
    assert (org_a.city, org_a.roles, org_a.shared_groups) == ("Kiel", ["rnd", "testing"], ["profile", "address"])
    assert [f.code for f in org_a.technology_fields.all()] == ["optics"]
    assert AuditEntry.objects.get().action == "organisation.updated"


# --- create: duplicates ---------------------------------------------------------------------------------------


def test_create_with_existing_identifier_is_refused_and_stores_nothing(users: dict[str, Any], client_for: Any) -> None:
    OrganisationFactory(legal_name="ДП «Антонов»", edrpou="32855961", country="UA")
    response = client_for(users["liaison_officer"]).post(
        reverse("registry:organisation_create"), _org_post(legal_name="Antonov Copy", country="UA", edrpou="3285 5961")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["edrpou"] == ["EDRPOU 32855961 is already registered for “ДП «Антонов»”."]
    assert "already registered for" in response.content.decode()
    assert not Organisation.objects.filter(legal_name="Antonov Copy").exists()
    assert AuditEntry.objects.count() == 0


def test_create_flags_possible_duplicate_across_scripts(users: dict[str, Any], client_for: Any) -> None:
    client = client_for(users["liaison_officer"])
    create = reverse("registry:organisation_create")
    client.post(create, _org_post(legal_name="ДК «Укроборонпром»", short_name="Укроборонпром", country="UA"))
    first = Organisation.objects.get(short_name="Укроборонпром")
    response = client.post(create, _org_post(legal_name="Ukroboronprom SC", country="UA"), follow=True)
    second = Organisation.objects.get(legal_name="Ukroboronprom SC")
    assert response.redirect_chain == [(_detail(second), 302)]
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert warnings == [f'Possible duplicate — please check: <a href="{_detail(first)}">ДК «Укроборонпром»</a>']
    assert f'<a href="{_detail(first)}">ДК «Укроборонпром»</a>' in response.content.decode()
    assert response.context["possible_duplicates"] == [first]  # the staff flag on the detail page


def test_company_representative_cannot_create(users: dict[str, Any], client_for: Any) -> None:
    client = client_for(users["company_representative"])
    assert client.post(reverse("registry:organisation_create"), _org_post()).status_code == 404
    assert not Organisation.objects.filter(legal_name="Nordlicht Optronik GmbH").exists()


# --- products, people, certifications ---------------------------------------------------------------------


def test_product_create_and_edit(users: dict[str, Any], client_for: Any, org_a: Any) -> None:
    client = client_for(users["company_representative"])
    field = technology_field("drones-fpv")
    data = {"name_en": "Sokil FPV", "trl": "7", "category": "ML10", "technology_field": str(field.pk)}
    response = client.post(reverse("registry:product_create", args=[org_a.pk]), data)
    assert response.status_code == 302
    product = Product.objects.get(organisation=org_a)
    assert (product.name_en, product.trl, product.technology_field_id) == ("Sokil FPV", 7, field.pk)

    edit = reverse("registry:product_edit", args=[org_a.pk, product.pk])
    assert client.get(edit).context["form"].initial["name_en"] == "Sokil FPV"
    client.post(edit, {**data, "trl": "8", "technology_field": ""})
    product.refresh_from_db()
    assert (product.trl, product.technology_field_id) == (8, None)
    assert list(AuditEntry.objects.values_list("action", flat=True).order_by("sequence")) == [
        "product.created",
        "product.updated",
    ]


def test_product_form_rejects_trl_out_of_range(users: dict[str, Any], client_for: Any, org_a: Any) -> None:
    response = client_for(users["company_representative"]).post(
        reverse("registry:product_create", args=[org_a.pk]), {"name_en": "X", "trl": "10", "category": "ML10"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["trl"] == ["Ensure this value is less than or equal to 9."]
    assert Product.objects.count() == 0


def test_product_delete_needs_confirmation(users: dict[str, Any], client_for: Any, org_a: Any) -> None:
    product = ProductFactory(organisation=org_a)
    url = reverse("registry:product_delete", args=[org_a.pk, product.pk])
    client = client_for(users["company_representative"])
    assert client.get(url).status_code == 200 and Product.objects.filter(pk=product.pk).exists()
    assert client.post(url).status_code == 302
    assert not Product.objects.filter(pk=product.pk).exists()


def test_product_of_another_organisation_is_404(users: dict[str, Any], client_for: Any, org_a: Any, org_b: Any) -> None:
    foreign = ProductFactory(organisation=org_b)
    url = reverse("registry:product_edit", args=[org_a.pk, foreign.pk])  # own org, foreign product id
    response = client_for(users["company_representative"]).post(url, {"name_en": "X", "trl": 5, "category": "ML10"})
    assert response.status_code == 404
    assert Product.objects.get(pk=foreign.pk).name_en == foreign.name_en


def test_person_create_and_edit(users: dict[str, Any], client_for: Any, org_a: Any) -> None:
    client = client_for(users["company_representative"])
    client.post(
        reverse("registry:person_create", args=[org_a.pk]),
        {
            "full_name": "Олександр Шевченко",
            "function": "CTO",
            "languages": ["uk", "en"],
            "email": "o.shevchenko@example.org",
        },
    )
    person = Person.objects.get(organisation=org_a)
    assert (person.full_name, person.languages) == ("Олександр Шевченко", ["uk", "en"])
    client.post(
        reverse("registry:person_edit", args=[org_a.pk, person.pk]),
        {"full_name": "Олександр Шевченко", "function": "CEO", "languages": ["uk"], "email": ""},
    )
    person.refresh_from_db()
    assert (person.function, person.languages, person.email) == ("CEO", ["uk"], "")
    html = client.get(_detail(org_a)).content.decode()
    assert "Export (JSON)" in html and reverse("registry:person_erase", args=[org_a.pk, person.pk]) in html


def test_person_export_downloads_json(users: dict[str, Any], client_for: Any, org_a: Any) -> None:
    person = PersonFactory(organisation=org_a, full_name="Anna Schmidt", email="anna@example.org")
    response = client_for(users["company_representative"]).post(
        reverse("registry:person_export", args=[org_a.pk, person.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="person-{person.pk}.json"'
    data = json.loads(response.content)
    assert (data["person"]["full_name"], data["person"]["email"], data["organisation"]) == (
        "Anna Schmidt",
        "anna@example.org",
        "Alpha Wehrtechnik GmbH",
    )
    assert AuditEntry.objects.get().action == "person.exported"


def test_person_export_is_post_only_and_hidden_from_other_companies(
    users: dict[str, Any], client_for: Any, org_a: Any, rep_b: Any
) -> None:
    person = PersonFactory(organisation=org_a)
    url = reverse("registry:person_export", args=[org_a.pk, person.pk])
    assert client_for(users["company_representative"]).get(url).status_code == 405
    assert client_for(rep_b).post(url).status_code == 404
    assert AuditEntry.objects.count() == 0


def test_person_erase_asks_reason_then_erases(users: dict[str, Any], client_for: Any, org_a: Any) -> None:
    person = PersonFactory(organisation=org_a, full_name="Anna Schmidt")
    url = reverse("registry:person_erase", args=[org_a.pk, person.pk])
    client = client_for(users["company_representative"])
    assert "Anna Schmidt" in client.get(url).content.decode()
    refused = client.post(url, {"reason": "   "})
    assert refused.status_code == 200 and "reason" in refused.context["form"].errors
    assert Person.objects.get(pk=person.pk).erased_at is None
    response = client.post(url, {"reason": "request 2026-17"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.email, person.erased_at is not None) == ("[erased]", "", True)
    assert AuditEntry.objects.get(action="person.erased").message == "request 2026-17"
    assert client.get(url).status_code == 404  # an erased person is gone from the UI


def test_certification_create_and_delete(users: dict[str, Any], client_for: Any, org_a: Any) -> None:
    client = client_for(users["company_representative"])
    create = reverse("registry:certification_create", args=[org_a.pk])
    refused = client.post(create, {"standard": "ISO 9001", "valid_from": "2025-01-01", "valid_until": "2024-01-01"})
    assert refused.context["form"].errors["valid_until"] == ["The end of validity lies before its start."]
    client.post(create, {"standard": "AQAP 2110", "valid_from": "2025-01-01", "valid_until": "2028-01-01"})
    cert = org_a.certifications.get()
    assert (cert.standard, str(cert.valid_until)) == ("AQAP 2110", "2028-01-01")
    client.post(reverse("registry:certification_delete", args=[org_a.pk, cert.pk]))
    assert org_a.certifications.count() == 0


# --- taxonomy -------------------------------------------------------------------------------------------------


def test_taxonomy_is_for_administrators_only(users: dict[str, Any], client_for: Any) -> None:
    field = technology_field("optics")
    edit = reverse("registry:taxonomy_edit", args=[field.pk])
    for role in ("liaison_officer", "company_representative"):
        client = client_for(users[role])
        assert client.get(reverse("registry:taxonomy")).status_code == 404
        assert (
            client.post(
                edit, {"code": "optics", "label_en": "Hacked", "label_de": "x", "label_uk": "x", "position": 0}
            ).status_code
            == 404
        )
    assert TechnologyField.objects.get(pk=field.pk).label_en == field.label_en
    assert AuditEntry.objects.count() == 0


def test_administrator_edits_and_creates_fields(users: dict[str, Any], client_for: Any) -> None:
    client = client_for(users["administrator"])
    drones = technology_field("drones")
    assert "FPV" in client.get(reverse("registry:taxonomy")).content.decode()
    response = client.post(
        reverse("registry:taxonomy_create"),
        {
            "code": "drones-naval",
            "parent": str(drones.pk),
            "label_en": "Naval drones",
            "label_de": "Seedrohnen",
            "label_uk": "Морські дрони",
            "position": 9,
        },
    )
    assert response.status_code == 302
    created = TechnologyField.objects.get(code="drones-naval")
    assert (created.parent_id, created.label_uk) == (drones.pk, "Морські дрони")
    # A field cannot be moved below its own descendant.
    response = client.post(
        reverse("registry:taxonomy_edit", args=[drones.pk]),
        {
            "code": "drones",
            "parent": str(created.pk),
            "label_en": "Drones",
            "label_de": "Drohnen",
            "label_uk": "Дрони",
            "position": 0,
        },
    )
    assert response.context["form"].errors["parent"] == ["A field cannot be placed below itself."]
    assert TechnologyField.objects.get(pk=drones.pk).parent_id is None


# --- markup safe under the strict CSP -------------------------------------------------------------------------

_SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def test_pages_have_no_inline_script_or_style(users: dict[str, Any], client_for: Any, org_a: Any) -> None:
    person = PersonFactory(organisation=org_a)
    product = ProductFactory(organisation=org_a)
    field = technology_field("optics")
    urls = [
        LIST,
        _detail(org_a),
        reverse("registry:organisation_create"),
        reverse("registry:organisation_edit", args=[org_a.pk]),
        reverse("registry:product_create", args=[org_a.pk]),
        reverse("registry:product_edit", args=[org_a.pk, product.pk]),
        reverse("registry:product_delete", args=[org_a.pk, product.pk]),
        reverse("registry:person_create", args=[org_a.pk]),
        reverse("registry:person_edit", args=[org_a.pk, person.pk]),
        reverse("registry:person_erase", args=[org_a.pk, person.pk]),
        reverse("registry:certification_create", args=[org_a.pk]),
        reverse("registry:taxonomy"),
        reverse("registry:taxonomy_create"),
        reverse("registry:taxonomy_edit", args=[field.pk]),
    ]
    client = client_for(users["administrator"])
    for url in urls:
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        scripts = _SCRIPT.findall(html)
        assert len(scripts) == 2, url  # htmx and app.js from base.html
        assert all(" src=" in attrs for attrs in scripts), url
        assert not re.search(r"\sstyle=|\son[a-z]+=", html, re.IGNORECASE), url
        assert "http://" not in html and "https://" not in html, url


def test_list_speaks_the_browser_language(users: dict[str, Any], client_for: Any) -> None:
    from django.utils import translation

    with translation.override("uk"):
        heading, label = translation.gettext("Organisations"), translation.gettext("Search")
    assert (heading, label) != ("Organisations", "Search")  # the catalogue translates them
    html = client_for(users["liaison_officer"]).get(LIST, HTTP_ACCEPT_LANGUAGE="uk-UA,uk;q=0.9").content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert f"{label} <input" in html
