"""Partial sharing: an organisation that shares its profile only. Another company's representative reads the
profile on every page that shows organisations, but none of the products, people and certifications, which it
does not share; the organisation's own representative reads all of them on the same pages (the positive half).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import login
from tests.factories import CertificationFactory, OrganisationFactory, PersonFactory, ProductFactory, UserFactory
from tests.permissions.harness import response_text

pytestmark = pytest.mark.django_db

NAME = "Profile Only Zq8 GmbH"
UNSHARED = {"product": "UNSHARED-PRODUCT-zq8", "person": "unshared-person-zq8@b.example", "cert": "UNSHARED-CERT-zq8"}


def _urls(pk: int) -> dict[str, str]:
    return {
        "organisation list": reverse("registry:organisation_list"),
        "organisation detail": reverse("registry:organisation_detail", args=[pk]),
        "API list": reverse("organisation-list"),
        "API detail": reverse("organisation-detail", args=[pk]),
        "API products": reverse("organisation-products-list", kwargs={"organisation_pk": pk}),
        "API people": reverse("organisation-people-list", kwargs={"organisation_pk": pk}),
        "API certifications": reverse("organisation-certifications-list", kwargs={"organisation_pk": pk}),
        "export": reverse("registry_import:export", args=["csv"]),
    }


@pytest.fixture
def shared_org(settings: Any, tmp_path: Any) -> Any:
    settings.VAR_DIR = tmp_path
    org = OrganisationFactory(legal_name=NAME, short_name="Zq8", shared_groups=["profile"])
    ProductFactory(organisation=org, name_en=UNSHARED["product"])
    PersonFactory(organisation=org, email=UNSHARED["person"])
    CertificationFactory(organisation=org, certificate_number=UNSHARED["cert"])
    return org


def _read(client: Client, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, response_text(response)


def test_another_company_reads_the_shared_profile_and_nothing_else(shared_org: Any) -> None:
    other = login(Client(), UserFactory(roles=["company_representative"], organisations=[OrganisationFactory()]))
    problems = []
    for page, url in _urls(shared_org.pk).items():
        status, text = _read(other, url)
        leaked = [kind for kind, marker in UNSHARED.items() if marker in text]
        if status != 200 or leaked:
            problems.append(f"{page} {url}: status {status}, unshared {leaked} visible")
        if (
            page in {"organisation list", "organisation detail", "API list", "API detail", "export"}
            and NAME not in text
        ):
            problems.append(f"{page} {url}: the shared profile is missing")
    assert problems == []


def test_the_organisations_own_representative_reads_everything(shared_org: Any) -> None:
    own = login(Client(), UserFactory(roles=["company_representative"], organisations=[shared_org]))
    seen = {page: _read(own, url) for page, url in _urls(shared_org.pk).items()}
    assert all(status == 200 for status, _text in seen.values()), {p: s for p, (s, _t) in seen.items()}
    assert UNSHARED["product"] in seen["organisation detail"][1] and UNSHARED["product"] in seen["API products"][1]
    assert UNSHARED["person"] in seen["organisation detail"][1] and UNSHARED["person"] in seen["API people"][1]
    assert UNSHARED["cert"] in seen["organisation detail"][1] and UNSHARED["cert"] in seen["API certifications"][1]
