"""A new staff user's first day in a real browser: an administrator issues the one-time enrolment link, the
person logs in with the password, opens the link, binds the authenticator app and arrives on the dashboard."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.test_journeys import totp
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_staff_user_enrols_through_the_administrators_link(
    page: Any, context: Any, sign_in: Any, live_server: Any, csp_violations: list[str]
) -> None:
    newcomer = UserFactory(username="newcomer", roles=["compliance_officer"])
    sign_in(UserFactory(username="chief", roles=["administrator"]))
    page.goto(reverse("accounts:enrolment_links"))
    row = page.locator("tr", has_text="newcomer")
    expect(row).to_contain_text("missing")
    row.get_by_role("button", name="Issue enrolment link").click()
    link = page.locator("#enrolment-link").inner_text()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/accounts/enrol/[\w-]{{43}}/", link)

    context.clear_cookies()  # the administrator hands the link over; the newcomer opens it in their browser
    page.goto(link)
    page.get_by_label("User name").fill("newcomer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)
    page.get_by_label("Six-digit code").fill(totp(device))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    expect(page.locator(".whoami")).to_have_text("newcomer")

    page.goto(link)  # spent
    expect(page.get_by_role("heading", name="Enrolment link not valid")).to_be_visible()
    assert csp_violations == []
