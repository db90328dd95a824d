"""Reading XLSX workbooks for imports, with the work bounded before openpyxl (and expat) see a byte of them.

Part of :mod:`liaison.registry.import_parsers` (which dispatches here), kept apart because it is the one reader
that inflates and parses XML: the zip is inspected first (sizes, ratio, and every part scanned for an over-long
token), then rows are read sparsely from openpyxl's sheet parser, under the file's row, column and time limits.
"""

from __future__ import annotations

import io
import zipfile
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from liaison.registry.import_parsers import (
    CellError,
    Reader,
    SourceRow,
    cell_text,
    check_header,
    refuse,
    shown,
    tabular_row,
)

_SCAN_CHUNK = 64 * 1024


def parse_xlsx(data: bytes, reader: Reader) -> list[SourceRow]:
    from openpyxl import load_workbook

    _inspect_zip(data, reader)
    try:
        # data_only=False on purpose: with data_only=True openpyxl hands back a formula's cached result and a
        # formula could not be told from a typed value.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            return _xlsx_rows(workbook, reader)
        finally:
            workbook.close()
    except ValidationError:
        raise
    except Exception as exc:  # hostile workbooks raise anything from KeyError to XML errors
        raise refuse(_("This is not a readable XLSX workbook (%(error)s).") % {"error": type(exc).__name__}) from exc


def _inspect_zip(data: bytes, reader: Reader) -> None:
    """Refuse a zip bomb and any over-long XML token before openpyxl (and expat) see a byte of the workbook.

    Python's zipfile never inflates a member beyond its declared size (a lie fails the size or CRC check), so
    the declared sizes bound the work; every member is then inflated once, in chunks, and scanned for the
    longest run without ``<`` or ``>`` — a tag or a text — which is what expat would have to re-parse.
    """
    limits = reader.limits
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise refuse(_("This is not a valid XLSX file (not a zip archive).")) from exc
    if len(members) > limits.max_xlsx_members:
        raise refuse(_("The XLSX file has too many parts."))
    total = sum(m.file_size for m in members)
    worst = max((m.file_size / max(m.compress_size, 1) for m in members), default=0)
    if total > limits.max_xlsx_unpacked or worst > limits.max_xlsx_ratio:
        raise refuse(_("The XLSX file unpacks to far more data than it holds (a “zip bomb”); refused."))
    for member in members:
        if member.is_dir():
            continue
        try:
            with archive.open(member) as stream:
                _scan_tokens(stream, member.filename, reader)
        except ValidationError:
            raise
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, ValueError, OSError, EOFError) as exc:
            message = _("This is not a readable XLSX workbook (%(error)s).") % {"error": type(exc).__name__}
            raise refuse(message) from exc


def _scan_tokens(stream: IO[bytes], part: str, reader: Reader) -> None:
    """Refuse the part if any run of bytes without ``<`` or ``>`` is longer than the token limit.

    A chunk is never longer than the limit, so a run that long must cross a chunk boundary: following the run
    open at the end of each chunk into the next one finds every such run exactly, with two ``find`` calls per
    chunk (C speed, no per-byte Python).
    """
    limit = reader.limits.max_xml_token
    run = 0
    while chunk := stream.read(min(_SCAN_CHUNK, limit)):
        reader.budget.check()
        first = min((i for i in (chunk.find(b"<"), chunk.find(b">")) if i >= 0), default=-1)
        if first < 0:
            run += len(chunk)
        else:
            if run + first > limit:
                break
            run = len(chunk) - 1 - max(chunk.rfind(b"<"), chunk.rfind(b">"))
        if run > limit:
            break
    else:
        return
    raise refuse(
        _(
            "The XLSX part %(part)s holds a single tag or text longer than %(max)s bytes, more than any "
            "spreadsheet cell can hold; the file is refused before it is read."
        )
        % {"part": shown(part[:100]), "max": limit}
    )


def _xlsx_rows(workbook: Any, reader: Reader) -> list[SourceRow]:
    """The first sheet's rows, read cell by cell from openpyxl's sheet parser.

    openpyxl's public row iterator pads every row to the widest column seen, so one cell in column XFD turns
    each row into 16,384 cells; the parser's sparse rows (``{"column": …, "value": …}``) keep the work
    proportional to the cells actually in the file. ``WorkSheetParser`` and the ``_get_source`` /
    ``_shared_strings`` / ``_date_formats`` attributes are what ``ReadOnlyWorksheet`` itself uses (openpyxl 3.1).
    """
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import WorkSheetParser

    sheet = workbook.worksheets[0]
    rows: list[SourceRow] = []
    header: list[str] | None = None
    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=False,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            reader.budget.check()
            if number > reader.limits.max_rows + 1:  # a lone cell in row 1,048,576 is no excuse to loop
                raise reader.too_many_rows()
            by_column: dict[int, Any] = {}
            for cell in cells:
                if cell["data_type"] == "f":
                    message = _("Cell %(cell)s contains a formula; formulas are not imported. Paste the values.")
                    raise refuse(message % {"cell": f"{get_column_letter(cell['column'])}{number}"})
                if cell["value"] is not None and cell["value"] != "":
                    by_column[cell["column"]] = cell["value"]
            if header is None:
                # Rows absent from the XML are blank: a first row stored as row 3 means rows 1 and 2 are empty.
                header = check_header(_dense(by_column, reader) if number == 1 else [], reader.schema)
                continue
            if any(_safe_text(v) for v in by_column.values()):
                rows.append(tabular_row(reader, header, _dense(by_column, reader, width=len(header)), number))
    if header is None:
        raise refuse(_("The workbook's first sheet is empty."))
    return rows


def _dense(by_column: dict[int, Any], reader: Reader, width: int = 0) -> list[Any]:
    """Cells 1…n of a sparse row, n the last column with a value (at least ``width``), within the column limit."""
    last = max(by_column, default=0)
    if last > reader.limits.max_columns:
        raise refuse(_("The sheet has more than %(max)s columns.") % {"max": reader.limits.max_columns})
    return [by_column.get(column) for column in range(1, max(last, width) + 1)]


def _safe_text(raw: Any) -> str:
    """A value's text for deciding whether a row is blank; bad values count as content (they are errors)."""
    try:
        return cell_text(raw)
    except CellError:
        return "?"
