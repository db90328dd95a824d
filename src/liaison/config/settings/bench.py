"""Benchmarks (`make bench`): the test settings on a real, file-backed database.

The database comes from DATABASE_URL (the benchmark harness points it at a throw-away SQLite file or at the
PostgreSQL database ``liaison_bench`` it creates and drops); without it, a SQLite file in the temp directory.
"""

import tempfile
from pathlib import Path

from liaison.config.env import database_config

from .test import *  # noqa: F403

DATABASES = {"default": database_config(Path(tempfile.gettempdir()) / "liaison-bench.sqlite3")}
# Production keeps the audit trail append-only in the database; so does the benchmark (nothing is flushed).
LIAISON_AUDIT_DB_GUARD = True
