"""Reading import files (CSV, XLSX, JSON) into rows, under hard limits, before anything touches the database.

The caller passes the allowed columns (:class:`Schema`) and the :class:`Limits`; this module reads no settings,
no models and no database, so the service, the background job, the CLI and the benchmarks share it. Django is
used only for ``gettext`` and for ``ValidationError``, the exception forms and views already know how to show.
CSV and JSON are read here; XLSX, the one format that inflates and parses XML, in :mod:`.import_xlsx`.

A file that cannot be read safely is refused as a whole (``ValidationError({"file": [...]})``): too big, not
UTF-8, malformed, a zip bomb, an XML token longer than any cell can be, formulas, nesting too deep, unknown
columns, more rows than allowed, or reading it took longer than its time budget. Problems confined to one value
(NaN, an infinite number, an unpaired surrogate, a NUL character, an over-long cell, a value of the wrong type)
become that row's errors, named by row and field, so the dry run lists them all.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from liaison.core.exports import _FORMULA_START

_LIST_SPLIT = re.compile(r"[;|]")
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class Limits:
    """Hard limits on one file. Every figure bounds memory or CPU; together they bound the work per file."""

    max_bytes: int = 20 * 1024 * 1024
    max_rows: int = 100_000
    max_columns: int = 200
    # Excel itself stores at most 32,767 characters in a cell; a longer value is not a spreadsheet value.
    max_cell_chars: int = 32_767
    max_json_depth: int = 20
    max_xlsx_unpacked: int = 200 * 1024 * 1024
    max_xlsx_ratio: int = 200  # real workbooks compress 5–30×; a zip bomb compresses 1000× and more
    max_xlsx_members: int = 1000
    # Expat (before 2.6) re-parses a token that spans its 16 KiB input buffers from its start each time more
    # input arrives: a token of n bytes costs O(n²). A cell of 32,767 characters needs at most ~200 KB of
    # escaped UTF-8, so nothing real comes near this bound, while it caps the re-parsing at a few passes.
    max_xml_token: int = 256 * 1024
    seconds: float | None = None  # time budget for reading one file; None: unlimited (tests, benchmarks)


@dataclass(frozen=True)
class Schema:
    """The columns a file may have, and which of them hold lists (codes separated by ';' or '|')."""

    columns: tuple[str, ...]
    list_columns: frozenset[str] = frozenset()


@dataclass
class SourceRow:
    """One record of the file: its number as the user sees it (``label``), its values and any cell errors."""

    number: int
    label: str
    values: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)


class CellError(ValueError):
    """A value that cannot be imported; becomes an error of its row and field."""


class Budget:
    """The time budget of one file, checked between rows and chunks (each step is itself bounded)."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.deadline = None if seconds is None else time.monotonic() + seconds

    def check(self) -> None:
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise refuse(
                _("Reading the file took longer than %(seconds)s seconds and was stopped; split it into smaller files.")
                % {"seconds": self.seconds}
            )


