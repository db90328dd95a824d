"""Idempotency keys on API creates (issue 6, finding 3): the same request with the same key creates one record
and answers alike; another request under a used key is refused; without a key every request creates."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from liaison.core.idempotency import purge_expired
from liaison.core.models import AuditEntry, IdempotencyKey
from liaison.registry.models import Product
from tests.api_schema import api_client, token_for

pytestmark = pytest.mark.django_db

PRODUCT = {"name_en": "Nightjar FPV", "trl": 7, "category": "ML4"}


@pytest.fixture
def rep(users: dict[str, Any]) -> Any:
    return api_client(token=token_for(users["company_representative"]))


def _url(org: Any) -> str:
    return f"/api/organisations/{org.pk}/products/"


def test_repeated_request_with_a_key_replays_the_first_answer(rep: Any, org_a: Any) -> None:
    first = rep.post(_url(org_a), PRODUCT, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    again = rep.post(_url(org_a), PRODUCT, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again["ETag"] == first["ETag"] == '"1"'
    assert (first.get("Idempotent-Replayed"), again["Idempotent-Replayed"]) == (None, "true")
    assert Product.objects.count() == 1 and AuditEntry.objects.filter(action="product.created").count() == 1


def test_without_a_key_every_request_creates(rep: Any, org_a: Any) -> None:
    rep.post(_url(org_a), PRODUCT, format="json")
    rep.post(_url(org_a), PRODUCT, format="json")
    assert Product.objects.count() == 2 and IdempotencyKey.objects.count() == 0


def test_a_used_key_with_another_body_is_refused(rep: Any, org_a: Any) -> None:
    rep.post(_url(org_a), PRODUCT, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    other = rep.post(_url(org_a), {**PRODUCT, "trl": 8}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert other.status_code == 422
    assert other.json() == {
        "detail": "This Idempotency-Key was already used for a different request; use a new key for a new record."
    }
    assert list(Product.objects.values_list("trl", flat=True)) == [7]


def test_keys_belong_to_their_user(rep: Any, users: dict[str, Any], org_a: Any) -> None:
    officer = api_client(token=token_for(users["liaison_officer"]))
    assert rep.post(_url(org_a), PRODUCT, format="json", HTTP_IDEMPOTENCY_KEY="k1").status_code == 201
    assert officer.post(_url(org_a), PRODUCT, format="json", HTTP_IDEMPOTENCY_KEY="k1").status_code == 201
    assert Product.objects.count() == 2


def test_a_failed_request_stores_nothing_and_may_be_retried(rep: Any, org_a: Any) -> None:
    bad = rep.post(_url(org_a), {**PRODUCT, "trl": 10}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert bad.status_code == 400 and IdempotencyKey.objects.count() == 0
    assert rep.post(_url(org_a), PRODUCT, format="json", HTTP_IDEMPOTENCY_KEY="k1").status_code == 201
    assert Product.objects.count() == 1


@pytest.mark.parametrize("key", ["x" * 256, "schlüssel", "a\tb"])
def test_malformed_keys_are_refused(rep: Any, org_a: Any, key: str) -> None:
    response = rep.post(_url(org_a), PRODUCT, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert response.json() == {"Idempotency-Key": ["An idempotency key is 1 to 255 printable ASCII characters."]}
    assert Product.objects.count() == 0


def test_expired_keys_may_be_used_again_and_are_purged(rep: Any, org_a: Any) -> None:
    rep.post(_url(org_a), PRODUCT, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert rep.post(_url(org_a), PRODUCT, format="json", HTTP_IDEMPOTENCY_KEY="k1").status_code == 201
    assert Product.objects.count() == 2
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert (purge_expired(), IdempotencyKey.objects.count()) == (1, 0)
    rep.post(_url(org_a), PRODUCT, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    out = io.StringIO()
    call_command("idempotency", "purge", stdout=out)
    assert (out.getvalue(), IdempotencyKey.objects.count()) == ("deleted 1 expired idempotency keys\n", 0)


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/organisations/", {"legal_name": "Einmal GmbH", "country": "DE"}),
        ("/api/technology-fields/", {"code": "einmal", "label_en": "E", "label_de": "E", "label_uk": "E"}),
        ("/api/organisations/{org}/certifications/", {"standard": "ISO 9001"}),
        ("/api/organisations/{org}/people/", {"full_name": "Anna Schmidt", "email": "a@example.org"}),
        ("/api/integrity/organisations/{org}/relations/", {"kind": "director", "name": "Anna Schmidt"}),
    ],
)
def test_every_create_endpoint_honours_the_key(users: dict[str, Any], org_a: Any, url: str, body: Any) -> None:
    admin = api_client(token=token_for(users["administrator"]))
    url = url.format(org=org_a.pk)
    first = admin.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="once")
    again = admin.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="once")
    assert (first.status_code, again.status_code, again["Idempotent-Replayed"]) == (201, 201, "true")
    assert again.json()["id"] == first.json()["id"]
    assert AuditEntry.objects.filter(action__endswith=".created").exclude(action="api_token.created").count() == 1
