"""Integrity's background work: importing large watchlists, screening every party (after a list import, on
demand, nightly)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from liaison.core.actors import Actor
from liaison.integrity.choices import RunTrigger
from liaison.integrity.models import ScreeningRun
from liaison.integrity.services import watchlists
from liaison.integrity.services.screening import (
    CATCH_UP_JOB,
    RESCREEN_JOB,
    screening_catch_up,
    screening_run_execute,
    screening_run_fail,
    screening_run_for_job,
)
from liaison.jobs.kinds import job_task
from liaison.jobs.runner import JobContext


def _run_failed(job: Any, reason: str) -> None:
    """The job gave up: its run says failed with the job's reason, instead of "running" for ever."""
    for run in ScreeningRun.objects.filter(job=job):
        screening_run_fail(actor=Actor.system("integrity.screening"), run=run, reason=reason)


@job_task(RESCREEN_JOB, label=_("Screening of every party"), retries=2, on_failure=_run_failed)
def rescreen(ctx: JobContext) -> dict[str, Any]:
    """Safe to retry and to resume: screening a party twice against the same lists changes nothing, and a
    resumed run skips the parties it already screened."""
    run_id = ctx.params.get("run_id")
    if run_id is None:
        run = ScreeningRun.objects.filter(job=ctx.job).first() or screening_run_for_job(
            actor=ctx.actor, job=ctx.job, trigger=RunTrigger.SCHEDULED
        )
    else:
        run = ScreeningRun.objects.get(pk=run_id)
    screening_run_execute(actor=ctx.actor, run=run, progress=ctx.progress)
    return {"run": run.pk, "parties": run.total, "hits_raised": run.hits_raised, "hits_lapsed": run.hits_lapsed}


@job_task(CATCH_UP_JOB, label=_("Screening of parties not yet screened against the current lists"), retries=2)
def catch_up(ctx: JobContext) -> dict[str, int]:
    """Safe to retry: it screens only what is still out of date."""
    return screening_catch_up(actor=ctx.actor, progress=ctx.progress)


@job_task(watchlists.IMPORT_JOB, label=_("Import of a watchlist"), retries=1)
def watchlist_import(ctx: JobContext) -> dict[str, Any]:
    """Safe to retry: the import is one transaction (a killed worker leaves nothing behind) and loading the
    same file again changes nothing. The stashed file is removed once the import succeeded or was refused."""
    params, user_id = ctx.params, ctx.job.user_id
    data = watchlists.stash_read(user_id, params["sha256"])
    if data is None:
        raise ValidationError({"file": [gettext("The uploaded file has expired; please upload it again.")]})
    ctx.progress(0, 0, message=gettext("Reading the list…"))
    try:
        result = watchlists.watchlist_import(
            actor=ctx.actor,
            path_or_bytes=data,
            source=params["source"],
            version=params["version"] or None,
            filename=params["filename"],
        )
    except ValidationError:
        watchlists.stash_path(user_id, params["sha256"]).unlink(missing_ok=True)
        raise
    watchlists.stash_path(user_id, params["sha256"]).unlink(missing_ok=True)
    run = result.run
    return {
        "watchlist": result.watchlist.name,
        "version": result.watchlist.version,
        "entity_count": result.watchlist.entity_count,
        "created": result.created,
        "updated": result.updated,
        "removed": result.removed,
        "run": run.pk if run else None,
        "rescreen_job": run.job_id if run else None,
    }
