"""The organisation import service: atomic, idempotent, audited, and safe when several imports run at once.

Files are read by :mod:`liaison.registry.import_parsers` (pure, under hard limits). Row-level problems (a bad
check digit, an unknown technology field, NaN) do not stop the import: :func:`organisation_import` lists every
rejected row with its reason and, if any row is rejected, writes nothing at all.

Every row runs through the ordinary services inside one transaction (each row in its own savepoint), so a dry
run and a real run take exactly the same path and cannot disagree; a dry run, or a run with any rejected row,
rolls the whole transaction back.

Parallel imports. Rows are matched to existing organisations by identifier, else by legal name and country,
and created when nothing matches — a "create if absent". Identifiers carry unique constraints, but legal name
and country cannot (two real companies may share a name; the services flag them as possible duplicates), so
constraint-and-retry cannot make the name match safe. Imports therefore take one lock for their whole
transaction before reading anything: ``pg_try_advisory_xact_lock`` on PostgreSQL; on SQLite, which allows one
writer anyway, a write as the first statement, which takes the database's write lock at once instead of at
the first insert (where a deferred transaction would meet a newer snapshot and fail). Whoever waits then sees
the previous import's committed rows and matches them. Waiting is bounded (``LIAISON_IMPORT_LOCK_SECONDS``);
past it the import fails with :class:`ImportBusyError`, which says so, and stores nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, OperationalError, transaction
from django.utils.translation import gettext as _

from liaison.core import audit
from liaison.core.actors import Actor
from liaison.core.context import correlation_scope, current_correlation_id
from liaison.core.errors import DomainError
from liaison.core.permissions import allow, require
from liaison.engines.identifiers import (
    IdentifierError,
    validate_edrpou,
    validate_handelsregister,
    validate_lei,
    validate_vat,
)
from liaison.registry import permissions, services
from liaison.registry.import_parsers import Limits, Schema, SourceRow, shown
from liaison.registry.import_parsers import parse_file as parse_with
from liaison.registry.models import Organisation

__all__ = [
    "COLUMNS",
    "ImportBusyError",
    "ImportReport",
    "RowOutcome",
    "SourceRow",
    "import_file",
    "organisation_import",
    "parse_file",
]

COLUMNS = (*services.ORGANISATION_FIELDS, "technology_fields")
LIST_COLUMNS = frozenset({"technology_fields", "roles", "shared_groups"})
SCHEMA = Schema(COLUMNS, LIST_COLUMNS)
LIMITS = Limits()  # the fixed limits; the byte limit and the time budget come from settings (see limits())
_LOCK_KEY = 0x6C69_6D70  # "limp": liaison imports; any constant distinct from the audit chain's key


class ImportBusyError(DomainError):
    """Another import (or another long write) held the database past the wait limit; nothing was stored."""

    status = 503  # temporary: the same request succeeds once the other import has finished

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = seconds
        if seconds is None:  # the lock was ours, but the database stayed locked by a write outside imports
            message = _("The database was busy with another write, so nothing was imported. Please try again.")
        else:
            message = _(
                "Another import was still running after %(seconds)s seconds of waiting, so nothing was imported. "
                "Please try again in a moment."
            ) % {"seconds": round(seconds)}
        super().__init__(message)


class _LockBusy(Exception):
    """The import lock is held by someone else right now."""


@dataclass
class RowOutcome:
    label: str
    organisation: str
    action: str  # created | updated | unchanged | rejected
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def reasons(self) -> list[str]:
        return [
            _("%(row)s, field %(field)s: %(message)s") % {"row": self.label, "field": name, "message": text}
            for name, messages in self.errors.items()
            for text in messages
        ]


@dataclass
class ImportReport:
    source_name: str
    sha256: str
    dry_run: bool
    rows: list[RowOutcome] = field(default_factory=list)
    committed: bool = False

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(("created", "updated", "unchanged", "rejected"), 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def ok(self) -> bool:
        return not any(row.action == "rejected" for row in self.rows)

    @property
    def reasons(self) -> list[str]:
        return [reason for row in self.rows for reason in row.reasons]


@dataclass
class ImportSummary:
    """What the wizard shows of a report, in plain JSON for a background job's result: the counts, and the rows
    worth reading — every rejected row if any (up to ``shown``), else all rows (up to ``shown``)."""

    source_name: str
    sha256: str
    dry_run: bool
    committed: bool
    ok: bool
    counts: dict[str, int]
    rows: list[RowOutcome]
    hidden: int  # rows beyond ``shown``

    @classmethod
    def of(cls, report: ImportReport, *, shown: int) -> ImportSummary:
        rows = report.rows if report.ok else [r for r in report.rows if r.action == "rejected"]
        return cls(
            source_name=report.source_name,
            sha256=report.sha256,
            dry_run=report.dry_run,
            committed=report.committed,
            ok=report.ok,
            counts=report.counts,
            rows=rows[:shown],
            hidden=max(len(rows) - shown, 0),
        )

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ImportSummary:
        return cls(**{**data, "rows": [RowOutcome(**row) for row in data["rows"]]})


def limits() -> Limits:
    """The limits for one file: the fixed ones, the configured size limit and the time budget for reading."""
    return dataclasses.replace(
        LIMITS, max_bytes=settings.LIAISON_IMPORT_MAX_BYTES, seconds=settings.LIAISON_IMPORT_PARSE_SECONDS
    )


def parse_file(name: str, data: bytes) -> list[SourceRow]:
    """The records of an uploaded file, or a ``ValidationError`` that says why the file cannot be read."""
    return parse_with(name, data, schema=SCHEMA, limits=limits())


# ---------------------------------------------------------------- matching rows to organisations

_IDENTIFIERS = (("edrpou", validate_edrpou), ("lei", validate_lei), ("vat_id", validate_vat))


def _prepare(values: dict[str, Any]) -> None:
    """Spreadsheet conventions to service data: upper-case country, an empty clearance means 'none'."""
    if "country" in values:
        values["country"] = str(values["country"]).upper()
    if values.get("security_clearance") == "":
        values["security_clearance"] = Organisation._meta.get_field("security_clearance").default


def _identifier_keys(values: Mapping[str, Any], errors: dict[str, list[str]]) -> list[tuple[str, Any]]:
    """The row's identifiers in canonical form (as the services store them); bad ones become row errors."""
    keys: list[tuple[str, Any]] = []
    for name, validator in _IDENTIFIERS:
        raw = str(values.get(name) or "").strip()
        if raw:
            try:
                keys.append((name, validator(raw)))
            except IdentifierError as exc:
                errors.setdefault(name, []).append(str(exc))
    number = str(values.get("hr_number") or "").strip()
    if number:
        try:
            keys.append(("hr_number", validate_handelsregister(str(values.get("hr_court") or ""), number)))
        except IdentifierError as exc:
            errors.setdefault("hr_number", []).append(str(exc))
    return keys


