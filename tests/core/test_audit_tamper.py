"""Every way we know to tamper with the audit trail, each done with raw SQL, and each detected by verification.

The attacker here has more than the application's production rights: the test database connects as the table
owner with the triggers off, which is what a database owner (PostgreSQL) or anyone with write access to the file
(SQLite) has. The attacker knows the code, the chain format and every byte in the database — salts included — but
not the HMAC key, which lives in the environment only; where an attack re-computes hashes it uses its best guess.
The trail: entries #1–#8, anchored at #6 (as the scheduled `liaison audit anchor` would have done), #7–#8 newer.
docs/audit-tamper.md lists the same classes with how each is detected; keep the two in step.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction

from liaison.core import audit, audit_verify
from liaison.core.actors import Actor
from liaison.core.models import AuditEntry

pytestmark = pytest.mark.django_db

GUESSED_KEY = b"insecure-development-audit-key-never-use-in-production"  # the attacker's best guess
ENTRY_COLUMNS = (*audit.CHAINED_FIELDS, "entry_hash")


@dataclass
class Trail:
    anchors: Path
    hashes: dict[int, str]  # sequence → entry_hash as written


@pytest.fixture
def trail(tmp_path: Path, settings: Any) -> Trail:
    settings.AUDIT_ANCHOR_PATH = tmp_path / "anchors.jsonl"
    _write(6)
    audit_verify.write_anchor(settings.AUDIT_ANCHOR_PATH)
    _write(2)
    hashes = dict(AuditEntry.objects.values_list("sequence", "entry_hash"))
    assert audit_verify.verify_against([settings.AUDIT_ANCHOR_PATH]).ok
    return Trail(anchors=settings.AUDIT_ANCHOR_PATH, hashes=hashes)


def _write(n: int) -> None:
    with transaction.atomic():
        for _ in range(n):
            number = AuditEntry.objects.count() + 1
            audit.record(
                actor=Actor.system("clerk"),
                action="thing.changed",
                object_type="tests.thing",
                object_id=number,
                object_repr=f"Thing {number}",
                after={"value": number},
                personal={"email": f"person{number}@example.org"},
            )


# --- what an attacker can do with SQL and the published chain format --------------------------------------------


def _sql(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _forged_hash(entry: AuditEntry) -> str:
    payload = {name: getattr(entry, name) for name in audit.CHAINED_FIELDS}
    payload["timestamp"] = entry.timestamp.isoformat(timespec="microseconds")
    return hmac.new(GUESSED_KEY, audit.ENTRY_DOMAIN + b"\n" + audit.canonical(payload), hashlib.sha256).hexdigest()


def _rehash_from(sequence: int) -> None:
    """Re-link and re-hash every entry from `sequence` on, as the old unkeyed chain allowed."""
    previous = AuditEntry.objects.filter(sequence__lt=sequence).order_by("-sequence").first()
    prev_hash = previous.entry_hash if previous else audit.GENESIS
    for entry in AuditEntry.objects.filter(sequence__gte=sequence).order_by("sequence"):
        entry.prev_hash = prev_hash
        entry.entry_hash = _forged_hash(entry)
        _sql(
            "UPDATE core_auditentry SET prev_hash = %s, entry_hash = %s WHERE sequence = %s",
            [entry.prev_hash, entry.entry_hash, entry.sequence],
        )
        prev_hash = entry.entry_hash


def _renumber(mapping: dict[int, int]) -> None:
    """Move entries (and their personal parts) to new sequence numbers, in two steps to dodge the unique keys."""
    for old, new in mapping.items():
        for table, column in (("core_auditentry", "sequence"), ("core_auditpersonal", "entry_id")):
            _sql(f"UPDATE {table} SET {column} = %s WHERE {column} = %s", [-1_000_000 - new, old])  # noqa: S608
    for new in mapping.values():
        for table, column in (("core_auditentry", "sequence"), ("core_auditpersonal", "entry_id")):
            _sql(f"UPDATE {table} SET {column} = %s WHERE {column} = %s", [new, -1_000_000 - new])  # noqa: S608


def _delete(*sequences: int) -> None:
    for sequence in sequences:
        _sql("DELETE FROM core_auditpersonal WHERE entry_id = %s", [sequence])
        _sql("DELETE FROM core_auditentry WHERE sequence = %s", [sequence])


def _insert_copy(source: int, sequence: int, *, action: str, prev_hash: str) -> None:
    """A forged entry: a copy of a genuine one with a new number, action and link, its hash computed by the
    attacker, and a personal part whose digest is right (the digest algorithm and salts are no secret)."""
    forged = AuditEntry.objects.get(sequence=source)
    salt = "00" * 16
    forged.sequence, forged.action, forged.prev_hash = sequence, action, prev_hash
    forged.personal_digest = audit.personal_digest(
        sequence=sequence, salt=salt, actor_label="clerk", object_repr="Forged", data=None
    )
    forged.entry_hash = _forged_hash(forged)
    columns = ", ".join(ENTRY_COLUMNS)
    _sql(
        f"INSERT INTO core_auditentry ({columns}) SELECT %s, timestamp, actor_kind, actor_id, %s, object_type, "  # noqa: S608
        "object_id, before, after, correlation_id, message, key_id, %s, %s, %s FROM core_auditentry "
        "WHERE sequence = %s",
        [sequence, action, forged.personal_digest, prev_hash, forged.entry_hash, source],
    )
    _sql(
        "INSERT INTO core_auditpersonal (entry_id, salt, actor_label, object_repr, data) VALUES (%s, %s, %s, %s, NULL)",
        [sequence, salt, "clerk", "Forged"],
    )


# --- the classes ------------------------------------------------------------------------------------------------


def edit_hashed_column(t: Trail) -> None:
    _sql("UPDATE core_auditentry SET after = %s WHERE sequence = 3", ['{"value": 99}'])


def edit_actor_id(t: Trail) -> None:
    _sql("UPDATE core_auditentry SET actor_id = 999 WHERE sequence = 3")


def edit_timestamp(t: Trail) -> None:
    _sql(
        "UPDATE core_auditentry SET timestamp = (SELECT timestamp FROM core_auditentry WHERE sequence = 1) "
        "WHERE sequence = 3"
    )


def delete_middle(t: Trail) -> None:
    _delete(3)


def reorder(t: Trail) -> None:
    _renumber({3: 4, 4: 3})


def insert_in_the_middle(t: Trail) -> None:
    _renumber({n: n + 1 for n in range(8, 3, -1)})
    _insert_copy(3, 4, action="thing.approved", prev_hash=t.hashes[3])


def edit_link(t: Trail) -> None:
    _sql("UPDATE core_auditentry SET prev_hash = %s WHERE sequence = 4", [t.hashes[2]])


def edit_object_repr(t: Trail) -> None:
    _sql("UPDATE core_auditpersonal SET object_repr = 'Innocent GmbH' WHERE entry_id = 3")


def edit_actor_label(t: Trail) -> None:
    """…and put the matching digest into the entry: the digest is unkeyed and the salt readable."""
    entry = AuditEntry.objects.select_related("personal_part").get(sequence=3)
    part = entry.personal_part
    digest = audit.personal_digest(
        sequence=3, salt=part.salt, actor_label="someone else", object_repr=part.object_repr, data=part.data
    )
    _sql("UPDATE core_auditpersonal SET actor_label = 'someone else' WHERE entry_id = 3")
    _sql("UPDATE core_auditentry SET personal_digest = %s WHERE sequence = 3", [digest])


def edit_personal(t: Trail) -> None:
    _sql("UPDATE core_auditpersonal SET data = %s WHERE entry_id = 3", [json.dumps({"email": "x@evil.example"})])


def truncate_tail(t: Trail) -> None:
    _delete(8, 7, 6, 5)


def delete_everything(t: Trail) -> None:
    if connection.vendor == "postgresql":
        _sql("SET CONSTRAINTS ALL IMMEDIATE")  # the attacker's own transaction has no pending FK checks
        _sql("TRUNCATE core_auditpersonal, core_auditentry")
    else:
        _sql("DELETE FROM core_auditpersonal")
        _sql("DELETE FROM core_auditentry")


def edit_and_rehash(t: Trail) -> None:
    _sql("UPDATE core_auditentry SET after = %s WHERE sequence = 3", ['{"value": 99}'])
    _rehash_from(3)


def delete_and_renumber(t: Trail) -> None:
    _delete(3)
    _renumber({n: n - 1 for n in range(4, 9)})
    _rehash_from(3)


def forged_append(t: Trail) -> None:
    _insert_copy(8, 9, action="thing.approved", prev_hash=t.hashes[8])


def personal_part_deleted(t: Trail) -> None:
    """An erasure nobody recorded: hides who acted and what was named."""
    _sql("DELETE FROM core_auditpersonal WHERE entry_id = 3")


def personal_parts_swapped(t: Trail) -> None:
    _sql("UPDATE core_auditpersonal SET entry_id = -3 WHERE entry_id = 3")
    _sql("UPDATE core_auditpersonal SET entry_id = 3 WHERE entry_id = 4")
    _sql("UPDATE core_auditpersonal SET entry_id = 4 WHERE entry_id = -3")


def truncate_and_forge_anchor(t: Trail) -> None:
    """Cut the tail and append an anchor line that blesses the shorter trail."""
    _delete(8, 7, 6, 5)
    payload = {
        "time": "2099-01-01T00:00:00+00:00",
        "sequence": 4,
        "head": t.hashes[4],
        "key_id": audit.current_key_id(),
    }
    mac = hmac.new(GUESSED_KEY, audit_verify.ANCHOR_DOMAIN + b"\n" + audit.canonical(payload), hashlib.sha256)
    with t.anchors.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({**payload, "mac": mac.hexdigest()}) + "\n")


def shift_all_numbers(t: Trail) -> None:
    _renumber({n: n + 100 for n in range(8, 0, -1)})


@dataclass(frozen=True)
class TamperClass:
    attack: Callable[[Trail], None]
    sequence: int  # where verification must report it (0: the trail or an anchor line)
    finding: str  # the start of the problem it must report there


CLASSES = {
    # The fifteen classes of issue 6 (the old verify missed 8–15).
    "01-edit-hashed-column": TamperClass(edit_hashed_column, 3, "content changed"),
    "02-edit-actor-id": TamperClass(edit_actor_id, 3, "content changed"),
    "03-edit-timestamp": TamperClass(edit_timestamp, 3, "content changed"),
    "04-delete-middle": TamperClass(delete_middle, 4, "sequence out of order"),
    "05-reorder": TamperClass(reorder, 3, "link broken"),
    "06-insert-in-the-middle": TamperClass(insert_in_the_middle, 4, "content changed"),
    "07-edit-link": TamperClass(edit_link, 4, "link broken"),
    "08-edit-object-repr": TamperClass(edit_object_repr, 3, "personal part"),
    "09-edit-actor-label": TamperClass(edit_actor_label, 3, "content changed"),
    "10-edit-personal": TamperClass(edit_personal, 3, "personal part"),
    "11-truncate-tail": TamperClass(truncate_tail, 6, "anchored on"),
    "12-delete-everything": TamperClass(delete_everything, 6, "anchored on"),
    "13-edit-and-rehash": TamperClass(edit_and_rehash, 3, "content changed"),
    "14-delete-and-renumber": TamperClass(delete_and_renumber, 3, "content changed"),
    "15-forged-append": TamperClass(forged_append, 9, "content changed"),
    # Added here.
    "16-personal-part-deleted": TamperClass(personal_part_deleted, 3, "personal part deleted"),
    "17-personal-parts-swapped": TamperClass(personal_parts_swapped, 3, "personal part"),
    "18-truncate-and-forge-anchor": TamperClass(truncate_and_forge_anchor, 0, "{path}"),
    "19-shift-all-numbers": TamperClass(shift_all_numbers, 101, "sequence out of order"),
}


@pytest.mark.parametrize("name", list(CLASSES))
def test_tamper_class_is_detected(trail: Trail, name: str) -> None:
    tamper = CLASSES[name]
    tamper.attack(trail)
    result = audit_verify.verify_against([trail.anchors])
    assert not result.ok
    finding = tamper.finding.replace("{path}", str(trail.anchors))
    found = [p for p in result.problems if p.sequence == tamper.sequence and p.problem.startswith(finding)]
    assert found, [(p.sequence, p.problem) for p in result.problems]


def test_the_untouched_trail_verifies(trail: Trail) -> None:
    """The other half of every class above: without tampering, the same trail and anchors verify."""
    result = audit_verify.verify_against([trail.anchors])
    assert (result.ok, result.checked, result.last_anchor and result.last_anchor.sequence) == (True, 8, 6)
    assert result.unanchored == 2


def test_an_erasure_recorded_by_a_forged_entry_is_not_accepted(trail: Trail) -> None:
    personal_part_deleted(trail)
    _insert_copy(8, 9, action="person.erased", prev_hash=trail.hashes[8])
    _sql("UPDATE core_auditentry SET after = %s WHERE sequence = 9", [json.dumps({audit.ERASED_ENTRIES: [3]})])
    problems = {(p.sequence, p.problem) for p in audit_verify.verify_against([trail.anchors]).problems}
    assert (3, "personal part deleted without a recorded erasure") in problems
