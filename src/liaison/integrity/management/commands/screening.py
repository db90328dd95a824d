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
from liaison.integrity.models import ScreeningHit, ScreeningRun
from liaison.integrity.selectors import TRAIL_COLUMNS, trail_records
from liaison.jobs.choices import JobStatus
from liaison.jobs.runner import run_job_here


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
        rescreen.add_argument(
            "--queue", action="store_true", help="leave it to `liaison worker` instead of running it here"
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "export":
            self._export(options["format"], options["out"])
        else:
            self._rescreen(options["user"], options["no_progress"], options["queue"])

    def _export(self, fmt: str, out_path: str) -> None:
        out = sys.stdout if out_path == "-" else open(out_path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        try:
            write_trail(out, fmt, trail_records())
        finally:
            if out is not sys.stdout:
                out.close()
        self.stderr.write(f"exported {ScreeningHit.objects.count()} hits ({len(TRAIL_COLUMNS)} columns)")

    def _rescreen(self, username: str | None, quiet: bool, queue: bool) -> None:
        run = services.screening_run_start(actor=cli_actor(username))
        report_run(self, run, quiet=quiet, queue=queue)


def report_run(command: BaseCommand, run: ScreeningRun, *, quiet: bool, queue: bool) -> None:
    """Run the run's job here with a progress bar (the same claim a worker makes, so it runs once), or only
    say where to follow it."""
    if queue or run.job is None:
        command.stdout.write(f"queued as job {run.job_id} (run {run.pk}); `liaison worker` runs it")
        return
    with tqdm(desc="screening", unit="party", file=sys.stderr, disable=quiet) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        job = run_job_here(run.job, progress)
    run.refresh_from_db()
    if job.status == JobStatus.FAILED:
        raise CommandError(f"run {run.pk} failed: {job.error}")
    command.stdout.write(
        f"screened {run.done} of {run.total} parties: {run.hits_raised} new hits, "
        f"{run.hits_lapsed} lapsed ({run.status})"
    )
