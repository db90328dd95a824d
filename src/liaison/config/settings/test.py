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

# The in-memory test database uses SQLite's shared cache, whose table locks ignore the busy timeout: BEGIN IMMEDIATE
# would fail at once for the parallel-writer tests instead of letting their own lock-and-retry run (file databases,
# as the worker-process tests use, keep it).
_sqlite_options = DATABASES["default"].get("OPTIONS")  # noqa: F405
if isinstance(_sqlite_options, dict):
    _sqlite_options.pop("transaction_mode", None)

# Jobs run in-process when their enqueueing transaction commits (django-tasks' immediate backend): the real job
# code runs, synchronously. tests/jobs/test_worker.py runs the database backend's worker as a separate process.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Screening index files of this test session (never the developer's var/).
LIAISON_INDEX_DIR = Path(tempfile.mkdtemp(prefix="liaison-test-index-"))
