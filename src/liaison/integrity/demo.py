"""A small fictional sanctions list for the demo, so the review queue and the clearance panels have work.

Four entries are namesakes or look-alikes of demo registry parties (a person with another birth year, a
Russian company with a similar name); the rest match nobody. Loaded through the real import service.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from liaison.core.actors import Actor
from liaison.integrity.models import Watchlist
from liaison.integrity.services import watchlist_import

DEMO_LIST = Path(__file__).resolve().parent / "data" / "demo_watchlist.jsonl"
DEMO_SOURCE = "demo-sanctions"
DEMO_VERSION = "2026-11-01"


def load_demo_watchlist(*, actor: Actor) -> bool:
    """Load the demo list unless this exact file is loaded already (the demo is idempotent). Returns whether
    it loaded."""
    raw = DEMO_LIST.read_bytes()
    if Watchlist.objects.filter(name=DEMO_SOURCE, sha256=hashlib.sha256(raw).hexdigest()).exists():
        return False
    watchlist_import(actor=actor, path_or_bytes=raw, source=DEMO_SOURCE, version=DEMO_VERSION, filename=DEMO_LIST.name)
    return True
