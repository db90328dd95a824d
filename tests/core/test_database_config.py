"""SQLite is opened for several writers (issue 6, finding 3): WAL, IMMEDIATE transactions and a busy timeout,
so a second writer waits for the first instead of failing with "database is locked"."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from liaison.config.env import database_config


def test_sqlite_is_configured_for_concurrent_writers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = database_config(tmp_path / "db.sqlite3")
    assert config["OPTIONS"] == {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }


def test_postgresql_gets_no_sqlite_options(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u@localhost:5432/x")
    assert "transaction_mode" not in database_config(tmp_path / "db.sqlite3").get("OPTIONS", {})


@pytest.mark.django_db
def test_the_test_database_runs_as_configured() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert connection.transaction_mode == "IMMEDIATE"
