"""Issue 6, finding 3: lost updates and duplicates under real parallel requests (threads, each with its own
database connection, released together by a barrier). On PostgreSQL always; on SQLite when the test database
is a file (as in production; the in-memory one cannot be shared by connections for real)."""

from __future__ import annotations

from typing import Any

import pytest

from liaison.core.models import AuditEntry, IdempotencyKey
from liaison.registry.models import Organisation, Product
from tests.api_schema import api_client, openapi, token_for
from tests.factories import OrganisationFactory
from tests.parallel import file_database, run_parallel

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5
FIELDS = ("city", "region", "street", "postal_code")
PRODUCT = {"name_en": "Nightjar FPV", "trl": 7, "category": "ML4"}


@pytest.fixture(autouse=True)
def _shared_database(migration_data: None) -> None:
    if not file_database():
        pytest.skip("parallel connections need PostgreSQL or SQLite in a file (LIAISON_TEST_SQLITE_FILE=1)")
    openapi()  # build the cached document once, not in four threads at once


@pytest.fixture
def org(db: Any) -> Organisation:
    return OrganisationFactory(legal_name="Parallel Werke GmbH", fully_shared=True)


@pytest.fixture
def token(users: dict[str, Any]) -> str:
    return token_for(users["administrator"])


def test_parallel_patches_of_different_fields_all_survive(org: Organisation, token: str) -> None:
    def patch(field: str, value: str) -> Any:
        return api_client(token=token).patch(f"/api/organisations/{org.pk}/", {field: value}, format="json")

    for round_ in range(ROUNDS):
        responses = run_parallel(len(FIELDS), lambda i, r=round_: patch(FIELDS[i], f"{FIELDS[i]} {r}"))
        assert [r.status_code for r in responses] == [200] * len(FIELDS), responses
        stored = Organisation.objects.get(pk=org.pk)
        assert {name: getattr(stored, name) for name in FIELDS} == {name: f"{name} {round_}" for name in FIELDS}
    stored = Organisation.objects.get(pk=org.pk)
    assert stored.version == 1 + ROUNDS * len(FIELDS)
    assert AuditEntry.objects.filter(action="organisation.updated", object_id=str(org.pk)).count() == ROUNDS * 4


def test_parallel_patches_of_one_version_have_one_winner(org: Organisation, token: str) -> None:
    """Denial: every client sends If-Match with the version it read; exactly one change is applied, the
    others get 412 and change nothing. Positive half: the winner's value is stored and the version rose once."""
    etag = api_client(token=token).get(f"/api/organisations/{org.pk}/")["ETag"]
    assert etag == '"1"'
    responses = run_parallel(
        4,
        lambda i: api_client(token=token).patch(
            f"/api/organisations/{org.pk}/", {"city": f"City {i}"}, format="json", HTTP_IF_MATCH=etag
        ),
    )
    assert not [r for r in responses if isinstance(r, BaseException)], responses
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 412, 412, 412]
    winner = next(i for i, r in enumerate(responses) if r.status_code == 200)
    stored = Organisation.objects.get(pk=org.pk)
    assert (stored.city, stored.version) == (f"City {winner}", 2)
    assert responses[winner]["ETag"] == '"2"'
    assert all(r.json()["current_version"] == 2 for r in responses if r.status_code == 412)
    assert AuditEntry.objects.filter(action="organisation.updated", object_id=str(org.pk)).count() == 1


def test_parallel_identical_creates_with_one_idempotency_key_make_one_product(org: Organisation, token: str) -> None:
    url = f"/api/organisations/{org.pk}/products/"
    responses = run_parallel(
        20, lambda i: api_client(token=token).post(url, PRODUCT, format="json", HTTP_IDEMPOTENCY_KEY="order-17")
    )
    assert [r.status_code for r in responses] == [201] * 20, responses
    assert Product.objects.filter(organisation=org).count() == 1
    product = Product.objects.get(organisation=org)
    assert {r.json()["id"] for r in responses} == {product.pk}
    assert sum(r.get("Idempotent-Replayed") == "true" for r in responses) == 19
    assert AuditEntry.objects.filter(action="product.created").count() == 1
    assert IdempotencyKey.objects.count() == 1


def test_parallel_creates_with_different_keys_make_one_product_each(org: Organisation, token: str) -> None:
    """The positive half: distinct keys are distinct requests."""
    url = f"/api/organisations/{org.pk}/products/"
    responses = run_parallel(
        5, lambda i: api_client(token=token).post(url, PRODUCT, format="json", HTTP_IDEMPOTENCY_KEY=f"k-{i}")
    )
    assert [r.status_code for r in responses] == [201] * 5
    assert Product.objects.filter(organisation=org).count() == 5


def test_parallel_organisation_creates_with_one_key_make_one_organisation(token: str) -> None:
    body = {"legal_name": "Einmal Systeme GmbH", "country": "DE"}
    responses = run_parallel(
        8,
        lambda i: api_client(token=token).post(
            "/api/organisations/", body, format="json", HTTP_IDEMPOTENCY_KEY="create-einmal"
        ),
    )
    assert [r.status_code for r in responses] == [201] * 8
    assert Organisation.objects.filter(legal_name="Einmal Systeme GmbH").count() == 1
