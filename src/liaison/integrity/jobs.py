"""Integrity's background work: screening every party (after a list import, on demand, nightly)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from liaison.core.actors import Actor
from liaison.integrity.choices import RunTrigger
from liaison.integrity.models import ScreeningRun
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
