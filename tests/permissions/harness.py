"""The machinery of the permission suite: walk the URLconf, send one declared request as several people, and
judge each answer against the database before and after.

Every attempt runs inside a savepoint that is rolled back afterwards, so all cases of a route share one set of
victims and each starts from the same state. What an attempt may change is measured, not assumed: a content
hash per table (all project tables but the volatile ones) and the audit rows appended.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from liaison.core.models import AuditEntry
from tests.permissions.routes import ROUTES, Case, Route
from tests.permissions.victims import ANONYMOUS, ATTACKERS, Victims

METHODS = ("get", "post", "put", "patch", "delete")
# Rows that change on any request by design (sessions, log-in throttling), and the audit
# trail, which is judged on its own (appended actions, not a hash).
VOLATILE_TABLES = frozenset(
    {
        "django_session",
        "axes_accessattempt",
        "axes_accesslog",
        "axes_accessfailurelog",
        "core_auditentry",
        "core_auditpersonal",  # the erasable personal part of audit entries, judged with them
    }
)
REFUSED_STATUSES = frozenset({401, 403, 404, 405})

# Totals of the whole run, printed by tests/conftest.py.
STATS: Counter[str] = Counter()


@dataclass(frozen=True)
class WalkedRoute:
    name: str  # "namespace:name"; unnamed patterns are keyed by their pattern ("admin:<pattern>")
    pattern: str
    params: tuple[str, ...]


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[WalkedRoute]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            full = prefix + str(entry.pattern)
            params = tuple(dict.fromkeys(entry.pattern.regex.groupindex))
            key = entry.name or f"<{full}>"
            yield WalkedRoute(f"{namespace}{key}", full, params)


def walk_routes() -> list[WalkedRoute]:
    """Every URL pattern the project serves, UI and API, in URLconf order."""
    return list(_walk(get_resolver().url_patterns))


# --- the state of the database -----------------------------------------------------------------------------


def _tables() -> list[str]:
    return sorted(
        {
            m._meta.db_table
            for m in apps.get_models(include_auto_created=True)
            if m._meta.managed and m._meta.db_table not in VOLATILE_TABLES
        }
    )


@dataclass(frozen=True)
class State:
    hashes: dict[str, str]
    last_audit: int

    @classmethod
    def take(cls) -> State:
        hashes = {}
        with connection.cursor() as cursor:
            for table in _tables():
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
                rows = sorted(json.dumps(r, default=str, sort_keys=True) for r in cursor.fetchall())
                hashes[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        last = AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
        return cls(hashes, last)

    def changed_since(self, before: State) -> set[str]:
        return {t for t, h in self.hashes.items() if before.hashes.get(t) != h}

    def audit_since(self, before: State) -> list[str]:
        qs = AuditEntry.objects.filter(sequence__gt=before.last_audit).order_by("sequence")
        return list(qs.values_list("action", flat=True))


def model_tables(labels: tuple[str, ...]) -> set[str]:
    return {apps.get_model(label)._meta.db_table for label in labels} - VOLATILE_TABLES


# --- one request -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    who: str
    method: str
    url: str
    status: int
    location: str
    text: str
    changed: set[str]
    audit: list[str]

    def label(self) -> str:
        return f"{self.who} {self.method.upper()} {self.url} → {self.status}"


def response_text(response: HttpResponseBase) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    text = body.decode("utf-8", errors="replace")
    try:
        text = json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        text = html.unescape(text)
    return text


def send(client: Client, method: str, url: str, case: Case | None, v: Victims) -> HttpResponseBase:
    """The request a declaration describes; for an undeclared method, the same method with an empty body."""
    headers = case.headers(v) if case and case.headers else {}
    query = case.query(v) if case and case.query else None
    if method == "get":
        return client.get(url, data=query, headers=headers)
    payload = case.payload(v) if case and case.payload else {}
    if query:
        from urllib.parse import urlencode

        url = f"{url}?{urlencode(query, doseq=True)}"
    if case is not None and case.body == "json":
        return client.generic(
            method.upper(), url, json.dumps(payload), content_type="application/json", headers=headers
        )
    if method == "post":
        return client.post(url, data=payload, headers=headers)  # multipart: form fields and files
    return client.generic(method.upper(), url, "", content_type="application/x-www-form-urlencoded", headers=headers)


def attempt(
    v: Victims,
    clients: dict[str, Client],
    who: str,
    method: str,
    url: str,
    case: Case | None,
    baseline: State | None = None,
) -> Outcome:
    """Send one request as ``who`` and measure what it did; every trace of it is rolled back afterwards.
    ``baseline`` is the state every attempt of the route starts from (taken once: the rollbacks restore it)."""
    client = clients[who]
    cookies = SimpleCookie(client.cookies)  # a request may rotate the session key; the rollback restores the row
    savepoint = transaction.savepoint()
    try:
        prepared = case is not None and case.prepare is not None
        if prepared:
            case.prepare(client, v, who)  # type: ignore[union-attr]
        before = State.take() if prepared or baseline is None else baseline
        response = send(client, method, url, case, v)
        after = State.take()
        return Outcome(
            who=who,
            method=method,
            url=url,
            status=response.status_code,
            location=response.get("Location", ""),
            text=response_text(response),
            changed=after.changed_since(before),
            audit=after.audit_since(before),
        )
    finally:
        transaction.savepoint_rollback(savepoint)
        client.cookies = cookies


# --- judging -------------------------------------------------------------------------------------------------


def _to_login(outcome: Outcome) -> bool:
    return outcome.status in (301, 302) and outcome.location.startswith(
        (str(settings.LOGIN_URL), "/accounts/login/", "/admin/login/")
    )


def _leaked(outcome: Outcome, v: Victims) -> list[str]:
    return [kind for kind, marker in v.markers.items() if marker in outcome.text]


def judge_refused(outcome: Outcome, v: Victims, *, may_view: bool, allowed_audit: tuple[str, ...] = ()) -> list[str]:
    """An attacker's attempt: nothing changed, no audit row, no victim data; refused unless it is a page
    the attacker may see (their own list, a public page) — then it must only not contain the victim's data."""
    problems = []
    if leaked := _leaked(outcome, v):
        problems.append(f"LEAK: the response contains the victim's {', '.join(leaked)}")
    if outcome.changed:
        problems.append(f"WRITE: rows changed in {sorted(outcome.changed)}")
    if [a for a in outcome.audit if not (may_view and a in allowed_audit)]:
        problems.append(f"AUDIT: audit rows written {outcome.audit}")
    if not may_view and not (outcome.status in REFUSED_STATUSES or _to_login(outcome)):
        problems.append(f"NOT REFUSED: status {outcome.status} (expected 401/403/404/405 or a log-in redirect)")
    return [f"{outcome.label()}: {p}" for p in problems]


