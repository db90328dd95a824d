"""Browser fixtures: Playwright driving Debian's ``chromium`` package (never a downloaded browser) against
pytest-django's live server, which also serves the static files (it wraps the app in staticfiles'
``StaticFilesHandler``), so the pages run with their real scripts under the real Content-Security-Policy."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make there are
# still synchronous and safe, so Django's async-unsafe guard is switched off for this package only.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (`make browsers`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _migration_data(migration_data: None) -> None:
    """The live server needs committed rows; see tests/conftest.py ``migration_data``."""


@pytest.fixture
def csp_violations() -> list[str]:
    """Console messages about Content-Security-Policy violations on the test's page (should stay empty)."""
    return []


@pytest.fixture
def context(browser: Any, live_server: Any, csp_violations: list[str]) -> Iterator[Any]:
    ctx = browser.new_context(base_url=live_server.url, locale="en-GB")
    ctx.set_default_timeout(TIMEOUT_MS)

    def collect(message: Any) -> None:
        if "Content Security Policy" in message.text:
            csp_violations.append(message.text)

    ctx.on("console", collect)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


@pytest.fixture
def sign_in(context: Any, live_server: Any) -> Callable[[Any], None]:
    """Put a logged-in session (second factor passed, for staff) into the browser, for the journeys that are
    not about logging in; the log-in journey itself goes through the real forms."""

    def sign(user: Any) -> None:
        client = Client()
        client.force_login(user)
        if user.is_staff_role:
            device, _ = TOTPDevice.objects.get_or_create(user=user, name="phone", defaults={"confirmed": True})
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])

    return sign
