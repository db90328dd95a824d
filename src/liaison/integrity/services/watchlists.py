"""Importing watchlists: parse the whole file with the engine first, then replace the list in one
transaction that also queues the rescreen of every party (a background job, run after commit).

Files above ``LIAISON_WATCHLIST_SYNC_MAX_BYTES`` are not parsed in the web request (issue 7): the upload is
kept under ``VAR_DIR/watchlists`` (named by user id and SHA-256, never by the uploaded name) and
:func:`watchlist_import_enqueue` queues a job that runs exactly :func:`watchlist_import` as the uploader."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core import audit, uploads
from liaison.core.actors import Actor
from liaison.core.permissions import allow, require
from liaison.engines.screening import Entity, WatchlistError, load_csv, load_ftm_jsonl
from liaison.integrity import permissions
from liaison.integrity.choices import RunTrigger
from liaison.integrity.models import ScreeningRun, Watchlist, WatchlistEntity
from liaison.integrity.services.screening import screening_run_start
from liaison.integrity.watchlist_index import content_hash, entity_data
from liaison.jobs import services as job_services
from liaison.jobs.models import Job

MAX_LINE_BYTES = 1_000_000  # far beyond any real entity; a longer line is a broken or hostile file
IMPORT_JOB = "integrity.watchlist_import"


class WatchlistImportError(ValidationError):
    """A list file that cannot be loaded, naming the line (0 when the problem is the file as a whole)."""

    def __init__(self, line: int, message: str) -> None:
        text = _("Line %(line)d: %(message)s") % {"line": line, "message": message} if line else message
        super().__init__({"file": [text]})
        self.line = line


@dataclass
class ImportResult:
    watchlist: Watchlist
    run: ScreeningRun | None
    created: int = 0
    updated: int = 0
    removed: int = 0


def _read(path_or_bytes: str | Path | bytes) -> tuple[bytes, str]:
    if isinstance(path_or_bytes, bytes):
        return path_or_bytes, ""
    path = Path(path_or_bytes)
    if not path.is_file():
        raise WatchlistImportError(0, _("No such file: %(path)s") % {"path": path})
    return path.read_bytes(), path.name


def _is_ftm(raw: bytes, filename: str) -> bool:
    suffix = Path(filename).suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        return True
    return suffix != ".csv" and raw.lstrip()[:1] == b"{"


def _precheck(raw: bytes) -> None:
    """Refuse what the loaders would choke on without naming a line: oversize files and lines, bad UTF-8."""
    if len(raw) > settings.LIAISON_IMPORT_MAX_BYTES:
        raise WatchlistImportError(0, _("The file is larger than the import limit."))
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WatchlistImportError(raw[: exc.start].count(b"\n") + 1, _("not valid UTF-8")) from None
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if len(line) > MAX_LINE_BYTES:
            raise WatchlistImportError(number, _("line longer than %(n)d bytes") % {"n": MAX_LINE_BYTES})


def _parse(raw: bytes, filename: str, source: str) -> list[Entity]:
    """Parse the whole file with the engine before anything is written; any error names its line."""
    _precheck(raw)
    ftm = _is_ftm(raw, filename)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("list.jsonl" if ftm else "list.csv")
        path.write_bytes(raw)
        try:
            loaded = (load_ftm_jsonl if ftm else load_csv)(path, list_name=source, version="-")
        except WatchlistError as exc:
            raise WatchlistImportError(exc.line, exc.message) from None
    if not loaded.entities:
        raise WatchlistImportError(0, _("The file contains no screenable entities."))
    return list(loaded.entities)


def _clean_source(source: str) -> str:
    source = (source or "").strip()
    if not source or len(source) > 100 or not all(ch.isalnum() or ch in "-_." for ch in source):
        raise ValidationError(
            {"source": [_("Name the list with letters, digits, '-', '_' or '.' (at most 100 characters).")]}
        )
    return source


def _replace_entities(watchlist: Watchlist, entities: list[Entity]) -> tuple[int, int, int]:
    """Upsert by entity id (unchanged rows keep their hits' links), delete what the new version dropped."""
    existing = {e.entity_id: e for e in watchlist.entities.all()}
    incoming = {e.id: e for e in entities}  # a repeated id: the later line wins
    new, changed = [], []
    for entity_id, entity in incoming.items():
        data = entity_data(entity)
        digest = content_hash(entity.schema, data)
        row = existing.get(entity_id)
        if row is None:
            new.append(
                WatchlistEntity(
                    watchlist=watchlist,
                    entity_id=entity_id,
                    schema=entity.schema,
                    caption=entity.names[0],
                    data=data,
                    content_hash=digest,
                )
            )
        elif row.content_hash != digest:
            row.schema, row.caption, row.data, row.content_hash = entity.schema, entity.names[0], data, digest
            changed.append(row)
    WatchlistEntity.objects.bulk_create(new, batch_size=2000)
    WatchlistEntity.objects.bulk_update(changed, ["schema", "caption", "data", "content_hash"], batch_size=2000)
    gone = set(existing) - set(incoming)
    watchlist.entities.filter(entity_id__in=gone).delete()
    return len(new), len(changed), len(gone)


def _locked_watchlist(source: str) -> tuple[Watchlist, bool]:
    """The list's row, locked for the import; created first when the list is new. Locking a row that does not
    exist locks nothing, so two first imports of one list both inserted it and the second failed on the unique
    name (a 500); now the second waits on the unique index for the first, finds its row and replaces it."""
    row, created = Watchlist.objects.get_or_create(
        name=source, defaults={"version": "", "sha256": "", "loaded_at": timezone.now()}
    )
    return Watchlist.objects.select_for_update().get(pk=row.pk), created


def watchlist_import(
    *,
    actor: Actor,
    path_or_bytes: str | Path | bytes,
    source: str,
    version: str | None = None,
    filename: str = "",
    rescreen: bool = True,
) -> ImportResult:
    """Load or replace the list ``source``. All or nothing: the whole file is parsed before the database is
    touched, so a broken line leaves the loaded version in force. The rescreen of every party is queued as a
    job in the same transaction (``result.run.job``); the caller returns at once."""
    require(permissions.can_import_watchlist(actor.user) if actor.user else allow())
    source = _clean_source(source)
    raw, name = _read(path_or_bytes)
    entities = _parse(raw, filename or name, source)
    sha = hashlib.sha256(raw).hexdigest()
    version = (version or "").strip()[:100] or f"{timezone.localdate().isoformat()}-{sha[:8]}"
    with transaction.atomic():
        watchlist, is_new = _locked_watchlist(source)
        before = None if is_new else audit.snapshot(watchlist, ("version", "sha256", "entity_count"))
        watchlist.version, watchlist.sha256, watchlist.loaded_at = version, sha, timezone.now()
        watchlist.entity_count = len({e.id for e in entities})
        watchlist.save()
        created, updated, removed = _replace_entities(watchlist, entities)
        audit.record_change(
            actor=actor,
            action="watchlist.imported",
            instance=watchlist,
            before=before,
            after={
                "version": version,
                "sha256": sha,
                "entity_count": watchlist.entity_count,
                "created": created,
                "updated": updated,
                "removed": removed,
            },
        )
        run = screening_run_start(actor=actor, trigger=RunTrigger.IMPORT) if rescreen else None
    return ImportResult(watchlist, run, created, updated, removed)


def watchlist_import_is_large(size: int) -> bool:
    """Whether an upload of ``size`` bytes is imported by a background job instead of inside the request."""
    return size > settings.LIAISON_WATCHLIST_SYNC_MAX_BYTES


def stash_path(user_id: int | None, sha256: str) -> Path:
    """Where an uploaded list waits for its job (core.uploads names it)."""
    return uploads.stash_path("watchlists", user_id, sha256)


def stash_read(user_id: int | None, sha256: str) -> bytes | None:
    """The stashed bytes if they are still there and unchanged."""
    return uploads.stash_read("watchlists", user_id, sha256)


def _stash_write(user_id: int, raw: bytes) -> str:
    sha = hashlib.sha256(raw).hexdigest()
    path = stash_path(user_id, sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
    partial.write_bytes(raw)
    partial.replace(path)  # atomic: the job never reads half a file
    return sha


def watchlist_import_enqueue(
    *, actor: Actor, raw: bytes, source: str, version: str | None = None, filename: str = ""
) -> Job:
    """Keep a large list file for the worker and queue its import; nothing is parsed here. The job runs
    :func:`watchlist_import` as ``actor`` (which then queues the rescreen); a bad line fails the job with
    the line's message."""
    require(permissions.can_import_watchlist(actor.user) if actor.user else allow())
    if actor.user is None:
        raise ValueError("a background import needs the user who started it")
    source = _clean_source(source)
    if len(raw) > settings.LIAISON_IMPORT_MAX_BYTES:
        raise WatchlistImportError(0, _("The file is larger than the import limit."))
    sha = _stash_write(actor.user.pk, raw)
    params = {"source": source, "version": (version or "").strip()[:100], "filename": filename[:200], "sha256": sha}
    return job_services.job_enqueue(actor=actor, kind=IMPORT_JOB, params=params, message=f"{source}: {filename}"[:200])
