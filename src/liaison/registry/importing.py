"""Importing organisations from CSV, XLSX or JSON: hostile-input-safe parsing, an atomic idempotent service.

Parsing refuses a whole file (``ValidationError({"file": [...]})``) when it cannot be read safely: too big,
not UTF-8, malformed, a zip bomb, formulas, nesting too deep, unknown columns. Row-level problems (a bad check
digit, an unknown technology field) do not stop parsing; :func:`organisation_import` lists every rejected row
with its reason and, if any row is rejected, writes nothing at all.

The import runs every row through the ordinary services inside one transaction (each row in its own
savepoint), so a dry run and a real run take exactly the same path and cannot disagree; a dry run, or a run
with any rejected row, rolls the whole transaction back.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from liaison.core import audit
from liaison.core.actors import Actor
from liaison.core.context import correlation_scope, current_correlation_id
from liaison.core.exports import _FORMULA_START
from liaison.core.permissions import allow, require
from liaison.engines.identifiers import (
    IdentifierError,
    validate_edrpou,
    validate_handelsregister,
    validate_lei,
    validate_vat,
)
from liaison.registry import permissions, services
from liaison.registry.models import Organisation

COLUMNS = (*services.ORGANISATION_FIELDS, "technology_fields")
LIST_COLUMNS = frozenset({"technology_fields", "roles", "shared_groups"})
MAX_ROWS = 100_000
MAX_JSON_DEPTH = 20
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_XLSX_RATIO = 200  # real workbooks compress 5–30×; a zip bomb compresses 1000× and more
MAX_XLSX_MEMBERS = 1000
_LIST_SPLIT = re.compile(r"[;|]")
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


@dataclass
class SourceRow:
    """One record of the file: its number as the user sees it (``label``), its values and any cell errors."""

    number: int
    label: str
    values: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)


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


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


# ---------------------------------------------------------------- parsing


def parse_file(name: str, data: bytes) -> list[SourceRow]:
    """The records of an uploaded file, or a ``ValidationError`` that says why the file cannot be read."""
    limit = settings.LIAISON_IMPORT_MAX_BYTES
    if len(data) > limit:
        raise _refuse(_("The file is larger than %(limit)s bytes.") % {"limit": limit})
    if not data.strip():
        raise _refuse(_("The file is empty."))
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    parsers: dict[str, Callable[[bytes], list[SourceRow]]] = {
        "csv": _parse_csv,
        "xlsx": _parse_xlsx,
        "json": _parse_json,
    }
    if suffix not in parsers:
        raise _refuse(_("Unsupported file type; use a .csv, .xlsx or .json file."))
    rows = parsers[suffix](data)
    if not rows:
        raise _refuse(_("The file contains no records."))
    return rows


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refuse(
            _("The file is not UTF-8 text (byte %(pos)s); save it as “CSV UTF-8”.") % {"pos": exc.start}
        ) from exc
    if "\x00" in text:
        raise _refuse(_("The file contains binary data, not text."))
    return text


def _check_header(header: Sequence[Any]) -> list[str]:
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise _refuse(_("The first row must name the columns."))
    if "" in names:
        raise _refuse(_("Column %(n)s has no name in the header row.") % {"n": names.index("") + 1})
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        raise _refuse(
            _("Unknown column(s): %(unknown)s. Allowed columns: %(allowed)s.")
            % {"unknown": ", ".join(unknown), "allowed": ", ".join(COLUMNS)}
        )
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise _refuse(_("Column(s) named twice: %(names)s.") % {"names": ", ".join(duplicates)})
    return names


def _parse_csv(data: bytes) -> list[SourceRow]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[SourceRow] = []
    row_label = _("row %(n)s")  # translated once: gettext per row costs more than the parsing
    try:
        header = _check_header(next(reader))
        line = reader.line_num + 1
        for cells in reader:
            if any(c.strip() for c in cells):
                if len(rows) >= MAX_ROWS:
                    raise _refuse(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
                rows.append(_tabular_row(header, cells, line, row_label % {"n": line}))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise _refuse(_("Malformed CSV at line %(line)s: %(error)s") % {"line": reader.line_num, "error": exc}) from exc
    return rows


def _tabular_row(header: list[str], cells: Sequence[Any], number: int, label: str) -> SourceRow:
    """A CSV or XLSX row: cells beyond the header must be empty; list columns split on ';' or '|'."""
    extra = [c for c in cells[len(header) :] if c not in (None, "")]
    if extra:
        raise _refuse(_("%(row)s has more cells than the header.") % {"row": label})
    if len(cells) < len(header):
        raise _refuse(
            _("%(row)s has %(n)s cells, the header has %(m)s.") % {"row": label, "n": len(cells), "m": len(header)}
        )
    values: dict[str, Any] = {}
    for name, raw in zip(header, cells, strict=False):
        text = _cell_text(raw)
        values[name] = (
            [_unquote(v.strip()) for v in _LIST_SPLIT.split(text) if v.strip()]
            if name in LIST_COLUMNS
            else _unquote(text)
        )
    return SourceRow(number, label, values)


def _cell_text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if hasattr(raw, "isoformat"):
        return str(raw.isoformat())
    return str(raw).strip()


def _unquote(text: str) -> str:
    """Undo the export's formula neutralisation ('=… → =…) so an exported file re-imports unchanged."""
    if text.startswith("'") and text[1:].startswith(_FORMULA_START):
        return text[1:]
    return text


def _check_zip(data: bytes) -> None:
    """Refuse a zip bomb before openpyxl opens it. Python's zipfile never inflates a member beyond its
    declared size (a lie fails the CRC check), so the declared sizes are a safe upper bound."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _refuse(_("This is not a valid XLSX file (not a zip archive).")) from exc
    if len(members) > MAX_XLSX_MEMBERS:
        raise _refuse(_("The XLSX file has too many parts."))
    total = sum(m.file_size for m in members)
    worst = max((m.file_size / max(m.compress_size, 1) for m in members), default=0)
    if total > MAX_XLSX_UNCOMPRESSED or worst > MAX_XLSX_RATIO:
        raise _refuse(_("The XLSX file unpacks to far more data than it holds (a “zip bomb”); refused."))


