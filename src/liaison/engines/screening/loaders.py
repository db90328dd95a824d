"""Watchlist loaders: FollowTheMoney JSON lines (OpenSanctions exports) and a simple CSV format.

FollowTheMoney: one JSON object per line with ``id``, ``schema`` and ``properties`` (lists of strings).
Names come from ``name``, ``alias`` and ``previousName`` (or ``firstName``/``fatherName``/``lastName`` when
there is no full name); birth dates from ``birthDate``; countries from ``nationality``, ``citizenship``,
``country``, ``jurisdiction``; registration numbers from ``registrationNumber``, ``innCode``, ``ogrnCode``,
``okpoCode``, ``taxNumber``, ``vatCode``, ``leiCode``, ``idNumber`` and ``imoNumber``.  Entities of
schemata without a screenable name (Sanction, Address, Ownership ...) are skipped.

CSV (UTF-8, comma-separated, header required and exact)::

    id,schema,name,aliases,birth_date,country,registration_number
    ua-1,Person,Шевченко Олександр Петрович,Shevchenko Oleksandr;Schewtschenko,1975-03-02,ua,
    ua-2,Company,ТОВ «Укрспецекспорт»,UkrSpecExport;Ukrspetseksport,,ua,12345678

``aliases``, ``birth_date``, ``country`` and ``registration_number`` may hold several values separated by
``;``; every cell but ``id``, ``schema`` and ``name`` may be empty.  ``schema`` is a FollowTheMoney schema
with a name (Person, Company, Organization, LegalEntity, PublicBody, Vessel, Airplane).

Why streaming generators: a list of a million entities must load in bounded memory, so the index consumes
entities one at a time.  Loading is still all-or-nothing: an error raises :class:`WatchlistError` naming
file and line before any index or list is returned.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from liaison.engines.screening.evidence import normalize_country, normalize_date, normalize_registration
from liaison.engines.screening.model import (
    MATCHABLE_SCHEMATA,
    MAX_NAME_LENGTH,
    OTHER_SCHEMATA,
    Entity,
    WatchlistError,
)

CSV_HEADER = ("id", "schema", "name", "aliases", "birth_date", "country", "registration_number")
FTM_SUFFIXES = (".jsonl", ".json", ".ndjson")
NAME_PROPS = ("name", "alias", "previousName")
PART_PROPS = ("firstName", "secondName", "middleName", "fatherName", "lastName")
COUNTRY_PROPS = ("nationality", "citizenship", "country", "jurisdiction")
REGISTRATION_PROPS = (
    "registrationNumber", "innCode", "ogrnCode", "okpoCode", "taxNumber", "vatCode", "leiCode",
    "idNumber", "imoNumber",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Watchlist:
    """A named, versioned list held in memory (for small lists and tests; large ones stream)."""

    name: str
    version: str
    entities: tuple[Entity, ...]


@dataclass(frozen=True, slots=True)
class Source:
    """A watchlist file with the name and version its hits are reported under."""

    path: Path
    list_name: str
    version: str

    @classmethod
    def from_path(cls, path: str | os.PathLike[str], *, list_name: str = "", version: str = "") -> Source:
        """List name defaults to the file stem, version to the file's modification date."""
        file = Path(path)
        if not file.is_file():
            raise WatchlistError(str(file), 0, "no such watchlist file")
        if not version:
            version = dt.datetime.fromtimestamp(file.stat().st_mtime, tz=dt.UTC).date().isoformat()
        return cls(file, list_name or file.stem, version)


def is_ftm_path(path: Path) -> bool:
    """FollowTheMoney by extension; any other file is read as CSV."""
    return path.suffix.lower() in FTM_SUFFIXES


def _check_names(names: list[str], path: str, line: int) -> tuple[str, ...]:
    cleaned = []
    for name in names:
        if len(name) > MAX_NAME_LENGTH:
            raise WatchlistError(path, line, f"name longer than {MAX_NAME_LENGTH} characters")
        name = " ".join(name.split())
        if name and name not in cleaned:
            cleaned.append(name)
    if not cleaned:
        raise WatchlistError(path, line, "empty name")
    return tuple(cleaned)


def _values(props: dict[str, Any], keys: tuple[str, ...], path: str, line: int) -> list[str]:
    values: list[str] = []
    for key in keys:
        raw = props.get(key)
        if raw is None:
            continue
        if isinstance(raw, str):
            raw = [raw]
        elif not isinstance(raw, list) or not all(isinstance(value, str) for value in raw):
            raise WatchlistError(path, line, f"property {key!r} must be a list of strings")
        values.extend(raw)
    return values


def _ftm_names(props: dict[str, Any], path: str, line: int) -> list[str]:
    names = _values(props, NAME_PROPS, path, line)
    if not any(name.strip() for name in names):
        parts = [" ".join(_values(props, (key,), path, line)) for key in PART_PROPS]
        names = [" ".join(part for part in parts if part)]
    return names


