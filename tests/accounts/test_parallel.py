"""An enrolment link is spent once even when two requests race with valid codes (real parallel transactions on
PostgreSQL; SQLite serialises writers, so the race cannot happen there)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.accounts import services
from liaison.core.actors import Actor
from liaison.core.models import AuditEntry
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel transactions need PostgreSQL"),
]


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = timezone.now().timestamp()
    return f"{totp.token():06d}"


def test_parallel_uses_of_one_enrolment_link_enrol_one_device() -> None:
    user = UserFactory(username="racer", roles=["auditor"])
    link, _key = services.enrolment_link_issue(actor=Actor.cli(), user=user)
    devices = [TOTPDevice.objects.create(user=user, name=f"phone{n}", confirmed=False) for n in range(6)]
    barrier = threading.Barrier(len(devices))
    results: list[Any] = []

    def attempt(device: TOTPDevice) -> None:
        try:
            barrier.wait()
            results.append(
                services.enrolment_complete(actor=Actor.for_user(user), link=link, device=device, token=_code(device))
            )
        except Exception as exc:  # noqa: BLE001 - reported below, a thread must not swallow it silently
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(device,)) for device in devices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(repr, results)) == ["False"] * 5 + ["True"]
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert AuditEntry.objects.filter(action="two_factor.enrolment_link_used").count() == 1
    assert AuditEntry.objects.filter(action="two_factor.enabled").count() == 1
