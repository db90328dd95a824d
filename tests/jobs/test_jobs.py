"""The job API: enqueue after commit, progress, retry, failure with reason, recovery of stale runs, audit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from liaison.core.actors import Actor
from liaison.core.models import AuditEntry
from liaison.jobs import services
from liaison.jobs.choices import JobStatus
from liaison.jobs.kinds import UnknownJobKindError
from liaison.jobs.models import Job
from tests.jobs import kinds

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_calls() -> None:
    kinds.CALLS.clear()
    kinds.FAILURES.clear()


def _actions(job: Job) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="jobs.job", object_id=str(job.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )


def test_job_runs_after_commit_as_its_actor_with_progress_and_result(
    users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    actor = Actor.for_user(users["liaison_officer"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = services.job_enqueue(actor=actor, kind="test.count", params={"n": 5})
        assert kinds.CALLS == []  # nothing runs before the transaction commits
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert (job.progress_done, job.progress_total, job.result) == (5, 5, {"counted": 5})
    assert (job.attempts, job.user, job.actor_label) == (1, users["liaison_officer"], "liaison_officer")
    assert job.task_id and job.started_at and job.finished_at and job.heartbeat_at
    assert kinds.CALLS == [("count", 1, "liaison_officer")]
    assert _actions(job) == ["job.enqueued", "job.started", "job.succeeded"]


def test_rolled_back_enqueue_leaves_no_job_and_runs_nothing(django_capture_on_commit_callbacks: Any) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ZeroDivisionError),
        transaction.atomic(),
    ):
        services.job_enqueue(actor=Actor.system("t"), kind="test.count", params={"n": 1})
        raise ZeroDivisionError
    assert callbacks == [] and kinds.CALLS == []
    assert not Job.objects.exists()


def test_unknown_kind_is_refused_before_anything_is_written() -> None:
    with pytest.raises(UnknownJobKindError):
        services.job_enqueue(actor=Actor.system("t"), kind="test.nope")
    assert not Job.objects.exists() and not AuditEntry.objects.exists()


def test_transient_failure_is_retried_when_the_kind_allows(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_enqueue(actor=Actor.system("t"), kind="test.flaky")
    job.refresh_from_db()
    assert (job.status, job.attempts, job.max_attempts) == (JobStatus.SUCCEEDED, 2, 3)
    assert [c[:2] for c in kinds.CALLS] == [("flaky", 1), ("flaky", 2)]
    assert _actions(job) == ["job.enqueued", "job.started", "job.retried", "job.started", "job.succeeded"]
    assert kinds.FAILURES == []


def test_failure_is_recorded_with_its_reason_and_the_kind_told(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_enqueue(actor=Actor.system("t"), kind="test.broken")
    job.refresh_from_db()
    assert (job.status, job.error, job.attempts) == (JobStatus.FAILED, "RuntimeError: boom", 1)
    assert job.finished_at is not None
    assert [(job.pk, "RuntimeError: boom")] == kinds.FAILURES
    assert _actions(job) == ["job.enqueued", "job.started", "job.failed"]


def test_bad_input_is_not_retried_and_the_message_is_kept(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_enqueue(actor=Actor.system("t"), kind="test.invalid")
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (JobStatus.FAILED, 1, "Line 3: not valid UTF-8")


def _running(kind: str, *, beat_ago: int, attempts: int = 1, max_attempts: int = 1) -> Job:
    past = timezone.now() - timedelta(seconds=beat_ago)
    return Job.objects.create(
        kind=kind,
        params={"n": 3},
        status=JobStatus.RUNNING,
        actor_kind="system",
        actor_label="t",
        attempts=attempts,
        max_attempts=max_attempts,
        started_at=past,
        heartbeat_at=past,
        worker_id="w-dead",
    )


def test_stale_run_is_resumed_when_attempts_remain(django_capture_on_commit_callbacks: Any) -> None:
    job = _running("test.count", beat_ago=600, max_attempts=2)
    fresh = _running("test.count", beat_ago=5, max_attempts=2)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.jobs_recover(stale=timedelta(seconds=120))
    assert (result.resumed, result.failed) == ([job.pk], [])
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert (job.status, job.attempts, job.result) == (JobStatus.SUCCEEDED, 2, {"counted": 3})
    resumed = AuditEntry.objects.get(action="job.resumed", object_id=str(job.pk))
    assert "stopped answering" in resumed.after["error"] and "w-dead" in resumed.after["error"]
    assert fresh.status == JobStatus.RUNNING  # still beating: left alone
    assert _actions(job) == ["job.resumed", "job.started", "job.succeeded"]


def test_stale_run_without_attempts_left_fails_with_the_reason(django_capture_on_commit_callbacks: Any) -> None:
    job = _running("test.broken", beat_ago=600)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.jobs_recover(stale=timedelta(seconds=120))
    assert (result.resumed, result.failed) == ([], [job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at is not None
    assert job.error.startswith("The worker running this job stopped answering (last sign of life ")
    assert [(job.pk, job.error)] == kinds.FAILURES
    assert kinds.CALLS == []


def test_a_lost_attempt_cannot_overwrite_the_recovery(django_capture_on_commit_callbacks: Any) -> None:
    job = _running("test.broken", beat_ago=600)
    services.jobs_recover(stale=timedelta(seconds=120))
    with pytest.raises(services.JobLostError):
        services.job_progress(job=job, done=2, total=3)
    with pytest.raises(services.JobLostError):
        services.job_succeed(job=job, result="late")
    services.job_fail(job=job, exc=RuntimeError("late"))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.result is None and "stopped answering" in job.error


def test_queued_job_whose_dispatch_was_lost_is_dispatched_again(django_capture_on_commit_callbacks: Any) -> None:
    job = Job.objects.create(
        kind="test.count",
        params={"n": 2},
        actor_kind="system",
        actor_label="t",
        queued_at=timezone.now() - timedelta(minutes=10),
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = services.jobs_recover(stale=timedelta(seconds=120))
    assert result.redispatched == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED


def test_duplicate_delivery_runs_the_job_once(django_capture_on_commit_callbacks: Any) -> None:
    from liaison.jobs.runner import run_job

    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_enqueue(actor=Actor.system("t"), kind="test.count", params={"n": 1})
    second = run_job.enqueue(job.pk)
    assert second.return_value == "not queued"
    assert len(kinds.CALLS) == 1
