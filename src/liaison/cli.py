"""The `liaison` console script: Django's management commands plus the platform's own.

`liaison screen` runs without Django settings (the screening engine is framework-free); every other command
goes through Django with the development settings unless DJANGO_SETTINGS_MODULE says otherwise.
"""

from __future__ import annotations

import os
import sys

COMMANDS = {
    "migrate": "create or update the database schema",
    "serve": "serve the web application (serve [--port N])",
    "demo": "load the demo data set (idempotent)",
    "createuser": "create a user with roles",
    "enrolmentlink": "issue a one-time link to set up a staff user's authenticator app",
    "import": "import organisations from CSV, XLSX or JSON (dry run with --dry-run)",
    "export": "export the organisations a user may see as CSV, XLSX or JSON",
    "audit": "audit trail: `audit verify`, `audit anchor`, `audit grants ROLE`, `audit export`",
    "person": "GDPR: `person export ID`, `person erase ID --reason ...`",
    "screen": "screen a file of names against watchlists",
    "watchlist": "watchlists: `watchlist import FILE --source NAME [--version V]` (then rescreens all)",
    "screening": "screening: `screening rescreen`, `screening export --format csv|json --out FILE`",
    "organisation": "`organisation archive|restore ID`, `organisation dismiss-duplicate|merge ID OTHER` (--user U)",
    "backup": "write a consistent backup of the database: `backup FILE`",
    "restore": "restore a backup into an empty database: `restore FILE [--replace]`",
    "worker": "run background jobs (and the nightly schedule); `make run` starts one beside the server",
    "jobs": "background jobs: `jobs list`, `jobs recover`, `jobs tick`, `jobs kinds`",
    "idempotency": "`idempotency purge`: delete API idempotency keys older than 24 hours (run daily)",
}


def _help() -> str:
    lines = ["usage: liaison <command> [options]", "", "liaison commands:"]
    lines += [f"  {name:<12} {text}" for name, text in COMMANDS.items()]
    lines += [
        "",
        "Django's management commands (check, shell, createsuperuser, …) work too:",
        "  liaison help --commands",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print(_help())
        return 0
    if args[0] == "screen":
        from liaison.engines.screening.cli import main as screen_main

        return screen_main(args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.config.settings.dev")
    from django.core.management import execute_from_command_line

    from liaison.core.context import correlation_scope

    with correlation_scope():
        execute_from_command_line(["liaison", *args])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
