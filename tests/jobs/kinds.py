"""Job kinds used by the tests only (registered when this module is imported)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from liaison.jobs.kinds import job_task
from liaison.jobs.runner import JobContext

CALLS: list[tuple[str, int, Any]] = []
FAILURES: list[tuple[int, str]] = []


def remember_failure(job: Any, reason: str) -> None:
    FAILURES.append((job.pk, reason))


@job_task("test.count", label="test job")
def count(ctx: JobContext) -> dict[str, Any]:
    n = int(ctx.params["n"])
    for i in range(1, n + 1):
        ctx.progress(i, n)
    CALLS.append(("count", ctx.job.attempts, ctx.actor.label))
    return {"counted": n}


@job_task("test.flaky", label="test job", retries=2, on_failure=remember_failure)
def flaky(ctx: JobContext) -> str:
    CALLS.append(("flaky", ctx.job.attempts, ctx.actor.label))
    if ctx.job.attempts < 2:
        raise ConnectionError("database went away")
    return "ok"


@job_task("test.broken", label="test job", on_failure=remember_failure)
def broken(ctx: JobContext) -> None:
    CALLS.append(("broken", ctx.job.attempts, ctx.actor.label))
    raise RuntimeError("boom")


@job_task("test.invalid", label="test job", retries=3, on_failure=remember_failure)
def invalid(ctx: JobContext) -> None:
    CALLS.append(("invalid", ctx.job.attempts, ctx.actor.label))
    raise ValidationError({"file": ["Line 3: not valid UTF-8"]})
