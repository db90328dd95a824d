"""Import and export of organisations: atomic and idempotent imports, hostile files, scoped safe exports.

Decision under test: an import that changes nothing writes nothing — not even its ``organisation.import``
summary entry — so re-importing a file leaves the database, audit trail included, exactly as it was.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from liaison.core.actors import Actor
from liaison.core.models import AuditEntry
from liaison.core.permissions import PermissionDeniedError
from liaison.registry import exporting, importing
from liaison.registry.models import Organisation
from liaison.registry.selectors import OrganisationFilters
from tests.factories import OrganisationFactory, valid_edrpou, valid_lei
from tests.registry.import_files import csv_bytes, xlsx_of

pytestmark = pytest.mark.django_db

HEADER = ["legal_name", "country", "edrpou", "city", "technology_fields", "roles"]
ROWS = [
    ["ТОВ «Сокіл Оптика»", "UA", valid_edrpou(11), "Київ", "optics; drones", "rnd|testing"],
    ["Nordlicht Optronik GmbH", "de", "", "München", "optics", ""],
]


@pytest.fixture
def officer(users: dict[str, Any]) -> Actor:
    return Actor.for_user(users["liaison_officer"])


def run(actor: Actor, name: str, data: bytes, *, dry_run: bool = False) -> importing.ImportReport:
    return importing.import_file(actor=actor, name=name, data=data, dry_run=dry_run)


def stored() -> list[tuple[Any, ...]]:
    return list(Organisation.objects.order_by("legal_name").values_list("legal_name", "country", "edrpou", "city"))


# ---------------------------------------------------------------- good files


@pytest.mark.parametrize(("delimiter", "bom"), [(",", False), (";", True)])
def test_csv_creates_organisations_with_one_summary_entry(
    officer: Actor, org_a: Any, delimiter: str, bom: bool
) -> None:
    data = csv_bytes(HEADER, ROWS, delimiter=delimiter, bom=bom)
    report = run(officer, "firms.csv", data)
    assert (report.committed, report.counts) == (True, {"created": 2, "updated": 0, "unchanged": 0, "rejected": 0})
    assert [(r.label, r.organisation, r.action) for r in report.rows] == [
        ("row 2", "ТОВ «Сокіл Оптика»", "created"),
        ("row 3", "Nordlicht Optronik GmbH", "created"),
    ]
    sokil = Organisation.objects.get(edrpou=valid_edrpou(11))
    assert (sokil.city, sokil.roles) == ("Київ", ["rnd", "testing"])
    assert sorted(f.code for f in sokil.technology_fields.all()) == ["drones", "optics"]
    assert Organisation.objects.get(legal_name="Nordlicht Optronik GmbH").country == "DE"
    summary = AuditEntry.objects.get(action="organisation.import")
    assert summary.after == {
        "file": "firms.csv",
        "sha256": hashlib.sha256(data).hexdigest(),
        "counts": {"created": 2, "updated": 0, "unchanged": 0, "rejected": 0},
    }
    assert AuditEntry.objects.filter(action="organisation.created", correlation_id=summary.correlation_id).count() == 2


def test_xlsx_creates_and_reads_numeric_cells_as_text(officer: Actor) -> None:
    data = xlsx_of(["legal_name", "country", "edrpou", "postal_code"], [["Сокіл", "UA", int(valid_edrpou(12)), 1001.0]])
    report = run(officer, "firms.XLSX", data)
    assert [r.action for r in report.rows] == ["created"]
    assert Organisation.objects.values_list("edrpou", "postal_code").get(legal_name="Сокіл") == (
        valid_edrpou(12),
        "1001",
    )


@pytest.mark.parametrize("wrapped", [False, True])
def test_json_creates_from_a_list_or_an_organisations_object(officer: Actor, wrapped: bool) -> None:
    items = [
        {"legal_name": "Сокіл", "country": "UA", "edrpou": valid_edrpou(13), "roles": ["rnd", "mro"]},
        {"legal_name": "Nordlicht GmbH", "country": "DE", "technology_fields": "optics"},
    ]
    data = json.dumps({"organisations": items} if wrapped else items).encode()
    report = run(officer, "firms.json", data)
    assert [(r.label, r.action) for r in report.rows] == [("item 0", "created"), ("item 1", "created")]
    assert Organisation.objects.get(legal_name="Сокіл").roles == ["rnd", "mro"]


# ---------------------------------------------------------------- idempotency, dry run, atomicity


def test_reimporting_the_same_file_changes_nothing_and_writes_no_audit_entry(officer: Actor) -> None:
    data = csv_bytes(HEADER, ROWS)
    run(officer, "firms.csv", data)
    before = (list(Organisation.objects.values_list("pk", "updated_at")), AuditEntry.objects.count())
    report = run(officer, "firms.csv", data)
    assert report.counts == {"created": 0, "updated": 0, "unchanged": 2, "rejected": 0}
    assert report.committed is True
    assert (list(Organisation.objects.values_list("pk", "updated_at")), AuditEntry.objects.count()) == before


def test_changed_row_updates_and_matches_by_name_when_there_is_no_identifier(officer: Actor) -> None:
    run(officer, "firms.csv", csv_bytes(HEADER, ROWS))
    changed = [ROWS[0], ["Nordlicht Optronik GmbH", "DE", "", "Augsburg", "optics", ""]]
    report = run(officer, "firms-v2.csv", csv_bytes(HEADER, changed))
    assert [r.action for r in report.rows] == ["unchanged", "updated"]
    assert Organisation.objects.get(legal_name="Nordlicht Optronik GmbH").city == "Augsburg"
    assert Organisation.objects.count() == 3  # org_a of the users fixture and the two imported
    update = AuditEntry.objects.get(action="organisation.updated")
    assert (update.before, update.after) == ({"city": "München"}, {"city": "Augsburg"})
    assert AuditEntry.objects.filter(action="organisation.import").last().after["counts"]["updated"] == 1


def test_identifier_match_wins_over_a_changed_name(officer: Actor) -> None:
    existing = OrganisationFactory(legal_name="Old name", country="UA", edrpou=valid_edrpou(14))
    report = run(
        officer, "f.csv", csv_bytes(["legal_name", "country", "edrpou"], [["New name", "UA", valid_edrpou(14)]])
    )
    assert [(r.organisation, r.action) for r in report.rows] == [("Old name", "updated")]
    existing.refresh_from_db()
    assert existing.legal_name == "New name"


def test_dry_run_reports_but_writes_nothing(officer: Actor) -> None:
    report = run(officer, "firms.csv", csv_bytes(HEADER, ROWS), dry_run=True)
    assert (report.dry_run, report.committed, report.counts["created"]) == (True, False, 2)
    assert (Organisation.objects.count(), AuditEntry.objects.count()) == (1, 0)


def test_one_bad_row_stores_nothing_and_names_row_and_field(officer: Actor) -> None:
    existing = OrganisationFactory(legal_name="Nordlicht Optronik GmbH", country="DE", city="Berlin")
    bad_edrpou = valid_edrpou(15)[:7] + str((int(valid_edrpou(15)[7]) + 1) % 10)
    rows = [*ROWS, ["Broken", "UA", bad_edrpou, "Львів", "nope", ""]]
    report = run(officer, "firms.csv", csv_bytes(HEADER, rows))
    assert (report.ok, report.committed) == (False, False)
    assert report.reasons == ["row 4, field edrpou: EDRPOU: the check digit is wrong"]
    assert report.counts == {"created": 1, "updated": 1, "unchanged": 0, "rejected": 1}
    assert stored() == [
        ("Alpha Wehrtechnik GmbH", "DE", None, "Berlin"),
        ("Nordlicht Optronik GmbH", "DE", None, "Berlin"),
    ]
    existing.refresh_from_db()
    assert existing.city == "Berlin"
    assert AuditEntry.objects.count() == 0


def test_service_errors_are_reported_per_row(officer: Actor) -> None:
    rows = [["A GmbH", "DE", "", "", "nope", ""], ["", "XX", "", "", "", "pilot"]]
    report = run(officer, "f.csv", csv_bytes(HEADER, rows))
    assert report.reasons == [
        "row 2, field technology_fields: Unknown technology field: nope",
        "row 3, field roles: Unknown role: pilot",
        "row 3, field legal_name: This field cannot be blank.",
        "row 3, field country: Value 'XX' is not a valid choice.",
    ]
    assert Organisation.objects.count() == 1


def test_two_rows_for_the_same_organisation_are_refused(officer: Actor) -> None:
    edrpou = valid_edrpou(16)
    rows = [
        ["A", "UA", edrpou, "", "", ""],
        ["B", "UA", f" {edrpou} ", "", "", ""],
        ["C GmbH", "DE", "", "", "", ""],
        ["c gmbh", "de", "", "", "", ""],
    ]
    report = run(officer, "f.csv", csv_bytes(HEADER, rows))
    assert report.reasons == [
        "row 3, field edrpou: The same organisation as row 2.",
        "row 5, field legal_name: The same organisation as row 4.",
    ]
    assert Organisation.objects.count() == 1


def test_json_value_of_the_wrong_type_rejects_the_row(officer: Actor) -> None:
    data = json.dumps([{"legal_name": "A", "country": "DE", "city": {"name": "Berlin"}}]).encode()
    report = run(officer, "f.json", data)
    assert report.reasons == ["item 0, field city: Expected text, a number or a list of texts."]


def test_json_values_no_database_can_store_are_rejected_rows_not_server_errors(officer: Actor) -> None:
    """Issue 6, finding 8: a lone surrogate crashed review and commit; NaN and 1e400 became "nan" and "inf"."""
    data = (
        b'[{"legal_name": "\\ud800", "country": "DE"}, {"legal_name": NaN, "country": "DE"},'
        b' {"legal_name": 1e400, "country": "UA"}, {"legal_name": "Gut GmbH", "country": "DE"}]'
    )
    for dry_run in (True, False):
        report = run(officer, "f.json", data, dry_run=dry_run)
        assert (report.committed, report.counts["rejected"]) == (False, 3)
        assert report.reasons == [
            "item 0, field legal_name: The value contains an unpaired surrogate (U+D800), which is not valid text.",
            "item 1, field legal_name: NaN (“not a number”) cannot be imported; leave the value empty or write it "
            "as text.",
            "item 2, field legal_name: The number is too large to store (infinite); write it as text.",
        ]
    assert (Organisation.objects.count(), AuditEntry.objects.count()) == (1, 0)


def test_an_import_that_cannot_get_the_lock_says_so_and_stores_nothing(
    officer: Actor, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.LIAISON_IMPORT_LOCK_SECONDS = 0
    real_take_lock = importing._take_lock

    def busy() -> None:
        raise importing._LockBusy

    monkeypatch.setattr(importing, "_take_lock", busy)
    with pytest.raises(importing.ImportBusyError) as excinfo:
        run(officer, "firms.csv", csv_bytes(HEADER, ROWS))
    assert str(excinfo.value) == (
        "Another import was still running after 0 seconds of waiting, so nothing was imported. "
        "Please try again in a moment."
    )
    assert (Organisation.objects.count(), AuditEntry.objects.count()) == (1, 0)
    monkeypatch.setattr(importing, "_take_lock", real_take_lock)
    assert run(officer, "firms.csv", csv_bytes(HEADER, ROWS)).counts["created"] == 2


def test_a_database_locked_mid_import_is_reported_as_busy_not_as_a_bad_row(
    officer: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite this used to read "a value is too long or not unique" against an innocent row."""
    from django.db import OperationalError

    from liaison.registry import services

    def locked(**kwargs: Any) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "organisation_create", locked)
    with pytest.raises(importing.ImportBusyError) as excinfo:
        run(officer, "firms.csv", csv_bytes(HEADER, ROWS))
    assert str(excinfo.value) == (
        "The database was busy with another write, so nothing was imported. Please try again."
    )
    assert (Organisation.objects.count(), AuditEntry.objects.count()) == (1, 0)


