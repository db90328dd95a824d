"""Issue 6, findings 1, 7 and 9, replayed as the attacker did it: the same requests, in the same order.

Each attack is followed by its positive half: the same request succeeds for a person who holds what the attacker
lacked (the second factor, a fresh proof, the enrolment link, the real client address), so a test cannot pass
because the feature simply stopped working.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.accounts.models import ApiToken, User, hash_token
from liaison.core.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

STAFF = ["administrator", "liaison_officer", "ministry_official", "compliance_officer", "auditor"]


def _code(device: TOTPDevice, shift: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = timezone.now().timestamp() + shift * device.step
    return f"{totp.token():06d}"


def _phone(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def _password_login(client: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def _full_login(client: Client, user: User, device: TOTPDevice) -> None:
    assert _password_login(client, user.username).status_code == 302
    response = client.post("/accounts/two-factor/", {"code": _code(device)})
    assert response.status_code == 302, response.content.decode()[:500]


def _new_key(response: Any) -> str | None:
    found = re.search(r'id="new-token">([^<]+)<', response.content.decode())
    return found.group(1) if found else None


def _api(key: str, path: str = "/api/me/") -> Any:
    return Client().get(path, HTTP_AUTHORIZATION=f"Token {key}")


# Finding 1: the second factor bypassed with the password alone -------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_password_alone_cannot_create_an_api_token(users: dict[str, Any], role: str) -> None:
    """Log in with the password, stop at the two-factor page, POST /accounts/tokens/."""
    _phone(users[role])
    attacker = Client()
    assert _password_login(attacker, role).url == "/"
    assert attacker.get("/").url.startswith("/accounts/two-factor/")
    response = attacker.post("/accounts/tokens/", {"name": "exfil"})
    assert response.status_code == 302 and response.url.startswith("/accounts/two-factor/")
    assert _new_key(response) is None
    assert ApiToken.objects.count() == 0
    assert not AuditEntry.objects.filter(action="api_token.created").exists()


@pytest.mark.parametrize("role", STAFF)
def test_the_same_request_creates_a_working_token_after_the_second_factor(users: dict[str, Any], role: str) -> None:
    user = users[role]
    device = _phone(user)
    client = Client()
    _full_login(client, user, device)
    key = _new_key(client.post("/accounts/tokens/", {"name": "reports"}))
    assert key is not None
    token = ApiToken.objects.get(user=user)
    assert (token.second_factor_device_id, token.key_hash) == (device.pk, hash_token(key))
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert _api(key).json()["username"] == role
    assert AuditEntry.objects.filter(action="api_token.created", object_id=str(token.pk)).count() == 1


def test_a_staff_token_without_the_proof_of_a_second_factor_opens_nothing(users: dict[str, Any]) -> None:
    """A token as the old code minted it after a password-only login: no device, no expiry."""
    officer = users["liaison_officer"]
    _phone(officer)
    raw = ApiToken.generate()
    ApiToken.objects.create(user=officer, name="exfil", prefix=raw[4:12], key_hash=hash_token(raw))
    response = _api(raw, "/api/organisations/")
    assert (response.status_code, response.json()) == (401, {"detail": "Invalid or revoked token."})


def test_a_company_token_needs_no_second_factor(users: dict[str, Any]) -> None:
    rep = users["company_representative"]
    raw = ApiToken.generate()
    ApiToken.objects.create(user=rep, name="erp", prefix=raw[4:12], key_hash=hash_token(raw))
    assert _api(raw).json()["username"] == "company_representative"


def test_a_staff_token_expires_and_dies_with_its_device(users: dict[str, Any]) -> None:
    auditor = users["auditor"]
    device = _phone(auditor)
    client = Client()
    _full_login(client, auditor, device)
    key = _new_key(client.post("/accounts/tokens/", {"name": "reports"}))
    assert _api(key).status_code == 200
    ApiToken.objects.filter(user=auditor).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _api(key).status_code == 401
    ApiToken.objects.filter(user=auditor).update(expires_at=timezone.now() + timedelta(days=1))
    assert _api(key).status_code == 200
    device.delete()  # a lost phone, replaced through a new enrolment link
    assert _api(key).status_code == 401


@override_settings(LIAISON_STAFF_TOKEN_DAYS=2)
def test_the_lifetime_of_staff_tokens_is_configurable(users: dict[str, Any]) -> None:
    officer = users["liaison_officer"]
    client = Client()
    _full_login(client, officer, _phone(officer))
    client.post("/accounts/tokens/", {"name": "short"})
    expires = ApiToken.objects.get(user=officer).expires_at
    assert timedelta(days=1, hours=23) < expires - timezone.now() <= timedelta(days=2)


def test_a_stale_session_must_prove_itself_again_before_creating_a_token(users: dict[str, Any]) -> None:
    officer = users["liaison_officer"]
    device = _phone(officer)
    client = Client()
    _full_login(client, officer, device)
    with override_settings(LIAISON_REAUTH_SECONDS=0):
        response = client.post("/accounts/tokens/", {"name": "late"})
        assert (response.status_code, response.url) == (302, "/accounts/reauth/?next=/accounts/tokens/")
        assert ApiToken.objects.count() == 0
        # The password alone does not renew the proof of a staff user.
        refused = client.post("/accounts/reauth/?next=/accounts/tokens/", {"password": PASSWORD})
        assert refused.status_code == 200
        assert "Enter the six-digit code" in refused.content.decode()
    confirmed = client.post(
        "/accounts/reauth/?next=/accounts/tokens/", {"password": PASSWORD, "code": _code(device, shift=1)}
    )
    assert (confirmed.status_code, confirmed.url) == (302, "/accounts/tokens/")
    assert _new_key(client.post("/accounts/tokens/", {"name": "fresh"})) is not None


def test_a_company_representative_reauthenticates_with_the_password(users: dict[str, Any]) -> None:
    client = Client()
    _password_login(client, "company_representative")
    with override_settings(LIAISON_REAUTH_SECONDS=0):
        assert client.post("/accounts/tokens/", {"name": "erp"}).url.startswith("/accounts/reauth/")
        assert client.post("/accounts/reauth/", {"password": "wrong-password"}).status_code == 200
    assert client.post("/accounts/reauth/", {"password": PASSWORD}).url == "/accounts/tokens/"
    assert _new_key(client.post("/accounts/tokens/", {"name": "erp"})) is not None


@pytest.mark.parametrize(
    "path", ["/accounts/tokens/", "/accounts/reauth/", "/accounts/enrolment-links/", "/registry/organisations/"]
)
def test_an_unverified_staff_session_reaches_no_page_but_the_way_to_the_second_factor(
    users: dict[str, Any], path: str
) -> None:
    _phone(users["administrator"])
    client = Client()
    _password_login(client, "administrator")
    assert client.get(path).url.startswith("/accounts/two-factor/")


@pytest.mark.parametrize(
    "path", ["/accounts/two-factor/", "/accounts/password-reset/", "/accounts/password-reset/sent/"]
)
def test_an_unverified_staff_session_keeps_what_it_genuinely_needs(users: dict[str, Any], path: str) -> None:
    _phone(users["administrator"])
    client = Client()
    _password_login(client, "administrator")
    assert client.get(path).status_code == 200
    assert client.post("/accounts/logout/").url == "/accounts/login/"


def test_the_password_alone_does_not_enrol_an_authenticator(users: dict[str, Any]) -> None:
    """A new staff user has no device: the attacker logs in with the password and opens the two-factor page."""
    attacker = Client()
    _password_login(attacker, "compliance_officer")
    page = attacker.get("/accounts/two-factor/").content.decode()
    assert "data:image/svg+xml" not in page and "totp-secret" not in page and "otpauth" not in page
    assert "enrolment link" in page
    assert not TOTPDevice.objects.filter(user=users["compliance_officer"]).exists()
    assert attacker.get(f"/accounts/enrol/{'x' * 43}/").status_code == 404
    assert not TOTPDevice.objects.exists()


def test_the_administrators_link_enrols_once(users: dict[str, Any], client_for: Any) -> None:
    officer = users["compliance_officer"]
    admin = client_for(users["administrator"])
    issued = admin.post("/accounts/enrolment-links/", {"user": officer.pk}).content.decode()
    url = re.search(r'id="enrolment-link">http://testserver(/accounts/enrol/[\w-]+/)<', issued).group(1)
    assert AuditEntry.objects.filter(action="two_factor.enrolment_link_issued").count() == 1
    person = Client()
    assert _password_login(person, officer.username).status_code == 302
    assert "totp-secret" in person.get(url).content.decode()
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert person.post(url, {"code": _code(device)}).url == "/"
    assert person.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="two_factor.enrolment_link_used").count() == 1
    # Spent: neither the person nor anyone else gets a second device through it.
    assert person.get(url).status_code == 404
    other = Client()
    _password_login(other, officer.username)
    assert other.get(url).status_code == 404
    assert TOTPDevice.objects.filter(user=officer).count() == 1


def test_an_enrolment_link_is_bound_to_its_user_and_expires(users: dict[str, Any], client_for: Any) -> None:
    from liaison.accounts.services import enrolment_link_issue
    from liaison.core.actors import Actor

    link, key = enrolment_link_issue(actor=Actor.cli(), user=users["auditor"])
    stranger = Client()
    _password_login(stranger, "compliance_officer")  # another staff user's password
    assert stranger.get(f"/accounts/enrol/{key}/").status_code == 404
    owner = Client()
    _password_login(owner, "auditor")
    assert owner.get(f"/accounts/enrol/{key}/").status_code == 200
    link.expires_at = timezone.now() - timedelta(seconds=1)
    link.save()
    assert owner.get(f"/accounts/enrol/{key}/").status_code == 404


def test_only_administrators_issue_enrolment_links(users: dict[str, Any], client_for: Any) -> None:
    target = users["auditor"]
    for role in ("liaison_officer", "auditor", "company_representative"):
        assert client_for(users[role]).post("/accounts/enrolment-links/", {"user": target.pk}).status_code == 403
    assert not target.enrolment_links.exists()
    assert client_for(users["administrator"]).post("/accounts/enrolment-links/", {"user": target.pk}).status_code == 200
    assert target.enrolment_links.count() == 1


# Finding 9: session rotation, idle timeout, no-store, password reset --------------------------------------


def test_the_session_key_rotates_after_the_second_factor(users: dict[str, Any]) -> None:
    officer = users["liaison_officer"]
    device = _phone(officer)
    client = Client()
    _password_login(client, officer.username)
    before = client.cookies["sessionid"].value
    client.post("/accounts/two-factor/", {"code": _code(device)})
    after = client.cookies["sessionid"].value
    assert after != before
    fixed = Client()
    fixed.cookies["sessionid"] = before
    assert fixed.get("/registry/organisations/").url.startswith("/accounts/login/")
    assert client.get("/").status_code == 200


def _at(monkeypatch: Any, later: timedelta) -> None:
    real = timezone.now
    monkeypatch.setattr("django.utils.timezone.now", lambda: real() + later)


def test_a_staff_session_ends_after_thirty_idle_minutes(users: dict[str, Any], monkeypatch: Any) -> None:
    officer = users["liaison_officer"]
    client = Client()
    _full_login(client, officer, _phone(officer))
    assert client.get("/").status_code == 200
    _at(monkeypatch, timedelta(minutes=29))
    assert client.get("/").status_code == 200  # activity resets the clock
    _at(monkeypatch, timedelta(minutes=29 + 31))
    response = client.get("/registry/organisations/")
    assert response.url.startswith("/accounts/login/")
    assert client.get("/accounts/tokens/").url.startswith("/accounts/login/")


def test_a_company_session_has_its_own_idle_limit(users: dict[str, Any], monkeypatch: Any) -> None:
    client = Client()
    _password_login(client, "company_representative")
    _at(monkeypatch, timedelta(minutes=31))
    assert client.get("/registry/organisations/").status_code == 200
    _at(monkeypatch, timedelta(minutes=31 + 241))
    assert client.get("/registry/organisations/").url.startswith("/accounts/login/")


def test_authenticated_responses_are_never_stored(users: dict[str, Any], client_for: Any) -> None:
    rep = client_for(users["company_representative"])
    for path in ("/", "/registry/organisations/", "/accounts/tokens/", "/api/me/"):
        control = rep.get(path)["Cache-Control"]
        assert "no-store" in control and "private" in control, path
    from tests.api_schema import token_for

    token_response = _api(token_for(users["auditor"]))
    assert token_response.status_code == 200
    assert "no-store" in token_response["Cache-Control"]


def test_a_password_reset_does_not_skip_the_second_factor(users: dict[str, Any]) -> None:
    officer = users["liaison_officer"]
    officer.email = "officer@office.example"
    officer.save()
    device = _phone(officer)
    client = Client()
    assert client.post("/accounts/password-reset/", {"email": "officer@office.example"}).url == (
        "/accounts/password-reset/sent/"
    )
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    new_password = "a-new-and-long-passphrase-77"  # noqa: S105
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert done.url == "/accounts/password-reset/done/"
    assert client.get("/registry/organisations/").url.startswith("/accounts/login/")  # not logged in by it
    assert AuditEntry.objects.filter(action="user.password_reset", object_id=str(officer.pk)).count() == 1
    # The new password gets exactly as far as the old one did: to the second factor.
    assert _password_login(client, officer.username, new_password).status_code == 302
    assert client.get("/registry/organisations/").url.startswith("/accounts/two-factor/")
    assert client.post("/accounts/tokens/", {"name": "exfil"}).url.startswith("/accounts/two-factor/")
    assert client.post("/accounts/two-factor/", {"code": _code(device)}).status_code == 302
    assert client.get("/registry/organisations/").status_code == 200
    # The link works once.
    assert "reset-link-invalid" in client.get(link, follow=True).content.decode()


# Finding 7: lockout as denial of service behind the reverse proxy ---------------------------------------


def _via_proxy(client: Client, username: str, password: str, client_address: str) -> Any:
    return _password_login(
        client, username, password, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=client_address
    )


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_wrong_passwords_from_anyone_do_not_lock_the_real_user_out(users: dict[str, Any]) -> None:
    attacker = Client()
    for _ in range(5):
        _via_proxy(attacker, "company_representative", "wrong-password", "203.0.113.9")
    assert _via_proxy(attacker, "company_representative", PASSWORD, "203.0.113.9").status_code == 429
    assert _via_proxy(Client(), "company_representative", PASSWORD, "198.51.100.7").status_code == 302


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_a_client_cannot_rotate_its_address_through_the_header(users: dict[str, Any]) -> None:
    """The proxy appends the peer's address; whatever the client wrote before it is not believed."""
    attacker = Client()
    for n in range(5):
        _via_proxy(attacker, "company_representative", "wrong-password", f"10.9.9.{n}, 203.0.113.9")
    assert _via_proxy(attacker, "company_representative", PASSWORD, "10.9.9.200, 203.0.113.9").status_code == 429


