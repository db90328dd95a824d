"""`liaison person export ID --user U` and `liaison person erase ID --reason R --user U` (GDPR Art. 15/17)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from liaison.accounts.models import User
from liaison.core.actors import Actor
from liaison.core.errors import LiaisonCommand
from liaison.core.exports import json_dumps
from liaison.core.scoping import Action
from liaison.registry import selectors, services


class Command(LiaisonCommand):
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
        # Absent and forbidden look the same (NotFound), as on the web and the API; LiaisonCommand reports it.
        person = selectors.person_get(viewer=acting, pk=person_id, action=Action.CHANGE)
        actor = Actor.cli(acting)
        if action == "export":
            self.stdout.write(json_dumps(services.person_export(actor=actor, person=person)))
        else:
            services.person_erase(actor=actor, person=person, reason=options["reason"])
            self.stdout.write(f"person {person_id} erased")
