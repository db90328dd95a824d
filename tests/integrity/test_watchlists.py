"""Importing watchlists: FtM and CSV, all-or-nothing on bad input, idempotent, rescreen after commit."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from liaison.core.actors import Actor
from liaison.core.models import AuditEntry
from liaison.core.permissions import PermissionDeniedError
from liaison.integrity import services
from liaison.integrity.models import ScreeningHit, ScreeningRun, Watchlist, WatchlistEntity
from tests.factories import OrganisationFactory
from tests.integrity.factories import COMPANY, PERSON, SANCTION, ftm, import_list

pytestmark = pytest.mark.django_db

CSV = (
    "id,schema,name,aliases,birth_date,country,registration_number\n"
    "c-1,Company,ТОВ «Темна Зоря»,Temna Zorya;Dark Dawn,,ru,12345678\n"
    "p-1,Person,Коваленко Петро,,1971-05-04,ua,\n"
)


def _entities(source: str = "test-list") -> dict[str, dict[str, Any]]:
    return {
        e.entity_id: {"schema": e.schema, "caption": e.caption, **e.data}
        for e in WatchlistEntity.objects.filter(watchlist__name=source)
    }


def test_ftm_import_stores_screenable_entities_and_audits() -> None:
    result = import_list(COMPANY, SANCTION, PERSON)
    wl = Watchlist.objects.get(name="test-list")
    assert (wl.version, wl.entity_count, result.created, result.updated, result.removed) == ("v1", 2, 2, 0, 0)
    assert _entities() == {
        "ua-co-1": {
            "schema": "Company",
            "caption": "ТОВ «Темна Зоря»",
            "names": ["ТОВ «Темна Зоря»"],
            "birth_dates": [],
            "countries": ["ru"],
            "registration_numbers": [],
        },
        "ua-pe-1": {
            "schema": "Person",
            "caption": "Коваленко Петро Іванович",
            "names": ["Коваленко Петро Іванович"],
            "birth_dates": ["1971-05-04"],
            "countries": [],
            "registration_numbers": [],
        },
    }
    entry = AuditEntry.objects.get(action="watchlist.imported")
    assert entry.after["entity_count"] == 2 and entry.before is None


def test_csv_import_with_aliases_and_numbers(tmp_path: Any) -> None:
    path = tmp_path / "eu.csv"
    path.write_text(CSV, encoding="utf-8")
    services.watchlist_import(
        actor=Actor.cli(), path_or_bytes=str(path), source="eu-fsf", version="2024-06", rescreen=False
    )
    data = _entities("eu-fsf")
    assert data["c-1"]["names"] == ["ТОВ «Темна Зоря»", "Temna Zorya", "Dark Dawn"]
    assert data["c-1"]["registration_numbers"] == ["12345678"]
    assert data["p-1"]["countries"] == ["ua"]


def test_broken_line_names_the_line_and_keeps_the_loaded_version() -> None:
    import_list(COMPANY, PERSON, version="v1")
    before = _entities()
    broken = ftm(COMPANY, PERSON) + b'{"id": "x", "schema": "Person", "properties": {\n'
    with pytest.raises(services.WatchlistImportError) as caught:
        services.watchlist_import(
            actor=Actor.system("t"),
            path_or_bytes=broken,
            source="test-list",
            version="v2",
            filename="l.jsonl",
            rescreen=False,
        )
    assert caught.value.line == 3
    assert caught.value.message_dict["file"][0].startswith("Line 3: broken JSON")
    assert Watchlist.objects.get(name="test-list").version == "v1"
    assert _entities() == before
    assert AuditEntry.objects.filter(action="watchlist.imported").count() == 1


@pytest.mark.parametrize(
    ("content", "line", "text"),
    [
        (ftm(COMPANY, {"id": "z", "schema": "Spaceship", "properties": {"name": ["X"]}}), 2, "unknown schema"),
        (ftm({"id": "e", "schema": "Person", "properties": {"name": ["  "]}}), 1, "empty name"),
        (
            ftm(COMPANY, {"id": "h", "schema": "Person", "properties": {"name": ["x" * 10_000_000]}}),
            2,
            "line longer than",
        ),
        (ftm(COMPANY, {"id": "h", "schema": "Person", "properties": {"name": ["x" * 600]}}), 2, "name longer than"),
        (b"id,schema,name\nx,Person,Y\n", 1, "wrong CSV header"),
        (ftm(COMPANY) + b"\xff\xfe\n", 2, "not valid UTF-8"),
    ],
)
def test_bad_input_gets_a_clear_error_naming_the_line(content: bytes, line: int, text: str) -> None:
    with pytest.raises(services.WatchlistImportError) as caught:
        services.watchlist_import(actor=Actor.system("t"), path_or_bytes=content, source="bad", rescreen=False)
    assert caught.value.line == line
    assert text in caught.value.message_dict["file"][0]
    assert not Watchlist.objects.exists()


def test_empty_file_and_bad_source_are_refused() -> None:
    with pytest.raises(services.WatchlistImportError, match="no screenable entities"):
        services.watchlist_import(actor=Actor.system("t"), path_or_bytes=ftm(SANCTION), source="x")
    with pytest.raises(ValidationError) as caught:
        services.watchlist_import(actor=Actor.system("t"), path_or_bytes=ftm(COMPANY), source="a b/c")
    assert list(caught.value.message_dict) == ["source"]


def test_update_replaces_entities_keeping_unchanged_rows() -> None:
    import_list(COMPANY, PERSON, version="v1")
    kept = WatchlistEntity.objects.get(entity_id="ua-co-1").pk
    changed = {**PERSON, "properties": {**PERSON["properties"], "birthDate": ["1972"]}}
    result = import_list(COMPANY, changed, {**COMPANY, "id": "ua-co-2"}, version="v2")
    assert (result.created, result.updated, result.removed) == (1, 1, 0)
    assert WatchlistEntity.objects.get(entity_id="ua-co-1").pk == kept
    result = import_list(COMPANY, version="v3")
    assert (result.removed, Watchlist.objects.get().entity_count) == (2, 1)


def test_company_representative_cannot_import(users: dict[str, Any]) -> None:
    with pytest.raises(PermissionDeniedError):
        services.watchlist_import(
            actor=Actor.for_user(users["company_representative"]), path_or_bytes=ftm(COMPANY), source="x"
        )
    assert not Watchlist.objects.exists() and not AuditEntry.objects.exists()


def test_import_queues_a_job_that_rescreens_every_party_after_commit(django_capture_on_commit_callbacks: Any) -> None:
    org = OrganisationFactory(legal_name="Temna Zorya GmbH", short_name="Temna Zorya", country="UA")
    OrganisationFactory(legal_name="Alpha Wehrtechnik GmbH", short_name="Alpha")
    with django_capture_on_commit_callbacks(execute=True):
        result = services.watchlist_import(actor=Actor.system("t"), path_or_bytes=ftm(COMPANY), source="l")
        assert ScreeningRun.objects.get().status == "pending" and not ScreeningHit.objects.exists()
    run = ScreeningRun.objects.get(pk=result.run.pk)
    assert (run.status, run.total, run.done, run.hits_raised, run.list_versions) == (
        "finished",
        2,
        2,
        1,
        {"l": result.watchlist.version},
    )
    job = run.job
    assert (job.kind, job.status, job.progress_done, job.progress_total, job.params) == (
        "integrity.rescreen",
        "succeeded",
        2,
        2,
        {"run_id": run.pk},
    )
    assert job.result == {"run": run.pk, "parties": 2, "hits_raised": 1, "hits_lapsed": 0}
    hit = ScreeningHit.objects.get()
    assert (hit.party_type, hit.party_id, hit.entity_key, hit.status) == ("organisation", org.pk, "ua-co-1", "open")
    assert json.loads(json.dumps(hit.query))["names"] == ["Temna Zorya GmbH", "Temna Zorya"]
