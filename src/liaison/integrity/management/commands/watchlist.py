"""`liaison watchlist import FILE --source NAME [--version V] [--user U]`: load or replace a watchlist, then
screen every registry party again (with a progress bar)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from liaison.core.permissions import PermissionDeniedError
from liaison.integrity import services
from liaison.integrity.management.commands.screening import cli_actor, report_run


class Command(BaseCommand):
    help = "Import or update a watchlist (FollowTheMoney JSON lines or CSV) and rescreen every party."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="load FILE as the list NAME, replacing its previous version")
        imp.add_argument("file")
        imp.add_argument("--source", required=True, help="the list's name, e.g. opensanctions-default")
        imp.add_argument("--version", dest="list_version", default=None, help="defaults to date + checksum")
        imp.add_argument("--user", default=None, help="act as this user (their permissions apply)")
        imp.add_argument("--no-progress", action="store_true")
        imp.add_argument("--queue", action="store_true", help="leave the rescreen to `liaison worker`")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        actor = cli_actor(options["user"])
        try:
            result = services.watchlist_import(
                actor=actor,
                path_or_bytes=options["file"],
                source=options["source"],
                version=options["list_version"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(" ".join(v) for v in exc.message_dict.values())) from exc
        except PermissionDeniedError as exc:
            raise CommandError(str(exc)) from exc
        wl = result.watchlist
        self.stdout.write(
            f"{wl.name} {wl.version}: {wl.entity_count} entities "
            f"(+{result.created} ~{result.updated} -{result.removed})"
        )
        if result.run is not None:
            report_run(self, result.run, quiet=options["no_progress"], queue=options["queue"])
