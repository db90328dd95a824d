"""The API's foundations: token and session authentication, staff 2FA on the session API, the audit endpoint,
the OpenAPI document and the interactive docs under the strict Content-Security-Policy."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

from liaison.accounts.models import ApiToken
from liaison.accounts.services import api_token_revoke
from liaison.core import audit
from liaison.core.actors import Actor
from tests.api_schema import api_client, assert_matches_schema, session_without_second_factor, token_for

pytestmark = pytest.mark.django_db


def test_valid_token_authenticates_and_is_marked_used(users: dict[str, Any], org_a: Any) -> None:
    rep = users["company_representative"]
    response = api_client(token=token_for(rep)).get("/api/me/")
    assert response.status_code == 200
    assert response.json() == {
        "username": "company_representative",
        "roles": ["company_representative"],
        "organisations": [{"id": org_a.pk, "legal_name": "Alpha Wehrtechnik GmbH", "short_name": "Alpha"}],
    }
    assert ApiToken.objects.get(user=rep).last_used_at is not None


def test_revoked_token_is_refused(users: dict[str, Any]) -> None:
    rep = users["company_representative"]
    raw = token_for(rep)
    api_token_revoke(actor=Actor.for_user(rep), token=ApiToken.objects.get(user=rep))
    response = api_client(token=raw).get("/api/me/")
    assert (response.status_code, response.json()) == (401, {"detail": "Invalid or revoked token."})


@pytest.mark.parametrize("header", ["Token lia_not-a-real-token", "Token two parts"])
def test_unknown_or_malformed_token_is_refused(db: Any, header: str) -> None:
    client = api_client()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get("/api/organisations/").status_code == 401


def test_missing_credentials_ask_for_a_token(db: Any) -> None:
    response = api_client().get("/api/organisations/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_staff_session_without_second_factor_is_refused(users: dict[str, Any], org_a: Any) -> None:
    response = session_without_second_factor(users["liaison_officer"]).get(f"/api/organisations/{org_a.pk}/")
    assert response.status_code == 403
    assert response.json() == {"detail": "Staff accounts must pass two-factor authentication before using the API."}


def test_staff_session_with_second_factor_and_staff_token_are_allowed(users: dict[str, Any], org_a: Any) -> None:
    officer = users["liaison_officer"]
    assert api_client(officer, session=True).get(f"/api/organisations/{org_a.pk}/").status_code == 200
    assert api_client(token=token_for(officer)).get(f"/api/organisations/{org_a.pk}/").status_code == 200


def test_company_session_needs_no_second_factor(users: dict[str, Any]) -> None:
    response = session_without_second_factor(users["company_representative"]).get("/api/me/")
    assert (response.status_code, response.json()["username"]) == (200, "company_representative")


@pytest.mark.parametrize("role", ["auditor", "administrator"])
def test_auditors_and_administrators_read_the_trail(users: dict[str, Any], role: str) -> None:
    raw = token_for(users[role])  # writes "api_token.created"
    response = api_client(token=raw).get("/api/audit/", {"action": "api_token."})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    entry = body["results"][0]
    assert (entry["action"], entry["actor_id"], entry["actor_kind"]) == ("api_token.created", users[role].pk, "user")
    assert (entry["actor_label"], entry["key_id"]) == (role, audit.current_key_id())
    assert "personal" not in entry


@pytest.mark.parametrize("role", ["company_representative", "liaison_officer", "ministry_official", "nobody"])
def test_everyone_else_gets_404_from_the_trail(users: dict[str, Any], role: str) -> None:
    response = api_client(token=token_for(users[role])).get("/api/audit/")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_openapi_document_is_served(db: Any) -> None:
    response = api_client().get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert {
        "/api/organisations/",
        "/api/organisations/{id}/",
        "/api/me/",
        "/api/audit/",
        "/api/people/{id}/erase/",
    } <= set(document["paths"])
    assert document["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"


def test_schema_generates_without_warnings(tmp_path: Any) -> None:
    """`liaison spectacular --validate --fail-on-warn`: a missing annotation fails the build."""
    target = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/organisations/{organisation_pk}/products/" in target.read_text()


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_interactive_docs_run_under_the_strict_csp(db: Any, path: str) -> None:
    response = api_client().get(path)
    html = response.content.decode()
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert INLINE_SCRIPT.findall(html) == []
    assert "<style" not in html
    assert "http://" not in html and "https://" not in html
    for src in re.findall(r'(?:src|href)="/static/([^"]+)"', html):
        assert finders.find(src) is not None, src


def test_swagger_page_passes_schema_url_and_csrf_to_the_static_initialiser(db: Any) -> None:
    html = api_client().get("/api/docs/").content.decode()
    assert 'data-schema-url="/api/openapi.json"' in html
    assert 'data-csrf-header="X-CSRFTOKEN"' in html
    assert '<script src="/static/js/swagger-init.js"></script>' in html


class _FakeResponse:
    """A response the API could wrongly give, to prove the schema check fails on it."""

    def __init__(self, path: str, status_code: int, body: Any) -> None:
        self.request = {"PATH_INFO": path, "REQUEST_METHOD": "GET"}
        self.status_code, self._body, self.content = status_code, body, b"x"

    def json(self) -> Any:
        return self._body


@pytest.mark.parametrize(
    ("path", "status", "body", "message"),
    [
        ("/api/me/", 200, {"username": "x", "roles": [], "organisations": [], "password": "x"}, "password"),
        ("/api/me/", 200, {"username": "x", "roles": "admin", "organisations": []}, "is not of type 'array'"),
        ("/api/me/", 418, {}, "undocumented"),
        ("/api/nowhere/", 200, {}, "not in the OpenAPI document"),
    ],
)
def test_schema_check_rejects_undocumented_responses(db: Any, path: str, status: int, body: Any, message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        assert_matches_schema(_FakeResponse(path, status, body))
