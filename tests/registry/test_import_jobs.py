"""Large imports run as background jobs (issue 7): the request only stores the file and queues the job; the wizard
shows the job's progress, then the same dry-run report and the same all-or-nothing import as for small files."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from liaison.core.models import AuditEntry
from liaison.jobs.choices import JobStatus
from liaison.jobs.models import Job
from liaison.registry.models import Organisation
from tests.factories import valid_edrpou

pytestmark = pytest.mark.django_db

GOOD = (
    "legal_name,country,edrpou,city\n"
    f"ТОВ «Сокіл Оптика»,UA,{valid_edrpou(41)},Київ\n"
    "Nordlicht Optronik GmbH,DE,,München\n"
    "Ostwind Systems GmbH,DE,,Leipzig\n"
).encode()


@pytest.fixture(autouse=True)
def small_sync_limit(settings: Any, tmp_path: Path) -> None:
    """Three rows count as 'large' here, so the background path runs without generating big files."""
    settings.VAR_DIR = tmp_path
    settings.LIAISON_IMPORT_SYNC_MAX_ROWS = 2


def upload(client: Any, data: bytes, name: str = "firms.csv") -> Any:
    return client.post(reverse("registry_import:upload"), {"file": SimpleUploadedFile(name, data)})


def test_large_file_is_checked_and_imported_by_jobs_with_progress(
    users: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any, tmp_path: Path
) -> None:
    officer = users["liaison_officer"]
    client = client_for(officer)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = upload(client, GOOD)
    dry = Job.objects.get()
    assert (response.status_code, response["Location"]) == (302, reverse("registry_import:job", args=[dry.pk]))
    assert (dry.kind, dry.params["dry_run"], dry.status, dry.user) == ("registry.import", True, "queued", officer)

    pending = client.get(reverse("registry_import:job", args=[dry.pk]))
    assert pending.status_code == 200
    assert "checked in the background" in pending.content.decode()
    assert reverse("registry_import:job_progress", args=[dry.pk]).encode() in pending.content
    assert client.get(reverse("registry_import:job_progress", args=[dry.pk])).status_code == 200

    for callback in queued:  # the worker's turn (the test backend runs the task at once)
        callback()
    dry.refresh_from_db()
    assert (dry.status, dry.progress_done, dry.progress_total) == (JobStatus.SUCCEEDED, 3, 3)
    done = client.get(reverse("registry_import:job_progress", args=[dry.pk]))
    assert (done.status_code, done["HX-Redirect"]) == (204, reverse("registry_import:job", args=[dry.pk]))
    review = client.get(reverse("registry_import:job", args=[dry.pk]))
    assert review.context["counts"] == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 0}
    assert [(r.label, r.action) for r in review.context["rows"]] == [
        ("row 2", "created"),
        ("row 3", "created"),
        ("row 4", "created"),
    ]
    assert reverse("registry_import:commit").encode() in review.content
    assert Organisation.objects.count() == 1  # a dry run

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry_import:commit"))
    real = Job.objects.exclude(pk=dry.pk).get()
    assert (response.status_code, real.params["dry_run"], real.status) == (302, False, JobStatus.SUCCEEDED)
    result = client.get(reverse("registry_import:job", args=[real.pk]))
    assert (result.context["report"].committed, result.context["counts"]["created"]) == (True, 3)
    assert "The import is complete." in result.content.decode()
    assert Organisation.objects.count() == 4
    summary = AuditEntry.objects.get(action="organisation.import")
    assert (summary.actor_id, summary.correlation_id) == (officer.pk, real.correlation_id)
    assert list((tmp_path / "imports").iterdir()) == [] and "registry_import" not in client.session


def test_unreadable_large_file_fails_its_job_with_the_reason_and_nothing_is_stored(
    users: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.LIAISON_IMPORT_SYNC_MAX_BYTES = 100
    client = client_for(users["liaison_officer"])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, b"[" * 10_000, name="deep.json")
    job = Job.objects.get()
    assert (job.status, job.error) == (JobStatus.FAILED, "The JSON is nested more than 20 levels deep (line 1).")
    page = client.get(reverse("registry_import:job", args=[job.pk]))
    assert page.context["errors"] == ["The JSON is nested more than 20 levels deep (line 1)."]
    assert "registry_import" not in client.session
    assert (Organisation.objects.count(), AuditEntry.objects.filter(action__startswith="organisation").count()) == (
        1,
        0,
    )


def test_an_import_job_is_shown_only_to_whoever_started_it(
    users: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_for(users["liaison_officer"]), GOOD)
    job = Job.objects.get()
    for name in ("job", "job_progress"):
        url = reverse(f"registry_import:{name}", args=[job.pk])
        assert client_for(users["liaison_officer"]).get(url).status_code in (200, 204)
        assert client_for(users["administrator"]).get(url).status_code == 404  # sees all jobs, not others' files
        assert client_for(users["company_representative"]).get(url).status_code == 403


def test_job_progress_and_result_are_in_the_jobs_api(
    users: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(users["liaison_officer"])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, GOOD)
    job = Job.objects.get()
    body = client.get(f"/api/jobs/{job.pk}/").json()
    assert (body["kind"], body["status"], body["progress_done"], body["progress_total"]) == (
        "registry.import",
        "succeeded",
        3,
        3,
    )
    assert (body["result"]["dry_run"], body["result"]["counts"]["created"], len(body["result"]["rows"])) == (True, 3, 3)


def test_the_cli_imports_large_files_in_process(users: dict[str, Any], tmp_path: Path) -> None:
    """The CLI has no request to protect: it reads and imports in its own process, as before, with no job."""
    from django.core.management import call_command

    path = tmp_path / "firms.csv"
    path.write_bytes(GOOD)
    out = io.StringIO()
    call_command("import", str(path), "--user", "liaison_officer", stdout=out)
    assert out.getvalue() == "imported: 3 created, 0 updated, 0 unchanged, 0 rejected\n"
    assert (Organisation.objects.count(), Job.objects.count()) == (4, 0)


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_to_others_while_the_import_transaction_is_open(users: dict[str, Any]) -> None:
    """The import's rows are invisible until it commits; its progress must not be. PostgreSQL only: SQLite has
    one writer, so there the count moves when the transaction ends (see registry/jobs.py)."""
    import threading

    from django.db import connection, transaction

    from liaison.registry.jobs import _ProgressWriter

    if connection.vendor != "postgresql":
        pytest.skip("SQLite allows one writer: progress is written when the import's transaction ends")
    job = Job.objects.create(
        kind="registry.import", status=JobStatus.RUNNING, attempts=1, actor_kind="user", actor_label="x"
    )
    seen: list[int] = []

    def look() -> None:
        seen.append(Job.objects.get(pk=job.pk).progress_done)
        connection.close()

    with transaction.atomic():
        Organisation.objects.create(legal_name="Unsichtbar GmbH", country="DE")  # stands for the import's writes
        writer = _ProgressWriter(job, total=10)
        writer.start()
        writer.step(7)
        for _attempt in range(50):  # the writer writes once a second; look until it has
            reader = threading.Thread(target=look)
            reader.start()
            reader.join()
            if seen[-1] == 7:
                break
            threading.Event().wait(0.2)
        writer.stop()
    assert seen[-1] == 7


def test_a_second_click_on_import_does_not_queue_a_second_job(
    users: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(users["liaison_officer"])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, GOOD)
    with django_capture_on_commit_callbacks(execute=False):
        first = client.post(reverse("registry_import:commit"))
        second = client.post(reverse("registry_import:commit"))
        review = client.get(reverse("registry_import:review"))
    real = Job.objects.get(params__dry_run=False)
    assert (
        first["Location"] == second["Location"] == review["Location"] == reverse("registry_import:job", args=[real.pk])
    )
    assert Job.objects.count() == 2


def test_a_small_xlsx_that_unpacks_to_much_more_is_read_by_the_worker(
    users: dict[str, Any], client_for: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """What decides is how much a parser would read: the upload request never inflates a large workbook."""
    from liaison.registry import import_parsers
    from tests.registry.import_files import xlsx_of

    data = xlsx_of(["legal_name", "country", "description_en"], [["Firma GmbH", "DE", "Optik " * 20_000]])
    settings.LIAISON_IMPORT_SYNC_MAX_BYTES = 20_000
    settings.LIAISON_IMPORT_SYNC_MAX_ROWS = 100
    assert len(data) < 20_000 < import_parsers.bytes_to_parse("firms.xlsx", data)
    with django_capture_on_commit_callbacks(execute=False):
        response = upload(client_for(users["liaison_officer"]), data, name="firms.xlsx")
    assert response["Location"] == reverse("registry_import:job", args=[Job.objects.get().pk])