def _lookup(name: str, value: Any) -> dict[str, Any]:
    return {"hr_court": value[0], "hr_number": value[1]} if name == "hr_number" else {name: value}


def _contradicts(org: Organisation, keys: list[tuple[str, Any]]) -> bool:
    """True if ``org`` holds a different identifier than the row: same name, but another company."""
    for name, value in keys:
        stored = (org.hr_court, org.hr_number) if name == "hr_number" else getattr(org, name)
        if (stored[1] if name == "hr_number" else stored) and stored != value:
            return True
    return False


def _match(
    scope: Any, keys: list[tuple[str, Any]], values: Mapping[str, Any], errors: dict[str, list[str]]
) -> Organisation | None:
    """The existing organisation this row describes: by identifier, else by legal name and country."""
    found: dict[int, tuple[str, Organisation]] = {}
    for name, value in keys:
        org = scope.filter(**_lookup(name, value)).first()
        if org is not None:
            found.setdefault(org.pk, (name, org))
    if len(found) > 1:
        (_n1, first), (second_field, second) = list(found.values())[:2]
        errors.setdefault(second_field, []).append(
            _("The identifiers belong to two different organisations: “%(a)s” and “%(b)s”.")
            % {"a": first.legal_name, "b": second.legal_name}
        )
        return None
    if found:
        return next(iter(found.values()))[1]
    by_name = [
        o
        for o in scope.filter(legal_name=str(values.get("legal_name") or ""), country=str(values.get("country") or ""))
        if not _contradicts(o, keys)
    ]
    if len(by_name) > 1:
        errors.setdefault("legal_name", []).append(
            _("%(n)s organisations have this name in this country; add an identifier to say which one.")
            % {"n": len(by_name)}
        )
        return None
    return by_name[0] if by_name else None


def _check_seen(
    row: SourceRow,
    keys: list[tuple[str, Any]],
    seen: dict[tuple[str, str], str],
    errors: dict[str, list[str]],
) -> None:
    """Two rows describing the same organisation would silently overwrite each other: refuse the later one."""
    legal_name = str(row.values.get("legal_name") or "").casefold()
    name_key = ("legal_name", f"{legal_name}|{str(row.values.get('country') or '').upper()}")
    all_keys = [(name, str(value)) for name, value in keys] or [name_key]
    for key in all_keys:
        if key in seen:
            errors.setdefault(key[0], []).append(_("The same organisation as %(row)s.") % {"row": seen[key]})
        else:
            seen[key] = row.label


# ---------------------------------------------------------------- writing


def _write(actor: Actor, target: Organisation | None, values: Mapping[str, Any]) -> str:
    if target is None:
        services.organisation_create(actor=actor, data=values)
        return "created"
    before = audit.snapshot(target, services.AUDITED_ORGANISATION_FIELDS)
    services.organisation_update(actor=actor, organisation=target, data=values)
    after = audit.snapshot(Organisation.objects.get(pk=target.pk), services.AUDITED_ORGANISATION_FIELDS)
    return "unchanged" if after == before else "updated"