# ---------------------------------------------------------------- formulas


def test_formula_cell_in_xlsx_refuses_the_file(officer: Actor) -> None:
    data = xlsx_of(["legal_name", "country", "city"], [["A", "DE", "=1+1"]])
    with pytest.raises(ValidationError) as excinfo:
        run(officer, "f.xlsx", data)
    assert excinfo.value.messages == ["Cell C2 contains a formula; formulas are not imported. Paste the values."]
    assert (Organisation.objects.count(), AuditEntry.objects.count()) == (1, 0)


def test_formula_text_is_stored_as_text_and_exported_neutralised(officer: Actor) -> None:
    hyperlink = '=HYPERLINK("http://evil.example/x","click")'
    run(officer, "f.csv", csv_bytes(["legal_name", "country", "short_name"], [["Evil GmbH", "DE", hyperlink]]))
    assert Organisation.objects.get(legal_name="Evil GmbH").short_name == hyperlink
    content, _type, _name = exporting.organisation_export(viewer=officer.user, fmt="csv")
    records = {r["legal_name"]: r for r in csv.DictReader(io.StringIO(content.decode("utf-8-sig")))}
    assert records["Evil GmbH"]["short_name"] == "'" + hyperlink


# ---------------------------------------------------------------- permissions and CLI


def test_company_representative_cannot_import(users: dict[str, Any]) -> None:
    with pytest.raises(PermissionDeniedError) as excinfo:
        run(Actor.for_user(users["company_representative"]), "f.csv", csv_bytes(HEADER, ROWS))
    assert excinfo.value.decision.reason == "Only the liaison office registers organisations."
    assert (Organisation.objects.count(), AuditEntry.objects.count()) == (1, 0)


