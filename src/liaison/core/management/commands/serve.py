"""`liaison serve [--port N]`: the development server with static files, on 127.0.0.1."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the web application on http://127.0.0.1:PORT (production: gunicorn, see docs/deploy.md)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args: Any, port: int, host: str, **options: Any) -> None:
        self.stdout.write(f"liaison: serving on http://{host}:{port}/  (Ctrl-C stops)")
        call_command("runserver", f"{host}:{port}", use_reloader=False, insecure_serving=not settings.DEBUG)
