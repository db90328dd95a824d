"""The worker anchors the audit trail on a schedule (`audit.anchor`, settings.LIAISON_SCHEDULES): each run appends
the head it saw, and a trail that fails verification fails the job with the problems instead of being anchored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction

from liaison.core import audit, audit_verify
from liaison.core.actors import Actor
from liaison.core.models import AuditEntry
from liaison.jobs import services
from liaison.jobs.choices import JobStatus

pytestmark = pytest.mark.django_db


def test_the_anchor_is_scheduled_by_default() -> None:
    assert django_settings.LIAISON_SCHEDULES["audit-anchor"] == {"kind": "audit.anchor", "every_minutes": 10}


def test_anchor_job_appends_the_head_it_saw(settings: Any, tmp_path: Path, capture: Any) -> None:
    settings.AUDIT_ANCHOR_PATH = tmp_path / "anchors.jsonl"
    with capture(execute=True):
        job = services.job_enqueue(actor=Actor.system("schedule:audit-anchor"), kind="audit.anchor")
    job.refresh_from_db()
    started = AuditEntry.objects.get(action="job.started", object_id=str(job.pk))
    assert (job.status, job.result) == (
        JobStatus.SUCCEEDED,
        {"sequence": started.sequence, "head": started.entry_hash, "written": True},
    )
    assert len(settings.AUDIT_ANCHOR_PATH.read_text().splitlines()) == 1
    assert audit_verify.verify_against([settings.AUDIT_ANCHOR_PATH]).ok


def test_anchor_job_refuses_a_broken_trail(settings: Any, tmp_path: Path, capture: Any) -> None:
    settings.AUDIT_ANCHOR_PATH = tmp_path / "anchors.jsonl"
    with transaction.atomic():
        entry = audit.record(actor=Actor.system("t"), action="thing.changed", object_type="tests.thing")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = 'forged' WHERE sequence = %s", [entry.sequence])
    with capture(execute=True):
        job = services.job_enqueue(actor=Actor.system("schedule:audit-anchor"), kind="audit.anchor")
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 1)
    assert job.error == (
        "The audit trail fails verification; it was not anchored.; "
        f"#{entry.sequence}: content changed after it was written (HMAC does not match)"
    )
    assert not settings.AUDIT_ANCHOR_PATH.exists()


@pytest.fixture
def capture(django_capture_on_commit_callbacks: Any) -> Any:
    return django_capture_on_commit_callbacks