def _parse_xlsx(data: bytes) -> list[SourceRow]:
    from openpyxl import load_workbook

    _check_zip(data)
    try:
        # data_only=False on purpose: with data_only=True openpyxl hands back a formula's cached result and a
        # formula could not be told from a typed value.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            sheet = workbook.worksheets[0]
            # Ignore the declared dimensions: a hostile "A1:XFD1048576" would pad every row to 16,384 cells.
            sheet.reset_dimensions()
            return _xlsx_rows(sheet)
        finally:
            workbook.close()
    except ValidationError:
        raise
    except Exception as exc:  # hostile workbooks raise anything from KeyError to XML errors
        raise _refuse(_("This is not a readable XLSX workbook (%(error)s).") % {"error": type(exc).__name__}) from exc


def _xlsx_rows(sheet: Any) -> list[SourceRow]:
    rows: list[SourceRow] = []
    row_label = _("row %(n)s")
    header: list[str] | None = None
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        if number > MAX_ROWS + 1:  # counts blank rows too: a lone cell in row 1,048,576 is no excuse to loop
            raise _refuse(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
        for cell in cells:
            if getattr(cell, "data_type", None) == "f":
                message = _("Cell %(cell)s contains a formula; formulas are not imported. Paste the values.")
                raise _refuse(message % {"cell": cell.coordinate})
        values = tuple(cell.value for cell in cells)
        if header is None:
            header = _check_header(values)
            continue
        if any(_cell_text(v) for v in values):
            padded = values + (None,) * (len(header) - len(values))  # read-only sheets drop trailing blanks
            rows.append(_tabular_row(header, padded, number, row_label % {"n": number}))
    if header is None:
        raise _refuse(_("The workbook's first sheet is empty."))
    return rows


def _check_depth(data: bytes) -> None:
    """Refuse deep nesting before json.loads recurses into it (10,000 brackets would exhaust the stack)."""
    depth = 0
    for match in _JSON_TOKEN.finditer(data):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                line = data.count(b"\n", 0, match.start()) + 1
                raise _refuse(
                    _("The JSON is nested more than %(max)s levels deep (line %(line)s).")
                    % {"max": MAX_JSON_DEPTH, "line": line}
                )
        elif token in (b"]", b"}"):
            depth -= 1


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(_("the key “%(key)s” appears twice in one object") % {"key": key})
        result[key] = value
    return result


def _parse_json(data: bytes) -> list[SourceRow]:
    text = _decode(data)
    _check_depth(data)
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as exc:
        raise _refuse(
            _("JSON syntax error at line %(line)s, column %(col)s: %(error)s")
            % {"line": exc.lineno, "col": exc.colno, "error": exc.msg}
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise _refuse(_("The JSON cannot be read: %(error)s") % {"error": exc}) from exc
    if isinstance(document, dict) and set(document) == {"organisations"}:
        document = document["organisations"]
    if not isinstance(document, list):
        raise _refuse(_('The JSON must be a list of objects or {"organisations": [...]}.'))
    if len(document) > MAX_ROWS:
        raise _refuse(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
    item_label = _("item %(n)s")  # translated once: gettext per row costs more than the parsing
    return [_json_row(index, item, item_label % {"n": index}) for index, item in enumerate(document)]


def _json_row(index: int, item: Any, label: str) -> SourceRow:
    if not isinstance(item, dict):
        raise _refuse(_("%(row)s is not an object.") % {"row": label})
    unknown = [k for k in item if k not in COLUMNS]
    if unknown:
        raise _refuse(
            _("Unknown field(s) in %(row)s: %(unknown)s. Allowed fields: %(allowed)s.")
            % {"row": label, "unknown": ", ".join(unknown), "allowed": ", ".join(COLUMNS)}
        )
    row = SourceRow(index, label, {})
    for name, raw in item.items():
        if name in LIST_COLUMNS and isinstance(raw, list):
            if all(isinstance(v, str) for v in raw):
                row.values[name] = [_unquote(v.strip()) for v in raw if v.strip()]
                continue
        elif raw is None or isinstance(raw, str | int | float) and not isinstance(raw, bool):
            text = _cell_text(raw)
            row.values[name] = (
                [_unquote(v.strip()) for v in _LIST_SPLIT.split(text) if v.strip()]
                if name in LIST_COLUMNS
                else _unquote(text)
            )
            continue
        row.errors[name] = [_("Expected text, a number or a list of texts.")]
    return row


# ---------------------------------------------------------------- the import service

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
    except DatabaseError:
        message = _("The database refused this row (a value is too long or not unique).")
        return RowOutcome(row.label, name, "rejected", {"legal_name": [message]})


def _numbered(rows: Iterable[SourceRow | Mapping[str, Any]]) -> Iterable[SourceRow]:
    for index, row in enumerate(rows, start=1):
        if isinstance(row, SourceRow):
            yield row
        else:
            yield SourceRow(index, _("row %(n)s") % {"n": index}, dict(row))


def organisation_import(
    *,
    actor: Actor,
    rows: Iterable[SourceRow | Mapping[str, Any]],
    dry_run: bool,
    source_name: str = "",
    sha256: str = "",
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Create or update organisations from parsed rows, all or nothing.

    Every row goes through ``organisation_create``/``organisation_update`` (so the same validation, audit and
    duplicate flagging apply as in the UI) inside one transaction. A dry run or any rejected row rolls it all
    back. A committed import that changed something adds one ``organisation.import`` summary entry; an import
    that changed nothing writes nothing at all, not even the summary, so re-importing a file is a true no-op.
    """
    require(permissions.can_import(actor.user) if actor.user else allow())
    report = ImportReport(source_name=source_name, sha256=sha256, dry_run=dry_run)
    scope = Organisation.objects.visible_to(actor.user) if actor.user else Organisation.objects.all()
    seen: dict[tuple[str, str], str] = {}
    with correlation_scope(current_correlation_id()), transaction.atomic():
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
    """Parse and import one uploaded file (the CLI and the wizard both come through here)."""
    rows = parse_file(name, data)
    return organisation_import(
        actor=actor,
        rows=rows,
        dry_run=dry_run,
        source_name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        progress=progress,
    )