def _evidence(
    dates: list[str], countries: list[str], numbers: list[str]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Normalise the facts once at load time so that screening compares plain strings."""
    parsed = (normalize_date(value) for value in dates)
    return (
        tuple(dict.fromkeys(date for date in parsed if date)),
        tuple(dict.fromkeys(normalize_country(c) for c in countries if c.strip())),
        tuple(dict.fromkeys(n for n in map(normalize_registration, numbers) if n)),
    )


def parse_ftm_line(raw: bytes | str, path: str, line: int) -> tuple[str, str, dict[str, Any]] | None:
    """Validate one JSON line and return (id, schema, properties), or None for a skippable schema."""
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise WatchlistError(path, line, f"broken JSON: {exc}") from None
    if not isinstance(data, dict):
        raise WatchlistError(path, line, "expected a JSON object")
    entity_id, schema, props = data.get("id"), data.get("schema"), data.get("properties", {})
    if not isinstance(entity_id, str) or not entity_id.strip():
        raise WatchlistError(path, line, "entity without id")
    if not isinstance(schema, str) or (schema not in MATCHABLE_SCHEMATA and schema not in OTHER_SCHEMATA):
        raise WatchlistError(path, line, f"unknown schema {schema!r}")
    if not isinstance(props, dict):
        raise WatchlistError(path, line, "properties must be an object")
    return None if schema in OTHER_SCHEMATA else (entity_id, schema, props)


def _ftm_entity(raw: bytes, source: Source, line: int) -> Entity | None:
    path = str(source.path)
    parsed = parse_ftm_line(raw, path, line)
    if parsed is None:
        return None
    entity_id, schema, props = parsed
    names = _check_names(_ftm_names(props, path, line), path, line)
    dates, countries, numbers = _evidence(
        _values(props, ("birthDate",), path, line),
        _values(props, COUNTRY_PROPS, path, line),
        _values(props, REGISTRATION_PROPS, path, line),
    )
    return Entity(entity_id, schema, names, dates, countries, numbers, source.list_name, source.version)


def _progress(source: Source, enabled: bool) -> tqdm[Any]:
    size = source.path.stat().st_size
    return tqdm(total=size, unit="B", unit_scale=True, desc=source.list_name, file=sys.stderr, disable=not enabled)


def iter_ftm(source: Source, *, progress: bool = False) -> Iterator[Entity]:
    """Stream the screenable entities of a FollowTheMoney JSON-lines file."""
    with source.path.open("rb") as handle, _progress(source, progress) as bar:
        for line, raw in enumerate(handle, start=1):
            bar.update(len(raw))
            if raw.strip():
                entity = _ftm_entity(raw, source, line)
                if entity is not None:
                    yield entity


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _csv_entity(row: list[str], source: Source, line: int) -> Entity:
    path = str(source.path)
    if len(row) != len(CSV_HEADER):
        raise WatchlistError(path, line, f"expected {len(CSV_HEADER)} columns, found {len(row)}")
    entity_id, schema, name, aliases, birth, country, number = (cell.strip() for cell in row)
    if not entity_id:
        raise WatchlistError(path, line, "entity without id")
    if schema not in MATCHABLE_SCHEMATA:
        raise WatchlistError(path, line, f"unknown schema {schema!r}")
    names = _check_names([name, *_split(aliases)], path, line)
    dates, countries, numbers = _evidence(_split(birth), _split(country), _split(number))
    return Entity(entity_id, schema, names, dates, countries, numbers, source.list_name, source.version)


def csv_rows(path: Path, header: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    """Non-empty rows of a UTF-8 CSV file with an exact header, as (line number, cells).

    Malformed CSV, over-long fields (a 10 MB name) and bad UTF-8 become :class:`WatchlistError` with the
    line, instead of a bare ``csv.Error`` or ``UnicodeDecodeError`` the operator cannot act on.
    """
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            first = next(reader, None)
            if first is None or tuple(cell.strip() for cell in first) != header:
                raise WatchlistError(str(path), 1, f"wrong CSV header, expected {','.join(header)}")
            for row in reader:
                if any(cell.strip() for cell in row):
                    yield reader.line_num, row
        except csv.Error as exc:
            raise WatchlistError(str(path), reader.line_num, f"bad CSV: {exc}") from None
        except UnicodeDecodeError:
            raise WatchlistError(str(path), reader.line_num + 1, "not valid UTF-8") from None


def iter_csv(source: Source, *, progress: bool = False) -> Iterator[Entity]:
    """Stream the entities of a watchlist CSV file (format in the module docstring)."""
    with _progress(source, progress) as bar:
        for line, row in csv_rows(source.path, CSV_HEADER):
            bar.update(sum(len(cell) + 1 for cell in row))  # characters, an estimate of the bytes read
            yield _csv_entity(row, source, line)
        bar.update(max(0, bar.total - bar.n))


def iter_source(source: Source, *, progress: bool = False) -> Iterator[Entity]:
    """Stream a watchlist file in the format its extension names."""
    if is_ftm_path(source.path):
        return iter_ftm(source, progress=progress)
    return iter_csv(source, progress=progress)


def load_ftm_jsonl(
    path: str | os.PathLike[str], *, list_name: str = "", version: str = "", progress: bool = False
) -> Watchlist:
    """Load a whole FollowTheMoney file into memory; raises before returning anything if a line is bad."""
    source = Source.from_path(path, list_name=list_name, version=version)
    return Watchlist(source.list_name, source.version, tuple(iter_ftm(source, progress=progress)))


def load_csv(
    path: str | os.PathLike[str], *, list_name: str = "", version: str = "", progress: bool = False
) -> Watchlist:
    """Load a whole watchlist CSV into memory; raises before returning anything if a row is bad."""
    source = Source.from_path(path, list_name=list_name, version=version)
    return Watchlist(source.list_name, source.version, tuple(iter_csv(source, progress=progress)))
