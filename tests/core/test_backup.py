"""`liaison backup` and `liaison restore` through the real console script, on the engine the suite runs on.

A source database is migrated and filled with the demo, backed up, restored into a fresh database; there the
audit chain must verify (with the platform's own `liaison audit verify`) and every table hold the same rows.
A second restore over the now filled database must be refused and change nothing, until told `--replace`."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

LIAISON = [sys.executable, "-m", "liaison.cli"]


def _run(url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "liaison.config.settings.test",
        "LIAISON_DEMO_PASSWORD": "demo-password-for-backup-test-7",
    }
    done = subprocess.run([*LIAISON, *args], env=env, capture_output=True, text=True, check=False, timeout=600)
    if check and done.returncode != 0:
        raise AssertionError(f"liaison {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def _counts(output: str) -> dict[str, int]:
    rows = [line.split("\t") for line in output.splitlines() if "\t" in line]
    return {table: int(n) for table, n in rows}


@pytest.fixture
def databases(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two fresh databases of the engine under test: the source and the restore target."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'source.sqlite3'}", f"sqlite:///{tmp_path / 'target.sqlite3'}"
        return
    import psycopg

    settings = connection.settings_dict
    base = f"postgres://{settings['USER']}:{settings.get('PASSWORD') or ''}@{settings['HOST']}:{settings['PORT']}"
    names = [f"{settings['NAME']}_bk_{uuid.uuid4().hex[:8]}_{n}" for n in ("source", "target")]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{names[0]}", f"{base}/{names[1]}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db
def test_backup_restores_into_a_fresh_database_with_intact_audit_and_equal_rows(
    databases: tuple[str, str], tmp_path: Path
) -> None:
    source, target = databases
    _run(source, "migrate", "-v0")
    _run(source, "demo", "--count", "3")
    archive = tmp_path / "liaison.backup"
    written = _counts(_run(source, "backup", str(archive), "--counts").stdout)
    assert written["core_auditentry"] > 0 and written["registry_organisation"] == 3

    restored = _run(target, "restore", str(archive), "--counts")
    assert _counts(restored.stdout) == written
    verified = _run(target, "audit", "verify")
    assert "audit trail intact" in verified.stdout

    _run(source, "demo", "--count", "4")  # the source moves on; a new backup has one more organisation
    newer = tmp_path / "newer.backup"
    newer_counts = _counts(_run(source, "backup", str(newer), "--counts").stdout)
    assert newer_counts["registry_organisation"] == 4

    refused = _run(target, "restore", str(newer), check=False)
    assert refused.returncode == 1
    assert "The database is not empty" in refused.stderr
    assert _counts(_run(target, "backup", str(tmp_path / "check.backup"), "--counts").stdout) == written

    replaced = _run(target, "restore", str(newer), "--replace", "--counts")
    assert _counts(replaced.stdout) == newer_counts
    _run(target, "audit", "verify")


def test_restore_refuses_a_file_that_is_no_backup(tmp_path: Path) -> None:
    from liaison.core import backup

    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a backup")
    with pytest.raises(backup.BackupError, match="is not a liaison backup"):
        backup.file_kind(junk)
    (tmp_path / "pg").write_bytes(backup.PG_MAGIC + b"\x01")
    assert backup.file_kind(tmp_path / "pg") == "postgresql"
