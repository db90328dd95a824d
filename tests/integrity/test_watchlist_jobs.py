"""Large watchlist uploads run as background jobs (issue 7): the request only keeps the file and queues the job,
which parses and imports it as the uploader and then queues the rescreen; a broken line fails the job with the
line's message. Small files keep the synchronous import (tests/integrity/test_views.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from liaison.core.models import AuditEntry
from liaison.integrity.models import ScreeningRun, Watchlist
from liaison.integrity.services import watchlists
from liaison.jobs.choices import JobStatus
from liaison.jobs.models import Job
from tests.integrity.factories import COMPANY, PERSON, ftm

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_sync_limit(settings: Any, tmp_path: Path) -> None:
    """Two entities count as 'large' here, so the background path runs without generating big files."""
    settings.VAR_DIR = tmp_path
    settings.LIAISON_WATCHLIST_SYNC_MAX_BYTES = 64


@pytest.fixture
def parse_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every parse of a list file, to prove the upload request does none."""
    calls: list[str] = []
    real = watchlists._parse

    def spy(raw: bytes, filename: str, source: str) -> Any:
        calls.append(source)
        return real(raw, filename, source)

    monkeypatch.setattr(watchlists, "_parse", spy)
    return calls


def run_queued(queued: list[Any], capture: Any) -> None:
    """The worker's turn: the test backend runs each task at once; the rescreen it queues runs as well."""
    with capture(execute=True):
        for callback in queued:
            callback()


def test_large_upload_page_queues_a_job_that_imports_and_rescreens(
    users: dict[str, Any],
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
    tmp_path: Path,
    parse_calls: list[str],
) -> None:
    officer = users["compliance_officer"]
    client = client_for(officer)
    data = ftm(COMPANY, PERSON)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            "/integrity/watchlists/", {"file": SimpleUploadedFile("l.jsonl", data), "source": "eu", "version": "7"}
        )
    job = Job.objects.get()
    assert (response.status_code, response["Location"]) == (302, reverse("jobs:detail", args=[job.pk]))
    assert (job.kind, job.status, job.user, job.params["source"]) == (watchlists.IMPORT_JOB, "queued", officer, "eu")
    assert parse_calls == [] and not Watchlist.objects.exists()  # nothing parsed inside the request
    assert [p.name for p in (tmp_path / "watchlists").iterdir()] == [f"{officer.pk}-{job.params['sha256']}"]

    run_queued(queued, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.status, parse_calls) == (JobStatus.SUCCEEDED, ["eu"])
    watchlist = Watchlist.objects.get()
    assert (watchlist.name, watchlist.version, watchlist.entity_count) == ("eu", "7", 2)
    run = ScreeningRun.objects.get()
    assert job.result == {
        "watchlist": "eu",
        "version": "7",
        "entity_count": 2,
        "created": 2,
        "updated": 0,
        "removed": 0,
        "run": run.pk,
        "rescreen_job": run.job_id,
    }
    assert run.status == "finished" and run.job is not None and run.job.user == officer
    imported = AuditEntry.objects.get(action="watchlist.imported")
    assert imported.actor_id == officer.pk
    assert list((tmp_path / "watchlists").iterdir()) == []
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 200


def test_large_api_upload_answers_202_and_a_broken_line_fails_the_job(
    users: dict[str, Any],
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
    tmp_path: Path,
    parse_calls: list[str],
) -> None:
    officer = client_for(users["compliance_officer"])
    broken = ftm(COMPANY, PERSON) + b"{oops\n"
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = officer.post(
            "/api/integrity/watchlists/", {"file": SimpleUploadedFile("l.jsonl", broken), "source": "eu"}
        )
    job = Job.objects.get()
    assert response.status_code == 202
    assert (response.json()["id"], response.json()["status"], response.json()["kind"]) == (
        job.pk,
        "queued",
        watchlists.IMPORT_JOB,
    )
    assert parse_calls == []
    run_queued(queued, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    message = "Line 3: broken JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"
    assert (job.status, job.error) == (JobStatus.FAILED, message)
    assert officer.get(f"/api/jobs/{job.pk}/").json()["error"] == message
    assert not Watchlist.objects.exists() and not ScreeningRun.objects.exists()
    assert list((tmp_path / "watchlists").iterdir()) == []


@pytest.mark.parametrize(
    ("role", "page", "api"), [("company_representative", 404, 403), ("compliance_officer", 302, 202)]
)
def test_only_importers_may_queue_a_large_upload(
    users: dict[str, Any], client_for: Any, tmp_path: Path, role: str, page: int, api: int
) -> None:
    client = client_for(users[role])
    audit_before = AuditEntry.objects.count()
    data = ftm(COMPANY, PERSON)
    responses = (
        client.post("/integrity/watchlists/", {"file": SimpleUploadedFile("l.jsonl", data), "source": "eu"}),
        client.post("/api/integrity/watchlists/", {"file": SimpleUploadedFile("l.jsonl", data), "source": "eu"}),
    )
    assert tuple(r.status_code for r in responses) == (page, api)
    queued = Job.objects.filter(kind=watchlists.IMPORT_JOB).count()
    stashed = list((tmp_path / "watchlists").iterdir()) if (tmp_path / "watchlists").exists() else []
    if role == "company_representative":
        assert (queued, stashed, AuditEntry.objects.count()) == (0, [], audit_before)
    else:
        assert queued == 2 and len(stashed) == 1  # the same bytes: one stashed file
        assert AuditEntry.objects.filter(action="job.enqueued").count() == 2


def test_a_bad_list_name_is_refused_before_anything_is_kept(
    users: dict[str, Any], client_for: Any, tmp_path: Path
) -> None:
    officer = client_for(users["compliance_officer"])
    response = officer.post(
        "/api/integrity/watchlists/", {"file": SimpleUploadedFile("l.jsonl", ftm(COMPANY, PERSON)), "source": "e u"}
    )
    assert response.status_code == 400 and list(response.json()) == ["source"]
    assert not Job.objects.exists() and not (tmp_path / "watchlists").exists()
