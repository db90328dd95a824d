"""`liaison audit verify` checks the hash chain; `liaison audit export` writes it as JSON lines or CSV."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from liaison.core import audit
from liaison.core.exports import write_audit


class Command(BaseCommand):
    help = "Verify or export the append-only audit trail."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="recompute every hash and link; exit 1 on any problem")
        export = sub.add_parser("export", help="write the trail")
        export.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
        export.add_argument("--out", default="-")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "verify":
            result = audit.verify_chain()
            for problem in result.problems:
                self.stderr.write(f"entry #{problem.sequence}: {problem.problem}")
            if not result.ok:
                raise CommandError(
                    f"audit trail broken: {len(result.problems)} problem(s) in {result.checked} entries",
                    returncode=1,
                )
            self.stdout.write(f"audit trail intact: {result.checked} entries, head {result.head}")
            return
        out = sys.stdout if options["out"] == "-" else open(options["out"], "w", encoding="utf-8", newline="")  # noqa: SIM115
        try:
            count = write_audit(out, options["format"])
        finally:
            if out is not sys.stdout:
                out.close()
        self.stderr.write(f"exported {count} audit entries")