@override_settings(TRUSTED_PROXIES=[])
def test_the_header_is_ignored_unless_the_peer_is_a_trusted_proxy(users: dict[str, Any]) -> None:
    attacker = Client()
    for n in range(5):
        _password_login(
            attacker, "company_representative", "wrong-password",
            REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )  # fmt: skip
    locked = _password_login(
        attacker, "company_representative", PASSWORD, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert locked.status_code == 429
    other = _password_login(Client(), "company_representative", PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302  # by user AND address, never by user alone


def test_trusted_proxies_accept_networks() -> None:
    from django.test import RequestFactory

    from liaison.accounts.client_ip import client_ip

    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="192.0.2.1, 10.0.0.7")
    with override_settings(TRUSTED_PROXIES=["10.0.0.0/8"]):
        assert client_ip(request) == "192.0.2.1"
    with override_settings(TRUSTED_PROXIES=["10.0.0.0/24"]):
        assert client_ip(request) == "10.1.2.3"
    request.META["HTTP_X_FORWARDED_FOR"] = "not-an-address"
    with override_settings(TRUSTED_PROXIES=["10.0.0.0/8"]):
        assert client_ip(request) == "10.1.2.3"


# Finding 9: User.country is documented as limiting a ministry official, and now it does ------------------


def test_a_ministry_official_reads_in_full_only_the_organisations_of_their_country(
    users: dict[str, Any], client_for: Any, org_a: Any, org_b: Any
) -> None:
    """org_b is Ukrainian and shares nothing; org_a is German and shares only its profile."""
    from tests.factories import UserFactory

    german = client_for(UserFactory(username="ministry.de", roles=["ministry_official"], country="DE"))
    ukrainian = client_for(UserFactory(username="ministry.ua", roles=["ministry_official"], country="UA"))
    nowhere = client_for(UserFactory(username="ministry.none", roles=["ministry_official"], country=""))
    private_ua = f"/registry/organisations/{org_b.pk}/"
    for client in (german, nowhere):
        assert client.get(private_ua).status_code == 404
        assert client.get(f"/api/organisations/{org_b.pk}/").status_code == 404
        assert client.get("/api/organisations/", {"q": org_b.city}).json()["count"] == 0
        assert org_b.legal_name not in client.get("/registry/organisations/").content.decode()
    # The positive half: the Ukrainian official reads the Ukrainian organisation in full, searched by city.
    assert ukrainian.get(private_ua).status_code == 200
    assert ukrainian.get(f"/api/organisations/{org_b.pk}/").json()["visible_groups"] == sorted(
        ["address", "certifications", "identifiers", "people", "products", "profile"]
    )
    assert ukrainian.get("/api/organisations/", {"q": org_b.city}).json()["count"] == 1
    # Across the border an official reads what the organisation shares, as companies do.
    assert ukrainian.get(f"/api/organisations/{org_a.pk}/").json()["visible_groups"] == ["profile"]
    assert len(german.get(f"/api/organisations/{org_a.pk}/").json()["visible_groups"]) == 6
    # Clearance, hits, owners and directors follow the same line.
    panel = f"/integrity/organisations/{org_b.pk}/panel/"
    assert (german.get(panel).status_code, ukrainian.get(panel).status_code) == (404, 200)
    assert german.get(f"/integrity/organisations/{org_a.pk}/panel/").status_code == 200
    assert ukrainian.get(f"/integrity/organisations/{org_a.pk}/panel/").status_code == 404
