"""Sanctions and watchlist screening: names in any script and transliteration, scored and explained.

Plain Python in, plain Python out -- no Django -- so the CLI, the Django services and the benchmarks call
the same engine.  Typical use::

    index = Index.from_sources([Source.from_path("sanctions.jsonl")])
    hits = index.screen(Query("q1", "Person", ("Oleksandr Shevchenko",), ("1975",)))
"""

from liaison.engines.screening.batch import read_queries, screen_file
from liaison.engines.screening.index import DEFAULT_LIMIT, DEFAULT_THRESHOLD, Index
from liaison.engines.screening.loaders import Source, Watchlist, iter_source, load_csv, load_ftm_jsonl
from liaison.engines.screening.model import Entity, Match, Query, WatchlistError

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_THRESHOLD",
    "Entity",
    "Index",
    "Match",
    "Query",
    "Source",
    "Watchlist",
    "WatchlistError",
    "iter_source",
    "load_csv",
    "load_ftm_jsonl",
    "read_queries",
    "screen_file",
]
