"""The import wizard (upload → dry run → import) and the export download, through the browser's requests."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from liaison.core.models import AuditEntry
from liaison.registry.models import Organisation
from tests.factories import OrganisationFactory, valid_edrpou

pytestmark = pytest.mark.django_db

GOOD = (
    "legal_name,country,edrpou,city\n"
    f"ТОВ «Сокіл Оптика»,UA,{valid_edrpou(21)},Київ\n"
    "Nordlicht Optronik GmbH,DE,,München\n"
).encode()
BAD_EDRPOU = valid_edrpou(22)[:7] + str((int(valid_edrpou(22)[7]) + 1) % 10)
BAD = GOOD + f"Broken,UA,{BAD_EDRPOU},Львів\n".encode()


@pytest.fixture(autouse=True)
def var_dir(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path


def upload(client: Any, data: bytes, name: str = "firms.csv") -> Any:
    return client.post(reverse("registry_import:upload"), {"file": SimpleUploadedFile(name, data)})


def test_wizard_happy_path(users: dict[str, Any], client_for: Any, var_dir: Path) -> None:
    client = client_for(users["liaison_officer"])
    page = client.get(reverse("registry_import:upload"))
    assert page.status_code == 200
    assert b'enctype="multipart/form-data"' in page.content and b"csrfmiddlewaretoken" in page.content

    response = upload(client, GOOD)
    assert (response.status_code, response["Location"]) == (302, reverse("registry_import:review"))
    sha256 = hashlib.sha256(GOOD).hexdigest()
    stash = var_dir / "imports" / f"{users['liaison_officer'].pk}-{sha256}"
    assert stash.read_bytes() == GOOD
    assert client.session["registry_import"] == {"sha256": sha256, "name": "firms.csv", "background": False}

    review = client.get(reverse("registry_import:review"))
    assert review.status_code == 200
    assert [(r.label, r.organisation, r.action) for r in review.context["rows"]] == [
        ("row 2", "ТОВ «Сокіл Оптика»", "created"),
        ("row 3", "Nordlicht Optronik GmbH", "created"),
    ]
    assert review.context["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 0}
    assert reverse("registry_import:commit").encode() in review.content
    assert b"sha256" not in review.content and sha256.encode() not in review.content  # no hidden field
    assert (Organisation.objects.count(), AuditEntry.objects.count()) == (1, 0)

    done = client.post(reverse("registry_import:commit"))
    assert done.status_code == 200
    assert done.context["report"].committed is True
    assert "The import is complete." in done.content.decode()
    assert sorted(Organisation.objects.values_list("legal_name", flat=True)) == [
        "Alpha Wehrtechnik GmbH",
        "Nordlicht Optronik GmbH",
        "ТОВ «Сокіл Оптика»",
    ]
    summary = AuditEntry.objects.get(action="organisation.import")
    assert (summary.actor_kind, summary.actor_id, summary.after["sha256"]) == (
        "user",
        users["liaison_officer"].pk,
        sha256,
    )
    assert not stash.exists() and "registry_import" not in client.session


def test_wizard_bad_row_is_listed_and_nothing_is_imported(users: dict[str, Any], client_for: Any) -> None:
    existing = OrganisationFactory(legal_name="Nordlicht Optronik GmbH", country="DE", city="Berlin")
    client = client_for(users["liaison_officer"])
    upload(client, BAD)
    review = client.get(reverse("registry_import:review"))
    text = review.content.decode()
    assert [(r.label, r.action, r.errors) for r in review.context["rows"]] == [
        ("row 4", "rejected", {"edrpou": ["EDRPOU: the check digit is wrong"]}),
    ]
    assert "1 row was rejected, so nothing will be imported." in text
    assert "<code>edrpou</code>: EDRPOU: the check digit is wrong" in text
    assert reverse("registry_import:commit") not in text
    forced = client.post(reverse("registry_import:commit"))
    assert (forced.status_code, forced.context["report"].committed) == (200, False)
    assert Organisation.objects.count() == 2
    existing.refresh_from_db()
    assert existing.city == "Berlin"
    assert AuditEntry.objects.count() == 0


def test_hostile_file_is_refused_on_the_upload_page(users: dict[str, Any], client_for: Any) -> None:
    client = client_for(users["liaison_officer"])
    upload(client, b"[" * 10_000, name="deep.json")
    response = client.get(reverse("registry_import:review"))
    assert response.status_code == 400
    assert response.context["errors"] == ["The JSON is nested more than 20 levels deep (line 1)."]
    assert "registry_import" not in client.session


def test_oversized_upload_is_refused_before_it_is_kept(
    users: dict[str, Any], client_for: Any, settings: Any, var_dir: Path
) -> None:
    settings.LIAISON_IMPORT_MAX_BYTES = 50
    response = upload(client_for(users["liaison_officer"]), GOOD)
    assert (response.status_code, response.context["errors"]) == (400, ["The file is larger than 50 bytes."])
    assert not (var_dir / "imports").exists()


def test_commit_without_an_upload_asks_for_the_file_again(users: dict[str, Any], client_for: Any) -> None:
    response = client_for(users["liaison_officer"]).post(reverse("registry_import:commit"))
    assert response.status_code == 400
    assert response.context["errors"] == ["The uploaded file has expired; please upload it again."]


@pytest.mark.parametrize("name", ["upload", "review", "commit"])
def test_company_representative_may_not_use_the_wizard(users: dict[str, Any], client_for: Any, name: str) -> None:
    client = client_for(users["company_representative"])
    url = reverse(f"registry_import:{name}")
    response = client.post(url, {"file": SimpleUploadedFile("f.csv", GOOD)}) if name != "review" else client.get(url)
    assert response.status_code == 403
    assert Organisation.objects.count() == 1


def test_anonymous_is_sent_to_login(db: Any) -> None:
    from django.test import Client

    response = Client().get(reverse("registry_import:upload"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_pages_have_no_inline_script_or_style(users: dict[str, Any], client_for: Any) -> None:
    client = client_for(users["liaison_officer"])
    upload(client, BAD)
    for page in (client.get(reverse("registry_import:upload")), client.get(reverse("registry_import:review"))):
        text = page.content.decode()
        assert ("style=" in text, "<script>" in text, "://" in text) == (False, False, False)


def test_export_download_is_scoped_and_filtered(users: dict[str, Any], client_for: Any, org_b: Any) -> None:
    OrganisationFactory(legal_name="Gamma Systems", country="PL", shared_groups=["address"])
    client = client_for(users["company_representative"])
    response = client.get(reverse("registry_import:export", args=["csv"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="organisations-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["legal_name"] for r in rows] == ["Alpha Wehrtechnik GmbH", "Gamma Systems"]
    filtered = client.get(reverse("registry_import:export", args=["json"]), {"country": "pl"})
    assert [r["legal_name"] for r in json.loads(filtered.content)["organisations"]] == ["Gamma Systems"]
    assert client.get(reverse("registry_import:export", args=["exe"])).status_code == 404


def test_json_with_a_lone_surrogate_is_reported_at_review_and_commit_not_a_server_error(
    users: dict[str, Any], client_for: Any
) -> None:
    """Issue 6, finding 8: both steps answered 500 before."""
    client = client_for(users["liaison_officer"])
    upload(client, b'[{"legal_name": "\\ud800", "country": "DE"}]', name="f.json")
    reason = "The value contains an unpaired surrogate (U+D800), which is not valid text."
    review = client.get(reverse("registry_import:review"))
    assert (review.status_code, [r.errors for r in review.context["rows"]]) == (200, [{"legal_name": [reason]}])
    assert f"<code>legal_name</code>: {reason}" in review.content.decode()
    forced = client.post(reverse("registry_import:commit"))
    assert (forced.status_code, forced.context["report"].committed) == (200, False)
    assert (Organisation.objects.count(), AuditEntry.objects.count()) == (1, 0)


def test_busy_import_asks_to_try_again_and_keeps_the_file(
    users: dict[str, Any], client_for: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from liaison.registry import importing

    def busy() -> None:
        raise importing._LockBusy

    settings.LIAISON_IMPORT_LOCK_SECONDS = 0
    client = client_for(users["liaison_officer"])
    upload(client, GOOD)
    with monkeypatch.context() as patch:
        patch.setattr(importing, "_take_lock", busy)
        response = client.post(reverse("registry_import:commit"))
    assert (response.status_code, response.context["errors"]) == (
        503,
        [
            "Another import was still running after 0 seconds of waiting, so nothing was imported. "
            "Please try again in a moment."
        ],
    )
    assert Organisation.objects.count() == 1
    assert client.post(reverse("registry_import:commit")).context["report"].committed is True
    assert Organisation.objects.count() == 3
