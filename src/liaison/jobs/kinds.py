"""The registry of job kinds: each app declares its background work in ``<app>/jobs.py`` with :func:`job_task`.

A kind is a plain function ``func(ctx: JobContext) -> JSON | None``; it reads its parameters from
``ctx.params`` and reports progress with ``ctx.progress(done, total)``. ``retries`` is how many more attempts
the platform may make after a failure or a lost worker: set it only when running the function twice does no
harm (screening is idempotent; an import that commits rows in batches is not, unless it skips what is done).
``on_failure(job, reason)`` runs when the platform gives up, so the app can close its own records (a screening
run marked failed instead of "running" for ever).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from liaison.jobs.models import Job
    from liaison.jobs.runner import JobContext

JobFunc = Callable[["JobContext"], Any]
FailureHook = Callable[["Job", str], None]


class UnknownJobKindError(LookupError):
    """A job names a kind no installed app registered (a typo, or code removed while jobs were queued)."""


@dataclass(frozen=True)
class JobKind:
    name: str
    func: JobFunc
    label: Any  # a lazy translation
    retries: int = 0
    on_failure: FailureHook | None = None


_kinds: dict[str, JobKind] = {}


def job_task(
    name: str, *, label: Any, retries: int = 0, on_failure: FailureHook | None = None
) -> Callable[[JobFunc], JobFunc]:
    """Register ``func`` as the job kind ``name`` (e.g. ``"integrity.rescreen"``)."""

    def register(func: JobFunc) -> JobFunc:
        _kinds[name] = JobKind(name=name, func=func, label=label, retries=retries, on_failure=on_failure)
        return func

    return register


def get_kind(name: str) -> JobKind:
    try:
        return _kinds[name]
    except KeyError:
        raise UnknownJobKindError(name) from None


def kind_label(name: str) -> str:
    kind = _kinds.get(name)
    return str(kind.label) if kind is not None else name


def registered() -> list[str]:
    return sorted(_kinds)
