"""Local development: SQLite in ./var, debug on, demo credentials printed."""

from liaison.config.env import env_list, env_str

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = True
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
VAR_DIR.mkdir(parents=True, exist_ok=True)
LIAISON_PRINT_DEMO_CREDENTIALS = True
LIAISON_DEMO_PASSWORD = env_str("LIAISON_DEMO_PASSWORD", "liaison-demo-2026")
