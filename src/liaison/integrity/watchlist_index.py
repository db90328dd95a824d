"""The engine's screening index, built from the watchlists in the database and cached in-process.

Why a cache keyed by list versions: screening one party must take milliseconds (every registry save screens),
but building the index reads every listed entity. The key changes whenever any list is imported, so a process
that missed an import (another web worker, the CLI) rebuilds on its next screening instead of using stale data.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from typing import Any

from liaison.engines.screening import Entity, Index
from liaison.integrity.models import Watchlist, WatchlistEntity

NO_LISTS = ""


def entity_data(entity: Entity) -> dict[str, Any]:
    """What is stored per listed entity: enough to rebuild the engine's Entity exactly."""
    return {
        "names": list(entity.names),
        "birth_dates": list(entity.birth_dates),
        "countries": list(entity.countries),
        "registration_numbers": list(entity.registration_numbers),
    }


def content_hash(schema: str, data: dict[str, Any]) -> str:
    payload = json.dumps({"schema": schema, **data}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def lists_key() -> str:
    """One value for the current state of every list (empty when no list is loaded)."""
    rows = list(Watchlist.objects.order_by("pk").values_list("pk", "name", "version", "sha256", "entity_count"))
    if not rows:
        return NO_LISTS
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def index_id(watchlist_id: int, entity_id: str) -> str:
    # Entity ids are unique per list only; the list's key keeps two lists' "Q123" apart in one index.
    return f"{watchlist_id}:{entity_id}"


@dataclass(frozen=True)
class IndexState:
    key: str
    index: Index | None


_lock = threading.Lock()
_cached: IndexState | None = None


def _build() -> Index | None:
    entities = []
    lists = dict(Watchlist.objects.values_list("pk", "name"))
    versions = dict(Watchlist.objects.values_list("pk", "version"))
    rows = WatchlistEntity.objects.values_list("watchlist_id", "entity_id", "schema", "data")
    for watchlist_id, entity_id, schema, data in rows.iterator(chunk_size=5000):
        entities.append(
            Entity(
                index_id(watchlist_id, entity_id),
                schema,
                tuple(data.get("names", ())),
                tuple(data.get("birth_dates", ())),
                tuple(data.get("countries", ())),
                tuple(data.get("registration_numbers", ())),
                lists[watchlist_id],
                versions[watchlist_id],
            )
        )
    return Index.build(entities) if entities else None


def current_index() -> IndexState:
    """The index for the lists as they are now, rebuilt only when a list changed."""
    global _cached
    key = lists_key()
    with _lock:
        if _cached is None or _cached.key != key:
            _cached = IndexState(key, _build() if key != NO_LISTS else None)
        return _cached


def resolve(index_entity_id: str) -> WatchlistEntity | None:
    watchlist_id, _, entity_id = index_entity_id.partition(":")
    return (
        WatchlistEntity.objects.select_related("watchlist")
        .filter(watchlist_id=int(watchlist_id), entity_id=entity_id)
        .first()
    )
