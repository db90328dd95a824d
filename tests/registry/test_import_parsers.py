"""Reading import files under hard limits: malformed and hostile files are refused with a clear error, quickly
and before the expensive parser sees them; bad values become errors of their row and field.

No database here: parsing is pure. The service side (what a refused file or a rejected row stores — nothing)
is in test_importing.py.
"""

from __future__ import annotations

import io
import json
import random
import string
import zipfile
from dataclasses import replace
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from liaison.registry import import_parsers, import_xlsx, importing
from tests.registry.import_files import SHEET_HEAD, SHEET_TAIL, csv_bytes, inline_row, xlsx_of, xlsx_with_sheet


def refused(name: str, data: bytes) -> list[str]:
    with pytest.raises(ValidationError) as excinfo:
        importing.parse_file(name, data)
    return excinfo.value.message_dict["file"]


def errors_of(name: str, data: bytes) -> list[tuple[str, dict[str, list[str]]]]:
    return [(row.label, row.errors) for row in importing.parse_file(name, data) if row.errors]


def test_unknown_column_refuses_the_file() -> None:
    message = refused("f.csv", csv_bytes(["legal_name", "country", "password"], [["A", "DE", "x"]]))
    assert message == ["Unknown column(s): password. Allowed columns: " + ", ".join(importing.COLUMNS) + "."]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\xff\xd8\x00\x10garbage", "The file is not UTF-8 text (byte 0); save it as “CSV UTF-8”."),
        (
            "legal_name,country\nMünchen Werk,DE\n".encode("cp1252"),
            "The file is not UTF-8 text (byte 20); save it as “CSV UTF-8”.",
        ),
        (b"legal_name,country\nA\x00B,DE\n", "The file contains binary data, not text."),
        (b'legal_name,country\n"A,DE\n', "Malformed CSV at line 2: unexpected end of data"),
        (b"legal_name,country\nA,DE,extra\n", "row 2 has more cells than the header."),
        (b"legal_name,country\nA\n", "row 2 has 1 cells, the header has 2."),
        (b"legal_name,,country\nA,,DE\n", "Column 2 has no name in the header row."),
        (b"legal_name,country,Country\nA,DE,DE\n", "Column(s) named twice: country."),
        (b"legal_name,country\n\n", "The file contains no records."),
        (b"  \n", "The file is empty."),
    ],
)
def test_malformed_csv_is_refused_with_a_clear_error(data: bytes, message: str) -> None:
    assert refused("f.csv", data) == [message]


def test_unsupported_file_type_is_refused() -> None:
    assert refused("f.exe", b"MZ") == ["Unsupported file type; use a .csv, .xlsx or .json file."]


def test_xlsx_that_is_not_a_zip_is_refused() -> None:
    assert refused("f.xlsx", b"legal_name,country\nA,DE\n") == ["This is not a valid XLSX file (not a zip archive)."]


def test_zip_without_a_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    assert refused("f.xlsx", buffer.getvalue()) == ["This is not a readable XLSX workbook (KeyError)."]


def test_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (4 * 1024 * 1024))  # compresses ~1000:1
    assert len(buffer.getvalue()) < 20_000
    assert refused("bomb.xlsx", buffer.getvalue()) == [
        "The XLSX file unpacks to far more data than it holds (a “zip bomb”); refused."
    ]


def test_xlsx_with_a_lone_cell_far_away_is_refused_quickly() -> None:
    """Row 1,048,576, column XFD: without care this loops over a million padded rows."""
    workbook = Workbook()
    workbook.active.append(["legal_name", "country"])
    workbook.active.cell(row=1_048_576, column=16_384, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert refused("f.xlsx", buffer.getvalue()) == ["The file has more than 100000 rows."]


def test_xlsx_without_a_header_row_is_refused() -> None:
    assert refused("f.xlsx", xlsx_of([], [[], ["A", "DE"]])) == ["The first row must name the columns."]


def test_xlsx_over_the_total_unpacked_size_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    data = xlsx_of(["legal_name", "country"], [["A", "DE"]])
    monkeypatch.setattr(importing, "LIMITS", replace(importing.LIMITS, max_xlsx_unpacked=1000))
    assert refused("f.xlsx", data) == ["The XLSX file unpacks to far more data than it holds (a “zip bomb”); refused."]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'[\n {"legal_name": "A",\n  "country": "DE",,\n }\n]',
            "JSON syntax error at line 3, column 19: Expecting property name enclosed in double quotes",
        ),
        (b"[" * 10_000 + b"]" * 10_000, "The JSON is nested more than 20 levels deep (line 1)."),
        (b'{"legal_name": "A"}', 'The JSON must be a list of objects or {"organisations": [...]}.'),
        (
            b'[{"legal_name": "A", "legal_name": "B"}]',
            "The JSON cannot be read: the key “legal_name” appears twice in one object",
        ),
        (b'[["A", "DE"]]', "item 0 is not an object."),
        (
            b'[{"legal_name": "A", "owner": "x"}]',
            "Unknown field(s) in item 0: owner. Allowed fields: " + ", ".join(importing.COLUMNS) + ".",
        ),
    ],
)
def test_malformed_json_is_refused_with_a_clear_error(data: bytes, message: str) -> None:
    assert refused("f.json", data) == [message]


