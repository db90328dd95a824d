"""Migration core.0003 re-keys an existing trail honestly: it verifies the old unkeyed chain first (and refuses a
broken one), moves labels and personal data into the erasable table, and records the old head in the new chain."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from liaison.core import audit_verify
from liaison.core.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("core", "0002_audit_guard")]
LEGACY_FIELDS = (
    "sequence", "actor_kind", "actor_id", "action", "object_type", "object_id",
    "before", "after", "correlation_id", "message", "prev_hash",
)  # fmt: skip


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return [key for key in executor.loader.graph.leaf_nodes() if key[0] == "core"]


def _legacy_trail(apps: Any, n: int) -> str:
    """Rows as the old code wrote them: plain SHA-256 over the unkeyed columns, labels beside them."""
    entry_model = apps.get_model("core", "AuditEntry")
    prev = "0" * 64
    for sequence in range(1, n + 1):
        entry = entry_model(
            sequence=sequence, timestamp=timezone.now(), actor_kind="user", actor_id=None,
            actor_label=f"officer{sequence}", action="person.updated", object_type="registry.person",
            object_id="5", object_repr="Olena Kovalenko", before=None, after={"changed": ["email"]},
            personal={"email": "o@k.example"}, correlation_id="c" * 32, message="", prev_hash=prev,
        )  # fmt: skip
        payload = {name: getattr(entry, name) for name in LEGACY_FIELDS}
        payload["timestamp"] = entry.timestamp.isoformat(timespec="microseconds")
        raw = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        entry.entry_hash = prev = hashlib.sha256(raw).hexdigest()
        entry.save(force_insert=True)
    return prev


def test_rekeying_keeps_every_label_and_records_the_old_head() -> None:
    apps = _migrate(BEFORE)
    try:
        legacy_head = _legacy_trail(apps, 3)
    finally:
        _migrate(_latest())
    entries = list(AuditEntry.objects.select_related("personal_part").order_by("sequence"))
    assert [(e.actor_label, e.object_repr, e.personal) for e in entries[:3]] == [
        (f"officer{n}", "Olena Kovalenko", {"email": "o@k.example"}) for n in (1, 2, 3)
    ]
    marker = entries[3]
    assert (marker.sequence, marker.action, marker.before) == (
        4, "audit.chain_rekeyed", {"algorithm": "sha256", "entries": 3, "head": legacy_head},
    )  # fmt: skip
    assert audit_verify.verify_chain().ok


def test_rekeying_refuses_a_broken_legacy_chain() -> None:
    apps = _migrate(BEFORE)
    try:
        _legacy_trail(apps, 3)
        apps.get_model("core", "AuditEntry").objects.filter(sequence=2).update(action="forged")
        with pytest.raises(RuntimeError, match="fails verification at entry #2"):
            _migrate(_latest())
        apps.get_model("core", "AuditEntry").objects.all().delete()
    finally:
        _migrate(_latest())
    assert AuditEntry.objects.count() == 0
