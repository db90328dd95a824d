"""`liaison screening export --format csv|json --out FILE` writes the screening trail for auditors;
`liaison screening rescreen` screens every registry party again against the loaded lists."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from liaison.accounts.models import User
from liaison.core.actors import Actor
from liaison.integrity import services
from liaison.integrity.exports import write_trail
from liaison.integrity.models import ScreeningHit
from liaison.integrity.selectors import TRAIL_COLUMNS, trail_records


def cli_actor(username: str | None) -> Actor:
    """Without --user the operator at the shell acts (as for every other command); with it, that user's
    permissions apply and the audit trail names them."""
    if not username:
        return Actor.cli()
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"no active user {username!r}")
    return Actor.cli(user)


class Command(BaseCommand):
    help = "Export the screening trail, or screen every registry party again."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write the screening trail")
        export.add_argument("--format", choices=["csv", "json"], default="csv")
        export.add_argument("--out", default="-")
        rescreen = sub.add_parser("rescreen", help="screen every party again against all loaded lists")
        rescreen.add_argument("--user", default=None)
        rescreen.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "export":
            self._export(options["format"], options["out"])
        else:
            self._rescreen(options["user"], options["no_progress"])

    def _export(self, fmt: str, out_path: str) -> None:
        out = sys.stdout if out_path == "-" else open(out_path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        try:
            write_trail(out, fmt, trail_records())
        finally:
            if out is not sys.stdout:
                out.close()
        self.stderr.write(f"exported {ScreeningHit.objects.count()} hits ({len(TRAIL_COLUMNS)} columns)")

    def _rescreen(self, username: str | None, quiet: bool) -> None:
        actor = cli_actor(username)
        run = services.screening_run_start(actor=actor)
        with tqdm(desc="screening", unit="party", file=sys.stderr, disable=quiet) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            services.screening_run_execute(actor=actor, run=run, progress=progress)
        self.stdout.write(
            f"screened {run.done} of {run.total} parties: {run.hits_raised} new hits, {run.hits_lapsed} lapsed"
        )
