"""Writing the audit trail: a keyed hash chain the database cannot forge.

Every service calls :func:`record` inside its own ``transaction.atomic()`` block, so the entry commits or rolls
back together with the change it describes. The chain is serialised by a lock on PostgreSQL (an advisory
transaction lock) and by SQLite's single writer, so two concurrent writers can never fork it.

Each entry's ``entry_hash`` is an HMAC-SHA256 under ``settings.AUDIT_HMAC_KEY`` — a key that lives in the process
environment, never in the database — over every column of the row and the previous ``entry_hash``. Someone who
can write to the database but does not hold the key cannot produce a row that verifies. Verification and the
checkpoints kept outside the database (anchors) are in :mod:`liaison.core.audit_verify`; the design and the tamper
classes it detects are in docs/audit-tamper.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from liaison.core.actors import Actor
from liaison.core.context import current_correlation_id
from liaison.core.models import AuditEntry, AuditPersonal

GENESIS = "0" * 64
ENTRY_DOMAIN = b"liaison-audit-entry-v2"
PERSONAL_DOMAIN = b"liaison-audit-personal-v1"
# Every column of the entry row except entry_hash itself; the timestamp is hashed in ISO form with microseconds.
CHAINED_FIELDS = (
    "sequence",
    "timestamp",
    "actor_kind",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "correlation_id",
    "message",
    "key_id",
    "personal_digest",
    "prev_hash",
)
# The key in an erasure entry's ``after`` that lists the entries whose personal part it erased.
ERASED_ENTRIES = "erased_entries"
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


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def key_id_of(key: str) -> str:
    """A key's id: ``k`` + 8 hex digits of its SHA-256. Derived, so two keys never share an id and a rotation
    cannot forget to change it; eight digits say nothing useful about a key of 32 or more characters."""
    return "k" + hashlib.sha256(key.encode()).hexdigest()[:8]


def hmac_keys() -> dict[str, bytes]:
    """Every key the chain may be signed with, by id: the current key first, then those rotated out."""
    keys: dict[str, bytes] = {}
    for key in [settings.AUDIT_HMAC_KEY, *settings.AUDIT_HMAC_OLD_KEYS]:
        keys.setdefault(key_id_of(key), key.encode())
    return keys


def current_key_id() -> str:
    return key_id_of(settings.AUDIT_HMAC_KEY)


def mac(key_id: str, domain: bytes, payload: Mapping[str, Any]) -> str | None:
    """HMAC-SHA256 of a canonical JSON payload under the named key; None if no such key is configured."""
    key = hmac_keys().get(key_id)
    if key is None:
        return None
    return hmac.new(key, domain + b"\n" + canonical(payload), hashlib.sha256).hexdigest()


def entry_mac(fields: Mapping[str, Any]) -> str | None:
    """The entry hash for the given column values (a mapping, so the migration that re-keyed old rows can use
    it on historical models): None if the entry's key is not configured."""
    payload = {name: fields[name] for name in CHAINED_FIELDS}
    payload["timestamp"] = fields["timestamp"].isoformat(timespec="microseconds")
    return mac(fields["key_id"], ENTRY_DOMAIN, payload)


def compute_hash(entry: AuditEntry) -> str | None:
    return entry_mac({name: getattr(entry, name) for name in CHAINED_FIELDS})


def personal_digest(*, sequence: int, salt: str, actor_label: str, object_repr: str, data: Any) -> str:
    """Commitment to the erasable part of an entry. The random salt is erased with the data: afterwards nobody,
    not even a holder of the HMAC key, can test the digest that remains in the chain against a guessed name."""
    payload = {"sequence": sequence, "actor_label": actor_label, "object_repr": object_repr, "data": data}
    return hashlib.sha256(PERSONAL_DOMAIN + b"\n" + salt.encode() + b"\n" + canonical(payload)).hexdigest()


def part_digest(part: Any) -> str:
    return personal_digest(
        sequence=part.entry_id,
        salt=part.salt,
        actor_label=part.actor_label,
        object_repr=part.object_repr,
        data=part.data,
    )


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
    sequence = (last.sequence + 1) if last else 1
    part = AuditPersonal(
        salt=secrets.token_hex(16),
        actor_label=actor.label[:150],
        object_repr=object_repr[:255],
        data=to_json(dict(personal)) if personal else None,
    )
    entry = AuditEntry(
        sequence=sequence,
        timestamp=timezone.now(),
        actor_kind=actor.kind,
        actor_id=actor.user_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=to_json(dict(before)) if before is not None else None,
        after=to_json(dict(after)) if after is not None else None,
        correlation_id=current_correlation_id(),
        message=message,
        key_id=current_key_id(),
        personal_digest=personal_digest(
            sequence=sequence,
            salt=part.salt,
            actor_label=part.actor_label,
            object_repr=part.object_repr,
            data=part.data,
        ),
        prev_hash=last.entry_hash if last else GENESIS,
    )
    entry.entry_hash = compute_hash(entry) or ""
    entry.save(force_insert=True)
    part.entry = entry
    part.save(force_insert=True)
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


