"""Numeric query parameters are bounded (issue 6, finding 8): ``?limit=99999999999999999999`` was a 500; now
every list answers 400 naming the parameter, and values within the bounds page as before."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api_schema import api_client, token_for
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

LISTS = ["/api/organisations/", "/api/integrity/hits/", "/api/audit/"]
HUGE = "99999999999999999999"


@pytest.fixture
def admin(users: dict[str, Any]) -> Any:
    return api_client(token=token_for(users["administrator"]))


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(
    ("param", "value"),
    [("limit", HUGE), ("offset", HUGE), ("limit", "0"), ("limit", "-1"), ("limit", "abc"), ("offset", "-5"),
     ("limit", "501"), ("offset", "1e3"), ("limit", "１０")],
)  # fmt: skip
def test_out_of_bounds_paging_is_a_400_naming_the_parameter(admin: Any, url: str, param: str, value: str) -> None:
    response = admin.get(url, {param: value})
    assert response.status_code == 400
    maximum = 500 if param == "limit" else 2**31 - 1
    minimum = 1 if param == "limit" else 0
    assert response.json() == {param: [f"{param} must be a whole number from {minimum} to {maximum}."]}


@pytest.mark.parametrize("url", LISTS)
def test_paging_within_bounds_answers(admin: Any, url: str) -> None:
    OrganisationFactory.create_batch(3)
    response = admin.get(url, {"limit": "500", "offset": "2147483647"})
    assert response.status_code == 200 and response.json()["results"] == []
    assert admin.get(url, {"limit": "1", "offset": "0"}).status_code == 200


def test_organisation_page_is_exact(admin: Any) -> None:
    _za, zb, _zc = (OrganisationFactory(legal_name=f"Z{n} GmbH") for n in ("A", "B", "C"))
    body = admin.get("/api/organisations/", {"limit": "1", "offset": "2"}).json()
    assert (body["count"], [r["id"] for r in body["results"]]) == (4, [zb.pk])  # after Alpha (org_a) and ZA


@pytest.mark.parametrize(
    "url",
    [
        f"/api/organisations/{HUGE}/",
        f"/api/organisations/{HUGE}/products/",
        f"/api/organisations/1/products/{HUGE}/",
        f"/api/technology-fields/{HUGE}/",
    ],
)
def test_huge_ids_in_paths_are_404(admin: Any, url: str) -> None:
    assert admin.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/registry/organisations/", "/integrity/", "/audit/"])
def test_huge_page_numbers_in_the_ui_show_the_last_page(users: dict[str, Any], client_for: Any, url: str) -> None:
    response = client_for(users["administrator"]).get(url, {"page": HUGE})
    assert response.status_code == 200
