"""`liaison idempotency purge` deletes idempotency keys past their 24-hour lifetime (run it daily, e.g. from
cron or a systemd timer; requests never do this work)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from liaison.core.idempotency import purge_expired


class Command(BaseCommand):
    help = "Delete API idempotency keys older than 24 hours."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("purge", help="delete expired keys")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        self.stdout.write(f"deleted {purge_expired()} expired idempotency keys")
