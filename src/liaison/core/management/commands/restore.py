"""`liaison restore FILE [--replace]`: load a backup into a fresh database (or replace one, when told to)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from liaison.core import backup


class Command(BaseCommand):
    help = "Restore a backup written by `liaison backup` into an empty database (--replace to overwrite one)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="the backup to restore")
        parser.add_argument(
            "--replace", action="store_true", help="discard everything the database holds now and restore over it"
        )
        parser.add_argument("--counts", action="store_true", help="list the rows restored per table")

    def handle(self, *args: Any, file: Path, replace: bool, counts: bool, **options: Any) -> None:
        try:
            summary = backup.restore(file, replace=replace)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        if counts:
            for table, rows in summary.rows.items():
                self.stdout.write(f"{table}\t{rows}")
        self.stdout.write(
            _("Restored %(file)s: %(tables)d tables, %(rows)d rows. Check it with `liaison audit verify`.")
            % {"file": file, "tables": summary.tables, "rows": summary.total}
        )
