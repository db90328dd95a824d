"""`liaison audit verify|anchor|grants|export`: check the keyed chain against the anchors, checkpoint its head outside
the database, or write the trail as JSON lines or CSV."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from liaison.core import audit_verify
from liaison.core.checks import app_role_sql
from liaison.core.exports import write_audit


class Command(BaseCommand):
    help = "Verify, anchor or export the append-only audit trail."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="check every HMAC and link against the anchors; exit 1 on any problem")
        verify.add_argument(
            "--anchors",
            action="append",
            type=Path,
            help="anchor file to check against (repeatable; default AUDIT_ANCHOR_PATH)",
        )
        verify.add_argument("--require-anchor", action="store_true", help="exit 1 if no anchor exists yet")
        anchor = sub.add_parser("anchor", help="append the chain head to the anchor file (idempotent)")
        anchor.add_argument("--path", type=Path, help="anchor file (default AUDIT_ANCHOR_PATH)")
        anchor.add_argument("--syslog", action="store_true", help="also send the anchor line to syslog (LOG_AUTH)")
        grants = sub.add_parser("grants", help="print the SQL that gives a PostgreSQL role the application's rights")
        grants.add_argument("role")
        export = sub.add_parser("export", help="write the trail")
        export.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
        export.add_argument("--out", default="-")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "verify":
            self._verify(options["anchors"] or [audit_verify.default_anchor_path()], options["require_anchor"])
        elif action == "anchor":
            self._anchor(options["path"] or audit_verify.default_anchor_path(), options["syslog"])
        elif action == "grants":
            if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", options["role"]):
                raise CommandError(_("A role name is lower-case letters, digits and underscores."))
            self.stdout.write("".join(f"{statement};\n" for statement in app_role_sql(options["role"])))
        else:
            self._export(options["format"], options["out"])

    def _verify(self, paths: list[Path], require_anchor: bool) -> None:
        result = audit_verify.verify_against(paths)
        self._report_problems(result)
        self.stdout.write(
            _("audit trail intact: %(n)s entries, head #%(seq)s %(head)s")
            % {"n": result.checked, "seq": result.last_sequence, "head": result.head}
        )
        if result.last_anchor is None:
            message = _("not anchored: removal of entries from the end cannot be detected (run `liaison audit anchor`)")
            if require_anchor:
                raise CommandError(message, returncode=1)
            self.stderr.write(message)
            return
        self.stdout.write(
            _("matches %(n)s anchor(s); last #%(seq)s at %(time)s; %(newer)s newer entries rely on the HMAC alone")
            % {
                "n": result.anchors,
                "seq": result.last_anchor.sequence,
                "time": result.last_anchor.time,
                "newer": result.unanchored,
            }
        )

    def _report_problems(self, result: audit_verify.VerifyResult) -> None:
        if result.ok:
            return
        for problem in result.problems:
            where = _("entry #%(seq)s") % {"seq": problem.sequence} if problem.sequence else _("trail")
            self.stderr.write(f"{where}: {problem.problem}")
        raise CommandError(
            _("audit trail broken: %(problems)s problem(s) in %(n)s entries")
            % {"problems": len(result.problems), "n": result.checked},
            returncode=1,
        )

    def _anchor(self, path: Path, to_syslog: bool) -> None:
        try:
            anchor, written = audit_verify.write_anchor(path, to_syslog=to_syslog)
        except audit_verify.AnchorRefused as exc:
            self._report_problems(exc.result)
            raise  # unreachable: a refused anchor always has problems
        values = {"seq": anchor.sequence, "head": anchor.head, "path": path}
        if written:
            self.stdout.write(_("anchored #%(seq)s %(head)s in %(path)s") % values)
        else:
            self.stdout.write(_("already anchored: #%(seq)s %(head)s in %(path)s") % values)

    def _export(self, fmt: str, target: str) -> None:
        out = sys.stdout if target == "-" else open(target, "w", encoding="utf-8", newline="")  # noqa: SIM115
        try:
            count = write_audit(out, fmt)
        finally:
            if out is not sys.stdout:
                out.close()
        self.stderr.write(_("exported %(n)s audit entries") % {"n": count})
