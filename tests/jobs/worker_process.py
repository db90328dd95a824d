"""Running `liaison worker` as a real separate process against the test database.

On PostgreSQL the worker connects to the test database itself (tests using this are transactional, so what
they write is committed and visible). SQLite's test database lives in this process's memory, so it is copied
to a file for the worker (``sqlite3`` online backup) and copied back when the worker is done."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


class WorkerDatabase:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.file = tmp_path / "worker.sqlite3"

    @property
    def is_sqlite(self) -> bool:
        return connection.vendor == "sqlite"

    def env(self, **extra: str) -> dict[str, str]:
        if self.is_sqlite:
            url = f"sqlite:///{self.file}"
        else:
            s = connection.settings_dict
            url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL"}}
        env.update(
            DATABASE_URL=url,
            DJANGO_SETTINGS_MODULE="liaison.config.settings.dev",
            LIAISON_VAR_DIR=str(self.tmp_path / "var"),
            DB_CONN_MAX_AGE="0",
            # The worker signs audit entries with the same key as this process, so the chain verifies here.
            AUDIT_HMAC_KEY=getattr(settings, "AUDIT_HMAC_KEY", ""),
            **extra,
        )
        return env

    def push(self) -> None:
        """Hand the current state of the test database to the worker."""
        if self.is_sqlite:
            connection.ensure_connection()
            self.file.unlink(missing_ok=True)
            target = sqlite3.connect(self.file)
            connection.connection.backup(target)
            target.close()

    def pull(self) -> None:
        """Take back what the worker wrote."""
        if self.is_sqlite:
            source = sqlite3.connect(self.file)
            source.backup(connection.connection)
            source.close()

    def query(self, sql: str, *params: object) -> list[tuple[object, ...]]:
        """Read the worker's database while it runs (without disturbing this process's connection); ``%s``
        placeholders."""
        if self.is_sqlite:
            with sqlite3.connect(self.file, timeout=10) as conn:
                return conn.execute(sql.replace("%s", "?"), params).fetchall()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def start(self, *args: str, **env: str) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "liaison.cli", "worker", "--no-startup-delay", "--interval", "0.2", *args]
        return subprocess.Popen(
            command, cwd=ROOT, env=self.env(**env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )  # noqa: S603

    def run(self, *args: str, timeout: float = 180, **env: str) -> str:
        process = self.start(*args, **env)
        out, _ = process.communicate(timeout=timeout)
        assert process.returncode == 0, out.decode(errors="replace")
        return out.decode(errors="replace")
