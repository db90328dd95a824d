"""The real queue: a job enqueued through the database backend is run by `liaison worker` in another process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from liaison.core.actors import Actor
from liaison.core.audit import verify_chain
from liaison.core.models import AuditEntry
from liaison.integrity.models import PartyScreening, ScreeningHit
from liaison.integrity.services import screening_run_start
from liaison.jobs.choices import JobStatus
from liaison.jobs.models import Job
from liaison.jobs.services import job_enqueue
from tests.factories import OrganisationFactory
from tests.integrity.factories import COMPANY, import_list
from tests.jobs.worker_process import ROOT, WorkerDatabase

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_database_worker_process_runs_a_queued_job(settings: Any, tmp_path: Path) -> None:
    settings.TASKS = DB_BACKEND
    old = Job.objects.create(
        kind="jobs.prune",
        actor_kind="system",
        actor_label="t",
        status=JobStatus.SUCCEEDED,
        finished_at=timezone.now() - timedelta(days=40),
    )
    job = job_enqueue(actor=Actor.system("t"), kind="jobs.prune", params={"days": 30})
    task = DBTaskResult.objects.get()
    assert (task.status, Job.objects.get(pk=job.pk).status) == ("READY", JobStatus.QUEUED)  # nothing ran here

    db = WorkerDatabase(tmp_path)
    db.push()
    db.run("--batch")
    db.pull()

    job.refresh_from_db()
    assert (job.status, job.result, job.attempts, job.error) == (JobStatus.SUCCEEDED, {"jobs": 1, "tasks": 0}, 1, "")
    assert job.task_id == str(task.id) and job.worker_id
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert not Job.objects.filter(pk=old.pk).exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it has exited all the same.
    return "zombie" not in Path(f"/proc/{pid}/status").read_text().lower() if Path(f"/proc/{pid}").exists() else False


@pytest.mark.django_db(transaction=True)
def test_serve_with_worker_starts_both_and_stopping_the_server_stops_the_worker(tmp_path: Path) -> None:
    """`make run` is `liaison serve --with-worker`: one command, and ending it ends the worker too."""
    db = WorkerDatabase(tmp_path)
    db.push()
    port = _free_port()
    command = [sys.executable, "-m", "liaison.cli", "serve", "--port", str(port), "--with-worker"]
    server = subprocess.Popen(command, cwd=ROOT, env=db.env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        first = server.stdout.readline().decode() if server.stdout else ""
        worker_pid = int(first.rsplit("pid ", 1)[1].rstrip(")\n"))
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:  # noqa: S310
                    assert response.status == 200
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the server did not answer")
        assert _alive(worker_pid)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        deadline = time.monotonic() + 15
        while _alive(worker_pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(worker_pid)
    finally:
        if server.poll() is None:
            server.kill()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_rescreen_is_noticed_and_the_next_worker_resumes_it(settings: Any, tmp_path: Path) -> None:
    """SIGKILL the worker in the middle of a re-screen: its job and run stay "running" with a stopped heartbeat;
    the next worker notices at start, resumes the job (attempt 2), skips what was done, and finishes the run."""
    settings.TASKS = DB_BACKEND
    orgs = [OrganisationFactory(legal_name=f"Prüfgesellschaft {n} GmbH") for n in range(120)]
    target = OrganisationFactory(legal_name="Temna Zorya GmbH", short_name="Temna Zorya", country="UA")
    import_list(COMPANY)
    run = screening_run_start(actor=Actor.system("t"))
    total = len(orgs) + 1

    db = WorkerDatabase(tmp_path)
    db.push()
    first = db.start(LIAISON_JOB_HEARTBEAT_SECONDS="1")
    try:
        deadline = time.monotonic() + 120
        done = 0
        while done < 5 and time.monotonic() < deadline and first.poll() is None:
            time.sleep(0.1)
            done = int(db.query("SELECT done FROM integrity_screeningrun WHERE id = %s", run.pk)[0][0])
        assert 5 <= done < total, f"could not catch the run mid-way (done={done})"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    assert db.query("SELECT status FROM jobs_job WHERE id = %s", run.job_id) == [("running",)]
    assert db.query("SELECT status FROM integrity_screeningrun WHERE id = %s", run.pk) == [("running",)]

    time.sleep(2.5)  # let the heartbeat go stale for the short limit below
    db.run("--batch", LIAISON_JOB_STALE_SECONDS="2")
    db.pull()

    run.refresh_from_db()
    job = run.job
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 2)
    assert (run.status, run.done, run.total, run.hits_raised) == ("finished", total, total, 1)
    assert PartyScreening.objects.count() == total
    assert ScreeningHit.objects.get().organisation_id == target.pk
    actions = list(
        AuditEntry.objects.filter(object_type="jobs.job", object_id=str(job.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == ["job.enqueued", "job.started", "job.resumed", "job.started", "job.succeeded"]
    assert verify_chain().ok
