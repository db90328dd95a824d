"""Web pages, API and CLI of integrity screening: who sees what, decisions, uploads, exports."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from liaison.core.actors import Actor
from liaison.core.models import AuditEntry
from liaison.integrity import services
from liaison.integrity.models import OrganisationRelation, ScreeningHit, ScreeningRun, Watchlist
from liaison.integrity.selectors import TRAIL_COLUMNS
from tests.factories import OrganisationFactory
from tests.integrity.factories import COMPANY, PERSON, ftm, import_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def hit(db: Any) -> ScreeningHit:
    import_list(COMPANY, PERSON)
    org = OrganisationFactory(legal_name="Temna Zorya GmbH", short_name="Temna Zorya")
    services.party_screen(actor=Actor.system("t"), party=org)
    return ScreeningHit.objects.get()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("company_representative", 404),
        ("liaison_officer", 404),
        ("ministry_official", 404),
        ("nobody", 404),
        ("auditor", 200),
        ("compliance_officer", 200),
        ("administrator", 200),
    ],
)
def test_queue_visibility(hit: ScreeningHit, users: dict[str, Any], client_for: Any, role: str, status: int) -> None:
    response = client_for(users[role]).get("/integrity/")
    assert response.status_code == status
    if status == 200:
        assert "Temna Zorya GmbH" in response.content.decode()
        assert ("Confirm match" in response.content.decode()) is (role != "auditor")


@pytest.mark.parametrize("role", ["company_representative", "auditor", "liaison_officer"])
def test_decide_is_refused_and_changes_nothing(
    hit: ScreeningHit, users: dict[str, Any], client_for: Any, role: str
) -> None:
    audit_count = AuditEntry.objects.count()
    response = client_for(users[role]).post(
        f"/integrity/hits/{hit.pk}/decide/", {"decision": "dismissed", "reason": "mine"}
    )
    assert response.status_code == 404
    hit.refresh_from_db()
    assert (hit.status, hit.reason, AuditEntry.objects.count()) == ("open", "", audit_count)


def test_officer_dismisses_with_htmx_and_decision_is_audited(
    hit: ScreeningHit, users: dict[str, Any], client_for: Any
) -> None:
    client = client_for(users["compliance_officer"])
    empty = client.post(
        f"/integrity/hits/{hit.pk}/decide/", {"decision": "dismissed", "reason": ""}, headers={"HX-Request": "true"}
    )
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    response = client.post(
        f"/integrity/hits/{hit.pk}/decide/",
        {"decision": "dismissed", "reason": "namesake"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "Dismissed" in response.content.decode()
    hit.refresh_from_db()
    assert (hit.status, hit.reason, hit.reviewer) == ("dismissed", "namesake", users["compliance_officer"])
    entry = AuditEntry.objects.get(action="screening_hit.dismissed")
    assert (entry.actor_id, entry.object_id, entry.message) == (users["compliance_officer"].pk, str(hit.pk), "namesake")


def test_second_decision_on_a_decided_hit_shows_who_decided_and_records_nothing(
    hit: ScreeningHit, users: dict[str, Any], client_for: Any
) -> None:
    first, second = users["compliance_officer"], users["administrator"]
    services.hit_decide(actor=Actor.for_user(first), hit=hit, decision="confirmed", reason="listed company")
    audit_count = AuditEntry.objects.count()
    client = client_for(second)
    url = f"/integrity/hits/{hit.pk}/decide/"
    row = client.post(url, {"decision": "dismissed", "reason": "namesake"}, headers={"HX-Request": "true"})
    html = row.content.decode()
    assert row.status_code == 200  # htmx swaps only successful answers; the row must show the decision made
    assert "This hit was already decided (Confirmed by compliance_officer); your decision was not recorded." in html
    page = client.post(url, {"decision": "dismissed", "reason": "namesake"}, follow=True)
    assert "This hit was already decided" in page.content.decode()
    hit.refresh_from_db()
    assert (hit.status, hit.reviewer, AuditEntry.objects.count()) == ("confirmed", first, audit_count)


def test_trail_csv_and_json_columns(hit: ScreeningHit, users: dict[str, Any], client_for: Any) -> None:
    services.hit_decide(
        actor=Actor.for_user(users["compliance_officer"]), hit=hit, decision="confirmed", reason="same EDRPOU"
    )
    client = client_for(users["auditor"])
    rows = list(csv.reader(io.StringIO(client.get("/integrity/trail.csv").content.decode())))
    assert rows[0] == [
        "hit_id",
        "created_at",
        "party_type",
        "party_id",
        "party",
        "organisation_id",
        "query",
        "list_name",
        "list_version",
        "entity_id",
        "listed_name",
        "matched_name",
        "score",
        "explanation",
        "via_chain",
        "status",
        "reviewer",
        "reason",
        "decided_at",
    ]
    record = dict(zip(rows[0], rows[1], strict=True))
    assert (record["list_name"], record["list_version"], record["entity_id"], record["score"]) == (
        "test-list",
        "v1",
        "ua-co-1",
        "0.9",
    )
    assert (record["status"], record["reviewer"], record["reason"]) == (
        "confirmed",
        "compliance_officer",
        "same EDRPOU",
    )
    assert json.loads(record["query"])["names"] == ["Temna Zorya GmbH", "Temna Zorya"]
    data = client.get("/integrity/trail.json").json()
    assert data["columns"] == list(TRAIL_COLUMNS) and len(data["hits"]) == 1
    assert data["hits"][0]["explanation"] == hit.explanation
    assert client_for(users["company_representative"]).get("/integrity/trail.csv").status_code == 404


def test_org_panel_for_staff_only(hit: ScreeningHit, users: dict[str, Any], client_for: Any) -> None:
    url = f"/integrity/organisations/{hit.organisation_id}/panel/"
    page = client_for(users["liaison_officer"]).get(url)
    assert page.status_code == 200 and "Pending review" in page.content.decode()
    assert client_for(users["company_representative"]).get(url).status_code == 404


def test_upload_page_imports_and_reports_broken_line(
    users: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(users["compliance_officer"])
    broken = SimpleUploadedFile("l.jsonl", ftm(COMPANY) + b"{oops\n")
    page = client.post("/integrity/watchlists/", {"file": broken, "source": "eu"})
    assert page.status_code == 200 and "Line 2: broken JSON" in page.content.decode()
    assert not Watchlist.objects.exists()
    good = SimpleUploadedFile("l.jsonl", ftm(COMPANY, PERSON))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/integrity/watchlists/", {"file": good, "source": "eu", "version": "7"})
    assert response.status_code == 302
    assert Watchlist.objects.get().entity_count == 2
    assert "finished" in client.get("/integrity/watchlists/").content.decode().lower()
    rep = client_for(users["company_representative"])
    assert rep.post("/integrity/watchlists/", {"file": good, "source": "x"}).status_code == 404


def test_relations_page_for_own_company_and_refused_for_others(
    users: dict[str, Any], client_for: Any, org_a: Any, org_b: Any
) -> None:
    rep = client_for(users["company_representative"])  # a representative of org_a
    response = rep.post(
        f"/integrity/organisations/{org_a.pk}/relations/",
        {"kind": "director", "name": "Anna Schmidt", "birth_date": "1970-01-02"},
    )
    assert response.status_code == 302
    rel = OrganisationRelation.objects.get()
    assert (rel.organisation, rel.name, rel.is_company) == (org_a, "Anna Schmidt", False)
    assert rep.get(f"/integrity/organisations/{org_b.pk}/relations/").status_code == 404
    assert rep.post(f"/integrity/relations/{rel.pk}/delete/").status_code == 302
    assert not OrganisationRelation.objects.exists()


def test_api_clearance_hits_and_decide(hit: ScreeningHit, users: dict[str, Any], client_for: Any) -> None:
    officer = client_for(users["compliance_officer"])
    url = f"/api/clearance/organisations/{hit.organisation_id}/"
    assert officer.get(url).json()["status"] == "pending_review"
    listed = officer.get("/api/integrity/hits/").json()
    assert [h["id"] for h in listed["results"]] == [hit.pk]
    response = officer.post(
        f"/api/integrity/hits/{hit.pk}/decide/",
        {"decision": "confirmed", "reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "confirmed"
    assert officer.get(url).json()["status"] == "blocked"
    rep = client_for(users["company_representative"])
    assert rep.get(url).status_code == 404
    assert rep.get("/api/integrity/hits/").status_code == 404


def test_api_upload(users: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any) -> None:
    officer = client_for(users["compliance_officer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(
            "/api/integrity/watchlists/",
            {"file": SimpleUploadedFile("l.jsonl", ftm(COMPANY)), "source": "eu", "version": "1"},
        )
    assert response.status_code == 201
    assert response.json()["watchlist"]["entity_count"] == 1
    assert ScreeningRun.objects.get(pk=response.json()["run"]["id"]).status == "finished"
    bad = officer.post("/api/integrity/watchlists/", {"file": SimpleUploadedFile("l.jsonl", b"[1]\n"), "source": "eu"})
    assert bad.status_code == 400 and bad.json() == {"file": ["Line 1: expected a JSON object"]}


def test_cli_import_and_export(tmp_path: Any) -> None:
    OrganisationFactory(legal_name="Temna Zorya GmbH")
    path = tmp_path / "list.jsonl"
    path.write_bytes(ftm(COMPANY))
    out = io.StringIO()
    call_command("watchlist", "import", str(path), "--source", "eu", "--version", "3", "--no-progress", stdout=out)
    assert out.getvalue().splitlines() == [
        "eu 3: 1 entities (+1 ~0 -0)",
        "screened 1 of 1 parties: 1 new hits, 0 lapsed (finished)",
    ]
    target = tmp_path / "trail.json"
    call_command("screening", "export", "--format", "json", "--out", str(target), stderr=io.StringIO())
    assert [h["list_version"] for h in json.loads(target.read_text())["hits"]] == ["3"]