def judge_permitted(outcome: Outcome, case: Case, v: Victims) -> list[str]:
    """The permitted user's attempt: the declared status, the victim's marker in a read, exactly the declared
    tables changed and the declared audit action written by a write."""
    problems = []
    if outcome.status != case.status:
        problems.append(f"expected status {case.status}; body starts {outcome.text[:300]!r}")
    if case.marker and v.markers[case.marker] not in outcome.text:
        problems.append(f"the victim's {case.marker} ({v.markers[case.marker]!r}) is not in the response")
    expected = model_tables(case.changes)
    if outcome.changed != expected:
        problems.append(f"changed tables {sorted(outcome.changed)}, declared {sorted(expected)}")
    if case.audit and not any(a.startswith(case.audit) for a in outcome.audit):
        problems.append(f"no audit row {case.audit!r}… written (written: {outcome.audit})")
    if not case.audit and case.method != "get" and outcome.audit:
        problems.append(f"audit rows {outcome.audit} written but none declared")
    return [f"{outcome.label()} (permitted): {p}" for p in problems]


def judge_undeclared(outcome: Outcome, v: Victims, route: Route, *, permitted: bool) -> list[str]:
    """A method the declaration does not list: it must do nothing for anybody, answer as not allowed, and show
    the victim's data to nobody but the users permitted on the route's declared methods."""
    problems = []
    if (leaked := _leaked(outcome, v)) and not permitted:
        problems.append(f"LEAK through an undeclared method: {', '.join(leaked)}")
    # A view without a method restriction treats any method like GET: the permitted user's GET side effects.
    allowed = set()
    if permitted and route.any_method:
        allowed = {t for case in route.cases if case.method == "get" for t in model_tables(case.changes)}
    if outcome.changed - allowed or outcome.audit:
        problems.append(f"WRITE through an undeclared method: {sorted(outcome.changed)} {outcome.audit}")
    if route.any_method is None and not (outcome.status in REFUSED_STATUSES or _to_login(outcome)):
        problems.append(
            f"status {outcome.status}: the route answers {outcome.method.upper()} but does not declare it "
            f"— add a case for it in tests/permissions/routes.py (or make the view refuse the method)"
        )
    return [f"{outcome.label()}: {p}" for p in problems]


def check_route(
    name: str, route: Route, v: Victims, clients: dict[str, Client], stats: Counter[str] = STATS
) -> list[str]:
    """Run every declared case of one route as the attackers, the extra refused roles and the permitted users,
    and every undeclared method as all of them. Returns the problems found (empty: the route holds)."""
    url = route.path(v) if route.path else reverse(name, kwargs=route.kwargs(v) if route.kwargs else None)
    problems: list[str] = []
    declared = {case.method for case in route.cases}
    baseline = State.take()
    for case in route.cases:
        for who in (*case.attackers, *case.refused):
            outcome = attempt(v, clients, who, case.method, url, case, baseline)
            may_view = bool(case.open_to_attackers) and who in case.attackers
            found = judge_refused(outcome, v, may_view=may_view, allowed_audit=case.attacker_audit)
            problems += found
            stats["refused" if not found else "got_through"] += 1
        for who in case.permitted:
            found = judge_permitted(attempt(v, clients, who, case.method, url, case, baseline), case, v)
            problems += found
            stats["permitted_ok" if not found else "permitted_failed"] += 1
    # Undeclared methods are tried by the attackers and the permitted users (the extra refused roles are left
    # out to keep the run short; the attackers stand for them).
    permitted = {who for case in route.cases for who in case.permitted}
    everyone = {who for case in route.cases for who in case.attackers} | permitted
    for method in METHODS:
        if method in declared:
            continue
        for who in sorted(everyone or {ANONYMOUS, *ATTACKERS}):
            outcome = attempt(v, clients, who, method, url, None, baseline)
            found = judge_undeclared(outcome, v, route, permitted=who in permitted)
            problems += found
            stats["undeclared_refused" if not found else "got_through"] += 1
    if State.take() != baseline:
        problems.append(f"{name}: the rollbacks did not restore the database (a write outside the transaction?)")
    stats["routes"] += 1
    stats["cases"] += len(route.cases)
    return problems


def clients_for(v: Victims) -> dict[str, Client]:
    return {who: v.client(who) for who in v.users}


def undeclared_routes() -> list[WalkedRoute]:
    return [r for r in walk_routes() if r.name not in ROUTES]
