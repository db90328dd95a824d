"""Writing and verifying the audit trail.

Every service calls :func:`record` inside its own ``transaction.atomic()`` block, so the entry commits or rolls
back together with the change it describes. The chain is serialised by a lock on PostgreSQL (an advisory
transaction lock) and by SQLite's single writer, so two concurrent writers can never fork it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from liaison.core.actors import Actor
from liaison.core.context import current_correlation_id
from liaison.core.models import GUARDED_COLUMNS, AuditEntry

GENESIS = "0" * 64
_LOCK_KEY = 0x4C494149  # "LIAI": the advisory lock that serialises chain appends on PostgreSQL


def to_json(value: Any) -> Any:
    """Plain JSON values (dates, decimals and UUIDs as strings), so what is stored is exactly what is hashed."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The audited state of a model instance: concrete fields (FKs as ids) plus any named extras."""
    names = list(fields) if fields is not None else [f.attname for f in instance._meta.concrete_fields]
    data: dict[str, Any] = {}
    for name in names:
        value = getattr(instance, name)
        if isinstance(value, models.Manager):
            value = sorted(value.values_list("pk", flat=True))
        data[name] = value
    return to_json(data)


def _chained_bytes(entry: AuditEntry) -> bytes:
    payload = {
        "sequence": entry.sequence,
        "timestamp": entry.timestamp.isoformat(timespec="microseconds"),
        "actor_kind": entry.actor_kind,
        "actor_id": entry.actor_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "before": entry.before,
        "after": entry.after,
        "correlation_id": entry.correlation_id,
        "message": entry.message,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_chained_bytes(entry)).hexdigest()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def record(
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: Any = "",
    object_repr: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    personal: Mapping[str, Any] | None = None,
    message: str = "",
) -> AuditEntry:
    """Append one entry to the chain. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside transaction.atomic()")
    _lock_chain()
    last = AuditEntry.objects.order_by("-sequence").only("sequence", "entry_hash").first()
    entry = AuditEntry(
        sequence=(last.sequence + 1) if last else 1,
        timestamp=timezone.now(),
        actor_kind=actor.kind,
        actor_id=actor.user_id,
        actor_label=actor.label[:150],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:255],
        before=to_json(dict(before)) if before is not None else None,
        after=to_json(dict(after)) if after is not None else None,
        personal=to_json(dict(personal)) if personal else None,
        correlation_id=current_correlation_id(),
        message=message,
        prev_hash=last.entry_hash if last else GENESIS,
    )
    entry.entry_hash = compute_hash(entry)
    entry.save(force_insert=True)
    return entry


def record_change(
    *,
    actor: Actor,
    action: str,
    instance: models.Model,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    message: str = "",
    personal: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Shorthand for a model instance: object type is ``app_label.model``."""
    meta = instance._meta
    return record(
        actor=actor,
        action=action,
        object_type=f"{meta.app_label}.{meta.model_name}",
        object_id=instance.pk,
        object_repr=str(instance),
        before=before,
        after=after,
        personal=personal,
        message=message,
    )


@dataclass(frozen=True)
class ChainProblem:
    sequence: int
    problem: str


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    head: str
    problems: list[ChainProblem]

    @property
    def ok(self) -> bool:
        return not self.problems


def _iter_entries(batch: int = 2000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        chunk = list(AuditEntry.objects.filter(sequence__gt=last).order_by("sequence")[:batch])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].sequence


def verify_chain() -> VerifyResult:
    """Recompute every hash and link. Edits break a hash, deletions and reorderings break a link."""
    prev = GENESIS
    problems: list[ChainProblem] = []
    checked = 0
    for entry in _iter_entries():
        checked += 1
        if entry.prev_hash != prev:
            problems.append(ChainProblem(entry.sequence, "link broken: an entry before it was deleted or moved"))
        if compute_hash(entry) != entry.entry_hash:
            problems.append(ChainProblem(entry.sequence, "content changed after it was written"))
        prev = entry.entry_hash
    return VerifyResult(checked=checked, head=prev, problems=problems)


def guard_sql(vendor: str) -> list[str]:
    """Triggers that make the table append-only in the database itself; only the personal columns may change
    (so GDPR erasure can blank them)."""
    table = AuditEntry._meta.db_table
    if vendor == "sqlite":
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in GUARDED_COLUMNS)
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} WHEN {changed} "
            "BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END",
        ]
    if vendor == "postgresql":
        changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in GUARDED_COLUMNS)
        return [
            "CREATE OR REPLACE FUNCTION liaison_audit_guard() RETURNS trigger AS $$ BEGIN "
            f"IF TG_OP = 'DELETE' OR ({changed}) THEN "
            "RAISE EXCEPTION 'audit trail is append-only'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            f"DROP TRIGGER IF EXISTS {table}_guard ON {table}",
            f"CREATE TRIGGER {table}_guard BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION liaison_audit_guard()",
        ]
    return []


def unguard_sql(vendor: str) -> list[str]:
    table = AuditEntry._meta.db_table
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_update", f"DROP TRIGGER IF EXISTS {table}_no_delete"]
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_guard ON {table}"]
    return []
