"""The registry's background work: imports of organisations too large to run inside a web request.

The wizard keeps the uploaded bytes under ``VAR_DIR/imports`` (named by user id and SHA-256, never by the
uploaded name); the job reads them from there, checks the hash, and runs exactly the import the CLI and the
small-file path run (:func:`liaison.registry.importing.import_file`), as the user who started it. Its result is
the :class:`~liaison.registry.importing.ImportSummary` the wizard and the jobs API show.

Progress. The import is one transaction, and anything it wrote would stay invisible until it ends, so the
progress is written by a thread with its own connection, once a second. On PostgreSQL that is live; SQLite has
one writer, so there the count moves only when the transaction ends (the rows read are shown before it starts).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.core import uploads
from liaison.core.actors import Actor
from liaison.core.permissions import allow, require
from liaison.jobs import services as job_services
from liaison.jobs.kinds import job_task
from liaison.jobs.models import Job
from liaison.jobs.runner import JobContext
from liaison.registry import importing, permissions

logger = logging.getLogger(__name__)
IMPORT_JOB = "registry.import"
SHOWN_ROWS = 500  # rows of a report kept for the wizard; the counts cover all of them


def stash_path(user_id: int | None, sha256: str) -> Path:
    """Where an uploaded import file waits for its job (core.uploads names it)."""
    return uploads.stash_path("imports", user_id, sha256)


def stash_read(user_id: int | None, sha256: str) -> bytes | None:
    """The stashed bytes if they are still there and unchanged."""
    return uploads.stash_read("imports", user_id, sha256)


def import_enqueue(*, actor: Actor, name: str, sha256: str, dry_run: bool) -> Job:
    """Queue the import (or its dry run) of a stashed file; the worker runs it as ``actor``."""
    require(permissions.can_import(actor.user) if actor.user else allow())
    params = {"name": name, "sha256": sha256, "dry_run": dry_run}
    return job_services.job_enqueue(actor=actor, kind=IMPORT_JOB, params=params, message=name[:200])


class _ProgressWriter(threading.Thread):
    """Writes the import's progress once a second from its own connection (see the module docstring)."""

    def __init__(self, job: Job, total: int) -> None:
        super().__init__(name=f"job-{job.pk}-progress", daemon=True)
        self.job, self.total, self.done = job, total, 0
        self._stop_event = threading.Event()

    def step(self, n: int) -> None:
        self.done += n

    def run(self) -> None:
        written = -1
        try:
            while not self._stop_event.wait(1.0):
                if self.done == written:
                    continue
                try:
                    job_services.job_progress(job=self.job, done=self.done, total=self.total)
                    written = self.done
                except job_services.JobLostError:
                    return
                except Exception:  # SQLite's write lock is the import's until it commits: try again next second
                    logger.debug("progress of job %s not written", self.job.pk, exc_info=True)
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=30)


@job_task(IMPORT_JOB, label=gettext_lazy("Import of organisations"), retries=1)
def import_organisations(ctx: JobContext) -> dict[str, Any]:
    """Safe to retry: the import is one transaction (a killed worker leaves nothing behind) and idempotent."""
    params = ctx.params
    user_id = ctx.job.user_id
    data = stash_read(user_id, params["sha256"])
    if data is None:
        raise ValidationError({"file": [_("The uploaded file has expired; please upload it again.")]})
    ctx.progress(0, 0, message=_("Reading the file…"))
    rows = importing.parse_file(params["name"], data)
    total = len(rows)
    ctx.progress(0, total, message=_("Checking %(n)s rows…") % {"n": total})
    writer = _ProgressWriter(ctx.job, total)
    writer.start()
    try:
        report = importing.organisation_import(
            actor=ctx.actor,
            rows=rows,
            dry_run=bool(params["dry_run"]),
            source_name=params["name"],
            sha256=params["sha256"],
            progress=writer.step,
        )
    finally:
        writer.stop()
    ctx.progress(total, total, message="")
    if report.committed:
        stash_path(user_id, params["sha256"]).unlink(missing_ok=True)
    return importing.ImportSummary.of(report, shown=SHOWN_ROWS).as_json()
