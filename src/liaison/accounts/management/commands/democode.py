"""`liaison democode USERNAME`: the current TOTP code of a demo user, so a developer can log in as a staff
role without an authenticator app. Development only: with DEBUG off it refuses."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current six-digit two-factor code of a demo user (development only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(_("democode works only in development (DEBUG on)."))
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).order_by("pk").first()
        if device is None:
            raise CommandError(_("%(username)s has no confirmed authenticator.") % {"username": username})
        # The same computation the device does when it verifies a code.
        token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
        self.stdout.write(f"{token:0{device.digits}d}")
