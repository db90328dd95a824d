"""Screening speed at scale: ``python -m benchmarks.screening.speed [--entities N] [--queries Q]``.

Generates a deterministic synthetic watchlist of N FollowTheMoney entities (default one million; persons
and companies built from the evaluation tables plus generated surnames and company words, so the
vocabulary is large like a real list), writes it as JSON lines to a temporary directory, then measures
load + index build time, peak resident memory and queries per second.  No downloads.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.screening.romanize import SYSTEMS, romanize
from benchmarks.screening.tables import (
    CITY_ADJECTIVES_UA,
    COUNTRIES,
    DISTINCTIVE,
    FEMALE,
    MALE,
    RU_SURNAMES,
    UA_SURNAMES,
    words,
)
from benchmarks.screening.variants import typo_in_longest
from liaison.engines.screening import Index, Match, Query, Source

SYLLABLES = words(
    "ко бо да ре ми ла не сто гри ва ле ти бу ша ро пи ку ме зо ха чу дро кра сві гу то ли ка бі жу ще ли ну ор "
    "ба ту ше фе ря лю цю го ло хо"
)
SUFFIXES = ("енко", "ук", "ов", "ев", "ський", "ин", "чук", "ич", "юк", "ко", "ак", "ишин")
LEGAL = ("ТОВ", "ПрАТ", "ООО", "АО", "LLC", "GmbH", "JSC", "ДП")


QUICK_ARGV = ["--entities", "50000", "--queries", "500"]
"""Smaller sizes for ``python -m benchmarks.run --quick`` (a smoke run, not for the docs)."""


def _surname(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return rng.choice(UA_SURNAMES + RU_SURNAMES)
    root = "".join(rng.choice(SYLLABLES) for _ in range(rng.randrange(1, 4)))
    return (root + rng.choice(SUFFIXES)).capitalize()


def _company_word(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return rng.choice(DISTINCTIVE)
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randrange(2, 5))).capitalize()


def _person(rng: random.Random, number: int) -> dict[str, object]:
    female = rng.random() < 0.3
    given = rng.choice(FEMALE)[rng.randrange(2)] if female else rng.choice(MALE)[rng.randrange(2)]
    father = rng.choice(MALE)[2 + rng.randrange(2)]
    patronymic = father[:-4] + "івна" if female and father.endswith("ович") else father
    name = f"{_surname(rng)} {given} {patronymic}"
    props: dict[str, list[str]] = {
        "name": [name],
        "birthDate": [f"{rng.randrange(1940, 2005)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"],
    }
    props["nationality"] = [rng.choice(COUNTRIES)]
    if rng.random() < 0.3:
        props["alias"] = [romanize(name, rng.choice(SYSTEMS))]
    return {"id": f"syn-p{number}", "schema": "Person", "properties": props}


def _company(rng: random.Random, number: int) -> dict[str, object]:
    city = rng.choice(CITY_ADJECTIVES_UA) + " " if rng.random() < 0.3 else ""
    name = f"{rng.choice(LEGAL)} «{city}{_company_word(rng)} {_company_word(rng)}»"
    props = {"name": [name], "country": [rng.choice(COUNTRIES)], "registrationNumber": [f"{number:08d}"]}
    return {"id": f"syn-c{number}", "schema": "Company", "properties": props}


def entities(count: int, seed: int = 42) -> Iterator[dict[str, object]]:
    """The synthetic watchlist, 70 % persons and 30 % companies."""
    rng = random.Random(seed)
    for number in range(count):
        yield _person(rng, number) if rng.random() < 0.7 else _company(rng, number)


def write_watchlist(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for entity in entities(count):
            handle.write(json.dumps(entity, ensure_ascii=False) + "\n")


def queries(path: Path, count: int, seed: int = 7) -> list[tuple[Query, str | None]]:
    """Half spelling variants of listed names (any romanisation, sometimes a typo) with the entity they
    must find, half unlisted names (expected: nothing in particular)."""
    rng = random.Random(seed)
    listed: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as handle:
        for line_number, line in enumerate(handle):
            if line_number % 997 == 0:
                listed.append(json.loads(line))
    result: list[tuple[Query, str | None]] = []
    for number in range(count):
        if number % 2:
            entity = rng.choice(listed)
            text = romanize(str(entity["properties"]["name"][0]), rng.choice(SYSTEMS))
            text = typo_in_longest(text, rng) if rng.random() < 0.2 else text
            result.append((Query(f"q{number}", str(entity["schema"]), (text,)), str(entity["id"])))
        else:
            name = str(_person(rng, number)["properties"]["name"][0])  # type: ignore[index]
            result.append((Query(f"q{number}", "Person", (romanize(name, "national"),)), None))
    return result


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure_build(path: Path, progress: bool) -> Index:
    rss_before = _rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    index = Index.from_sources([Source.from_path(path)], progress=progress)
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    print(f"load + index build: {wall:.1f} s wall, {used:.1f} s CPU; {len(index):,} entities")
    print(f"peak RSS after build: {_rss_mb():.0f} MB (before loading: {rss_before:.0f} MB)")
    return index


def _measure_queries(index: Index, batch: list[tuple[Query, str | None]]) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    results = [(index.screen(query), expected) for query, expected in batch]
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    hits = sum(1 for matches, _ in results if matches)
    print(f"screened {len(batch):,} queries ({hits} with hits): {len(batch) / wall:.0f} queries/s wall, "
          f"{len(batch) / used:.0f} queries/s CPU")  # fmt: skip
    listed = [(matches, expected) for matches, expected in results if expected is not None]
    # The synthetic list repeats some names under other ids (a tie on the top score): those count as found.
    found = sum(1 for matches, expected in listed if expected in {m.entity_id for m in _best_tied(matches)})
    print(f"recall@1 (ties included) of the {len(listed):,} listed-name variants among {len(index):,} entities: "
          f"{found / len(listed):.4f}")  # fmt: skip


def _best_tied(matches: list[Match]) -> list[Match]:
    return [m for m in matches if round(m.score, 4) == round(matches[0].score, 4)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.screening.speed")
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--progress", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic.jsonl"
        started = time.perf_counter()
        write_watchlist(path, args.entities)
        size = path.stat().st_size / 1e6
        print(
            f"generated {args.entities:,} entities ({size:.0f} MB JSON lines) in {time.perf_counter() - started:.1f} s"
        )
        batch = queries(path, args.queries)
        index = _measure_build(path, args.progress)
        _measure_queries(index, batch)
        print(f"peak RSS after screening: {_rss_mb():.0f} MB")
        print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
