"""`liaison createuser`: users with roles through the service, audited as CLI actions, with clear refusals."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from liaison.accounts.models import User, hash_token
from liaison.core.models import AuditEntry
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
GOOD = "long-enough-and-uncommon-91"  # noqa: S105


def _create(monkeypatch: Any, *args: str, password: str = GOOD) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    call_command("createuser", *args, "--password-stdin", stdout=out)
    return out.getvalue()


def test_creates_user_with_roles_country_and_organisations(monkeypatch: Any) -> None:
    org_a, org_b = OrganisationFactory(), OrganisationFactory()
    output = _create(
        monkeypatch,
        "olena",
        "--email",
        "olena@example.org",
        "--role",
        "company_representative",
        "--role",
        "auditor",
        "--country",
        "UA",
        "--organisation",
        str(org_a.pk),
        str(org_b.pk),
    )
    user = User.objects.get(username="olena")
    created, link_line = output.splitlines()
    assert created == f"Created user olena (id {user.pk})."
    # An auditor is staff: the one-time enrolment link for the authenticator app is printed once.
    key = re.fullmatch(
        r"Enrolment link for the authenticator app \(valid until \S+, works once\): "
        r"http://127\.0\.0\.1:8000/accounts/enrol/([\w-]{43})/",
        link_line,
    ).group(1)
    assert user.enrolment_links.get().key_hash == hash_token(key)
    assert sorted(user.groups.values_list("name", flat=True)) == ["auditor", "company_representative"]
    assert (user.email, user.country, user.check_password(GOOD)) == ("olena@example.org", "UA", True)
    assert sorted(user.memberships.values_list("organisation_id", flat=True)) == sorted([org_a.pk, org_b.pk])
    entry, *memberships, link_issued = AuditEntry.objects.order_by("sequence")
    assert (link_issued.action, link_issued.after["user"]) == ("two_factor.enrolment_link_issued", user.pk)
    assert (entry.action, entry.actor_kind, entry.actor_label, entry.object_id) == (
        "user.created",
        "cli",
        "cli",
        str(user.pk),
    )
    assert sorted((m.action, m.after["organisation"]) for m in memberships) == sorted(
        [("membership.created", org_a.pk), ("membership.created", org_b.pk)]
    )


def test_unknown_role_is_refused(monkeypatch: Any) -> None:
    with pytest.raises(CommandError) as excinfo:
        _create(monkeypatch, "x", "--email", "x@example.org", "--role", "boss")
    assert str(excinfo.value) == (
        "Unknown role: boss (choose from administrator, liaison_officer, ministry_official, "
        "company_representative, compliance_officer, auditor)"
    )
    assert (User.objects.count(), AuditEntry.objects.count()) == (0, 0)


def test_existing_user_is_refused(monkeypatch: Any) -> None:
    UserFactory(username="taken")
    with pytest.raises(CommandError) as excinfo:
        _create(monkeypatch, "taken", "--email", "t@example.org", "--role", "auditor")
    assert str(excinfo.value) == "A user with this name exists already."
    assert AuditEntry.objects.count() == 0


def test_weak_password_is_refused_with_the_validators_reasons(monkeypatch: Any) -> None:
    with pytest.raises(CommandError) as excinfo:
        _create(monkeypatch, "weak", "--email", "w@example.org", "--role", "auditor", password="12345678")
    assert str(excinfo.value).splitlines() == [
        "This password is too short. It must contain at least 12 characters.",
        "This password is too common.",
        "This password is entirely numeric.",
    ]
    assert (User.objects.count(), AuditEntry.objects.count()) == (0, 0)


def test_unknown_organisation_is_refused(monkeypatch: Any) -> None:
    with pytest.raises(CommandError) as excinfo:
        _create(
            monkeypatch,
            "rep",
            "--email",
            "r@example.org",
            "--role",
            "company_representative",
            "--organisation",
            "987654",
        )
    assert str(excinfo.value) == "No organisation with id 987654."
    assert User.objects.count() == 0


def test_interactive_prompt_asks_twice(monkeypatch: Any) -> None:
    answers = iter([GOOD, GOOD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError) as excinfo:
        call_command("createuser", "ivan", "--email", "i@example.org", "--role", "auditor")
    assert str(excinfo.value) == "The two passwords differ."
    answers = iter([GOOD, GOOD])
    call_command("createuser", "ivan", "--email", "i@example.org", "--role", "auditor", stdout=io.StringIO())
    assert User.objects.get(username="ivan").check_password(GOOD) is True


@pytest.mark.django_db
def test_createuser_refuses_unknown_organisation_ids_before_writing(monkeypatch: Any) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(GOOD + "\n"))
    with pytest.raises(CommandError) as excinfo:
        call_command("createuser", "x", "--email", "x@example.org", "--role", "company_representative",
                     "--organisation", "987654", "--password-stdin")
    assert str(excinfo.value) == "No organisation with id 987654."
    assert not User.objects.filter(username="x").exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_createuser_with_organisation_writes_user_and_membership_each_audited(monkeypatch: Any) -> None:
    org = OrganisationFactory()
    monkeypatch.setattr("sys.stdin", io.StringIO(GOOD + "\n"))
    call_command("createuser", "x", "--email", "x@example.org", "--role", "company_representative",
                 "--organisation", str(org.pk), "--password-stdin", stdout=io.StringIO())
    user = User.objects.get(username="x")
    assert list(user.memberships.values_list("organisation_id", flat=True)) == [org.pk]
    assert list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True)) == [
        "user.created", "membership.created"]
