"""Tabular output that no spreadsheet will execute: CSV, XLSX and JSON writers shared by every export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.core.serializers.json import DjangoJSONEncoder

from liaison.core.models import AUDIT_COLUMNS

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def safe_cell(value: Any) -> Any:
    """Neutralise a text that a spreadsheet would read as a formula (OWASP CSV injection): prefix a quote."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(out: IO[str], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    writer = csv.writer(out)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
        count += 1
    return count


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = "export") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(header))
    for row in rows:
        cells = []
        for value in row:
            value = safe_cell(value)
            cells.append(value if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value))
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def json_dumps(data: Any) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)


def audit_rows(queryset: Any = None) -> Iterable[list[Any]]:
    from liaison.core.models import AuditEntry

    qs = queryset if queryset is not None else AuditEntry.objects.all()
    for entry in qs.select_related("personal_part").order_by("sequence").iterator(chunk_size=2000):
        row = []
        for name in AUDIT_COLUMNS:
            value = getattr(entry, name)
            if name in ("before", "after"):
                value = json.dumps(value, ensure_ascii=False, sort_keys=True) if value is not None else ""
            elif name == "timestamp":
                value = value.isoformat()
            row.append(value)
        yield row


def write_audit(out: IO[str], fmt: str, queryset: Any = None) -> int:
    if fmt == "csv":
        return write_csv(out, AUDIT_COLUMNS, audit_rows(queryset))
    count = 0
    for row in audit_rows(queryset):
        record = dict(zip(AUDIT_COLUMNS, row, strict=True))
        for name in ("before", "after"):
            record[name] = json.loads(record[name]) if record[name] else None
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count
