"""The one place that reads the process environment. Settings modules import from here, nothing else does."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url


class ConfigError(RuntimeError):
    """A required environment variable is missing or malformed."""


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ConfigError(f"environment variable {name} is required")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"environment variable {name} must be true or false, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"environment variable {name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_config(default_sqlite: Path) -> dict[str, object]:
    """DATABASE_URL selects the database; without it, the embedded SQLite file."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{default_sqlite}"
    config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    if config["ENGINE"] == "django.db.backends.postgresql":
        config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # The web server, the worker and its heartbeat thread write to one file. IMMEDIATE takes the write lock at
        # BEGIN, so a second writer waits (up to ``timeout`` seconds) instead of failing with "database is locked"
        # when its read lock cannot be upgraded; WAL lets readers go on while one writes.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return dict(config)


def cache_config() -> dict[str, object]:
    """REDIS_URL selects Django's Redis cache (shared by every process); without it, local memory."""
    url = os.environ.get("REDIS_URL", "")
    if url:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": "liaison"}
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "liaison"}
