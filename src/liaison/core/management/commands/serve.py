"""`liaison serve [--port N] [--with-worker]`: the development server with static files, on 127.0.0.1.

``--with-worker`` (what `make run` uses) also starts `liaison worker` as a child process, so background jobs
run in development with one command; Ctrl-C (or the server ending any other way) stops the worker too. In
production the two are separate services (docs/deploy.md)."""

from __future__ import annotations

import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the web application on http://127.0.0.1:PORT (production: gunicorn, see docs/deploy.md)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--with-worker", action="store_true", help="Also run a background worker.")

    def handle(self, *args: Any, port: int, host: str, with_worker: bool, **options: Any) -> None:
        worker = None
        # SIGTERM (a supervisor, `kill`) ends the server like Ctrl-C does, so the worker below is stopped too.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        if with_worker:
            worker = subprocess.Popen([sys.executable, "-m", "liaison.cli", "worker"])  # noqa: S603
            self.stdout.write(f"liaison: background worker started (pid {worker.pid})")
        self.stdout.write(f"liaison: serving on http://{host}:{port}/  (Ctrl-C stops)")
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False, insecure_serving=not settings.DEBUG)
        finally:
            if worker is not None:
                _stop(worker)


def _stop(worker: subprocess.Popen[bytes]) -> None:
    """Ask the worker to finish its current job (SIGTERM), and kill it if it has not within 10 seconds; a job it
    was running is then resumed or failed by the next worker's recovery."""
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
