"""Every API response in the tests is checked against the generated OpenAPI document (as Zulip does), so the
document cannot drift from what the endpoints really return.

Checks are strict: the path, method and status code must be documented, and a JSON body must match its schema
with no undocumented fields (``additionalProperties: false`` is added to every documented object)."""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from jsonschema import Draft202012Validator
from rest_framework.test import APIClient

from liaison.accounts.services import api_token_create
from liaison.core.actors import Actor
from tests.conftest import login

NOT_IN_SCHEMA = {"/api/openapi.json", "/api/docs/", "/api/redoc/"}


def _to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 → JSON Schema: ``nullable`` becomes a null alternative; objects refuse undocumented keys."""
    if isinstance(node, list):
        return [_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _to_json_schema(value) for key, value in node.items()}
    if out.get("type") == "object" and "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    if out.pop("nullable", False):
        if isinstance(out.get("type"), str) and "enum" not in out:
            out["type"] = [out["type"], "null"]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


@functools.cache
def openapi() -> dict[str, Any]:
    """The document exactly as /api/openapi.json serves it (lazy translations rendered to plain strings)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema, renderer_context={}))


@functools.cache
def _components() -> dict[str, Any]:
    return _to_json_schema(openapi()["components"])


@functools.cache
def _path_patterns() -> list[tuple[re.Pattern[str], str]]:
    patterns = []
    for template in openapi()["paths"]:
        regex = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        patterns.append((re.compile(f"^{regex}$"), template))
    # Literal paths before templated ones: /api/people/{id}/export/ must not shadow a fixed path.
    return sorted(patterns, key=lambda p: p[1].count("{"))


def operation_for(path: str, method: str) -> dict[str, Any]:
    for pattern, template in _path_patterns():
        if pattern.match(path):
            operations = openapi()["paths"][template]
            assert method in operations, f"{method.upper()} {template} is not in the OpenAPI document"
            return operations[method]
    raise AssertionError(f"{path} is not in the OpenAPI document")


def assert_matches_schema(response: Any) -> None:
    """Fail unless the response's status and body are exactly what the OpenAPI document promises."""
    path, method = response.request["PATH_INFO"], response.request["REQUEST_METHOD"].lower()
    responses = operation_for(path, method)["responses"]
    code = str(response.status_code)
    assert code in responses, f"{method.upper()} {path} answered {code}, undocumented: {sorted(responses)}"
    content = responses[code].get("content")
    if content is None:
        assert response.content == b"", f"{method.upper()} {path} {code} should have no body"
        return
    schema = _to_json_schema(content["application/json"]["schema"])
    validator = Draft202012Validator({**schema, "components": _components()})
    errors = sorted(validator.iter_errors(response.json()), key=lambda e: list(e.absolute_path))
    assert not errors, f"{method.upper()} {path} {code}: " + "; ".join(
        f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]
    )


class SchemaCheckedClient(APIClient):
    """An API client that checks every /api/ response against the OpenAPI document."""

    def request(self, **kwargs: Any) -> Any:
        response = super().request(**kwargs)
        path = response.request["PATH_INFO"]
        if path.startswith("/api/") and path not in NOT_IN_SCHEMA:
            assert_matches_schema(response)
        return response


def api_client(user: Any = None, *, token: str | None = None, session: bool = False) -> SchemaCheckedClient:
    """Anonymous, token-authenticated (``token``) or a logged-in session that passed 2FA (``session``)."""
    client = SchemaCheckedClient()
    if token is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    elif session and user is not None:
        login(client, user)
    return client


def session_without_second_factor(user: Any) -> SchemaCheckedClient:
    client = SchemaCheckedClient()
    client.force_login(user)
    return client


def token_for(user: Any) -> str:
    """A fresh API token for ``user`` (created through the service, as a person does on the tokens page right
    after logging in: staff with the proof of their confirmed second-factor device)."""
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = None
    if user.is_staff_role:
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    _token, raw = api_token_create(
        actor=Actor.for_user(user), user=user, name="tests", proved_at=timezone.now(), device=device
    )
    return raw
