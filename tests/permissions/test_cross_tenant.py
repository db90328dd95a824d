"""The shared permission suite: every URL the platform serves, tried by people who must not get through.

For every route (found by walking the URL resolver, so a new endpoint is covered without editing this file)
and every method, the suite acts as an anonymous visitor, as the representative of another company, and as a
logged-in user without any role, against objects of a company that shares nothing. An attempt "succeeds" if a
read answers 2xx with that company's private data in it, or if any write changes any row. A positive control
shows that the victim's own representative and the liaison office do see the data, so the detector works.
The totals are printed at the end of the run: "N cross-tenant attempts, 0 succeeded, 0 rows changed".
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import login
from tests.factories import CertificationFactory, PersonFactory, ProductFactory

pytestmark = pytest.mark.django_db

STATS = {"attempts": 0, "succeeded": 0, "rows_changed": 0}

# Routes every logged-in person may use for their own account, and public pages. They are still tried (and
# must not leak the victim's data), but a write there changes the caller's own rows by design.
SELF_SERVICE = {
    "accounts:login",
    "accounts:logout",
    "accounts:two_factor",
    "accounts:tokens",
    "accounts:token_revoke",
    "set_language",
}
# Django's admin has its own permission system (is_staff); no role of ours gets is_staff.
SKIP_PREFIXES = ("admin:",)
# Tables whose rows change on any request by design: sessions, throttling records.
VOLATILE_TABLES = {
    "django_session",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
    "otp_totp_totpdevice",
    "accounts_apitoken",
}
WRITE_METHODS = ("post", "put", "patch", "delete")


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    params: tuple[str, ...]


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            full = prefix + str(entry.pattern)
            params = tuple(entry.pattern.regex.groupindex) + tuple(
                getattr(entry.pattern, "converters", {}).keys()
            )
            yield Route(f"{namespace}{entry.name or ''}", full, tuple(dict.fromkeys(params)))


def routes() -> list[Route]:
    return [r for r in _walk(get_resolver().url_patterns) if not r.name.startswith(SKIP_PREFIXES)]


def _object_for(route: Route, param: str, victims: dict[str, Any]) -> str:
    text = f"{route.name} {param}".lower()
    if param in {"fmt", "format"}:
        return "json"
    for key in ("product", "person", "people", "certification", "relation", "hit", "field", "taxonomy"):
        if key in param.lower():
            return str(victims[key].pk)
    for key in ("product", "person", "people", "certification", "relation", "hit", "taxonomy"):
        if key in text:
            return str(victims[key].pk)
    return str(victims["organisation"].pk)


def _concrete_url(route: Route, victims: dict[str, Any]) -> str:
    import re

    path = route.pattern
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: _object_for(route, m.group(1), victims), path)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: _object_for(route, m.group(1), victims), path)
    path = path.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + path.lstrip("/")


def _fingerprint() -> str:
    """A digest of every row of every project table (except volatile ones): any write changes it."""
    digest = hashlib.sha256()
    tables = sorted(
        m._meta.db_table
        for m in apps.get_models(include_auto_created=True)
        if m._meta.db_table not in VOLATILE_TABLES and m._meta.managed
    )
    with connection.cursor() as cursor:
        for table in tables:
            sql = f"SELECT * FROM {connection.ops.quote_name(table)}"  # noqa: S608
            if table == "core_auditentry":
                # A permitted export logs who took what: that records an access, it changes no data.
                sql += " WHERE action NOT LIKE '%%.exported'"
            if table == "core_auditpersonal":  # the erasable part of those same entries
                sql += " WHERE entry_id NOT IN (SELECT sequence FROM core_auditentry WHERE action LIKE '%%.exported')"
            cursor.execute(sql)
            rows = sorted(json.dumps(r, default=str, sort_keys=True) for r in cursor.fetchall())
            digest.update(table.encode())
            digest.update("\n".join(rows).encode())
    return digest.hexdigest()


@pytest.fixture
def victims(db: Any, org_b: Any) -> dict[str, Any]:
    from liaison.registry.models import TechnologyField

    person = PersonFactory(organisation=org_b, full_name="Секретна Особа", email="secret-person@b.example")
    made = {
        "organisation": org_b,
        "product": ProductFactory(organisation=org_b, name_en="Secret Interceptor B"),
        "person": person,
        "people": person,
        "certification": CertificationFactory(organisation=org_b, certificate_number="CERT-SECRET-B"),
        "field": TechnologyField.objects.get(code="drones"),
        "taxonomy": TechnologyField.objects.get(code="drones"),
    }
    for key, _loader in (
        ("relation", "liaison.integrity.models.OrganisationRelation"),
        ("hit", "liaison.integrity.models.ScreeningHit"),
    ):
        made[key] = _integrity_object(key, org_b) if apps.is_installed("liaison.integrity") else org_b
    return made


def _integrity_object(key: str, org_b: Any) -> Any:
    """Integrity objects of the victim, when that module is installed (its factories live with its tests)."""
    try:
        from tests.integrity import factories  # type: ignore[import-not-found]
    except ImportError:
        return org_b
    maker = getattr(factories, "victim_" + key, None)
    return maker(org_b) if maker else org_b


SECRETS = (
    "ТОВ «Бета Дрони»",
    "secret-person@b.example",
    "Secret Interceptor B",
    "CERT-SECRET-B",
    "Секретна Особа",
)


def _leaks(response: Any) -> bool:
    if not (200 <= response.status_code < 300):
        return False
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", errors="replace")
    text = text.replace("\\u00ab", "«").replace("\\u00bb", "»")
    with contextlib.suppress(ValueError):
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return any(secret in text for secret in SECRETS)


def _request(client: Client, method: str, url: str) -> Any:
    if method == "get":
        return client.get(url)
    if method == "post":
        return client.post(url, data={"name": "x", "reason": "x", "decision": "confirmed", "city": "x"})
    return getattr(client, method)(
        url, data=json.dumps({"city": "x", "legal_name": "x"}), content_type="application/json"
    )


def _attackers(users: dict[str, Any]) -> dict[str, Client]:
    anonymous = Client()
    other_company = login(Client(), users["company_representative"])  # represents company A
    no_role = login(Client(), users["nobody"])
    return {"anonymous": anonymous, "other-company": other_company, "no-permission": no_role}


def test_no_cross_tenant_access(users: dict[str, Any], victims: dict[str, Any]) -> None:
    failures = []
    for route in routes():
        url = _concrete_url(route, victims)
        for who, client in _attackers(users).items():
            for method in ("get", *WRITE_METHODS):
                before = _fingerprint()
                response = _request(client, method, url)
                changed = _fingerprint() != before
                leaked = _leaks(response) if method == "get" else False
                STATS["attempts"] += 1
                if route.name in SELF_SERVICE and who != "anonymous":
                    changed = False
                if leaked or changed:
                    STATS["succeeded"] += 1
                    STATS["rows_changed"] += int(changed)
                    failures.append(
                        f"{who} {method.upper()} {url} ({route.name}): "
                        f"{'leaked' if leaked else ''}{' changed rows' if changed else ''}"
                    )
    assert failures == []


def test_the_detector_sees_what_permitted_users_see(
    users: dict[str, Any], victims: dict[str, Any], rep_b: Any
) -> None:
    """Positive control: the victim's own representative and the liaison office read the private data."""
    org = victims["organisation"]
    owner, office = login(Client(), rep_b), login(Client(), users["liaison_officer"])
    seen = {r.name for r in routes() if r.name in {"registry:organisation_detail", "organisation-detail"}}
    assert seen, "the organisation detail route is missing"
    for client in (owner, office):
        assert _leaks(client.get(f"/registry/organisations/{org.pk}/"))


def test_every_route_is_walked() -> None:
    names = {r.name for r in routes()}
    assert {"core:dashboard", "core:audit", "accounts:tokens"} <= names
