"""Issue 6, finding 4: a field group an organisation does not share must not be inferable through filters,
search, sort or export. The attack: as another company's representative, filter or search by a value of a
hidden group and see which organisations come back. Each surface (API, web list, export) is probed with the
same requests; the positive halves show the organisation's own representative and staff still find it."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from liaison.core.actors import Actor
from liaison.registry import selectors, services
from tests.api_schema import api_client, token_for
from tests.factories import CertificationFactory, UserFactory

pytestmark = pytest.mark.django_db

# Every probe is a value of one field group that the "hidden" organisation does not share.
PROBES = {
    "certification": {"certification": "AQAP 2110"},  # certifications group
    "city": {"q": "Schytomyr"},  # address group; stored in Cyrillic, found across scripts
    "region": {"q": "Polissia"},  # address group
    "translated name": {"q": "Verborgenwerk"},  # profile group (name_de)
    "role": {"role": "mro"},  # profile group
    "technology field": {"technology_field": "drones"},  # profile group
}


def _create(office: Any, **data: Any) -> Any:
    return services.organisation_create(actor=Actor.for_user(office), data={"country": "UA", **data}).organisation


@pytest.fixture
def world(users: dict[str, Any]) -> dict[str, Any]:
    """``hidden`` carries a value for every probe but shares groups none of the probes read (a probe must not
    find it); ``profile_only`` and ``address_only`` each share exactly one of them."""
    office = users["liaison_officer"]
    groups = ["products", "people", "identifiers"]
    hidden = _create(
        office,
        legal_name="ТОВ «Прихований Завод»",
        short_name="Прихований",
        name_de="Verborgenwerk",
        city="Житомир",
        region="Polissia",
        roles=["mro"],
        technology_fields=["drones"],
        shared_groups=groups,
    )
    CertificationFactory(organisation=hidden, standard="AQAP 2110")
    profile_only = _create(
        office,
        legal_name="ТОВ «Профіль»",
        name_de="Verborgenwerk Profil",
        city="Житомир",
        region="Polissia",
        roles=["mro"],
        technology_fields=["drones"],
        shared_groups=["profile"],
    )
    CertificationFactory(organisation=profile_only, standard="AQAP 2110")
    address_only = _create(
        office, legal_name="ТОВ «Адреса»", city="Житомир", region="Polissia", shared_groups=["address"]
    )
    own_rep = UserFactory(username="hidden_rep", roles=["company_representative"], organisations=[hidden])
    return {"hidden": hidden, "profile_only": profile_only, "address_only": address_only, "own_rep": own_rep}


# What another company's representative may find with each probe: only organisations sharing that group.
EXPECTED_FOR_OTHERS = {
    "certification": set(),
    "city": {"address_only"},
    "region": {"address_only"},
    "translated name": {"profile_only"},
    "role": {"profile_only"},
    "technology field": {"profile_only"},
}


def _names(world: dict[str, Any], ids: set[int]) -> set[str]:
    return {name for name in ("hidden", "profile_only", "address_only") if world[name].pk in ids}


def _api_ids(user: Any, params: dict[str, str]) -> set[int]:
    response = api_client(token=token_for(user)).get("/api/organisations/", params)
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def _ui_ids(client: Any, world: dict[str, Any], params: dict[str, str]) -> set[int]:
    response = client.get("/registry/organisations/", params)
    assert response.status_code == 200
    page = response.content.decode()
    return {world[n].pk for n in ("hidden", "profile_only", "address_only") if f"/organisations/{world[n].pk}/" in page}


def _export_ids(client: Any, params: dict[str, str]) -> tuple[set[str], set[str]]:
    """Legal names in the JSON and CSV exports."""
    as_json = client.get("/registry/import/export.json", params)
    as_csv = client.get("/registry/import/export.csv", params)
    assert (as_json.status_code, as_csv.status_code) == (200, 200)
    json_names = {row["legal_name"] for row in json.loads(as_json.content)["organisations"]}
    csv_names = {row["legal_name"] for row in csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig")))}
    return json_names, csv_names


@pytest.mark.parametrize("probe", sorted(PROBES))
def test_other_company_cannot_infer_hidden_groups_through_the_api(
    world: dict[str, Any], users: dict[str, Any], probe: str
) -> None:
    found = _api_ids(users["company_representative"], PROBES[probe])
    assert _names(world, found) == EXPECTED_FOR_OTHERS[probe]


@pytest.mark.parametrize("probe", sorted(PROBES))
def test_other_company_cannot_infer_hidden_groups_through_the_list_page(
    world: dict[str, Any], users: dict[str, Any], client_for: Any, probe: str
) -> None:
    found = _ui_ids(client_for(users["company_representative"]), world, PROBES[probe])
    assert _names(world, found) == EXPECTED_FOR_OTHERS[probe]


@pytest.mark.parametrize("probe", sorted(PROBES))
def test_other_company_cannot_infer_hidden_groups_through_the_export(
    world: dict[str, Any], users: dict[str, Any], client_for: Any, probe: str
) -> None:
    json_names, csv_names = _export_ids(client_for(users["company_representative"]), PROBES[probe])
    expected = {world[n].legal_name for n in EXPECTED_FOR_OTHERS[probe]}
    assert (json_names, csv_names) == (expected, expected)


@pytest.mark.parametrize("who", ["own_rep", "liaison_officer", "administrator"])
@pytest.mark.parametrize("probe", sorted(PROBES))
def test_own_representative_and_staff_still_find_it(
    world: dict[str, Any], users: dict[str, Any], client_for: Any, who: str, probe: str
) -> None:
    user = world["own_rep"] if who == "own_rep" else users[who]
    assert world["hidden"].pk in _api_ids(user, PROBES[probe])
    client = client_for(user)
    assert world["hidden"].pk in _ui_ids(client, world, PROBES[probe])
    json_names, csv_names = _export_ids(client, PROBES[probe])
    assert world["hidden"].legal_name in json_names & csv_names


def test_hidden_translated_name_does_not_rank_results(users: dict[str, Any]) -> None:
    """Sort: both organisations share their address, so a company finds both by the city; only ``x`` hides
    a German name equal to the query. Ranked by that hidden name, ``x`` would come first and betray it."""
    office = users["liaison_officer"]
    x = _create(office, legal_name="ТОВ «Ікс»", name_de="Житомир", city="Житомир", shared_groups=["address"])
    y = _create(office, legal_name="Житомирська Ковальня", city="Житомир", shared_groups=["address"])
    filters = selectors.OrganisationFilters(q="Житомир")
    assert selectors.organisation_ranked_ids(viewer=office, filters=filters) == [x.pk, y.pk]
    assert selectors.organisation_ranked_ids(viewer=users["company_representative"], filters=filters) == [y.pk, x.pk]


def test_sharing_a_group_later_makes_it_searchable_and_unsharing_hides_it_again(
    world: dict[str, Any], users: dict[str, Any]
) -> None:
    """The shared search keys follow ``shared_groups`` through the update service (any partial save of the
    organisation must write ``shared_search_text`` with the other derived keys)."""
    rep, hidden = users["company_representative"], world["hidden"]
    actor = Actor.for_user(users["liaison_officer"])
    services.organisation_update(actor=actor, organisation=hidden, data={"shared_groups": ["address"]})
    assert hidden.pk in _api_ids(rep, PROBES["city"])
    services.organisation_update(actor=actor, organisation=hidden, data={"shared_groups": ["products"]})
    assert hidden.pk not in _api_ids(rep, PROBES["city"])