def erase_personal(*, object_type: str, object_id: Any) -> list[int]:
    """Erase the personal parts of every entry about one object (GDPR Art. 17) and return their sequences.

    Must run inside the caller's transaction, whose erasure entry lists the returned sequences as
    ``after["erased_entries"]``: verification accepts a missing personal part only where a later entry says so.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.erase_personal must be called inside transaction.atomic()")
    parts = AuditPersonal.objects.filter(entry__object_type=object_type, entry__object_id=str(object_id))
    sequences = sorted(parts.values_list("entry_id", flat=True))
    AuditPersonal.objects.filter(entry_id__in=sequences).delete()
    return sequences


def verify_chain() -> Any:
    """The whole trail's verification without anchors; :mod:`liaison.core.audit_verify` has the full API (this
    stays for the callers written before verification moved there)."""
    from liaison.core.audit_verify import verify_chain as verify

    return verify()


# Database triggers: the entry table refuses UPDATE, DELETE and TRUNCATE; the personal table refuses UPDATE and
# TRUNCATE but allows DELETE (erasure). They stop mistakes and a compromised application; a table owner can drop
# them, which is why production runs as a role that owns nothing (docs/deploy.md) and verification does not rely
# on them. Migration 0002 imports guard_sql/unguard_sql by name; the trigger names are kept from that version.
_ENTRY = AuditEntry._meta.db_table
_PERSONAL = AuditPersonal._meta.db_table
_PG_REFUSE = (
    "CREATE OR REPLACE FUNCTION liaison_audit_guard() RETURNS trigger AS $$ BEGIN "
    "RAISE EXCEPTION 'audit trail is append-only'; END $$ LANGUAGE plpgsql"
)


def guard_sql(vendor: str) -> list[str]:
    """Triggers that make the entry table append-only in the database itself."""
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {_ENTRY}_no_update BEFORE UPDATE ON {_ENTRY} "
            "BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END",
            f"CREATE TRIGGER IF NOT EXISTS {_ENTRY}_no_delete BEFORE DELETE ON {_ENTRY} "
            "BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END",
        ]
    if vendor == "postgresql":
        return [
            _PG_REFUSE,
            f"DROP TRIGGER IF EXISTS {_ENTRY}_guard ON {_ENTRY}",
            f"CREATE TRIGGER {_ENTRY}_guard BEFORE UPDATE OR DELETE ON {_ENTRY} "
            "FOR EACH ROW EXECUTE FUNCTION liaison_audit_guard()",
            f"DROP TRIGGER IF EXISTS {_ENTRY}_no_truncate ON {_ENTRY}",
            f"CREATE TRIGGER {_ENTRY}_no_truncate BEFORE TRUNCATE ON {_ENTRY} "
            "FOR EACH STATEMENT EXECUTE FUNCTION liaison_audit_guard()",
        ]
    return []


def unguard_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {_ENTRY}_no_update", f"DROP TRIGGER IF EXISTS {_ENTRY}_no_delete"]
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {_ENTRY}_guard ON {_ENTRY}",
            f"DROP TRIGGER IF EXISTS {_ENTRY}_no_truncate ON {_ENTRY}",
        ]
    return []


def personal_guard_sql(vendor: str) -> list[str]:
    """The personal table: rows may be deleted (erasure), never changed."""
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {_PERSONAL}_no_update BEFORE UPDATE ON {_PERSONAL} "
            "BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END",
        ]
    if vendor == "postgresql":
        return [
            _PG_REFUSE,
            f"DROP TRIGGER IF EXISTS {_PERSONAL}_guard ON {_PERSONAL}",
            f"CREATE TRIGGER {_PERSONAL}_guard BEFORE UPDATE ON {_PERSONAL} "
            "FOR EACH ROW EXECUTE FUNCTION liaison_audit_guard()",
            f"DROP TRIGGER IF EXISTS {_PERSONAL}_no_truncate ON {_PERSONAL}",
            f"CREATE TRIGGER {_PERSONAL}_no_truncate BEFORE TRUNCATE ON {_PERSONAL} "
            "FOR EACH STATEMENT EXECUTE FUNCTION liaison_audit_guard()",
        ]
    return []


def personal_unguard_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {_PERSONAL}_no_update"]
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {_PERSONAL}_guard ON {_PERSONAL}",
            f"DROP TRIGGER IF EXISTS {_PERSONAL}_no_truncate ON {_PERSONAL}",
        ]
    return []
