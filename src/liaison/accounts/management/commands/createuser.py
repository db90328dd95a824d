"""`liaison createuser USERNAME --email E --role ROLE …`: create a user from the command line.

Goes through ``accounts.services.user_create`` with the CLI as actor, so the account is audited like one made
in the admin. The password is read from stdin (``--password-stdin``, for scripts) or prompted for twice.
A staff user also gets a one-time enrolment link for their authenticator app, printed once: hand it over by
another channel than the password.
"""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from liaison.accounts.management.commands.enrolmentlink import enrolment_url
from liaison.accounts.roles import Role
from liaison.accounts.services import enrolment_link_issue, user_create
from liaison.core.actors import Actor


class Command(BaseCommand):
    help = "Create a user with one or more roles (and, for company representatives, organisations)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", required=True)
        parser.add_argument(
            "--role",
            action="append",
            required=True,
            dest="roles",
            metavar="ROLE",
            help="repeatable; one of: " + ", ".join(Role.values),
        )
        parser.add_argument(
            "--country", choices=["DE", "UA"], default="", help="the side a ministry official works for"
        )
        parser.add_argument(
            "--organisation",
            type=int,
            nargs="+",
            action="extend",
            default=[],
            dest="organisations",
            metavar="ID",
            help="organisation ids the user represents",
        )
        parser.add_argument("--password-stdin", action="store_true", help="read the password from stdin")

    def handle(
        self,
        *args: Any,
        username: str,
        email: str,
        roles: list[str],
        country: str,
        organisations: list[int],
        password_stdin: bool,
        **options: Any,
    ) -> None:
        unknown = [r for r in roles if r not in Role.values]
        if unknown:
            raise CommandError(
                _("Unknown role: %(roles)s (choose from %(choices)s)")
                % {"roles": ", ".join(unknown), "choices": ", ".join(Role.values)}
            )
        password = self._read_password(password_stdin)
        # The command composes accounts and registry (memberships live with the organisations): both writes
        # succeed together or not at all.
        from liaison.registry.services import memberships_add

        actor = Actor.cli()
        try:
            with transaction.atomic():
                user = user_create(
                    actor=actor, username=username, email=email, password=password, roles=roles, country=country
                )
                if organisations:
                    memberships_add(actor=actor, user=user, organisation_ids=organisations)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(_("Created user %(username)s (id %(id)d).") % {"username": user.username, "id": user.pk})
        if user.is_staff_role:
            link, raw = enrolment_link_issue(actor=actor, user=user)
            self.stdout.write(
                _("Enrolment link for the authenticator app (valid until %(expires)s, works once): %(url)s")
                % {"expires": link.expires_at.isoformat(timespec="minutes"), "url": enrolment_url(raw)}
            )

    def _read_password(self, from_stdin: bool) -> str:
        if from_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = getpass.getpass(_("Password: "))
            if password != getpass.getpass(_("Password (again): ")):
                raise CommandError(_("The two passwords differ."))
        if not password:
            raise CommandError(_("The password must not be empty."))
        return password
