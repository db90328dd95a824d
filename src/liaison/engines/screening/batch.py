"""Batch screening of a query file against watchlist files, as run by ``liaison screen``.

Queries are CSV with the header ``id,schema,name,birth_date,country,registration_number`` (schema Person,
Company, Organization or LegalEntity; every cell but ``id`` and ``schema`` may be empty, but a query needs
a name or a registration number; several values in a cell are separated by ``;``) or FollowTheMoney JSON
lines (``.jsonl``, ``.json``, ``.ndjson``).  The output CSV has the header
``query_id,entity_id,score,matched_name,explanation``: at most ``limit`` rows per query, all with a score
of at least ``threshold``, best first, scores with four decimals.

Why all queries are read before screening starts: a bad query row must fail the run before any output is
written, so that a half-written result file is never mistaken for a complete screening.
"""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from tqdm import tqdm

from liaison.engines.screening.index import DEFAULT_LIMIT, DEFAULT_THRESHOLD, Index
from liaison.engines.screening.loaders import Source, csv_rows, is_ftm_path, parse_ftm_line
from liaison.engines.screening.model import MAX_NAME_LENGTH, QUERY_SCHEMATA, Match, Query, WatchlistError

QUERY_HEADER = ("id", "schema", "name", "birth_date", "country", "registration_number")
OUTPUT_HEADER = ("query_id", "entity_id", "score", "matched_name", "explanation")


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(";") if part.strip())


def _check_query(query: Query, path: str, line: int) -> Query:
    if not query.id:
        raise WatchlistError(path, line, "query without id")
    if query.schema not in QUERY_SCHEMATA:
        raise WatchlistError(path, line, f"schema must be one of {', '.join(QUERY_SCHEMATA)}, not {query.schema!r}")
    if any(len(name) > MAX_NAME_LENGTH for name in query.names):
        raise WatchlistError(path, line, f"name longer than {MAX_NAME_LENGTH} characters")
    if not query.names and not query.registration_numbers:
        raise WatchlistError(path, line, "query has neither a name nor a registration number")
    return query


def _csv_queries(path: Path) -> Iterator[Query]:
    for line, row in csv_rows(path, QUERY_HEADER):
        if len(row) != len(QUERY_HEADER):
            raise WatchlistError(str(path), line, f"expected {len(QUERY_HEADER)} columns, found {len(row)}")
        query_id, schema, name, birth, country, number = (cell.strip() for cell in row)
        names = (" ".join(name.split()),) if name else ()
        query = Query(query_id, schema, names, _split(birth), _split(country), _split(number))
        yield _check_query(query, str(path), line)


def _strings(props: dict[str, object], *keys: str) -> tuple[str, ...]:
    values: list[str] = []
    for key in keys:
        raw = props.get(key, [])
        values.extend(value for value in (raw if isinstance(raw, list) else [raw]) if isinstance(value, str))
    return tuple(dict.fromkeys(value.strip() for value in values if value.strip()))


def _ftm_queries(path: Path) -> Iterator[Query]:
    with path.open("rb") as handle:
        for line, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            parsed = parse_ftm_line(raw, str(path), line)
            if parsed is None:
                continue
            query_id, schema, props = parsed
            query = Query(
                query_id, schema, _strings(props, "name", "alias"), _strings(props, "birthDate"),
                _strings(props, "nationality", "citizenship", "country", "jurisdiction"),
                _strings(props, "registrationNumber", "innCode", "ogrnCode", "okpoCode", "taxNumber"),
            )  # fmt: skip
            yield _check_query(query, str(path), line)


def read_queries(path: str | os.PathLike[str]) -> list[Query]:
    """Read and validate every query; a bad row raises :class:`WatchlistError` with its line."""
    file = Path(path)
    if not file.is_file():
        raise WatchlistError(str(file), 0, "no such query file")
    return list(_ftm_queries(file) if is_ftm_path(file) else _csv_queries(file))


def write_matches(out_path: str | os.PathLike[str], matches: Sequence[Match]) -> None:
    """Write the result CSV (header ``query_id,entity_id,score,matched_name,explanation``)."""
    with Path(out_path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(OUTPUT_HEADER)
        for match in matches:
            writer.writerow(
                (match.query_id, match.entity_id, f"{match.score:.4f}", match.matched_name, match.explanation)
            )


def screen_file(
    queries_path: str | os.PathLike[str],
    watchlist_paths: Sequence[str | os.PathLike[str]],
    out_path: str | os.PathLike[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = DEFAULT_LIMIT,
    progress: bool = False,
) -> int:
    """Screen every query against the watchlists and write the hits; returns the number of rows written."""
    if not 0.0 <= threshold <= 1.0:
        raise ValueError("threshold must lie in [0, 1]")
    if limit < 1:
        raise ValueError("limit must be at least 1")
    queries = read_queries(queries_path)
    index = Index.from_sources([Source.from_path(path) for path in watchlist_paths], progress=progress)
    matches: list[Match] = []
    for query in tqdm(queries, desc="screening", unit="q", file=sys.stderr, disable=not progress):
        matches.extend(index.screen(query, threshold=threshold, limit=limit))
    write_matches(out_path, matches)
    return len(matches)
