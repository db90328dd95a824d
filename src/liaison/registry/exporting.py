"""Exporting organisations as CSV, XLSX or JSON: exactly what the viewer may see, in the import's columns.

Rows come from ``selectors.organisation_list`` (so the one scoping queryset applies) and each row's values
from ``selectors.organisation_card`` (a field group not shared with the viewer leaves its columns empty).
Every text goes through ``core.exports.safe_cell``: no cell can become a spreadsheet formula. The importer
undoes that quote, so an exported file re-imports without changes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from liaison.core import audit
from liaison.core.actors import Actor
from liaison.core.exports import json_dumps, safe_cell, write_csv, xlsx_bytes
from liaison.core.permissions import require
from liaison.core.types import Viewer
from liaison.registry import permissions, selectors
from liaison.registry.importing import COLUMNS, LIST_COLUMNS

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}


def _cards(viewer: Viewer, filters: selectors.OrganisationFilters) -> Iterator[dict[str, Any]]:
    queryset = (
        selectors.organisation_list(viewer=viewer, filters=filters)
        .prefetch_related("technology_fields")
        .order_by("legal_name", "pk")
    )
    for organisation in queryset:
        yield selectors.organisation_card(viewer=viewer, organisation=organisation)


def _record(card: dict[str, Any]) -> dict[str, Any]:
    """One organisation in the import's columns; lists stay lists (joined with '; ' in tables)."""
    record: dict[str, Any] = {}
    for name in COLUMNS:
        value = card.get(name)
        if name in LIST_COLUMNS:
            record[name] = [safe_cell(v) for v in value or []]
        else:
            record[name] = safe_cell(value)
    return record


def organisation_export(
    *, viewer: Viewer, filters: selectors.OrganisationFilters | None = None, fmt: str
) -> tuple[bytes, str, str]:
    """The organisations ``viewer`` may see, filtered, as ``(content, content type, file name)``."""
    require(permissions.can_export(viewer))
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    records = [_record(card) for card in _cards(viewer, filters or selectors.OrganisationFilters())]
    filename = f"organisations-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "json":
        content = json_dumps({"organisations": records}).encode()
    else:
        rows = [["; ".join(r[n]) if n in LIST_COLUMNS else r[n] for n in COLUMNS] for r in records]
        if fmt == "csv":
            buffer = io.StringIO(newline="")
            write_csv(buffer, COLUMNS, rows)
            # A byte-order mark makes Excel read the file as UTF-8 (Cyrillic and umlauts intact).
            content = buffer.getvalue().encode("utf-8-sig")
        else:
            content = xlsx_bytes(COLUMNS, rows, title="organisations")
    _record_export(viewer, filters, fmt, len(records))
    return content, FORMATS[fmt], filename


def _record_export(viewer: Viewer, filters: selectors.OrganisationFilters | None, fmt: str, count: int) -> None:
    """Company data leaving the platform is worth a line in the trail: who took how much, with which filter."""
    with transaction.atomic():
        audit.record(
            actor=Actor.for_user(viewer),
            action="organisation.exported",
            object_type="registry.organisation",
            after={"format": fmt, "count": count, "filters": asdict(filters) if filters else {}},
        )
