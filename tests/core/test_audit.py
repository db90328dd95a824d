"""The audit trail: entries in the same transaction, a keyed chain, erasure that keeps the chain verifiable, anchors,
and database triggers that refuse UPDATE, DELETE and TRUNCATE. Every tamper class is in test_audit_tamper.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from liaison.core import audit, audit_verify
from liaison.core.actors import Actor
from liaison.core.context import correlation_scope
from liaison.core.models import AUDIT_COLUMNS, AuditEntry, AuditPersonal

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
    result = audit_verify.verify_chain()
    assert (result.ok, result.checked, result.head) == (True, 3, entries[2].entry_hash)


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError):
        audit.record(actor=Actor.system("t"), action="x", object_type="y")


def test_entries_share_the_scope_correlation_id() -> None:
    with correlation_scope("abc12345") as cid:
        entries = _write(2)
    assert [e.correlation_id for e in entries] == [cid, cid]


def test_audit_verify_command_fails_on_tampering(capsys: Any) -> None:
    entries = _write(2)
    call_command("audit", "verify")
    assert "audit trail intact: 2 entries" in capsys.readouterr().out
    _raw("UPDATE core_auditentry SET action = %s WHERE sequence = %s", ["forged", entries[0].sequence])
    with pytest.raises(CommandError) as excinfo:
        call_command("audit", "verify")
    assert excinfo.value.returncode == 1


def test_entry_hash_is_an_hmac_under_the_configured_key(settings: Any) -> None:
    entry = _write(1)[0]
    assert entry.key_id == audit.key_id_of(settings.AUDIT_HMAC_KEY)
    assert audit_verify.verify_chain().ok
    settings.AUDIT_HMAC_KEY = "another-key-0123456789abcdef0123456789"
    result = audit_verify.verify_chain()
    assert [(p.sequence, p.problem) for p in result.problems] == [
        (entry.sequence, f"written under key {entry.key_id}, which is not configured (AUDIT_HMAC_OLD_KEYS)")
    ]


def test_rotated_key_still_verifies_old_entries(settings: Any) -> None:
    old = _write(1)[0]
    settings.AUDIT_HMAC_OLD_KEYS = [settings.AUDIT_HMAC_KEY]
    settings.AUDIT_HMAC_KEY = "rotated-key-0123456789abcdef0123456789"
    new = _write(1)[0]
    assert old.key_id != new.key_id == audit.key_id_of("rotated-key-0123456789abcdef0123456789")
    assert audit_verify.verify_chain().ok


def test_labels_and_personal_data_live_in_the_erasable_part() -> None:
    with transaction.atomic():
        entry = audit.record(
            actor=Actor.system("clerk"),
            action="person.created",
            object_type="registry.person",
            object_id=7,
            object_repr="Olena Kovalenko",
            personal={"email": "o@k.example"},
        )
    entry = AuditEntry.objects.select_related("personal_part").get(pk=entry.pk)
    assert (entry.actor_label, entry.object_repr, entry.personal) == (
        "clerk",
        "Olena Kovalenko",
        {"email": "o@k.example"},
    )
    assert entry.personal_digest == audit.part_digest(entry.personal_part)
    columns = {f.column for f in AuditEntry._meta.concrete_fields}
    assert not columns & {"actor_label", "object_repr", "personal"}


def test_recorded_erasure_keeps_the_chain_verifiable() -> None:
    actor = Actor.system("tests")
    with transaction.atomic():
        kept = audit.record(actor=actor, action="person.created", object_type="registry.person", object_id=2)
        erased = [
            audit.record(
                actor=actor,
                action="person.updated",
                object_type="registry.person",
                object_id=1,
                object_repr="Olena Kovalenko",
                personal={"email": "o@k.example"},
            )
            for _ in range(2)
        ]
    with transaction.atomic():
        sequences = audit.erase_personal(object_type="registry.person", object_id=1)
        audit.record(
            actor=actor,
            action="person.erased",
            object_type="registry.person",
            object_id=1,
            after={audit.ERASED_ENTRIES: sequences},
        )
    assert sequences == [e.sequence for e in erased]
    assert list(AuditPersonal.objects.filter(entry_id__in=sequences)) == []
    assert AuditEntry.objects.get(pk=erased[0].pk).object_repr == ""
    assert AuditEntry.objects.get(pk=kept.pk).actor_label == "tests"
    assert audit_verify.verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_erasure_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError):
        audit.erase_personal(object_type="registry.person", object_id=1)


def test_anchor_command_is_idempotent_and_verify_checks_against_it(settings: Any, tmp_path: Any, capsys: Any) -> None:
    settings.AUDIT_ANCHOR_PATH = tmp_path / "anchors.jsonl"
    entries = _write(2)
    call_command("audit", "verify")
    assert "not anchored" in capsys.readouterr().err
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--require-anchor")
    call_command("audit", "anchor")
    call_command("audit", "anchor")
    out = capsys.readouterr().out
    head = entries[1].entry_hash
    assert f"anchored #2 {head}" in out and f"already anchored: #2 {head}" in out
    assert len(settings.AUDIT_ANCHOR_PATH.read_text().splitlines()) == 1
    _write(1)
    call_command("audit", "verify", "--require-anchor")
    assert "matches 1 anchor(s); last #2" in capsys.readouterr().out
    call_command("audit", "anchor")
    assert len(settings.AUDIT_ANCHOR_PATH.read_text().splitlines()) == 2


def test_anchor_refuses_a_broken_trail(settings: Any, tmp_path: Any) -> None:
    settings.AUDIT_ANCHOR_PATH = tmp_path / "anchors.jsonl"
    entries = _write(2)
    _raw("UPDATE core_auditentry SET action = %s WHERE sequence = %s", ["forged", entries[0].sequence])
    with pytest.raises(CommandError) as excinfo:
        call_command("audit", "anchor")
    assert excinfo.value.returncode == 1
    assert not settings.AUDIT_ANCHOR_PATH.exists()


def _guarded(statements: list[str]) -> None:
    for statement in statements:
        _raw(statement, [])


def test_database_guard_refuses_changes_but_allows_erasure() -> None:
    entries = _write(1)
    vendor = connection.vendor
    _guarded([*audit.guard_sql(vendor), *audit.personal_guard_sql(vendor)])
    try:
        attacks = [
            ("UPDATE core_auditentry SET action = %s WHERE sequence = %s", ["forged", entries[0].sequence]),
            ("DELETE FROM core_auditentry WHERE sequence = %s", [entries[0].sequence]),
            ("UPDATE core_auditpersonal SET actor_label = %s WHERE entry_id = %s", ["someone", entries[0].sequence]),
        ]
        if vendor == "postgresql":
            attacks += [("TRUNCATE core_auditpersonal, core_auditentry", [])]
        for sql, params in attacks:
            with pytest.raises(DatabaseError), transaction.atomic():
                _raw(sql, params)
        # The positive half: erasure (DELETE of the personal part) and appending still work.
        _raw("DELETE FROM core_auditpersonal WHERE entry_id = %s", [entries[0].sequence])
        _write(1)
        assert AuditEntry.objects.get(pk=entries[0].pk).action == "thing.changed"
    finally:
        _guarded([*audit.unguard_sql(vendor), *audit.personal_unguard_sql(vendor)])


def test_auditor_view_shows_labels_and_who_acted_once_erased(users: dict[str, Any], client_for: Any) -> None:
    officer = Actor.for_user(users["liaison_officer"])
    with transaction.atomic():
        named = audit.record(
            actor=officer, action="person.updated", object_type="registry.person", object_id=9, object_repr="Ivan P."
        )
    page = client_for(users["auditor"]).get("/audit/")
    row = re.search(rf"<tr><td>{named.sequence}</td>.*?</tr>", page.content.decode(), re.S)
    assert row is not None and "liaison_officer" in row.group(0) and "Ivan P." in row.group(0)
    with transaction.atomic():
        erased = audit.erase_personal(object_type="registry.person", object_id=9)
        audit.record(actor=officer, action="person.erased", object_type="registry.person", object_id=9,
                     after={audit.ERASED_ENTRIES: erased})  # fmt: skip
    page = client_for(users["auditor"]).get("/audit/")
    row = re.search(rf"<tr><td>{named.sequence}</td>.*?</tr>", page.content.decode(), re.S)
    assert row is not None and "Ivan P." not in row.group(0)
    assert f"user #{users['liaison_officer'].pk}" in row.group(0)
    assert audit_verify.verify_chain().ok


def test_anchor_goes_to_syslog_on_request(settings: Any, tmp_path: Any, monkeypatch: Any) -> None:
    import syslog

    sent: list[tuple[int, str]] = []
    monkeypatch.setattr(syslog, "openlog", lambda *args: None)
    monkeypatch.setattr(syslog, "syslog", lambda priority, line: sent.append((priority, line)))
    settings.AUDIT_ANCHOR_PATH = tmp_path / "anchors.jsonl"
    head = _write(1)[0].entry_hash
    call_command("audit", "anchor", "--syslog")
    assert sent == [(syslog.LOG_NOTICE, "anchor " + settings.AUDIT_ANCHOR_PATH.read_text().strip())]
    assert head in sent[0][1]


def test_every_column_of_an_entry_is_chained_and_every_shown_column_covered() -> None:
    """A column added to the entry table later must join the chain (a new chain format) or this fails; the
    columns readers show are chained directly or, for the two labels, through the personal digest."""
    columns = {f.attname for f in AuditEntry._meta.concrete_fields}
    assert columns == {*audit.CHAINED_FIELDS, "entry_hash"}
    assert set(AUDIT_COLUMNS) - columns == {"actor_label", "object_repr"}
    assert {f.attname for f in AuditPersonal._meta.concrete_fields} == {
        "entry_id", "salt", "actor_label", "object_repr", "data"
    }  # fmt: skip
