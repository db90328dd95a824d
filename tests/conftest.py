"""Shared fixtures: one user per role, organisations owned by different companies, and a verified login."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.core.actors import Actor
from tests.factories import PASSWORD, OrganisationFactory, UserFactory

ROLES = [
    "administrator",
    "liaison_officer",
    "ministry_official",
    "company_representative",
    "compliance_officer",
    "auditor",
]


@pytest.fixture(autouse=True)
def _english_between_tests() -> Any:
    """A request in another language leaves it active in the thread; every test starts in English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def org_a(db: Any) -> Any:
    """Company A: a German company sharing only its profile."""
    return OrganisationFactory(legal_name="Alpha Wehrtechnik GmbH", short_name="Alpha", country="DE")


@pytest.fixture
def org_b(db: Any) -> Any:
    """Company B: a Ukrainian company that shares nothing with other companies."""
    return OrganisationFactory(ukrainian=True, private=True, legal_name="ТОВ «Бета Дрони»", short_name="Бета")


@pytest.fixture
def users(db: Any, org_a: Any) -> dict[str, Any]:
    """One user per role; the company representative belongs to company A, the ministry official works for
    Ukraine (``User.country`` limits which organisations an official reads in full)."""
    made = {
        role: UserFactory(username=role, roles=[role], country="UA" if role == "ministry_official" else "")
        for role in ROLES
    }
    made["company_representative"].memberships.create(organisation=org_a)
    made["nobody"] = UserFactory(username="nobody", roles=[])
    return made


@pytest.fixture
def rep_b(db: Any, org_b: Any) -> Any:
    """A representative of company B (the 'other company' for A's representative)."""
    return UserFactory(username="rep_b", roles=["company_representative"], organisations=[org_b])


def login(client: Client, user: Any) -> Client:
    """Log in and, for staff roles, pass the second factor (a confirmed TOTP device, verified session), both
    just now (so the session may create API tokens)."""
    from django.utils import timezone

    from liaison.accounts import session as proofs

    client.force_login(user)
    session = client.session
    session[proofs.PASSWORD_AT] = timezone.now().timestamp()
    if user.is_staff_role:
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
        session["otp_device_id"] = device.persistent_id
        session[proofs.SECOND_FACTOR_AT] = timezone.now().timestamp()
    session.save()
    return client


@pytest.fixture
def client_for(db: Any) -> Any:
    def make(user: Any) -> Client:
        return login(Client(), user)

    return make


# Rows that data migrations create and many tests need: the role groups and the technology taxonomy.
DATA_MIGRATIONS = [("accounts", "0002_roles"), ("registry", "0002_seed_technology_fields")]


@pytest.fixture(scope="session")
def historical_apps(django_db_setup: Any, django_db_blocker: Any) -> tuple[MigrationLoader, Any]:
    with django_db_blocker.unblock():
        loader = MigrationLoader(connection)
        return loader, loader.project_state(DATA_MIGRATIONS, at_end=True).apps


@pytest.fixture
def migration_data(transactional_db: Any, historical_apps: tuple[MigrationLoader, Any]) -> None:
    """Transactional tests (a live server, parallel threads) need committed rows, so they flush the database
    afterwards, and so does any earlier transactional test; that removes what data migrations created. Their
    functions are idempotent, so they are run again here (serialized_rollback cannot help: its reload collides
    with the content types a plain flush re-creates)."""
    loader, apps = historical_apps
    with connection.schema_editor() as editor:
        for app_label, name in DATA_MIGRATIONS:
            for operation in loader.get_migration(app_label, name).operations:
                operation.code(apps, editor)


@pytest.fixture
def system_actor() -> Actor:
    return Actor.system("tests")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the totals of the shared permission suite (tests/permissions/) when it ran."""
    try:
        from tests.permissions.harness import STATS
    except ImportError:
        return
    if STATS["routes"]:
        terminalreporter.write_line(
            f"permission suite: {STATS['routes']} routes, {STATS['cases']} route×method cases declared; "
            f"{STATS['refused']} attempts by attackers and unpermitted roles refused, {STATS['got_through']} got "
            f"through; {STATS['undeclared_refused']} undeclared-method attempts refused; "
            f"{STATS['permitted_ok']} permitted requests succeeded, {STATS['permitted_failed']} failed"
        )
