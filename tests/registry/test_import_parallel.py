"""Imports run at the same moment (issue 6, finding 3): 20 parallel runs of one 3-row file created 21
organisations on PostgreSQL, and on SQLite 12 of 20 failed with "value too long or not unique" where the cause
was a locked database.

Real parallel runs: 20 threads, each with its own database connection, released together by a barrier, on
committed data (``transaction=True``). Exactly one run creates the three organisations, the other nineteen
find them and change nothing; the audit trail holds exactly what one import writes, and its chain verifies.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from liaison.core import audit
from liaison.core.actors import Actor
from liaison.core.models import AuditEntry
from liaison.registry import importing
from liaison.registry.models import Organisation
from tests.factories import valid_edrpou
from tests.registry.import_files import csv_bytes

pytestmark = pytest.mark.django_db(transaction=True)

RUNS = 20
# One row matched by EDRPOU (unique in the database), two only by legal name and country, which no constraint
# can make unique (real companies share names), so only the import lock keeps them single.
FILE = csv_bytes(
    ["legal_name", "country", "edrpou", "city"],
    [
        ["ТОВ «Паралель»", "UA", valid_edrpou(31), "Київ"],
        ["Gleichzeitig GmbH", "DE", "", "Dresden"],
        ["Równolegle Sp. z o.o.", "PL", "", "Gdańsk"],
    ],
)


@pytest.fixture
def roles(transactional_db: Any) -> None:
    """The role groups come from a data migration, which an earlier transactional test's flush removed; the
    migration's function is idempotent, so it runs again (as tests/browser/conftest.py does)."""
    loader = MigrationLoader(connection)
    apps = loader.project_state([("accounts", "0002_roles")], at_end=True).apps
    with connection.schema_editor() as editor:
        for operation in loader.get_migration("accounts", "0002_roles").operations:
            operation.code(apps, editor)


def _run_in_parallel(actor: Actor, runs: int) -> tuple[list[dict[str, int]], list[str]]:
    barrier = threading.Barrier(runs)
    counts: list[dict[str, int]] = []
    failures: list[str] = []

    def one_run() -> None:
        try:
            barrier.wait(timeout=60)
            report = importing.import_file(actor=actor, name="firms.csv", data=FILE, dry_run=False)
            counts.append(report.counts)
        except Exception as exc:  # every failure is reported with its message, none is swallowed
            failures.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=one_run) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)
    return counts, failures


def test_twenty_parallel_imports_of_one_file_create_each_organisation_once(roles: None, users: dict[str, Any]) -> None:
    before = Organisation.objects.count()
    counts, failures = _run_in_parallel(Actor.for_user(users["liaison_officer"]), RUNS)

    assert failures == []
    created = {"created": 3, "updated": 0, "unchanged": 0, "rejected": 0}
    unchanged = {"created": 0, "updated": 0, "unchanged": 3, "rejected": 0}
    assert sorted(counts, key=lambda c: -c["created"]) == [created] + [unchanged] * (RUNS - 1)
    assert Organisation.objects.count() == before + 3
    assert sorted(
        Organisation.objects.filter(city__in=["Київ", "Dresden", "Gdańsk"]).values_list("city", flat=True)
    ) == [
        "Dresden",
        "Gdańsk",
        "Київ",
    ]
    actions = list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True))
    assert actions == ["organisation.created"] * 3 + ["organisation.import"]
    assert len({e.correlation_id for e in AuditEntry.objects.all()}) == 1  # all four from the same run
    assert audit.verify_chain().ok
