"""`liaison person export ID --user U` and `liaison person erase ID --reason R --user U` (GDPR Art. 15/17)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from liaison.accounts.models import User
from liaison.core.actors import Actor
from liaison.core.exports import json_dumps
from liaison.core.permissions import PermissionDeniedError
from liaison.registry import services
from liaison.registry.models import Person


class Command(BaseCommand):
    help = "Export (Art. 15) or erase (Art. 17) everything stored about a contact person."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("export", "erase"):
            p = sub.add_parser(name)
            p.add_argument("person_id", type=int)
            p.add_argument("--user", required=True, help="the acting user; their permissions apply")
            if name == "erase":
                p.add_argument("--reason", required=True, help="e.g. the reference of the request")

    def handle(self, *args: Any, action: str, person_id: int, user: str, **options: Any) -> None:
        acting = User.objects.filter(username=user, is_active=True).first()
        if acting is None:
            raise CommandError(f"no active user {user!r}")
        person = Person.objects.select_related("organisation").filter(pk=person_id).first()
        try:
            if person is None:
                raise PermissionDeniedError(services.permissions.deny("not found"))
            actor = Actor.cli(acting)
            if action == "export":
                self.stdout.write(json_dumps(services.person_export(actor=actor, person=person)))
            else:
                services.person_erase(actor=actor, person=person, reason=options["reason"])
                self.stdout.write(f"person {person_id} erased")
        except PermissionDeniedError as exc:
            # Absent and forbidden look the same, as on the web and the API.
            raise CommandError(f"person {person_id}: not found") from exc
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
