"""Log-in with a second factor, throttling, password hashing, security headers and the language of the front
page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.core.models import AuditEntry
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def _login(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_staff_user_enrols_through_an_administrators_link_and_passes_the_second_factor(
    users: dict[str, Any],
) -> None:
    from liaison.accounts.services import enrolment_link_issue
    from liaison.core.actors import Actor

    _link, key = enrolment_link_issue(actor=Actor.cli(), user=users["liaison_officer"])
    client = Client()
    assert _login(client, "liaison_officer").status_code == 302
    assert client.get("/registry/organisations/").url.startswith("/accounts/two-factor/")
    page = client.get(f"/accounts/enrol/{key}/")
    assert b"data:image/svg+xml;base64," in page.content
    device = TOTPDevice.objects.get(user=users["liaison_officer"], confirmed=False)
    ok = client.post(f"/accounts/enrol/{key}/", {"code": _code(device)})
    assert (ok.status_code, ok.url) == (302, "/")
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="two_factor.enabled").count() == 1
    assert AuditEntry.objects.filter(action="two_factor.enrolment_link_used").count() == 1


def test_wrong_code_is_refused_and_then_throttled(users: dict[str, Any]) -> None:
    device = TOTPDevice.objects.create(user=users["auditor"], name="phone", confirmed=True)
    client = Client()
    _login(client, "auditor")
    wrong = "000000" if _code(device) != "000000" else "111111"
    first = client.post("/accounts/two-factor/", {"code": wrong})
    assert "This code is not valid" in first.content.decode()
    second = client.post("/accounts/two-factor/", {"code": _code(device)})
    assert "Too many attempts" in second.content.decode()
    assert client.get("/").status_code == 302


def test_company_representative_logs_in_with_password_alone(users: dict[str, Any]) -> None:
    client = Client()
    _login(client, "company_representative")
    response = client.get("/")
    assert response.status_code == 200
    assert "Dashboard" in response.content.decode()


def test_passwords_are_hashed_with_argon2() -> None:
    from liaison.config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"]):
        user = UserFactory(username="hashcheck")
        assert identify_hasher(user.password).algorithm == "argon2"


def test_login_is_throttled_after_five_failures(users: dict[str, Any]) -> None:
    client = Client()
    for _ in range(5):
        _login(client, "company_representative", "wrong-password")
    locked = _login(client, "company_representative")
    assert locked.status_code == 429
    assert "Too many failed log-in attempts" in locked.content.decode()


def test_strict_content_security_policy_and_no_inline_script(users: dict[str, Any]) -> None:
    response = Client().get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    scripts = re.findall(r"<script[^>]*>", response.content.decode())
    assert scripts and all("src=" in tag for tag in scripts)
    assert " style=" not in response.content.decode()


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("de-DE,de;q=0.9", "Willkommen bei liaison"),
        ("uk-UA,uk;q=0.9", "Ласкаво просимо до liaison"),
        ("en-GB,en;q=0.9", "Welcome to liaison"),
    ],
)
def test_front_page_speaks_the_browser_language(accept: str, expected: str) -> None:
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_language_switcher_changes_language() -> None:
    client = Client()
    client.get("/")
    response = client.post("/i18n/setlang/", {"language": "uk", "next": "/"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert "Ласкаво просимо до liaison" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_csrf_is_enforced_on_login() -> None:
    client = Client(enforce_csrf_checks=True)
    assert _login(client, "anyone").status_code == 403


def test_api_token_is_stored_hashed_and_shown_once(users: dict[str, Any], client_for: Any) -> None:
    client = client_for(users["auditor"])
    response = client.post("/accounts/tokens/", {"name": "reports"})
    key = re.search(r'id="new-token">([^<]+)<', response.content.decode()).group(1)
    token = users["auditor"].api_tokens.get()
    assert key.startswith("lia_") and token.key_hash != key and key not in str(token.__dict__)
    assert key not in client.get("/accounts/tokens/").content.decode()
