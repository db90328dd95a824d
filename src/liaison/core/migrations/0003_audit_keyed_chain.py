"""Re-key the audit trail: HMAC-SHA256 under a key outside the database, personal data in its own erasable table.

What this does to existing rows, honestly (docs/audit-tamper.md, "Upgrading an existing trail"):
1. It verifies the old, unkeyed SHA-256 chain first and refuses to run if that chain is broken: re-keying a
   tampered trail would make the tampering verify.
2. It moves each row's actor label, object label and personal data into ``core_auditpersonal`` with a fresh salt,
   and re-computes every row's link and HMAC under the current key (``AUDIT_HMAC_KEY``).
3. It appends one entry, ``audit.chain_rekeyed``, whose chained ``before`` holds the old chain's head and length:
   anyone who recorded the old head (docs/deploy.md asked operators to) can compare it with this entry.
The re-keyed chain therefore proves the history as it stood when this migration ran, not before: for the time
before, the recorded old heads remain the evidence.

The chain format is the live one (``liaison.core.audit``): the rows must verify under the code that checks them.
"""

import hashlib
import json
import secrets
import uuid

from django.db import migrations, models
from django.utils import timezone

LEGACY_GENESIS = "0" * 64
_LEGACY_FIELDS = (
    "sequence",
    "actor_kind",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "correlation_id",
    "message",
    "prev_hash",
)


def _legacy_hash(entry):
    payload = {name: getattr(entry, name) for name in _LEGACY_FIELDS}
    payload["timestamp"] = entry.timestamp.isoformat(timespec="microseconds")
    raw = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return hashlib.sha256(raw).hexdigest()


def _batches(Entry):
    last = None
    while True:
        qs = Entry.objects.order_by("sequence")
        chunk = list((qs.filter(sequence__gt=last) if last is not None else qs)[:2000])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].sequence


def _verify_legacy(Entry):
    prev, count = LEGACY_GENESIS, 0
    for chunk in _batches(Entry):
        for entry in chunk:
            if entry.prev_hash != prev or _legacy_hash(entry) != entry.entry_hash:
                raise RuntimeError(
                    f"The existing audit trail fails verification at entry #{entry.sequence}. Re-keying it would "
                    "make the tampering verify, so this migration refuses to run. Investigate with the previous "
                    "release's `liaison audit verify` and restore the trail from a backup before upgrading."
                )
            prev, count = entry.entry_hash, count + 1
    return prev, count


def _chain(entry, Personal, audit, prev, actor_label, object_repr, data):
    salt = secrets.token_hex(16)
    Personal.objects.create(
        entry_id=entry.sequence, salt=salt, actor_label=actor_label, object_repr=object_repr, data=data
    )
    entry.key_id = audit.current_key_id()
    entry.personal_digest = audit.personal_digest(
        sequence=entry.sequence, salt=salt, actor_label=actor_label, object_repr=object_repr, data=data
    )
    entry.prev_hash = prev
    entry.entry_hash = audit.entry_mac({name: getattr(entry, name) for name in audit.CHAINED_FIELDS})
    return entry


def rekey(apps, schema_editor):
    from liaison.core import audit

    Entry = apps.get_model("core", "AuditEntry")
    Personal = apps.get_model("core", "AuditPersonal")
    legacy_head, count = _verify_legacy(Entry)
    if not count:
        return
    prev, last = audit.GENESIS, 0
    for chunk in _batches(Entry):
        for entry in chunk:
            _chain(entry, Personal, audit, prev, entry.actor_label, entry.object_repr, entry.personal)
            entry.save(update_fields=["key_id", "personal_digest", "prev_hash", "entry_hash"])
            prev, last = entry.entry_hash, entry.sequence
    marker = Entry(
        sequence=last + 1,
        timestamp=timezone.now(),
        actor_kind="system",
        actor_id=None,
        action="audit.chain_rekeyed",
        object_type="core.auditentry",
        object_id="",
        before={"algorithm": "sha256", "entries": count, "head": legacy_head},
        after={"algorithm": "hmac-sha256", "key_id": audit.current_key_id()},
        correlation_id=uuid.uuid4().hex,
        message="Migration core.0003 verified the unkeyed chain and re-keyed it.",
    )
    _chain(marker, Personal, audit, prev, "migration", "audit trail", None)
    marker.save(force_insert=True)


def refuse_reverse(apps, schema_editor):
    if apps.get_model("core", "AuditEntry").objects.exists():
        raise RuntimeError(
            "A keyed audit trail cannot be turned back into the unkeyed one without losing what makes it evidence; "
            "restore the database from the backup taken before the upgrade instead."
        )


def drop_guard(apps, schema_editor):
    from liaison.core.audit import unguard_sql

    for statement in unguard_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_guard")]

    operations = [
        migrations.RunPython(drop_guard, migrations.RunPython.noop),
        migrations.CreateModel(
            name="AuditPersonal",
            fields=[
                (
                    "entry",
                    models.OneToOneField(
                        on_delete=models.deletion.PROTECT,
                        primary_key=True,
                        related_name="personal_part",
                        serialize=False,
                        to="core.auditentry",
                    ),
                ),
                ("salt", models.CharField(max_length=32)),
                ("actor_label", models.CharField(blank=True, max_length=150, verbose_name="actor")),
                ("object_repr", models.CharField(blank=True, max_length=255, verbose_name="object")),
                ("data", models.JSONField(blank=True, null=True, verbose_name="personal data")),
            ],
            options={
                "verbose_name": "personal part of an audit entry",
                "verbose_name_plural": "personal parts of audit entries",
                "default_permissions": (),
            },
        ),
        migrations.AddField(
            model_name="auditentry",
            name="key_id",
            field=models.CharField(default="", max_length=16, verbose_name="key id"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="personal_digest",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.RunPython(rekey, refuse_reverse),
    ]
