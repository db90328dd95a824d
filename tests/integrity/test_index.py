"""The screening index is built once per list version by a job, persisted, and loaded — never built — by web
processes; a web process without it leaves screening to the catch-up job (the party is pending meanwhile)."""

from __future__ import annotations

from typing import Any

import pytest

from liaison.core.actors import Actor
from liaison.integrity import services, watchlist_index
from liaison.integrity.models import ScreeningHit
from liaison.jobs.models import Job
from liaison.registry.services import organisation_create
from tests.integrity.factories import COMPANY, ftm

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process that has not held any index in memory yet (a newly started web worker)."""
    monkeypatch.setattr(watchlist_index, "_cached", None)


def _import() -> None:
    services.watchlist_import(actor=Actor.system("t"), path_or_bytes=ftm(COMPANY), source="eu", rescreen=False)


def test_web_process_never_builds_and_a_job_screens_the_party(
    fresh_process: None, users: dict[str, Any], monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    _import()
    key = watchlist_index.lists_key()
    watchlist_index.index_path(key).unlink(missing_ok=True)
    built: list[str] = []
    original = watchlist_index._build
    monkeypatch.setattr(watchlist_index, "_build", lambda: built.append("built") or original())

    assert watchlist_index.current_index().ready is False and built == []
    with django_capture_on_commit_callbacks(execute=True):
        org = organisation_create(
            actor=Actor.system("t"), data={"legal_name": "Temna Zorya GmbH", "country": "DE"}
        ).organisation
    job = Job.objects.get(kind="integrity.catch_up")
    assert (job.status, job.result["screened"]) == ("succeeded", 2)
    assert built == ["built"] and watchlist_index.index_path(key).exists()
    assert ScreeningHit.objects.get().organisation_id == org.pk


def test_web_process_loads_the_persisted_index_without_building(
    fresh_process: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _import()
    built = watchlist_index.index_build()
    monkeypatch.setattr(watchlist_index, "_cached", None)
    monkeypatch.setattr(watchlist_index, "_build", lambda: pytest.fail("a web process must not build the index"))
    state = watchlist_index.current_index()
    assert state.ready and state.key == built.key and len(state.index) == len(built.index) == 1


def test_an_index_file_without_our_signature_is_never_loaded(fresh_process: None, settings: Any) -> None:
    _import()
    state = watchlist_index.index_build()
    path = watchlist_index.index_path(state.key)
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 0xFF
    path.write_bytes(bytes(raw))
    watchlist_index._cached = None
    assert watchlist_index.current_index().ready is False
    settings.SECRET_KEY = "another-installation-" * 3  # a file from elsewhere is refused as well
    watchlist_index.index_build()
    settings.SECRET_KEY = "test-only-key"
    watchlist_index._cached = None
    assert watchlist_index.current_index().ready is False
