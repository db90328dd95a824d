"""The production protection of the audit trail: the application's PostgreSQL role (docs/deploy.md) can append but
not change, delete, truncate or unguard; `liaison check --deploy` tells a protected set-up from an unprotected one."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from liaison.core import audit
from liaison.core.actors import Actor
from liaison.core.checks import app_role_sql, check_audit_protection
from liaison.core.models import AuditEntry, AuditPersonal

pytestmark = pytest.mark.django_db


def _raw(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _write() -> AuditEntry:
    with transaction.atomic():
        return audit.record(actor=Actor.system("clerk"), action="thing.changed", object_type="tests.thing")


def _ids(messages: list[Any]) -> list[str]:
    return sorted(m.id for m in messages)


def test_deploy_check_refuses_the_development_key(settings: Any) -> None:
    assert "liaison.E101" not in _ids(check_audit_protection())
    settings.AUDIT_HMAC_KEY = settings.AUDIT_DEV_HMAC_KEY
    assert "liaison.E101" in _ids(check_audit_protection())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_deploy_check_says_what_sqlite_cannot_guarantee() -> None:
    warning = next(m for m in check_audit_protection() if m.id == "liaison.W100")
    assert "SQLite cannot restrict the application's rights" in warning.msg


PG_ATTACKS = [
    "UPDATE core_auditentry SET action = 'forged'",
    "DELETE FROM core_auditentry",
    "TRUNCATE core_auditentry CASCADE",
    "UPDATE core_auditpersonal SET actor_label = 'someone else'",
    "TRUNCATE core_auditpersonal",
    "ALTER TABLE core_auditentry DISABLE TRIGGER ALL",
    "DROP TRIGGER core_auditentry_guard ON core_auditentry",
    "SET session_replication_role = replica",
]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL roles")
def test_application_role_can_append_but_not_tamper() -> None:
    entry = _write()
    role = f"liaison_probe_{connection.settings_dict['NAME']}"[:63]
    _raw(f"CREATE ROLE {role} NOLOGIN")  # rolled back with the test's transaction
    for statement in [*audit.guard_sql("postgresql"), *audit.personal_guard_sql("postgresql"), *app_role_sql(role)]:
        _raw(statement)
    owner_warnings = [m.msg for m in check_audit_protection() if m.id == "liaison.W101"]
    assert "the database role is a superuser: it can alter, truncate or replace the audit trail" in owner_warnings
    _raw(f"SET ROLE {role}")
    try:
        assert [m.msg for m in check_audit_protection() if m.id in {"liaison.W101", "liaison.W104"}] == []
        refused = 0
        for attack in PG_ATTACKS:
            with pytest.raises(DatabaseError, match="permission denied|must be owner"), transaction.atomic():
                _raw(attack)
            refused += 1
        assert refused == len(PG_ATTACKS)
        # The positive half: the application appends, reads and erases personal parts as before.
        appended = _write()
        _raw("DELETE FROM core_auditpersonal WHERE entry_id = %s", [entry.sequence])
        assert list(AuditEntry.objects.values_list("sequence", flat=True)) == [entry.sequence, appended.sequence]
        assert not AuditPersonal.objects.filter(entry_id=entry.sequence).exists()
    finally:
        _raw("RESET ROLE")


def _production_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AUDIT_")}
    clean.update({"SECRET_KEY": "s" * 60, "ALLOWED_HOSTS": "example.org", **env})
    code = "import liaison.config.settings.production as s; print(s.AUDIT_ANCHOR_PATH)"
    return subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    ("env", "error"),
    [
        ({}, "environment variable AUDIT_HMAC_KEY is required"),
        ({"AUDIT_HMAC_KEY": "too-short"}, "AUDIT_HMAC_KEY must be at least 32 characters"),
        ({"AUDIT_HMAC_KEY": "s" * 60}, "differ from SECRET_KEY"),
        ({"AUDIT_HMAC_KEY": "k" * 40}, "environment variable AUDIT_ANCHOR_PATH is required"),
    ],
)
def test_production_settings_refuse_a_missing_or_weak_audit_key(env: dict[str, str], error: str) -> None:
    done = _production_settings(**env)
    assert done.returncode == 1 and error in done.stderr


def test_production_settings_accept_a_real_key_and_anchor_path() -> None:
    done = _production_settings(AUDIT_HMAC_KEY="k" * 40, AUDIT_ANCHOR_PATH="/mnt/anchors/liaison.jsonl")
    assert (done.returncode, done.stdout.strip()) == (0, "/mnt/anchors/liaison.jsonl")
