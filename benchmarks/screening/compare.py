"""Side by side with nomenklatura's LogicV2: ``python -m benchmarks.screening.compare``.

LogicV2 is the scoring algorithm behind OpenSanctions' yente.  Both engines screen the same generated
evaluation set (:mod:`benchmarks.screening.evalset`); the table shows recall@1, false-positive rate, F1 and
queries per second for each, at each engine's own production threshold (liaison: DEFAULT_THRESHOLD;
LogicV2: 0.7, yente's default) and at the threshold that gives each its best F1.

Candidate generation for LogicV2: by default every query is compared with every list entity (brute
force; the evaluation list is small), so LogicV2's recall is not limited by liaison's blocking.  With
``--candidates blocking`` LogicV2 instead scores the names liaison's index proposes, which isolates the
scoring step.  Needs the benchmark extra: ``pip install nomenklatura followthemoney``.
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.screening.evalset import EvalSet, generate, sample
from benchmarks.screening.quality import Hits, Metrics, Outcome, engine_screen, metrics, per_variant, run
from liaison.engines.screening import DEFAULT_THRESHOLD, Index, Query

YENTE_THRESHOLD = 0.7


QUICK_ARGV = ["--queries", "80"]
"""Smaller sizes for ``python -m benchmarks.run --quick`` (a smoke run, not for the docs)."""


def _ftm_factory() -> Callable[[str, Sequence[str], Sequence[str], Sequence[str], Sequence[str]], Any]:
    from followthemoney import model  # benchmark-only dependency

    counter = itertools.count()

    def make(
        schema: str, names: Sequence[str], dates: Sequence[str], countries: Sequence[str], numbers: Sequence[str]
    ) -> Any:
        entity = model.make_entity(schema)
        entity.id = f"cmp-{next(counter)}"  # nomenklatura caches name analysis by id: ids must be unique
        entity.add("name", list(names))
        if schema == "Person":
            entity.add("birthDate", list(dates))
            entity.add("nationality", list(countries))
        else:
            entity.add("country", list(countries))
            entity.add("registrationNumber", list(numbers))
        return entity

    return make


def logic_v2_screen(evalset: EvalSet, candidates: str) -> Callable[[Query], Hits]:
    """LogicV2 as a screening function over the evaluation list (brute force or liaison's blocking)."""
    from nomenklatura.matching import LogicV2  # benchmark-only dependency

    make = _ftm_factory()
    config = LogicV2.default_config()
    listed = [
        (e.id, make(e.schema, e.names, e.birth_dates, e.countries, e.registration_numbers)) for e in evalset.entities
    ]
    by_id = dict(listed)
    index = Index.build(evalset.entities) if candidates == "blocking" else None
    LogicV2.compare(listed[0][1], listed[1][1], config)  # warm-up: loads name tables outside the timing

    def screen(query: Query) -> Hits:
        proxy = make(query.schema, query.names, query.birth_dates, query.countries, query.registration_numbers)
        if index is None:
            pool = listed
        else:
            ids = {m.entity_id for m in index.screen(query, threshold=0.0, limit=30)}
            pool = [(entity_id, by_id[entity_id]) for entity_id in ids]
        scored = [(entity_id, LogicV2.compare(proxy, entity, config).score) for entity_id, entity in pool]
        return sorted(scored, key=lambda hit: -hit[1])[:5]

    return screen


def _best(outcomes: Sequence[Outcome]) -> Metrics:
    return max((metrics(outcomes, step / 100) for step in range(30, 100, 5)), key=lambda m: m.f1)


def _row(name: str, m: Metrics, qps: float) -> str:
    return f"{name:34s} {m.threshold:5.2f} {m.recall_at_1:9.4f} {m.false_positive_rate:7.4f} {m.f1:7.4f} {qps:10.1f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.screening.compare")
    parser.add_argument("--queries", type=int, default=0, help="screen a seeded sample of this many queries (0: all)")
    parser.add_argument("--candidates", choices=("brute", "blocking"), default="brute")
    parser.add_argument("--by-variant", action="store_true", help="failures per variant class for both engines")
    args = parser.parse_args(argv)
    evalset = generate()
    if args.queries:
        evalset = sample(evalset, args.queries)
    print(f"evaluation set: {len(evalset.entities)} list entities, {len(evalset.queries)} queries "
          f"({evalset.positives} true matches); LogicV2 candidates: {args.candidates}")  # fmt: skip
    ours, our_qps = run(evalset, engine_screen(evalset))
    started = time.perf_counter()
    theirs, their_qps = run(evalset, logic_v2_screen(evalset, args.candidates))
    print(f"LogicV2 run took {time.perf_counter() - started:.0f} s")
    print(f"\n{'engine (threshold)':34s} {'T':>5s} {'recall@1':>9s} {'FPR':>7s} {'F1':>7s} {'queries/s':>10s}")
    print(_row("liaison (default threshold)", metrics(ours, DEFAULT_THRESHOLD), our_qps))
    print(_row("liaison (best F1 threshold)", _best(ours), our_qps))
    print(_row("nomenklatura LogicV2 (yente 0.7)", metrics(theirs, YENTE_THRESHOLD), their_qps))
    print(_row("nomenklatura LogicV2 (best F1)", _best(theirs), their_qps))
    print(f"\nspeed ratio liaison / LogicV2: {our_qps / their_qps:.1f}x queries per second")
    if args.by_variant:
        _by_variant(ours, theirs)


def _by_variant(ours: Sequence[Outcome], theirs: Sequence[Outcome]) -> None:
    mine, other = per_variant(ours, DEFAULT_THRESHOLD), per_variant(theirs, YENTE_THRESHOLD)
    print(f"\n{'failures per variant':30s} {'liaison':>9s} {'LogicV2':>9s}")
    for variant in sorted(mine):
        print(
            f"{variant:30s} {mine[variant][0]:4d}/{mine[variant][1]:<4d} {other[variant][0]:4d}/{other[variant][1]:<4d}"
        )


if __name__ == "__main__":
    main()