def test_brackets_inside_json_strings_do_not_count_as_nesting() -> None:
    data = json.dumps([{"legal_name": "[" * 50 + "{" * 50, "country": "DE"}]).encode()
    assert [r.values["legal_name"] for r in importing.parse_file("f.json", data)] == ["[" * 50 + "{" * 50]


def test_oversized_file_is_refused_before_parsing(settings: Any) -> None:
    settings.LIAISON_IMPORT_MAX_BYTES = 100
    assert refused("f.csv", b"legal_name,country\n" + b"A,DE\n" * 30) == ["The file is larger than 100 bytes."]


def test_too_many_rows_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "LIMITS", replace(importing.LIMITS, max_rows=3))
    assert refused("f.csv", b"legal_name,country\n" + b"A,DE\n" * 4) == ["The file has more than 3 rows."]


def test_reading_stops_when_the_time_budget_is_spent(settings: Any) -> None:
    settings.LIAISON_IMPORT_PARSE_SECONDS = 0
    for name, data in (("f.csv", csv_bytes(["legal_name"], [["A"]])), ("f.xlsx", xlsx_of(["legal_name"], [["A"]]))):
        assert refused(name, data) == [
            "Reading the file took longer than 0 seconds and was stopped; split it into smaller files."
        ]


# ---------------------------------------------------------------- XLSX: work bounded before parsing (issue 6, 5)


def _random_text(size: int) -> str:
    """Letters that compress like real text (about 1.7×), so no zip-bomb ratio guard can catch them."""
    return "".join(random.Random(6).choices(string.ascii_letters, k=size))


