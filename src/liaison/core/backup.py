"""Backup and restore of the whole database, for `liaison backup FILE` and `liaison restore FILE`.

SQLite uses its online backup API: pages are copied from a live connection, so a backup taken while the
server writes is still a consistent snapshot, and a restore replaces the database in one step. PostgreSQL uses
``pg_dump --format=custom`` and ``pg_restore --single-transaction``: a dump is one consistent snapshot, and a
failed restore leaves nothing half written.

A restore refuses a database that already holds tables unless told to replace it: restoring over a working
database by mistake would discard everything written since the backup. "Fresh" means not yet migrated — after
`liaison migrate` the database already holds the seeded roles and taxonomy.

The files are told apart by their first bytes, so restoring a PostgreSQL dump into SQLite (or the reverse) is
refused with a clear message instead of failing half-way.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # noqa: S404 — runs pg_dump/pg_restore with an argument list, never a shell
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, connections
from django.utils.translation import gettext as _

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Summary:
    """What a backup holds or a restore wrote: table count and rows per table (compare the two)."""

    rows: dict[str, int]

    @property
    def tables(self) -> int:
        return len(self.rows)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def table_row_counts(alias: str = "default") -> Summary:
    """Rows in every table of the database (the project's and Django's), by name."""
    conn = connections[alias]
    with conn.cursor() as cursor:
        names = sorted(conn.introspection.table_names(cursor))
        rows = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {conn.ops.quote_name(name)}")  # noqa: S608 — introspected names
            rows[name] = int(cursor.fetchone()[0])
    return Summary(rows)


def _vendor() -> str:
    if connection.vendor not in {"sqlite", "postgresql"}:
        raise BackupError(_("Backups support SQLite and PostgreSQL, not %(vendor)s.") % {"vendor": connection.vendor})
    return str(connection.vendor)


def backup(path: Path) -> Summary:
    """Write a consistent copy of the database to ``path`` (written beside it first, then renamed into place,
    so an interrupted backup never leaves a truncated file under the final name)."""
    vendor = _vendor()
    path = path.resolve()
    if not path.parent.is_dir():
        raise BackupError(_("The folder %(folder)s does not exist.") % {"folder": path.parent})
    fd, tmp_name = tempfile.mkstemp(prefix=".liaison-backup-", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if vendor == "sqlite":
            _sqlite_backup(tmp)
        else:
            _pg_run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", f"--file={tmp}"])
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return table_row_counts()


def _sqlite_backup(target: Path) -> None:
    connection.ensure_connection()
    dest = sqlite3.connect(target)
    try:
        connection.connection.backup(dest)
        problem = dest.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        dest.close()
    if problem != "ok":
        raise BackupError(_("The copy failed its integrity check: %(problem)s") % {"problem": problem})


def file_kind(path: Path) -> str:
    """"sqlite" or "postgresql", from the file's first bytes."""
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except FileNotFoundError as exc:
        raise BackupError(_("No backup file %(file)s.") % {"file": path}) from exc
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise BackupError(_("%(file)s is not a liaison backup (neither SQLite nor a pg_dump archive).") % {"file": path})


def existing_tables() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def restore(path: Path, *, replace: bool = False) -> Summary:
    """Load the backup at ``path`` into the configured database, which must hold no tables unless ``replace``."""
    vendor = _vendor()
    kind = file_kind(path)
    if kind != vendor:
        raise BackupError(
            _("%(file)s is a %(kind)s backup, but the database is %(vendor)s.")
            % {"file": path, "kind": kind, "vendor": vendor}
        )
    tables = existing_tables()
    if tables and not replace:
        raise BackupError(
            _(
                "The database is not empty (%(count)d tables). Restore into a fresh database, or give --replace "
                "to discard its contents."
            )
            % {"count": len(tables)}
        )
    if vendor == "sqlite":
        _sqlite_restore(path)
    else:
        _pg_restore(path, replace=bool(tables))
    return table_row_counts()


def _sqlite_restore(path: Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        problem = source.execute("PRAGMA integrity_check").fetchone()[0]
        if problem != "ok":
            raise BackupError(_("The backup failed its integrity check: %(problem)s") % {"problem": problem})
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()


def _pg_restore(path: Path, *, replace: bool) -> None:
    if replace:
        # Drop and recreate the schema rather than `pg_restore --clean`, which leaves tables the backup lacks.
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    connection.close()
    _pg_run("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", str(path)])


def _pg_run(program: str, args: list[str]) -> None:
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            _("%(program)s was not found; install the PostgreSQL client (apt-get install postgresql-client).")
            % {"program": program}
        )
    settings = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": str(settings.get("PASSWORD") or "")}
    target = [
        f"--host={settings.get('HOST') or 'localhost'}",
        f"--port={settings.get('PORT') or 5432}",
        f"--username={settings.get('USER') or 'postgres'}",
        f"--dbname={settings['NAME']}",
    ]
    done = subprocess.run([executable, *target, *args], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(
            _("%(program)s failed (exit %(code)d): %(error)s")
            % {"program": program, "code": done.returncode, "error": done.stderr.strip()[-2000:]}
        )
