"""`liaison organisation archive|restore|dismiss-duplicate|merge …` — the archive and duplicate services from the
command line, acting as a named user whose permissions apply (like the web and the API)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from liaison.accounts.models import User
from liaison.core.actors import Actor
from liaison.core.errors import LiaisonCommand
from liaison.registry import archiving
from liaison.registry.models import Organisation


class Command(LiaisonCommand):
    help = "Archive or restore an organisation, dismiss a possible duplicate, or merge two records."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        archive = sub.add_parser("archive", help="hide an organisation from lists; its history is kept")
        archive.add_argument("organisation_id", type=int)
        archive.add_argument("--reason", required=True)
        restore = sub.add_parser("restore", help="bring an archived organisation back")
        restore.add_argument("organisation_id", type=int)
        dismiss = sub.add_parser("dismiss-duplicate", help="the flagged pair are different companies")
        dismiss.add_argument("organisation_id", type=int)
        dismiss.add_argument("other_id", type=int)
        dismiss.add_argument("--reason", required=True)
        merge = sub.add_parser("merge", help="move everything of OTHER onto SURVIVOR and archive OTHER")
        merge.add_argument("organisation_id", type=int, metavar="SURVIVOR")
        merge.add_argument("other_id", type=int, metavar="OTHER")
        merge.add_argument("--reason", default="")
        for parser_ in (archive, restore, dismiss, merge):
            parser_.add_argument("--user", required=True, help="the acting user; their permissions apply")

    def handle(self, *args: Any, action: str, organisation_id: int, user: str, **options: Any) -> None:
        acting = User.objects.filter(username=user, is_active=True).first()
        if acting is None:
            raise CommandError(_("No active user %(user)s.") % {"user": user})
        actor = Actor.cli(acting)
        org = self._organisation(acting, organisation_id)
        if action == "archive":
            archiving.organisation_archive(actor=actor, organisation=org, reason=options["reason"])
            self.stdout.write(_("Organisation %(id)d archived.") % {"id": org.pk})
        elif action == "restore":
            archiving.organisation_restore(actor=actor, organisation=org)
            self.stdout.write(_("Organisation %(id)d restored.") % {"id": org.pk})
        elif action == "dismiss-duplicate":
            other = self._organisation(acting, options["other_id"])
            archiving.duplicate_dismiss(actor=actor, organisation=org, other=other, reason=options["reason"])
            self.stdout.write(_("Possible duplicate %(a)d / %(b)d dismissed.") % {"a": org.pk, "b": other.pk})
        else:
            other = self._organisation(acting, options["other_id"])
            result = archiving.organisation_merge(actor=actor, survivor=org, other=other, reason=options["reason"])
            moved = ", ".join(f"{kind} {n}" for kind, n in sorted(result.moved.items()) if n) or "-"
            self.stdout.write(
                _("Organisation %(other)d merged into %(survivor)d (moved: %(moved)s).")
                % {"other": other.pk, "survivor": org.pk, "moved": moved}
            )

    @staticmethod
    def _organisation(user: User, pk: int) -> Organisation:
        org = Organisation.objects.visible_to(user).filter(pk=pk).first()
        if org is None:
            raise CommandError(_("No organisation with id %(ids)s.") % {"ids": pk})
        return org
