"""The XLSX parsing attack of issue 6, finding 5: one long start tag in a worksheet, with and without the guard.

    python -m benchmarks.import_xlsx                 # tokens of 1, 2 and 4 MiB
    python -m benchmarks.import_xlsx --mib 2 4 8     # larger tokens (unguarded 8 MiB takes a minute and more)
    python -m benchmarks.import_xlsx --mib --rows 20000   # the scan's cost on a real workbook of 20,000 rows

For each size it builds a workbook whose sheet holds ``<row r="2" x="…"/>`` with n MiB of random letters (so it
compresses like text, well under the zip-bomb ratio), then times ``importing.parse_file`` with the token scan
(refused in milliseconds) and without it (openpyxl and expat < 2.6 re-parse the tag from its start for every
16 KiB read: quadratic). Prints one line per size; writes nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import string
import time
from typing import Any


def _workbook(mib: int) -> bytes:
    from tests.registry.import_files import SHEET_HEAD, SHEET_TAIL, inline_row, xlsx_with_sheet

    attribute = "".join(random.Random(6).choices(string.ascii_letters, k=mib * 1024 * 1024))
    row = f'<row r="2" x="{attribute}"/>'.encode()
    return xlsx_with_sheet(SHEET_HEAD + inline_row(1, ("A1", "legal_name")) + row + SHEET_TAIL)


def _timed(parse: Any, data: bytes) -> tuple[float, str]:
    started = time.perf_counter()
    try:
        parse("attack.xlsx", data)
        outcome = "read"
    except Exception as exc:  # noqa: BLE001 - the outcome is what we report
        outcome = "; ".join(getattr(exc, "messages", [str(exc)]))[:60]
    return time.perf_counter() - started, outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, nargs="*", default=[1, 2, 4])
    parser.add_argument("--rows", type=int, default=0, help="also time a real workbook of this many rows")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.config.settings.test")
    import django

    django.setup()
    import pyexpat

    from liaison.registry import import_parsers, import_xlsx, importing

    print(f"{pyexpat.EXPAT_VERSION}; token limit {importing.LIMITS.max_xml_token} bytes")
    for mib in args.mib:
        data = _workbook(mib)
        guarded, refusal = _timed(importing.parse_file, data)
        scan = import_xlsx._inspect_zip
        import_xlsx._inspect_zip = lambda data, reader: None  # type: ignore[assignment]
        try:
            unguarded, _outcome = _timed(importing.parse_file, data)
        finally:
            import_xlsx._inspect_zip = scan
        print(
            f"{mib} MiB token, {len(data) / 1e6:.1f} MB file: guarded {guarded * 1000:.0f} ms ({refusal}…); "
            f"unguarded {unguarded:.1f} s"
        )
    if args.rows:
        _real_workbook(args.rows, import_parsers, import_xlsx, importing)
    return 0


def _real_workbook(rows: int, import_parsers: Any, import_xlsx: Any, importing: Any) -> None:
    import io

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["legal_name", "country", "city", "street", "description_en"])
    words = random.Random(1)
    for i in range(rows):
        text = " ".join(words.choices(["optics", "drones", "radar", "armour", "sensors"], k=30))
        sheet.append([f"Firma {i} GmbH", "DE", "Berlin", f"Straße {i}", text])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    with_scan, _outcome = _timed(importing.parse_file, data)
    scan = import_xlsx._inspect_zip
    import_xlsx._inspect_zip = lambda data, reader: None
    try:
        without, _outcome = _timed(importing.parse_file, data)
    finally:
        import_xlsx._inspect_zip = scan
    unpacked = import_parsers.bytes_to_parse("real.xlsx", data)
    print(
        f"real workbook, {rows} rows, {len(data) / 1e6:.2f} MB ({unpacked / 1e6:.1f} MB unpacked): "
        f"{with_scan:.2f} s with the scan, {without:.2f} s without"
    )


if __name__ == "__main__":
    raise SystemExit(main())
