"""`liaison export --format csv|xlsx|json --out FILE --user USERNAME [filters]`.

Exports exactly what the acting user may see (``Organisation.objects.visible_to``) and, per organisation,
only the field groups ``organisation_card`` returns; the file re-imports with `liaison import`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from liaison.accounts.models import User
from liaison.core.permissions import PermissionDeniedError
from liaison.registry import exporting, selectors


class Command(BaseCommand):
    help = "Export the organisations a user may see as CSV, XLSX or JSON."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--format", choices=sorted(exporting.FORMATS), required=True)
        parser.add_argument("--out", required=True, help="file to write, or - for standard output")
        parser.add_argument("--user", required=True, help="the acting user; their permissions apply")
        parser.add_argument("--q", default="", help="search text (names in any script)")
        parser.add_argument("--country", default="")
        parser.add_argument("--technology-field", default="", help="code; includes its sub-fields")
        parser.add_argument("--role", default="")
        parser.add_argument("--certification", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        viewer = User.objects.filter(username=options["user"], is_active=True).first()
        if viewer is None:
            raise CommandError(f"no active user {options['user']!r}")
        filters = selectors.OrganisationFilters.from_mapping(options)
        try:
            content, _type, _name = exporting.organisation_export(viewer=viewer, filters=filters, fmt=options["format"])
        except PermissionDeniedError as exc:
            raise CommandError(exc.decision.reason) from exc
        if options["out"] == "-":
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
        else:
            try:
                Path(options["out"]).write_bytes(content)
            except OSError as exc:
                raise CommandError(f"{options['out']}: {exc.strerror or exc}") from exc
        count = selectors.organisation_list(viewer=viewer, filters=filters).count()
        self.stderr.write(f"exported {count} organisations")
