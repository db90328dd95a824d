"""The audit trail: entries in the same transaction, a chain that detects edits, deletions and reordering,
and database triggers that refuse UPDATE and DELETE."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from liaison.core import audit
from liaison.core.actors import Actor
from liaison.core.context import correlation_scope
from liaison.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _write(n: int) -> list[AuditEntry]:
    actor = Actor.system("tests")
    with transaction.atomic():
        return [
            audit.record(
                actor=actor,
                action="thing.changed",
                object_type="tests.thing",
                object_id=i,
                after={"value": i},
            )
            for i in range(n)
        ]


def _raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_chain_links_every_entry_to_its_predecessor() -> None:
    entries = _write(3)
    assert entries[0].prev_hash == audit.GENESIS
    assert entries[1].prev_hash == entries[0].entry_hash
    assert entries[2].prev_hash == entries[1].entry_hash
    result = audit.verify_chain()
    assert (result.ok, result.checked, result.head) == (True, 3, entries[2].entry_hash)


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError):
        audit.record(actor=Actor.system("t"), action="x", object_type="y")


def test_entries_share_the_scope_correlation_id() -> None:
    with correlation_scope("abc12345") as cid:
        entries = _write(2)
    assert [e.correlation_id for e in entries] == [cid, cid]


def test_verify_detects_an_edited_entry() -> None:
    entries = _write(3)
    _raw("UPDATE core_auditentry SET after = %s WHERE sequence = %s", ['{"value": 99}', entries[1].sequence])
    result = audit.verify_chain()
    assert [(p.sequence, p.problem) for p in result.problems] == [
        (entries[1].sequence, "content changed after it was written")
    ]


def test_verify_detects_a_deleted_entry() -> None:
    entries = _write(3)
    _raw("DELETE FROM core_auditentry WHERE sequence = %s", [entries[1].sequence])
    result = audit.verify_chain()
    assert [p.sequence for p in result.problems] == [entries[2].sequence]
    assert "deleted or moved" in result.problems[0].problem


def test_verify_detects_reordered_entries() -> None:
    entries = _write(3)
    a, b = entries[0].sequence, entries[1].sequence
    _raw("UPDATE core_auditentry SET sequence = %s WHERE sequence = %s", [-1, a])
    _raw("UPDATE core_auditentry SET sequence = %s WHERE sequence = %s", [a, b])
    _raw("UPDATE core_auditentry SET sequence = %s WHERE sequence = %s", [b, -1])
    assert not audit.verify_chain().ok


def test_audit_verify_command_fails_on_tampering(capsys: Any) -> None:
    entries = _write(2)
    call_command("audit", "verify")
    assert "audit trail intact: 2 entries" in capsys.readouterr().out
    _raw("UPDATE core_auditentry SET action = %s WHERE sequence = %s", ["forged", entries[0].sequence])
    with pytest.raises(CommandError) as excinfo:
        call_command("audit", "verify")
    assert excinfo.value.returncode == 1


def test_personal_column_is_outside_the_chain() -> None:
    actor = Actor.system("tests")
    with transaction.atomic():
        entry = audit.record(
            actor=actor,
            action="person.created",
            object_type="registry.person",
            object_id=1,
            after={"changed": ["email"]},
            personal={"email": "a@b.example"},
        )
    AuditEntry.objects.filter(pk=entry.pk).update(personal=None)
    assert audit.verify_chain().ok


def test_database_guard_refuses_update_and_delete_but_allows_erasure() -> None:
    entries = _write(1)
    for statement in audit.guard_sql(connection.vendor):
        _raw(statement, [])
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw("UPDATE core_auditentry SET action = %s WHERE sequence = %s", ["forged", entries[0].sequence])
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw("DELETE FROM core_auditentry WHERE sequence = %s", [entries[0].sequence])
    _raw(
        "UPDATE core_auditentry SET personal = NULL, actor_label = %s WHERE sequence = %s",
        ["", entries[0].sequence],
    )
    assert AuditEntry.objects.get(pk=entries[0].pk).action == "thing.changed"
    for statement in audit.unguard_sql(connection.vendor):
        _raw(statement, [])
