"""`liaison demo`: load the demo data set (idempotent) and, in development, print how to log in."""

from __future__ import annotations

import time
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from liaison.accounts.roles import Role
from liaison.config.env import env_str
from liaison.core.actors import Actor
from liaison.registry import demo


def _is_production() -> bool:
    return str(getattr(settings, "SETTINGS_MODULE", "") or "").endswith(".production")


class Command(BaseCommand):
    help = "Load ~200 fictional organisations and one user per role. A second run changes nothing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--count", type=int, default=200, help="number of organisations (default 200)")
        parser.add_argument("--seed", type=int, default=demo.SEED)
        parser.add_argument("--force", action="store_true", help="load even with production settings")

    def handle(self, *args: Any, count: int, seed: int, force: bool, **options: Any) -> None:
        if _is_production() and not force:
            raise CommandError(_("Refusing to load demo data with production settings (use --force)."))
        # The password comes from dev settings; anywhere else it must be given explicitly.
        password = getattr(settings, "LIAISON_DEMO_PASSWORD", "") or env_str("LIAISON_DEMO_PASSWORD", "")
        if not password:
            raise CommandError(_("Set LIAISON_DEMO_PASSWORD to the password the demo users should get."))
        started = time.perf_counter()
        result = demo.load(password=password, count=count, seed=seed, progress=options["verbosity"] > 0)
        self._demo_watchlist()
        self._report(result, time.perf_counter() - started)
        if getattr(settings, "LIAISON_PRINT_DEMO_CREDENTIALS", False) and not _is_production():
            self._credentials(result, password)

    def _demo_watchlist(self) -> None:
        """The integrity module, when installed, gets a small fictional sanctions list (this command is the
        place that knows both apps; the registry itself never imports integrity)."""
        if not apps.is_installed("liaison.integrity"):
            return
        from liaison.integrity.demo import load_demo_watchlist

        if load_demo_watchlist(actor=Actor.system("demo")):
            self.stdout.write(_("Loaded the fictional sanctions list “demo-sanctions” and screened every party."))

    def _report(self, result: demo.DemoResult, seconds: float) -> None:
        self.stdout.write(
            _("Organisations: %(created)d created, %(present)d already present.")
            % {"created": result.organisations_created, "present": result.organisations_present}
        )
        self.stdout.write(
            _("With them: %(products)d products, %(people)d people, %(certs)d certifications.")
            % {"products": result.products, "people": result.people, "certs": result.certifications}
        )
        self.stdout.write(
            _("Users: %(created)d created, %(present)d already present.")
            % {"created": result.users_created, "present": result.users_present}
        )
        self.stdout.write(_("Done in %(seconds).1f s.") % {"seconds": seconds})

    def _credentials(self, result: demo.DemoResult, password: str) -> None:
        self.stdout.write("")
        header = (_("username"), _("role"), _("password"), _("TOTP secret (base32)"))
        self.stdout.write(f"{header[0]:<14} {header[1]:<26} {header[2]:<20} {header[3]}")
        for cred in result.credentials:
            role = str(Role(cred.role).label)
            self.stdout.write(f"{cred.username:<14} {role:<26} {password:<20} {cred.totp_secret or '-'}")
        self.stdout.write("")
        self.stdout.write(
            _("Staff users need a second factor; get the current code with: .venv/bin/liaison democode USERNAME")
        )
        self.stdout.write(_("Open %(url)s/") % {"url": settings.LIAISON_BASE_URL.rstrip("/")})