def refuse(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def shown(text: str) -> str:
    """``text`` safe to print and store: unpaired surrogates and NULs become visible escapes."""
    return _UNSTORABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def parse_file(name: str, data: bytes, *, schema: Schema, limits: Limits) -> list[SourceRow]:
    """The records of an uploaded file, or a ``ValidationError`` that says why the file cannot be read."""
    if len(data) > limits.max_bytes:
        raise refuse(_("The file is larger than %(limit)s bytes.") % {"limit": limits.max_bytes})
    if not data.strip():
        raise refuse(_("The file is empty."))
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    parsers: dict[str, Callable[[bytes, Reader], list[SourceRow]]] = {
        "csv": _parse_csv,
        "xlsx": _parse_xlsx,  # below: openpyxl is imported only for workbooks
        "json": _parse_json,
    }
    if suffix not in parsers:
        raise refuse(_("Unsupported file type; use a .csv, .xlsx or .json file."))
    rows = parsers[suffix](data, Reader(schema, limits, Budget(limits.seconds)))
    if not rows:
        raise refuse(_("The file contains no records."))
    return rows


def _parse_xlsx(data: bytes, reader: Reader) -> list[SourceRow]:
    from liaison.registry.import_xlsx import parse_xlsx

    return parse_xlsx(data, reader)


def bytes_to_parse(name: str, data: bytes) -> int:
    """How much a parser would read: an XLSX file's declared unpacked size (up to 200× its own), else its size."""
    if name.lower().endswith(".xlsx"):
        try:
            return sum(m.file_size for m in zipfile.ZipFile(io.BytesIO(data)).infolist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return len(data)
    return len(data)


@dataclass
class Reader:
    """What every parser needs: the schema, the limits, the clock, and the translated row labels."""

    schema: Schema
    limits: Limits
    budget: Budget

    def __post_init__(self) -> None:
        # Translated once: gettext per row costs more than the parsing.
        self.row_label = _("row %(n)s")
        self.item_label = _("item %(n)s")

    def too_many_rows(self) -> ValidationError:
        return refuse(_("The file has more than %(max)s rows.") % {"max": self.limits.max_rows})

    def text(self, raw: str) -> str:
        """A cell's text after the checks every format shares."""
        found = _UNSTORABLE.search(raw)
        if found is not None:
            if found.group() == "\x00":
                raise CellError(_("The value contains a NUL character, which cannot be stored."))
            raise CellError(
                _("The value contains an unpaired surrogate (%(code)s), which is not valid text.")
                % {"code": f"U+{ord(found.group()):04X}"}
            )
        if len(raw) > self.limits.max_cell_chars:
            raise CellError(_("The value is longer than %(max)s characters.") % {"max": self.limits.max_cell_chars})
        return raw

    def value(self, name: str, text: str) -> Any:
        if name in self.schema.list_columns:
            return [_unquote(v.strip()) for v in _LIST_SPLIT.split(text) if v.strip()]
        return _unquote(text)


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise refuse(
            _("The file is not UTF-8 text (byte %(pos)s); save it as “CSV UTF-8”.") % {"pos": exc.start}
        ) from exc
    if "\x00" in text:
        raise refuse(_("The file contains binary data, not text."))
    return text


def check_header(header: Sequence[Any], schema: Schema) -> list[str]:
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise refuse(_("The first row must name the columns."))
    if "" in names:
        raise refuse(_("Column %(n)s has no name in the header row.") % {"n": names.index("") + 1})
    unknown = [shown(n) for n in names if n not in schema.columns]
    if unknown:
        raise refuse(
            _("Unknown column(s): %(unknown)s. Allowed columns: %(allowed)s.")
            % {"unknown": ", ".join(unknown), "allowed": ", ".join(schema.columns)}
        )
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise refuse(_("Column(s) named twice: %(names)s.") % {"names": ", ".join(duplicates)})
    return names


# ---------------------------------------------------------------- CSV


def _parse_csv(data: bytes, reader: Reader) -> list[SourceRow]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[SourceRow] = []
    try:
        header = check_header(next(records), reader.schema)
        line = records.line_num + 1
        for cells in records:
            reader.budget.check()
            if any(c.strip() for c in cells):
                if len(rows) >= reader.limits.max_rows:
                    raise reader.too_many_rows()
                rows.append(tabular_row(reader, header, cells, line))
            line = records.line_num + 1
    except csv.Error as exc:
        raise refuse(_("Malformed CSV at line %(line)s: %(error)s") % {"line": records.line_num, "error": exc}) from exc
    return rows


def tabular_row(reader: Reader, header: list[str], cells: Sequence[Any], number: int) -> SourceRow:
    """A CSV or XLSX row: cells beyond the header must be empty; list columns split on ';' or '|'."""
    label = reader.row_label % {"n": number}
    extra = [c for c in cells[len(header) :] if c not in (None, "")]
    if extra:
        raise refuse(_("%(row)s has more cells than the header.") % {"row": label})
    if len(cells) < len(header):
        raise refuse(
            _("%(row)s has %(n)s cells, the header has %(m)s.") % {"row": label, "n": len(cells), "m": len(header)}
        )
    row = SourceRow(number, label, {})
    for name, raw in zip(header, cells, strict=False):
        try:
            row.values[name] = reader.value(name, reader.text(cell_text(raw)))
        except CellError as exc:
            row.errors[name] = [str(exc)]
    return row


def cell_text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float):
        if math.isnan(raw):
            raise CellError(_("NaN (“not a number”) cannot be imported; leave the value empty or write it as text."))
        if math.isinf(raw):
            raise CellError(_("The number is too large to store (infinite); write it as text."))
        if raw.is_integer():
            return str(int(raw))
    if hasattr(raw, "isoformat"):
        return str(raw.isoformat())
    return str(raw).strip()


def _unquote(text: str) -> str:
    """Undo the export's formula neutralisation ('=… → =…) so an exported file re-imports unchanged."""
    if text.startswith("'") and text[1:].startswith(_FORMULA_START):
        return text[1:]
    return text


# ---------------------------------------------------------------- JSON


@dataclass(frozen=True)
class _NonFinite:
    """NaN, Infinity or a number too large for a float, as written in the file: an error of its row and field."""

    text: str


def _finite_float(text: str) -> float | _NonFinite:
    value = float(text)
    return value if math.isfinite(value) else _NonFinite(text)


def _check_depth(data: bytes, limits: Limits) -> None:
    """Refuse deep nesting before json.loads recurses into it (10,000 brackets would exhaust the stack)."""
    depth = 0
    for match in _JSON_TOKEN.finditer(data):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limits.max_json_depth:
                line = data.count(b"\n", 0, match.start()) + 1
                raise refuse(
                    _("The JSON is nested more than %(max)s levels deep (line %(line)s).")
                    % {"max": limits.max_json_depth, "line": line}
                )
        elif token in (b"]", b"}"):
            depth -= 1


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(_("the key “%(key)s” appears twice in one object") % {"key": shown(key)})
        result[key] = value
    return result


def _parse_json(data: bytes, reader: Reader) -> list[SourceRow]:
    text = _decode(data)
    _check_depth(data, reader.limits)
    try:
        document = json.loads(
            text, object_pairs_hook=_no_duplicate_keys, parse_constant=_NonFinite, parse_float=_finite_float
        )
    except json.JSONDecodeError as exc:
        raise refuse(
            _("JSON syntax error at line %(line)s, column %(col)s: %(error)s")
            % {"line": exc.lineno, "col": exc.colno, "error": exc.msg}
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise refuse(_("The JSON cannot be read: %(error)s") % {"error": exc}) from exc
    if isinstance(document, dict) and set(document) == {"organisations"}:
        document = document["organisations"]
    if not isinstance(document, list):
        raise refuse(_('The JSON must be a list of objects or {"organisations": [...]}.'))
    if len(document) > reader.limits.max_rows:
        raise reader.too_many_rows()
    return list(_json_rows(document, reader))


def _json_rows(document: list[Any], reader: Reader) -> Iterable[SourceRow]:
    for index, item in enumerate(document):
        reader.budget.check()
        yield _json_row(reader, index, item)


def _json_row(reader: Reader, index: int, item: Any) -> SourceRow:
    label = reader.item_label % {"n": index}
    if not isinstance(item, dict):
        raise refuse(_("%(row)s is not an object.") % {"row": label})
    unknown = [shown(k) for k in item if k not in reader.schema.columns]
    if unknown:
        raise refuse(
            _("Unknown field(s) in %(row)s: %(unknown)s. Allowed fields: %(allowed)s.")
            % {"row": label, "unknown": ", ".join(unknown), "allowed": ", ".join(reader.schema.columns)}
        )
    row = SourceRow(index, label, {})
    for name, raw in item.items():
        try:
            row.values[name] = _json_value(reader, name, raw)
        except CellError as exc:
            row.errors[name] = [str(exc)]
    return row


def _json_value(reader: Reader, name: str, raw: Any) -> Any:
    if isinstance(raw, _NonFinite):
        if raw.text == "NaN":
            raise CellError(_("NaN (“not a number”) cannot be imported; leave the value empty or write it as text."))
        raise CellError(_("The number is too large to store (infinite); write it as text."))
    if name in reader.schema.list_columns and isinstance(raw, list):
        if all(isinstance(v, str) for v in raw):
            return [_unquote(reader.text(v).strip()) for v in raw if v.strip()]
    elif raw is None or isinstance(raw, str | int | float) and not isinstance(raw, bool):
        return reader.value(name, reader.text(cell_text(raw)))
    raise CellError(_("Expected text, a number or a list of texts."))
