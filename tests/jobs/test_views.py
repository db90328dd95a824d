"""Job pages and API: a user sees their own jobs, administrators and auditors all; others get 404."""

from __future__ import annotations

from typing import Any

import pytest

from liaison.core.actors import Actor
from liaison.jobs.choices import JobStatus
from liaison.jobs.models import Job
from tests.api_schema import api_client, token_for

pytestmark = pytest.mark.django_db


def _job(user: Any, status: str = JobStatus.RUNNING) -> Job:
    actor = Actor.for_user(user) if user is not None else Actor.system("schedule:nightly")
    return Job.objects.create(
        kind="test.count",
        user=actor.user,
        actor_kind=actor.kind,
        actor_label=actor.label,
        status=status,
        progress_done=3,
        progress_total=7,
        error="RuntimeError: boom" if status == JobStatus.FAILED else "",
    )


def test_owner_sees_status_fragment_that_polls_while_active(users: dict[str, Any], client_for: Any) -> None:
    rep = users["company_representative"]
    job = _job(rep)
    client = client_for(rep)
    fragment = client.get(f"/jobs/{job.pk}/status/")
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert f'hx-get="/jobs/{job.pk}/status/"' in body and 'hx-trigger="every 2s"' in body
    assert "3 of 7 done." in body and "<script" not in body
    job.status, job.error = JobStatus.FAILED, "RuntimeError: boom"
    job.save()
    body = client.get(f"/jobs/{job.pk}/status/").content.decode()
    assert "hx-trigger" not in body and "RuntimeError: boom" in body
    assert client.get(f"/jobs/{job.pk}/").status_code == 200


@pytest.mark.parametrize("who", ["rep_b", "liaison_officer", "compliance_officer", "nobody"])
def test_others_get_404_and_see_nothing_in_lists(users: dict[str, Any], rep_b: Any, client_for: Any, who: str) -> None:
    job = _job(users["company_representative"])
    viewer = rep_b if who == "rep_b" else users[who]
    client = client_for(viewer)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/status/").status_code == 404
    assert f"/jobs/{job.pk}/" not in client.get("/jobs/").content.decode()
    api = api_client(token=token_for(viewer))
    assert api.get(f"/api/jobs/{job.pk}/").status_code == 404
    assert api.get("/api/jobs/").json()["count"] == 0


@pytest.mark.parametrize("who", ["administrator", "auditor"])
def test_administrators_and_auditors_see_every_job(users: dict[str, Any], client_for: Any, who: str) -> None:
    mine, system = _job(users["company_representative"]), _job(None, JobStatus.FAILED)
    client = client_for(users[who])
    assert client.get(f"/jobs/{mine.pk}/").status_code == 200
    page = client.get("/jobs/", {"status": "failed"}).content.decode()
    assert f"/jobs/{system.pk}/" in page and f"/jobs/{mine.pk}/" not in page
    listed = api_client(token=token_for(users[who])).get("/api/jobs/").json()
    assert [row["id"] for row in listed["results"]] == [system.pk, mine.pk]


def test_api_shows_the_owner_status_progress_and_error(users: dict[str, Any]) -> None:
    rep = users["company_representative"]
    job = _job(rep, JobStatus.FAILED)
    body = api_client(token=token_for(rep)).get(f"/api/jobs/{job.pk}/").json()
    assert body["status"] == "failed" and body["error"] == "RuntimeError: boom"
    assert (body["progress_done"], body["progress_total"], body["percent"]) == (3, 7, 43)
    assert body["started_by"] == "company_representative" and body["kind"] == "test.count"


def test_anonymous_is_sent_to_login_and_refused_by_the_api() -> None:
    assert api_client().get("/api/jobs/").status_code in (401, 403)
