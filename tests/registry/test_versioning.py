"""Optimistic versioning (issue 6, finding 3): a change based on an older version than the stored one is refused
with a clear conflict — in the UI the form keeps the user's input and says what is stored now, in the API 412
for If-Match and 409 for a stale ``version`` — and the same change based on the stored version is saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from liaison.core.actors import Actor
from liaison.core.models import AuditEntry
from liaison.core.versioning import StaleVersion
from liaison.integrity import services as integrity
from liaison.integrity.models import OrganisationRelation
from liaison.registry import archiving, services
from liaison.registry.models import Certification, Organisation, Person, Product, TechnologyField
from liaison.registry.services import KEY_COLUMNS, _refresh_keys
from tests.api_schema import api_client, token_for
from tests.factories import CertificationFactory, PersonFactory, ProductFactory, technology_field

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")


def _org_form(org: Organisation, **changes: Any) -> dict[str, Any]:
    """The edit form as the browser posts it: every field as it was shown, plus the user's changes."""
    data: dict[str, Any] = {
        "legal_name": org.legal_name,
        "short_name": org.short_name,
        "country": org.country,
        "city": org.city,
        "security_clearance": org.security_clearance,
        "shared_groups": list(org.shared_groups),
        "version": org.version,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- web forms ---------------------------------------------------------------------------------------------


def test_stale_organisation_form_is_refused_and_keeps_the_input(
    users: dict[str, Any], client_for: Any, org_a: Organisation
) -> None:
    url = reverse("registry:organisation_edit", args=[org_a.pk])
    rep = client_for(users["company_representative"])
    opened = rep.get(url)
    assert opened.context["form"].initial["version"] == 1
    assert 'name="version" value="1"' in opened.content.decode()
    # Meanwhile the liaison office changes the city.
    services.organisation_update(
        actor=Actor.for_user(users["liaison_officer"]), organisation=org_a, data={"city": "Lviv"}
    )
    audit_before = AuditEntry.objects.count()

    stale = rep.post(url, _org_form(org_a, short_name="Alpha Neu", version=1))

    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Someone else saved a change to this record at" in html
    assert "Stored values that differ from your input:" in html and "City: “Lviv”" in html
    assert 'value="Alpha Neu"' in html  # the user's input is kept
    assert 'name="version" value="2"' in html  # saving again is a deliberate overwrite
    stored = Organisation.objects.get(pk=org_a.pk)
    assert (stored.short_name, stored.city, stored.version) == ("Alpha", "Lviv", 2)
    assert AuditEntry.objects.count() == audit_before

    # The positive half: the same change based on the stored version is saved.
    saved = rep.post(url, _org_form(org_a, short_name="Alpha Neu", city="Lviv", version=2))
    assert saved.status_code == 302
    stored.refresh_from_db()
    assert (stored.short_name, stored.city, stored.version) == ("Alpha Neu", "Lviv", 3)


def test_stale_organisation_form_in_german(users: dict[str, Any], client_for: Any, org_a: Organisation) -> None:
    url = reverse("registry:organisation_edit", args=[org_a.pk])
    rep = client_for(users["company_representative"])
    services.organisation_update(actor=SYSTEM, organisation=org_a, data={"city": "Lviv"})
    response = rep.post(url, _org_form(org_a, short_name="Alpha Neu", version=1), HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 409
    assert "Jemand anderes hat diesen Datensatz" in response.content.decode()


def test_stale_product_form_is_refused_and_fresh_one_saved(
    users: dict[str, Any], client_for: Any, org_a: Organisation
) -> None:
    product = ProductFactory(organisation=org_a, name_en="Sokil", trl=6)
    url = reverse("registry:product_edit", args=[org_a.pk, product.pk])
    rep = client_for(users["company_representative"])
    assert rep.get(url).context["form"].initial["version"] == 1
    services.product_save(actor=SYSTEM, organisation=org_a, product=product, data={"trl": 8})
    form = {"name_en": "Sokil", "trl": "7", "category": product.category}
    response = rep.post(url, {**form, "version": "1"})
    assert response.status_code == 409
    assert "Technology readiness level: “8”" in response.content.decode()
    assert Product.objects.get(pk=product.pk).trl == 8
    assert rep.post(url, {**form, "version": "2"}).status_code == 302
    assert (Product.objects.get(pk=product.pk).trl, Product.objects.get(pk=product.pk).version) == (7, 3)


def test_stale_delete_confirmation_deletes_nothing(users: dict[str, Any], client_for: Any, org_a: Organisation) -> None:
    product = ProductFactory(organisation=org_a, name_en="Sokil")
    url = reverse("registry:product_delete", args=[org_a.pk, product.pk])
    rep = client_for(users["company_representative"])
    assert 'name="version" value="1"' in rep.get(url).content.decode()
    services.product_save(actor=SYSTEM, organisation=org_a, product=product, data={"trl": 9})
    response = rep.post(url, {"version": "1"}, follow=True)
    assert Product.objects.filter(pk=product.pk).exists()
    assert "was changed by someone else after you opened it" in response.content.decode()
    rep.post(url, {"version": "2"})
    assert not Product.objects.filter(pk=product.pk).exists()


def test_stale_relation_removal_removes_nothing(users: dict[str, Any], client_for: Any, org_a: Organisation) -> None:
    rel = integrity.relation_save(actor=SYSTEM, organisation=org_a, data={"kind": "director", "name": "Anna Schmidt"})
    integrity.relation_save(actor=SYSTEM, organisation=org_a, relation=rel, data={"name": "Anna Schmidt-Berg"})
    rep = client_for(users["company_representative"])
    url = reverse("integrity:relation_delete", args=[rel.pk])
    response = rep.post(url, {"version": "1"}, follow=True)
    assert "was changed by someone else after you opened it" in response.content.decode()
    assert OrganisationRelation.objects.filter(pk=rel.pk).exists()
    rep.post(url, {"version": "2"})
    assert not OrganisationRelation.objects.filter(pk=rel.pk).exists()


def test_stale_taxonomy_form_is_refused(users: dict[str, Any], client_for: Any) -> None:
    field = technology_field("optics")
    url = reverse("registry:taxonomy_edit", args=[field.pk])
    admin = client_for(users["administrator"])
    services.technology_field_save(actor=SYSTEM, technology_field=field, data={"label_en": "Optics (changed)"})
    form = {"code": "optics", "label_en": "Optical", "label_de": field.label_de, "label_uk": field.label_uk}
    form["position"] = str(field.position)
    assert admin.post(url, {**form, "version": "1"}).status_code == 409
    assert TechnologyField.objects.get(pk=field.pk).label_en == "Optics (changed)"
    assert admin.post(url, {**form, "version": "2"}).status_code == 302
    assert TechnologyField.objects.get(pk=field.pk).label_en == "Optical"


# --- services ----------------------------------------------------------------------------------------------


def test_service_refuses_stale_version_and_writes_nothing(org_a: Organisation) -> None:
    services.organisation_update(actor=SYSTEM, organisation=org_a, data={"city": "Kiel"})
    count = AuditEntry.objects.count()
    with pytest.raises(StaleVersion) as caught:
        services.organisation_update(actor=SYSTEM, organisation=org_a, data={"city": "Bonn"}, expected_version=1)
    assert caught.value.extra == {"current_version": 2}
    assert (Organisation.objects.get(pk=org_a.pk).city, AuditEntry.objects.count()) == ("Kiel", count)
    services.organisation_update(actor=SYSTEM, organisation=org_a, data={"city": "Bonn"}, expected_version=2)
    assert Organisation.objects.values_list("city", "version").get(pk=org_a.pk) == ("Bonn", 3)


def test_field_level_update_keeps_every_derived_key_current(org_a: Organisation) -> None:
    """Only changed columns are written, so the derived search keys must be among them when they change."""
    data = {"city": "Lviv", "short_name": "Alpha Neu", "shared_groups": ["profile", "address"]}
    services.organisation_update(actor=SYSTEM, organisation=org_a, data=data)
    stored, recomputed = Organisation.objects.get(pk=org_a.pk), Organisation.objects.get(pk=org_a.pk)
    _refresh_keys(recomputed)
    assert [getattr(stored, k) for k in KEY_COLUMNS] == [getattr(recomputed, k) for k in KEY_COLUMNS]
    assert "lviv" in stored.shared_search_text


def test_archiving_raises_the_version_so_an_older_edit_form_is_refused(
    users: dict[str, Any], org_a: Organisation
) -> None:
    archiving.organisation_archive(actor=Actor.for_user(users["administrator"]), organisation=org_a, reason="closed")
    assert Organisation.objects.get(pk=org_a.pk).version == 2
    with pytest.raises(StaleVersion):
        services.organisation_update(actor=SYSTEM, organisation=org_a, data={"city": "Kiel"}, expected_version=1)


def test_unchanged_save_keeps_the_version(org_a: Organisation) -> None:
    services.organisation_update(actor=SYSTEM, organisation=org_a, data={"city": org_a.city}, expected_version=1)
    assert Organisation.objects.get(pk=org_a.pk).version == 1


# --- API ---------------------------------------------------------------------------------------------------


def _records(org: Organisation) -> dict[str, tuple[str, Any, dict[str, Any]]]:
    product = ProductFactory(organisation=org)
    cert = CertificationFactory(organisation=org, standard="ISO 9001")
    person = PersonFactory(organisation=org, full_name="Anna Schmidt")
    base = f"/api/organisations/{org.pk}/"
    return {
        "organisation": (base, org, {"city": "Kiel"}),
        "product": (f"{base}products/{product.pk}/", product, {"trl": 8}),
        "certification": (f"{base}certifications/{cert.pk}/", cert, {"issuer": "TÜV"}),
        "person": (f"{base}people/{person.pk}/", person, {"function": "CTO"}),
    }


def _change_meanwhile(instance: Any) -> None:
    model = type(instance)
    model.objects.filter(pk=instance.pk).update(version=instance.version + 1)


@pytest.mark.parametrize("kind", ["organisation", "product", "certification", "person"])
def test_api_if_match_refuses_stale_and_accepts_current(users: dict[str, Any], org_a: Organisation, kind: str) -> None:
    client = api_client(token=token_for(users["liaison_officer"]))
    url, instance, change = _records(org_a)[kind]
    model = type(instance)
    first = client.get(url)
    assert (first.status_code, first["ETag"], first.json()["version"]) == (200, '"1"', 1)
    _change_meanwhile(instance)
    before = {k: getattr(model.objects.get(pk=instance.pk), k) for k in change}

    stale = client.patch(url, change, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert stale.json() == {
        "detail": "The record was changed since you read it: If-Match does not name the stored version.",
        "current_version": 2,
    }
    assert {k: getattr(model.objects.get(pk=instance.pk), k) for k in change} == before
    weak = client.patch(url, change, format="json", HTTP_IF_MATCH='W/"2"')
    assert weak.status_code == 412  # If-Match compares strongly
    body_stale = client.patch(url, {**change, "version": 1}, format="json")
    assert body_stale.status_code == 409 and body_stale.json()["current_version"] == 2

    fresh = client.patch(url, change, format="json", HTTP_IF_MATCH=client.get(url)["ETag"])
    assert (fresh.status_code, fresh["ETag"], fresh.json()["version"]) == (200, '"3"', 3)
    stored = model.objects.get(pk=instance.pk)
    assert {k: getattr(stored, k) for k in change} == change


def test_api_patch_without_precondition_writes_only_the_fields_sent(users: dict[str, Any], org_a: Organisation) -> None:
    client = api_client(token=token_for(users["liaison_officer"]))
    Organisation.objects.filter(pk=org_a.pk).update(region="Schleswig-Holstein")  # a change the client never read
    response = client.patch(f"/api/organisations/{org_a.pk}/", {"city": "Kiel"}, format="json", HTTP_IF_MATCH="*")
    assert response.status_code == 200
    assert Organisation.objects.values_list("city", "region").get(pk=org_a.pk) == ("Kiel", "Schleswig-Holstein")


def test_api_delete_with_stale_if_match_deletes_nothing(users: dict[str, Any], org_a: Organisation) -> None:
    client = api_client(token=token_for(users["liaison_officer"]))
    product, cert = ProductFactory(organisation=org_a), CertificationFactory(organisation=org_a)
    for url, model, pk in (
        (f"/api/organisations/{org_a.pk}/products/{product.pk}/", Product, product.pk),
        (f"/api/organisations/{org_a.pk}/certifications/{cert.pk}/", Certification, cert.pk),
    ):
        model.objects.filter(pk=pk).update(version=2)
        assert client.delete(url, HTTP_IF_MATCH='"1"').status_code == 412
        assert model.objects.filter(pk=pk).exists()
        assert client.delete(url, HTTP_IF_MATCH='"2"').status_code == 204
        assert not model.objects.filter(pk=pk).exists()


def test_api_relation_put_with_stale_version(users: dict[str, Any], org_a: Organisation) -> None:
    client = api_client(token=token_for(users["liaison_officer"]))
    rel = integrity.relation_save(actor=SYSTEM, organisation=org_a, data={"kind": "director", "name": "Anna Schmidt"})
    listed = client.get(f"/api/integrity/organisations/{org_a.pk}/relations/").json()
    assert [r["version"] for r in listed] == [1]
    OrganisationRelation.objects.filter(pk=rel.pk).update(version=2, name="Anna Schmidt-Berg")
    url = f"/api/integrity/relations/{rel.pk}/"
    stale = client.put(url, {"kind": "director", "name": "Anna Berg", "version": 1}, format="json")
    assert stale.status_code == 409 and OrganisationRelation.objects.get(pk=rel.pk).name == "Anna Schmidt-Berg"
    assert client.delete(url, HTTP_IF_MATCH='"1"').status_code == 412
    fresh = client.put(url, {"kind": "director", "name": "Anna Berg"}, format="json", HTTP_IF_MATCH='"2"')
    assert (fresh.status_code, fresh["ETag"]) == (200, '"3"')
    assert OrganisationRelation.objects.get(pk=rel.pk).name == "Anna Berg"


def test_version_in_a_form_or_body_must_be_a_positive_number(users: dict[str, Any], org_a: Organisation) -> None:
    client = api_client(token=token_for(users["liaison_officer"]))
    response = client.patch(f"/api/organisations/{org_a.pk}/", {"city": "X", "version": 0}, format="json")
    assert response.status_code == 400 and "version" in response.json()
    assert Person.objects.count() == 0
