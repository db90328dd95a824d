"""Uploaded files waiting for their background job: one place for how they are named and read back.

A file is stored under VAR_DIR/<topic>/<user id>-<sha256>, outside the web root and never under the name the
uploader gave it; it is read back only if its bytes still have that digest. Registry imports and watchlist
uploads both use this.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from django.conf import settings

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def stash_path(topic: str, user_id: int | None, sha256: str) -> Path:
    """Where an upload of ``topic`` waits: named by user and content."""
    if user_id is None or not _SHA256.match(sha256):
        raise ValueError("no user, or not a SHA-256 digest")
    return Path(settings.VAR_DIR) / topic / f"{int(user_id)}-{sha256}"


def stash_read(topic: str, user_id: int | None, sha256: str) -> bytes | None:
    """The stashed bytes if they are still there and unchanged."""
    try:
        data = stash_path(topic, user_id, sha256).read_bytes()
    except (OSError, ValueError):
        return None
    return data if hashlib.sha256(data).hexdigest() == sha256 else None
