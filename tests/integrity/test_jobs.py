"""Re-screens run as background jobs: requests only queue them; the job screens, reports progress, retries,
resumes after a killed worker, and closes its run as failed with the reason when it gives up."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from liaison.core.actors import Actor
from liaison.integrity import services
from liaison.integrity.models import PartyScreening, ScreeningHit, ScreeningRun
from liaison.integrity.services import screening
from liaison.jobs.choices import JobStatus
from liaison.jobs.models import Job
from liaison.jobs.runner import execute_job
from liaison.jobs.services import job_enqueue, jobs_recover
from tests.api_schema import api_client, token_for
from tests.factories import OrganisationFactory
from tests.integrity.factories import COMPANY, PERSON, ftm, import_list

pytestmark = pytest.mark.django_db
DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def screened(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every party_screen call, wherever it happens."""
    calls: list[Any] = []
    original = screening.party_screen

    def spy(*, actor: Any, party: Any, **options: Any) -> Any:
        calls.append(party)
        return original(actor=actor, party=party, **options)

    monkeypatch.setattr(screening, "party_screen", spy)
    return calls


def _work_queued_task() -> Job:
    """What a worker does with the queued task row (the worker process itself: tests/jobs/test_worker.py)."""
    task = DBTaskResult.objects.get(status="READY")
    job_id = task.args_kwargs["args"][0]
    execute_job(job_id, task_id=str(task.id), worker_id="test-worker")
    return Job.objects.get(pk=job_id)


def test_upload_request_screens_nobody_and_the_job_does(
    settings: Any,
    users: dict[str, Any],
    org_a: Any,
    client_for: Any,
    screened: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TASKS = DB_BACKEND
    org = OrganisationFactory(legal_name="Temna Zorya GmbH", short_name="Temna Zorya", country="UA")
    client = client_for(users["compliance_officer"])
    upload = SimpleUploadedFile("l.jsonl", ftm(COMPANY, PERSON))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/integrity/watchlists/", {"file": upload, "source": "eu"})
    assert response.status_code == 302
    assert screened == [] and not ScreeningHit.objects.exists() and not PartyScreening.objects.exists()
    run = ScreeningRun.objects.get()
    assert (run.status, run.job.status, run.job.user) == ("pending", JobStatus.QUEUED, users["compliance_officer"])
    assert DBTaskResult.objects.get().status == "READY"

    with django_capture_on_commit_callbacks(execute=True):
        job = _work_queued_task()
    run.refresh_from_db()
    assert (job.status, run.status, run.done, run.total, run.hits_raised) == ("succeeded", "finished", 2, 2, 1)
    assert sorted(p.pk for p in screened) == sorted([org.pk, org_a.pk])
    assert ScreeningHit.objects.get().organisation_id == org.pk


def test_manual_rescreen_returns_at_once(
    settings: Any, users: dict[str, Any], client_for: Any, screened: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = DB_BACKEND
    OrganisationFactory(legal_name="Temna Zorya GmbH")
    import_list(COMPANY)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(users["compliance_officer"]).post("/integrity/rescreen/")
    assert response.status_code == 302 and screened == []
    assert ScreeningRun.objects.get().job.status == JobStatus.QUEUED
    # The auditor sees the screening pages, so the refusal is a 403 with the reason (core/errors.py), not a 404.
    assert client_for(users["auditor"]).post("/integrity/rescreen/").status_code == 403
    assert ScreeningRun.objects.count() == 1


def test_api_upload_answers_with_the_pending_run_and_its_job(
    settings: Any, users: dict[str, Any], screened: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = DB_BACKEND
    OrganisationFactory(legal_name="Temna Zorya GmbH")
    officer = users["compliance_officer"]
    api = api_client(token=token_for(officer))
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/integrity/watchlists/", {"file": SimpleUploadedFile("l.jsonl", ftm(COMPANY)), "source": "eu"}
        )
    assert response.status_code == 201 and screened == []
    run = response.json()["run"]
    assert (run["status"], run["done"]) == ("pending", 0)
    assert api.get(f"/api/jobs/{run['job']}/").json()["status"] == "queued"


def test_a_failing_rescreen_is_retried_then_its_run_is_failed_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    OrganisationFactory(legal_name="Temna Zorya GmbH")
    import_list(COMPANY)

    def broken(*, actor: Any, party: Any, **options: Any) -> Any:
        raise ConnectionError("index file unreadable")

    monkeypatch.setattr(screening, "party_screen", broken)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.screening_run_start(actor=Actor.system("t"))
    run.refresh_from_db()
    assert (run.job.status, run.job.attempts) == (JobStatus.FAILED, 3)
    assert (run.status, run.error) == ("failed", "ConnectionError: index file unreadable")


def test_a_resumed_run_skips_the_parties_it_already_screened(
    screened: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    first, second = OrganisationFactory(legal_name="Temna Zorya GmbH"), OrganisationFactory(legal_name="Alpha GmbH")
    import_list(COMPANY)
    run = ScreeningRun.objects.create(trigger="rescreen", status="running", started_at=timezone.now(), total=2)
    screening.party_screen(actor=Actor.system("t"), party=first)  # what the killed attempt got through
    screened.clear()
    screening.screening_run_execute(actor=Actor.system("t"), run=run)
    assert [p.pk for p in screened] == [second.pk]
    assert (run.status, run.done, run.total) == ("finished", 2, 2)


def test_a_dead_worker_with_no_attempt_left_fails_the_run_with_the_reason(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        run = services.screening_run_start(actor=Actor.system("t"))
    long_ago = timezone.now() - timedelta(minutes=30)
    Job.objects.filter(pk=run.job_id).update(status="running", attempts=3, heartbeat_at=long_ago, worker_id="w1")
    ScreeningRun.objects.filter(pk=run.pk).update(status="running", started_at=long_ago)
    jobs_recover()
    run.refresh_from_db()
    assert run.job.status == JobStatus.FAILED and run.status == "failed"
    assert run.error.startswith("The worker running this job stopped answering") and "w1" in run.error


def test_nightly_schedule_job_records_its_own_run(django_capture_on_commit_callbacks: Any) -> None:
    OrganisationFactory(legal_name="Temna Zorya GmbH")
    import_list(COMPANY)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(actor=Actor.system("schedule:nightly-rescreen"), kind="integrity.rescreen")
    run = ScreeningRun.objects.get(job=job)
    assert (run.trigger, run.status, run.hits_raised, run.started_by) == (
        "scheduled",
        "finished",
        1,
        "schedule:nightly-rescreen",
    )
