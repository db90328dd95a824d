"""The shared permission suite (NetBox's pattern): for every route of the URLconf and every method, the identical
request is refused for an anonymous visitor, another company's representative and a user without a role —
nothing changed, no audit row, none of the victim's private data in the answer — and succeeds for the user the
declaration in routes.py names as permitted (declared status, exactly the declared rows changed, the audit row
written, the victim's marker visible). Two planted leaks show that the checks do fail when scoping breaks.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.test import Client

from liaison.registry import permissions as registry_permissions
from tests.permissions.harness import check_route, clients_for, undeclared_routes, walk_routes
from tests.permissions.routes import ROUTES
from tests.permissions.victims import Victims, build_victims

pytestmark = pytest.mark.django_db


@pytest.fixture
def victims(settings: Any, tmp_path: Any) -> Victims:
    settings.VAR_DIR = tmp_path  # the import wizard keeps uploads there
    return build_victims()


@pytest.fixture
def clients(victims: Victims) -> dict[str, Client]:
    return clients_for(victims)


def _declaration_hint(name: str, pattern: str, params: tuple[str, ...]) -> str:
    kwargs = "lambda v: {" + ", ".join(f'"{p}": v.<victim>.pk' for p in params) + "}" if params else "None"
    return (
        f"  {name!r}  ({pattern})\n"
        f"    add to ROUTES in tests/permissions/routes.py, e.g.\n"
        f'    "{name}": Route({kwargs}, (\n'
        f'        get(OWNER, marker="product"),  # who may read it; the private marker they must see\n'
        f"        post(OWNER, payload=lambda v: {{...valid form data...}},\n"
        f'             changes=("app.Model",), audit="thing.updated"),\n'
        f"    )),"
    )


def test_every_route_is_declared() -> None:
    """A new route without a declaration (victim keys, permitted user, valid payload) fails here."""
    missing = undeclared_routes()
    walked = {r.name for r in walk_routes()}
    stale = sorted(set(ROUTES) - walked)
    message = ""
    if missing:
        message += (
            f"{len(missing)} route(s) have no declaration in the permission suite "
            f"(see tests/permissions/README.md):\n"
            + "\n".join(_declaration_hint(r.name, r.pattern, r.params) for r in missing)
        )
    if stale:
        message += f"\nDeclared in tests/permissions/routes.py but no longer in the URLconf (remove them): {stale}"
    assert not message, message


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route(name: str, victims: Victims, clients: dict[str, Client]) -> None:
    problems = check_route(name, ROUTES[name], victims, clients)
    assert problems == [], "\n".join(problems)


def test_a_planted_read_leak_is_reported(
    victims: Victims, clients: dict[str, Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unscope the organisation queryset: the other company's representative now reads the victim's detail
    page and the check must say so (and it must have held before the leak was planted)."""
    route = ROUTES["registry:organisation_detail"]
    assert check_route("registry:organisation_detail", route, victims, clients, Counter()) == []
    monkeypatch.setattr(registry_permissions, "organisation_scope", lambda queryset, user, action=None: queryset)
    monkeypatch.setattr(registry_permissions, "visible_groups", lambda user, org: registry_permissions.ALL_GROUPS)
    problems = check_route("registry:organisation_detail", route, victims, clients, Counter())
    assert any(p.startswith("other_organisation GET") and "LEAK" in p for p in problems), problems
    assert any(p.startswith("no_role GET") and "LEAK" in p for p in problems), problems


def test_a_planted_write_leak_is_reported(
    victims: Victims, clients: dict[str, Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Let every logged-in user edit every organisation (and see it, as editing starts with reading): the other
    company's POST to the victim's product now changes rows, and the check must say so."""
    route = ROUTES["registry:product_edit"]
    assert check_route("registry:product_edit", route, victims, clients, Counter()) == []
    monkeypatch.setattr(registry_permissions, "organisation_scope", lambda queryset, user, action=None: queryset)
    monkeypatch.setattr(registry_permissions, "can_edit_organisation", lambda user, org: registry_permissions.allow())
    problems = check_route("registry:product_edit", route, victims, clients, Counter())
    assert any(p.startswith("other_organisation POST") and "WRITE" in p for p in problems), problems
    assert any(p.startswith("other_organisation POST") and "AUDIT" in p for p in problems), problems
    assert not any(p.startswith("anonymous") for p in problems), problems  # login_required still holds
