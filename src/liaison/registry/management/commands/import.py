"""`liaison import FILE [--dry-run] --user USERNAME`: organisations from CSV, XLSX or JSON, all or nothing.

The acting user's permissions apply (``registry.permissions.can_import``). Every rejected row is listed on
stderr with its reason; any rejected row means nothing is stored and the exit status is 1.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from liaison.accounts.models import User
from liaison.core.actors import Actor
from liaison.core.permissions import PermissionDeniedError
from liaison.registry import importing


def read_limited(path: Path) -> bytes:
    """The file's bytes, refusing an oversized file before reading it into memory."""
    try:
        size = path.stat().st_size
        if size > settings.LIAISON_IMPORT_MAX_BYTES:
            raise CommandError(f"{path}: larger than {settings.LIAISON_IMPORT_MAX_BYTES} bytes; nothing imported")
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror or exc}") from exc


def acting_user(username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"no active user {username!r}")
    return user


class Command(BaseCommand):
    help = "Import organisations from a CSV, XLSX or JSON file (atomic; --dry-run checks without storing)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check every row, store nothing")
        parser.add_argument("--user", required=True, help="the acting user; their permissions apply")

    def handle(self, *args: Any, file: Path, dry_run: bool, user: str, **options: Any) -> None:
        actor = Actor.cli(acting_user(user))
        data = read_limited(file)
        try:
            rows = importing.parse_file(file.name, data)
            # Progress on stderr, only on a terminal (disable=None), so pipes and logs stay clean.
            with tqdm(total=len(rows), desc="import", unit="row", file=sys.stderr, disable=None) as bar:
                report = importing.organisation_import(
                    actor=actor,
                    rows=rows,
                    dry_run=dry_run,
                    source_name=file.name,
                    sha256=hashlib.sha256(data).hexdigest(),
                    progress=bar.update,
                )
        except PermissionDeniedError as exc:
            raise CommandError(f"{user}: {exc.decision.reason}") from exc
        except ValidationError as exc:
            raise CommandError(f"{file}: {' '.join(exc.messages)}; nothing imported") from exc
        except importing.ImportBusyError as exc:
            raise CommandError(f"{file}: {exc}") from exc
        self._print(report)

    def _print(self, report: importing.ImportReport) -> None:
        for reason in report.reasons:
            self.stderr.write(reason)
        counts = ", ".join(f"{n} {action}" for action, n in report.counts.items())
        if not report.ok:
            raise CommandError(f"{counts}: rejected rows, nothing imported")
        verb = "dry run, nothing stored" if report.dry_run else "imported"
        self.stdout.write(f"{verb}: {counts}")
