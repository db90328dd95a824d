"""The screening trail as CSV (formula-safe, via core.exports) and JSON, shared by the web, API and CLI."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

from liaison.core.exports import json_dumps, write_csv
from liaison.integrity.selectors import TRAIL_COLUMNS

_JSON_CELLS = ("query", "via_chain")


def write_trail_csv(out: IO[str], records: Iterable[dict[str, Any]]) -> int:
    def rows() -> Iterable[list[Any]]:
        for record in records:
            yield [
                json.dumps(record[c], ensure_ascii=False, sort_keys=True) if c in _JSON_CELLS else record[c]
                for c in TRAIL_COLUMNS
            ]

    return write_csv(out, TRAIL_COLUMNS, rows())


def trail_json(records: Iterable[dict[str, Any]]) -> str:
    return json_dumps({"columns": list(TRAIL_COLUMNS), "hits": list(records)})


def write_trail(out: IO[str], fmt: str, records: Iterable[dict[str, Any]]) -> None:
    if fmt == "csv":
        write_trail_csv(out, records)
    else:
        out.write(trail_json(records))
