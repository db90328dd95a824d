"""The engine's screening index: built once per list version by a worker, persisted, loaded by every process.

Why persisted: screening one party must take milliseconds (every registry save screens), but building the
index reads every listed entity — minutes for a million. A job builds it once for each state of the lists
(``lists_key()``: changes with any import) and writes it under ``LIAISON_INDEX_DIR``; web processes load that
file and never build (``current_index(build=False)``). A web process that finds no file for the current key
does not screen in the request: :func:`liaison.integrity.services.party_screen` queues the party for a job, and
clearance meanwhile says "not screened against the current lists" (fail closed).

The file is pickled numpy arrays and tables, signed with HMAC-SHA256 over SECRET_KEY: a file that does not
carry our signature (tampered, or written by another installation) is never unpickled.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import pickle
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from liaison.core.locks import cache_lock
from liaison.engines.screening import Entity, Index
from liaison.integrity.models import Watchlist, WatchlistEntity

logger = logging.getLogger(__name__)
NO_LISTS = ""
MAGIC = b"LIAISON-INDEX-1\n"


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

    @property
    def ready(self) -> bool:
        """True when parties can be screened against the current lists (trivially so when none is loaded)."""
        return self.key == NO_LISTS or self.index is not None


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


def index_dir() -> Path:
    return Path(settings.LIAISON_INDEX_DIR)


def index_path(key: str) -> Path:
    return index_dir() / f"{key}.idx"


def _signature(payload: bytes) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), payload, hashlib.sha256).digest()


def _save(key: str, index: Index) -> None:
    """Write atomically (temporary file, then rename) and drop the files of older list states."""
    payload = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
    folder = index_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as tmp:
        tmp.write(MAGIC + _signature(payload) + payload)
    os.replace(tmp.name, index_path(key))
    for old in folder.glob("*.idx"):
        if old.name != index_path(key).name:
            old.unlink(missing_ok=True)


def _load(key: str) -> Index | None:
    try:
        raw = index_path(key).read_bytes()
    except FileNotFoundError:
        return None
    head, signature, payload = raw[: len(MAGIC)], raw[len(MAGIC) : len(MAGIC) + 32], raw[len(MAGIC) + 32 :]
    if head != MAGIC or not hmac.compare_digest(signature, _signature(payload)):
        logger.error("screening index %s is not signed by this installation; ignored", index_path(key))
        return None
    return pickle.loads(payload)  # noqa: S301 - our own file, its HMAC checked above


def index_build(key: str | None = None) -> IndexState:
    """Build and persist the index for the lists as they are (a job's work). One builder at a time across
    processes sharing the cache; a second one waits for the first's file instead of building again."""
    key = lists_key() if key is None else key
    if key == NO_LISTS:
        return IndexState(key, None)
    with cache_lock(f"screening-index:{key}", timeout=3600, wait=1800):
        index = _load(key)  # another builder may have finished while we waited
        if index is None:
            index = _build()
            if index is not None:
                _save(key, index)
    return IndexState(key, index)


def current_index(*, build: bool = False) -> IndexState:
    """The index for the lists as they are now: from this process's memory, else from its file. Only jobs pass
    ``build=True``; a web process gets a state that is not ``ready`` until a job has written the file."""
    global _cached
    key = lists_key()
    with _lock:
        if _cached is not None and _cached.key == key:
            return _cached
        if key == NO_LISTS:
            _cached = IndexState(key, None)
            return _cached
        index = _load(key)
        if index is None and build:
            return _remember(index_build(key))
        state = IndexState(key, index)
        if index is not None:
            _cached = state
        return state


def _remember(state: IndexState) -> IndexState:
    global _cached
    if state.index is not None:
        _cached = state
    return state


def resolve(index_entity_id: str) -> WatchlistEntity | None:
    watchlist_id, _, entity_id = index_entity_id.partition(":")
    return (
        WatchlistEntity.objects.select_related("watchlist")
        .filter(watchlist_id=int(watchlist_id), entity_id=entity_id)
        .first()
    )
