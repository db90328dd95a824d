"""The test suite: fast hashing, in-memory SQLite unless DATABASE_URL names PostgreSQL."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True
LIAISON_PRINT_DEMO_CREDENTIALS = False
LIAISON_AUDIT_DB_GUARD = False  # fixtures flush tables; tests/core/test_audit.py installs the guard itself
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# A key of its own, so the tamper tests' attacker (who knows the development default) cannot guess it.
AUDIT_HMAC_KEY = "test-only-audit-hmac-key-0123456789abcdef"  # noqa: S105
AUDIT_HMAC_OLD_KEYS = []
AUDIT_ANCHOR_PATH = Path(tempfile.gettempdir()) / f"liaison-test-anchors-{os.getpid()}.jsonl"


# Jobs run in-process when their enqueueing transaction commits (django-tasks' immediate backend): the real job
# code runs, synchronously. tests/jobs/test_worker.py runs the database backend's worker as a separate process.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Screening index files of this test session (never the developer's var/).
LIAISON_INDEX_DIR = Path(tempfile.mkdtemp(prefix="liaison-test-index-"))
# SQLite: a file, not the in-memory database, so that the parallel tests' threads share it through their own
# connections exactly as production's processes do (WAL, IMMEDIATE transactions, busy timeout). The in-memory
# database's shared cache has table locks that ignore the busy timeout, which made IMMEDIATE fail at once there.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405 - a fresh clone has no var/ before the first run
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405