def _import_row(actor: Actor, scope: Any, row: SourceRow, seen: dict[tuple[str, str], str]) -> RowOutcome:
    values = dict(row.values)
    errors = {name: list(messages) for name, messages in row.errors.items()}
    _prepare(values)
    keys = _identifier_keys(values, errors)
    if not row.errors:  # a value the file could not give (NaN, a surrogate) must not make two rows look alike
        _check_seen(row, keys, seen, errors)
    target = None if errors else _match(scope, keys, values, errors)
    name = target.legal_name if target is not None else str(values.get("legal_name") or "")
    if errors:
        return RowOutcome(row.label, name, "rejected", errors)
    try:
        with transaction.atomic():
            return RowOutcome(row.label, name, _write(actor, target, values))
    except ValidationError as exc:
        found = exc.message_dict if hasattr(exc, "error_dict") else {"legal_name": exc.messages}
        return RowOutcome(row.label, name, "rejected", dict(found))
    except IntegrityError:
        # The services check uniqueness first; this is a race with a write outside imports (the UI, the API).
        message = _(
            "Another organisation with one of this row's identifiers was saved at the same moment; "
            "import the file again to update it."
        )
        return RowOutcome(row.label, name, "rejected", {"legal_name": [message]})
    except DataError:
        message = _("The database refused a value of this row as too long or invalid for its field.")
        return RowOutcome(row.label, name, "rejected", {"legal_name": [message]})


def _numbered(rows: Iterable[SourceRow | Mapping[str, Any]]) -> Iterable[SourceRow]:
    for index, row in enumerate(rows, start=1):
        if isinstance(row, SourceRow):
            yield row
        else:
            yield SourceRow(index, _("row %(n)s") % {"n": index}, dict(row))


def _take_lock() -> None:
    """Take the import lock for the rest of the current transaction, or raise :class:`_LockBusy` at once."""
    connection = transaction.get_connection()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK_KEY])
            if not cursor.fetchone()[0]:
                raise _LockBusy
        elif connection.vendor == "sqlite":
            try:  # changes no row, but takes SQLite's write lock (waiting up to the connection's busy timeout)
                cursor.execute("UPDATE registry_organisation SET id = id WHERE id IS NULL")
            except OperationalError as exc:
                raise _LockBusy from exc


def _is_busy(exc: OperationalError) -> bool:
    return "locked" in str(exc).lower()


def organisation_import(
    *,
    actor: Actor,
    rows: Iterable[SourceRow | Mapping[str, Any]],
    dry_run: bool,
    source_name: str = "",
    sha256: str = "",
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Create or update organisations from parsed rows, all or nothing, one import at a time.

    Every row goes through ``organisation_create``/``organisation_update`` (so the same validation, audit and
    duplicate flagging apply as in the UI) inside one transaction. A dry run or any rejected row rolls it all
    back. A committed import that changed something adds one ``organisation.import`` summary entry; an import
    that changed nothing writes nothing at all, not even the summary, so re-importing a file is a true no-op.
    Raises :class:`ImportBusyError` if the import lock stays taken for ``LIAISON_IMPORT_LOCK_SECONDS``.
    """
    require(permissions.can_import(actor.user) if actor.user else allow())
    rows = list(rows)
    source_name = shown(source_name)  # a file name can carry surrogate escapes (Linux byte names)
    wait = float(settings.LIAISON_IMPORT_LOCK_SECONDS)
    deadline = time.monotonic() + wait
    with correlation_scope(current_correlation_id()):
        while True:
            try:
                return _import_locked(actor, rows, dry_run, source_name, sha256, progress)
            except _LockBusy:
                if time.monotonic() >= deadline:
                    raise ImportBusyError(wait) from None
                time.sleep(0.02 + random.random() * 0.08)  # noqa: S311 - jitter, not cryptography
            except OperationalError as exc:
                if _is_busy(exc):  # the database stayed locked past its busy timeout mid-import
                    raise ImportBusyError() from exc
                raise


def _import_locked(
    actor: Actor,
    rows: list[SourceRow | Mapping[str, Any]],
    dry_run: bool,
    source_name: str,
    sha256: str,
    progress: Callable[[int], None] | None,
) -> ImportReport:
    report = ImportReport(source_name=source_name, sha256=sha256, dry_run=dry_run)
    scope = Organisation.objects.visible_to(actor.user) if actor.user else Organisation.objects.all()
    seen: dict[tuple[str, str], str] = {}
    with transaction.atomic():
        _take_lock()
        for row in _numbered(rows):
            report.rows.append(_import_row(actor, scope, row, seen))
            if progress is not None:
                progress(1)
        report.committed = report.ok and not dry_run
        counts = report.counts
        if report.committed and (counts["created"] or counts["updated"]):
            audit.record(
                actor=actor,
                action="organisation.import",
                object_type="registry.import",
                object_id=sha256,
                object_repr=source_name[:255],
                after={"file": source_name, "sha256": sha256, "counts": counts},
            )
        if not report.committed:
            transaction.set_rollback(True)
    return report


def import_file(
    *, actor: Actor, name: str, data: bytes, dry_run: bool, progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Parse and import one uploaded file (the CLI, the wizard and the background job all come through here)."""
    rows = parse_file(name, data)
    return organisation_import(
        actor=actor,
        rows=rows,
        dry_run=dry_run,
        source_name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        progress=progress,
    )