def test_xlsx_with_a_token_longer_than_any_cell_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The attack of issue 6, finding 5, scaled down: one start tag of 1 MiB, which expat < 2.6 re-parses from
    its start for every 16 KiB it receives (O(n²): the 146 MB original kept a worker busy for 11 minutes).
    The workbook passes the zip-bomb guard; the token scan refuses it before openpyxl is even called."""
    attribute = _random_text(1024 * 1024)
    sheet = SHEET_HEAD + inline_row(1, ("A1", "legal_name")) + f'<row r="2" x="{attribute}"/>'.encode() + SHEET_TAIL
    data = xlsx_with_sheet(sheet)
    members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    assert max(m.file_size / m.compress_size for m in members) < importing.LIMITS.max_xlsx_ratio
    assert sum(m.file_size for m in members) < importing.LIMITS.max_xlsx_unpacked

    def must_not_parse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("openpyxl was asked to parse a workbook the scan should have refused")

    monkeypatch.setattr("openpyxl.load_workbook", must_not_parse)
    assert refused("attack.xlsx", data) == [
        "The XLSX part xl/worksheets/sheet1.xml holds a single tag or text longer than 262144 bytes, more than any "
        "spreadsheet cell can hold; the file is refused before it is read."
    ]


def test_xlsx_cell_of_the_largest_size_excel_allows_is_read_intact() -> None:
    """The positive half: 32,767 characters that XML escapes to 4–5 bytes each (~140 KB) stay under the bound."""
    text = "".join(random.Random(7).choices("&<>" * 4 + "абвгґдеєжзиіїй", k=32_767))
    rows = importing.parse_file("f.xlsx", xlsx_of(["legal_name", "description_en"], [["A", text]]))
    assert [(row.values["description_en"] == text, row.errors) for row in rows] == [(True, {})]


@pytest.mark.parametrize("size", [64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 3 * 64 * 1024 + 7])
def test_token_scan_measures_runs_across_chunk_boundaries_exactly(size: int) -> None:
    limits = replace(importing.LIMITS, max_xml_token=size)
    reader = import_parsers.Reader(importing.SCHEMA, limits, import_parsers.Budget(None))
    for offset in (0, 1, 1000):
        exact = b"<a>" + b"x" * offset + b"<" + b"y" * size + b">" + b"z" * 5
        import_xlsx._scan_tokens(io.BytesIO(exact), "p", reader)  # a run of exactly the limit passes
        with pytest.raises(ValidationError):
            import_xlsx._scan_tokens(io.BytesIO(exact.replace(b"y>", b"yy>")), "p", reader)


def test_xlsx_cells_far_to_the_right_are_not_padded_and_too_wide_a_sheet_is_refused() -> None:
    """Empty cells in column XFD cost nothing (no padding to 16,384 cells a row); values there are refused."""
    header = inline_row(1, ("A1", "legal_name"), ("B1", "country"))
    padded = b"".join(
        inline_row(n, (f"A{n}", f"Firm {n}"), (f"B{n}", "DE")).replace(b"</row>", f'<c r="XFD{n}"/></row>'.encode())
        for n in range(2, 2002)
    )
    rows = importing.parse_file("f.xlsx", xlsx_with_sheet(SHEET_HEAD + header + padded + SHEET_TAIL))
    assert (len(rows), rows[-1].values) == (2000, {"legal_name": "Firm 2001", "country": "DE"})
    wide = inline_row(2, ("A2", "Firm"), ("B2", "DE"), ("XFD2", "x"))
    assert refused("f.xlsx", xlsx_with_sheet(SHEET_HEAD + header + wide + SHEET_TAIL)) == [
        "The sheet has more than 200 columns."
    ]
    beyond = inline_row(2, ("A2", "Firm"), ("B2", "DE"), ("C2", "x"))
    assert refused("f.xlsx", xlsx_with_sheet(SHEET_HEAD + header + beyond + SHEET_TAIL)) == [
        "row 2 has more cells than the header."
    ]


def test_xlsx_infinite_number_is_an_error_of_its_row_and_field() -> None:
    header = inline_row(1, ("A1", "legal_name"), ("B1", "postal_code"))
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>Firm</t></is></c><c r="B2"><v>1E400</v></c></row>'
    assert errors_of("f.xlsx", xlsx_with_sheet(SHEET_HEAD + header + row + SHEET_TAIL)) == [
        ("row 2", {"postal_code": ["The number is too large to store (infinite); write it as text."]}),
    ]


# ---------------------------------------------------------------- values no database can store (issue 6, 8)


def test_json_nan_infinity_surrogates_and_nul_are_errors_of_their_row_and_field() -> None:
    data = (
        b'[{"legal_name": "NaN GmbH", "postal_code": NaN},'
        b' {"legal_name": "Inf GmbH", "postal_code": 1e400, "city": -Infinity},'
        b' {"legal_name": "\\ud800", "roles": ["rnd", "\\udfff"]},'
        b' {"legal_name": "A\\u0000B", "city": "\\ud83d\\ude80 ok"}]'
    )
    infinite = "The number is too large to store (infinite); write it as text."
    assert errors_of("f.json", data) == [
        (
            "item 0",
            {"postal_code": ["NaN (“not a number”) cannot be imported; leave the value empty or write it as text."]},
        ),
        ("item 1", {"postal_code": [infinite], "city": [infinite]}),
        (
            "item 2",
            {
                "legal_name": ["The value contains an unpaired surrogate (U+D800), which is not valid text."],
                "roles": ["The value contains an unpaired surrogate (U+DFFF), which is not valid text."],
            },
        ),
        ("item 3", {"legal_name": ["The value contains a NUL character, which cannot be stored."]}),
    ]
    assert importing.parse_file("f.json", data)[3].values["city"] == "🚀 ok"  # a paired surrogate is a real character


def test_json_key_with_a_lone_surrogate_is_named_printably() -> None:
    assert refused("f.json", b'[{"legal_name": "A", "x\\ud800": "B"}]') == [
        "Unknown field(s) in item 0: x\\ud800. Allowed fields: " + ", ".join(importing.COLUMNS) + "."
    ]


def test_over_long_value_is_an_error_of_its_row_and_field() -> None:
    data = csv_bytes(["legal_name", "description_en"], [["A", "x" * 32_768], ["B", "x" * 32_767]])
    assert errors_of("f.csv", data) == [
        ("row 2", {"description_en": ["The value is longer than 32767 characters."]}),
    ]
    data = json.dumps([{"legal_name": "A", "description_de": "y" * 40_000}]).encode()
    assert errors_of("f.json", data) == [
        ("item 0", {"description_de": ["The value is longer than 32767 characters."]}),
    ]


@pytest.mark.parametrize(
    ("lang", "label", "expected"),
    [
        ("de", "Element 0", "Der Wert enthält ein ungepaartes Surrogat (U+D800) und ist daher kein gültiger Text."),
        ("uk", "елемент 0", "Значення містить непарний сурогат (U+D800), тож це не коректний текст."),
    ],
)
def test_row_errors_are_translated(lang: str, label: str, expected: str) -> None:
    from django.utils import translation

    with translation.override(lang):
        assert errors_of("f.json", b'[{"legal_name": "\\ud800"}]') == [(label, {"legal_name": [expected]})]
