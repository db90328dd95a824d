"""`liaison backup FILE`: a consistent copy of the whole database (SQLite online backup, or pg_dump)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from liaison.core import backup


class Command(BaseCommand):
    help = "Write a consistent backup of the database to FILE (safe while the server runs)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="where to write the backup")
        parser.add_argument("--counts", action="store_true", help="list the rows per table (compare after a restore)")

    def handle(self, *args: Any, file: Path, counts: bool, **options: Any) -> None:
        try:
            summary = backup.backup(file)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        if counts:
            for table, rows in summary.rows.items():
                self.stdout.write(f"{table}\t{rows}")
        self.stdout.write(
            _("Backup written to %(file)s: %(tables)d tables, %(rows)d rows.")
            % {"file": file, "tables": summary.tables, "rows": summary.total}
        )
