"""The one mapping of domain errors (core/errors.py): the same exception answers alike in the API (status and
DRF's body shape), in the pages (Django's 404/403 handlers, a 400/409 page) and in the CLI (CommandError)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from liaison.core import errors
from tests.api_schema import api_client, token_for

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.error_urls")]

API_CASES = [
    ("not_found", 404, {"detail": "Not found."}),
    ("denied", 403, {"detail": "Only the liaison office registers organisations."}),
    ("invalid", 400, {"trl": ["Too high."], "non_field_errors": ["Inconsistent."]}),
    ("invalid_plain", 400, {"non_field_errors": ["No field here."]}),
    ("conflict", 409, {"detail": "Changed by someone else.", "current_version": 3}),
]


@pytest.mark.parametrize(("kind", "status", "body"), API_CASES)
def test_api_maps_each_domain_error(users: dict[str, Any], kind: str, status: int, body: dict[str, Any]) -> None:
    response = api_client(token=token_for(users["company_representative"])).get(f"/test-errors/api/{kind}/")
    assert (response.status_code, response.json()) == (status, body)


def test_api_still_answers_drf_errors_itself(db: Any) -> None:
    response = api_client().get("/test-errors/api/not_found/")
    assert (response.status_code, response.json()) == (401, {"detail": "Authentication credentials were not provided."})


@pytest.mark.parametrize(
    ("kind", "status", "text"),
    [
        ("not_found", 404, ""),
        ("denied", 403, ""),
        ("invalid", 400, "Too high."),
        ("conflict", 409, "Changed by someone else."),
    ],
)
def test_pages_map_each_domain_error(client_for: Any, users: dict[str, Any], kind: str, status: int, text: str) -> None:
    response = client_for(users["company_representative"]).get(f"/test-errors/page/{kind}/")
    assert response.status_code == status
    assert text in response.content.decode()


def test_page_error_is_translated(client_for: Any, users: dict[str, Any]) -> None:
    client = client_for(users["company_representative"])
    response = client.get("/test-errors/page/conflict/", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 409
    assert "Zwischenzeitlich geändert" in response.content.decode()


class _Raises(errors.LiaisonCommand):
    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind")

    def handle(self, *args: Any, kind: str, **options: Any) -> None:
        from tests.core.error_urls import RAISED

        raise RAISED[kind]()


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("not_found", "Not found."),
        ("denied", "Only the liaison office registers organisations."),
        ("invalid", "trl: Too high.; Inconsistent."),
        ("conflict", "Changed by someone else."),
    ],
)
def test_cli_maps_each_domain_error_to_one_line(kind: str, message: str) -> None:
    with pytest.raises(CommandError) as caught:
        call_command(_Raises(), kind)
    assert str(caught.value) == message


def test_denial_keeps_the_decision_and_default_messages_exist() -> None:
    from liaison.core.permissions import PermissionDeniedError, deny, require

    with pytest.raises(PermissionDeniedError) as caught:
        require(deny("Because."))
    assert (caught.value.status, caught.value.reason, caught.value.decision.reason) == (403, "Because.", "Because.")
    assert str(errors.NotFound()) == "Not found."
    assert errors.Conflict().message.startswith("This record was changed by someone else")
