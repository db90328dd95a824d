"""`liaison enrolmentlink USERNAME`: a one-time link with which a staff user binds an authenticator app.

The link is printed once; hand it to the person by another channel than the one their password went through.
Issuing a new link revokes the user's earlier open ones; using it replaces any authenticator the user had
(a lost phone). Audited with the CLI as actor, like a link issued on the administrators' page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils.translation import gettext as _

from liaison.accounts.models import User
from liaison.accounts.services import enrolment_link_issue
from liaison.core.actors import Actor


def enrolment_url(raw: str) -> str:
    return settings.LIAISON_BASE_URL.rstrip("/") + reverse("accounts:enrol", args=[raw])


class Command(BaseCommand):
    help = "Issue a one-time link to set up a staff user's authenticator app (printed once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No user named %(username)s.") % {"username": username})
        try:
            link, raw = enrolment_link_issue(actor=Actor.cli(), user=user)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(
            _("Enrolment link for the authenticator app (valid until %(expires)s, works once): %(url)s")
            % {"expires": link.expires_at.isoformat(timespec="minutes"), "url": enrolment_url(raw)}
        )
