"""The main journeys a person takes, in a real browser: log in with the second factor, search across scripts,
register and edit an organisation, and an import that a bad row stops. Every journey also checks that the
page raised no Content-Security-Policy violation (no inline script or style slipped in)."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from liaison.core.models import AuditEntry
from liaison.engines.identifiers import edrpou_check_digit
from liaison.registry.models import Organisation
from tests.factories import PASSWORD, OrganisationFactory, UserFactory

# The live server answers from its own thread, so the data must be committed: transactional tests.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def totp(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the user's authenticator app shows now (or ``steps_ahead`` time steps later)."""
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    token.time = time.time() + steps_ahead * device.step
    return f"{token.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """A six-digit code that no accepted time step (now ± tolerance) produces."""
    accepted = {totp(device, steps_ahead=s) for s in range(-device.tolerance - 1, device.tolerance + 2)}
    return next(code for code in (f"{n:06d}" for n in range(123456, 999999, 7919)) if code not in accepted)


def wait_until_verification_allowed(device: TOTPDevice) -> None:
    """django-otp delays the next attempt after a wrong code (1 s after the first): wait as a person would."""
    for _ in range(50):
        device.refresh_from_db()
        if device.verify_is_allowed()[0]:
            return
        time.sleep(0.1)
    raise AssertionError("the device stayed throttled")


def valid_edrpou(seed: str) -> str:
    return seed + edrpou_check_digit(seed)


def test_staff_log_in_with_second_factor(page: Any, live_server: Any, csp_violations: list[str]) -> None:
    user = UserFactory(username="officer", roles=["liaison_officer"])
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    page.goto(reverse("accounts:login"))
    page.get_by_label("User name").fill("officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/accounts/two-factor/"))
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()

    page.get_by_label("Six-digit code").fill(wrong_code(device))
    page.get_by_role("button", name="Verify").click()
    expect(page.locator(".errorlist")).to_have_text(
        "This code is not valid. Check the time on your phone and try again."
    )
    assert re.search(r"/accounts/two-factor/", page.url)

    wait_until_verification_allowed(device)
    page.get_by_label("Six-digit code").fill(totp(device))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    expect(page.locator(".whoami")).to_have_text("officer")
    assert csp_violations == []


def test_search_finds_names_across_scripts(page: Any, sign_in: Any, csp_violations: list[str]) -> None:
    OrganisationFactory(
        country="UA",
        legal_name="Харківський бронетанковий завод",
        short_name="Харківський бронетанковий завод",
        city="Харків",
    )
    OrganisationFactory(country="UA", legal_name="Шевченко Оптика", short_name="Шевченко Оптика", city="Львів")
    OrganisationFactory(legal_name="Müller Optik GmbH", short_name="Müller Optik", city="Kiel")
    sign_in(UserFactory(username="officer", roles=["liaison_officer"]))
    page.goto(reverse("registry:organisation_list"))
    results = page.locator("#organisation-results")
    expect(results.locator("tbody tr")).to_have_count(3)

    for query, found, not_found in [
        ("Kharkiv", "Харківський бронетанковий завод", "Шевченко Оптика"),
        ("Schewtschenko", "Шевченко Оптика", "Харківський бронетанковий завод"),
    ]:
        search = page.locator("#id_q")
        search.fill("")
        # Typed key by key; the table is refreshed by HTMX without leaving the page.
        with page.expect_response(lambda r, q=query: f"q={q}" in r.url and r.request.headers.get("hx-request")):
            search.press_sequentially(query)
        expect(results.locator("tbody tr")).to_have_count(1)
        expect(results).to_contain_text(found)
        expect(results).not_to_contain_text(not_found)
        expect(results).not_to_contain_text("Müller Optik")
    assert csp_violations == []


def test_register_and_edit_an_organisation(page: Any, sign_in: Any, csp_violations: list[str]) -> None:
    sign_in(UserFactory(username="officer", roles=["liaison_officer"]))
    edrpou = valid_edrpou("3719500")
    page.goto(reverse("registry:organisation_list"))
    page.get_by_role("link", name="Register organisation").click()
    page.locator("#id_legal_name").fill("ТОВ «Дніпро Дрони»")
    page.locator("#id_short_name").fill("Дніпро Дрони")
    page.locator("#id_country").select_option("UA")
    page.locator("#id_city").fill("Дніпро")
    page.locator("#id_edrpou").fill(edrpou)
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(re.compile(r"/registry/organisations/\d+/$"))
    org = Organisation.objects.get(edrpou=edrpou)
    assert page.url.endswith(reverse("registry:organisation_detail", args=[org.pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Дніпро")
    expect(page.locator("address")).to_contain_text("Дніпро")

    page.get_by_role("link", name="Edit").click()
    page.wait_for_url(re.compile(r"/edit/$"))
    page.locator("#id_city").fill("Запоріжжя")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/registry/organisations/\d+/$"))
    expect(page.locator("address")).to_contain_text("Запоріжжя")

    org.refresh_from_db()
    assert (org.legal_name, org.country, org.city, org.edrpou) == ("ТОВ «Дніпро Дрони»", "UA", "Запоріжжя", edrpou)
    actions = list(
        AuditEntry.objects.filter(object_type="registry.organisation", object_id=str(org.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == ["organisation.created", "organisation.updated"]
    assert csp_violations == []


def test_import_with_a_bad_row_imports_nothing(page: Any, sign_in: Any, csp_violations: list[str]) -> None:
    sign_in(UserFactory(username="officer", roles=["liaison_officer"]))
    good_1, good_2 = valid_edrpou("3719501"), valid_edrpou("3719502")
    bad = good_1[:7] + str((int(good_1[7]) + 1) % 10)  # the check digit is off by one
    csv_text = (
        "legal_name,short_name,country,city,edrpou\n"
        f"ТОВ «Одеса Радар»,Одеса Радар,UA,Одеса,{good_1}\n"
        f"ТОВ «Львів Зв'язок»,Львів Зв'язок,UA,Львів,{bad}\n"
        f"ТОВ «Київ Броня»,Київ Броня,UA,Київ,{good_2}\n"
    )
    page.goto(reverse("registry_import:upload"))
    page.locator("#import-file").set_input_files(
        files=[{"name": "companies.csv", "mimeType": "text/csv", "buffer": csv_text.encode()}]
    )
    page.get_by_role("button", name="Check the file").click()

    alert = page.get_by_role("alert").filter(has_text="rejected")
    expect(alert).to_contain_text("1 row was rejected, so nothing will be imported.")
    bad_row = page.locator("table tbody tr").filter(has_text="row 3")
    expect(bad_row).to_contain_text("rejected")
    expect(bad_row).to_contain_text("edrpou")
    expect(bad_row).to_contain_text("check digit")
    expect(page.get_by_role("button", name="Import", exact=True)).to_have_count(0)
    assert Organisation.objects.count() == 0
    assert csp_violations == []