def test_cli_import_refuses_a_company_representative(users: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "firms.csv"
    path.write_bytes(csv_bytes(HEADER, ROWS))
    with pytest.raises(CommandError) as excinfo:
        call_command("import", str(path), "--user", "company_representative")
    assert str(excinfo.value) == "company_representative: Only the liaison office registers organisations."
    assert (Organisation.objects.count(), AuditEntry.objects.count()) == (1, 0)


def test_cli_import_dry_run_then_real_run(users: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "firms.csv"
    path.write_bytes(csv_bytes(HEADER, ROWS))
    out = io.StringIO()
    call_command("import", str(path), "--dry-run", "--user", "liaison_officer", stdout=out)
    assert out.getvalue() == "dry run, nothing stored: 2 created, 0 updated, 0 unchanged, 0 rejected\n"
    assert Organisation.objects.count() == 1
    out = io.StringIO()
    call_command("import", str(path), "--user", "liaison_officer", stdout=out)
    assert out.getvalue() == "imported: 2 created, 0 updated, 0 unchanged, 0 rejected\n"
    assert Organisation.objects.count() == 3
    assert AuditEntry.objects.get(action="organisation.import").actor_kind == "cli"


def test_cli_import_lists_rejected_rows_and_fails(users: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "firms.csv"
    path.write_bytes(csv_bytes(HEADER, [*ROWS, ["X", "UA", "1234", "", "", ""]]))
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import", str(path), "--user", "liaison_officer", stderr=err)
    assert err.getvalue() == "row 4, field edrpou: EDRPOU: wrong length\n"
    assert str(excinfo.value) == "2 created, 0 updated, 0 unchanged, 1 rejected: rejected rows, nothing imported"
    assert Organisation.objects.count() == 1


def test_cli_import_of_a_hostile_file_names_the_problem(users: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_bytes(b"[" * 10_000)
    with pytest.raises(CommandError) as excinfo:
        call_command("import", str(path), "--user", "liaison_officer")
    assert str(excinfo.value) == (f"{path}: The JSON is nested more than 20 levels deep (line 1).; nothing imported")


# ---------------------------------------------------------------- export


@pytest.fixture
def hostile_orgs(org_a: Any, org_b: Any) -> dict[str, Any]:
    """Org C shares only its address; values that a spreadsheet would run as formulas sit in every group."""
    org_a.name_en, org_a.website, org_a.street = "=1+1", "https://alpha.example", "@SUM(A1)"
    org_a.save()
    org_c = OrganisationFactory(
        legal_name="Gamma Systems",
        short_name="+49 30 123",
        country="PL",
        name_en="Gamma",
        street="-2+3",
        city="Kraków",
        lei=valid_lei(7),
        shared_groups=["address"],
    )
    return {"a": org_a, "b": org_b, "c": org_c}


def test_representative_exports_only_visible_organisations_and_shared_columns(
    users: dict[str, Any], hostile_orgs: dict[str, Any]
) -> None:
    content, content_type, filename = exporting.organisation_export(viewer=users["company_representative"], fmt="json")
    assert content_type == "application/json; charset=utf-8"
    assert filename.startswith("organisations-") and filename.endswith(".json")
    records = json.loads(content)["organisations"]
    assert [r["legal_name"] for r in records] == ["Alpha Wehrtechnik GmbH", "Gamma Systems"]
    alpha, gamma = records
    assert (alpha["name_en"], alpha["street"], alpha["shared_groups"]) == ("'=1+1", "'@SUM(A1)", ["profile"])
    assert (gamma["short_name"], gamma["street"], gamma["city"]) == ("'+49 30 123", "'-2+3", "Kraków")
    assert (gamma["name_en"], gamma["lei"], gamma["technology_fields"], gamma["shared_groups"]) == ("", "", [], [])
    assert list(gamma) == list(importing.COLUMNS)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_no_exported_cell_can_become_a_formula(users: dict[str, Any], hostile_orgs: dict[str, Any], fmt: str) -> None:
    content, _type, _name = exporting.organisation_export(viewer=users["company_representative"], fmt=fmt)
    if fmt == "csv":
        table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        table = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    assert table[0] == list(importing.COLUMNS)
    cells = [cell for row in table[1:] for cell in row]
    assert [c for c in cells if str(c).startswith(("=", "+", "-", "@"))] == []
    assert sorted(c for c in cells if str(c).startswith("'")) == ["'+49 30 123", "'-2+3", "'=1+1", "'@SUM(A1)"]
    by_name = {row[0]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    assert sorted(by_name) == ["Alpha Wehrtechnik GmbH", "Gamma Systems"]
    assert (by_name["Gamma Systems"]["name_en"], by_name["Gamma Systems"]["lei"]) == ("", "")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_full_export_reimports_without_changes(
    users: dict[str, Any], hostile_orgs: dict[str, Any], officer: Actor, fmt: str
) -> None:
    hostile_orgs["b"].technology_fields.set([1, 2])
    content, _type, name = exporting.organisation_export(viewer=officer.user, fmt=fmt)
    entries = AuditEntry.objects.count()
    report = run(officer, name, content)
    assert report.counts == {"created": 0, "updated": 0, "unchanged": 3, "rejected": 0}
    assert AuditEntry.objects.count() == entries


def test_export_applies_list_filters(users: dict[str, Any], hostile_orgs: dict[str, Any]) -> None:
    content, _type, _name = exporting.organisation_export(
        viewer=users["ministry_official"], filters=OrganisationFilters(country="UA"), fmt="json"
    )
    assert [r["legal_name"] for r in json.loads(content)["organisations"]] == ["ТОВ «Бета Дрони»"]


def test_cli_export_uses_the_users_permissions(
    users: dict[str, Any], hostile_orgs: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "out.csv"
    err = io.StringIO()
    call_command("export", "--format", "csv", "--out", str(path), "--user", "company_representative", stderr=err)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert [r["legal_name"] for r in rows] == ["Alpha Wehrtechnik GmbH", "Gamma Systems"]
    assert err.getvalue() == "exported 2 organisations\n"
    call_command(
        "export", "--format", "json", "--out", str(path), "--user", "nobody", "--country", "PL", stderr=io.StringIO()
    )
    assert json.loads(path.read_bytes()) == {"organisations": []}
