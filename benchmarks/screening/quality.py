"""Screening quality on the generated evaluation set: ``python -m benchmarks.screening.quality``.

Prints recall at rank 1 (share of true-match queries whose best hit at or above the threshold is the
expected entity), the false-positive rate (share of non-matching queries with any hit at or above the
threshold) and F1, at the default threshold, per variant class, and over a threshold sweep -- the sweep is
what :data:`~liaison.engines.screening.DEFAULT_THRESHOLD` is chosen from.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from benchmarks.screening.evalset import EvalQuery, EvalSet, generate
from liaison.engines.screening import DEFAULT_THRESHOLD, Index, Query

Hits = list[tuple[str, float]]


@dataclass(frozen=True, slots=True)
class Outcome:
    """The ranked hits (entity id, score) one engine returned for one labelled query."""

    query: EvalQuery
    hits: Hits


@dataclass(frozen=True, slots=True)
class Metrics:
    threshold: float
    recall_at_1: float
    false_positive_rate: float
    precision: float
    f1: float
    positives: int
    negatives: int


QUICK_ARGV = ["--queries", "200"]
"""Smaller sizes for ``python -m benchmarks.run --quick`` (a smoke run, not for the docs)."""


def run(evalset: EvalSet, screen: Callable[[Query], Hits]) -> tuple[list[Outcome], float]:
    """Screen every query; returns the outcomes and the queries per second."""
    started = time.perf_counter()
    outcomes = [Outcome(query, screen(query.query)) for query in evalset.queries]
    elapsed = time.perf_counter() - started
    return outcomes, len(outcomes) / elapsed if elapsed else float("inf")


def _top(hits: Hits, threshold: float) -> str | None:
    above = [hit for hit in hits if hit[1] >= threshold]
    return max(above, key=lambda hit: hit[1])[0] if above else None


def metrics(outcomes: Sequence[Outcome], threshold: float) -> Metrics:
    """Recall@1, false-positive rate, precision and F1 at ``threshold``."""
    positives = [o for o in outcomes if o.query.expected is not None]
    negatives = [o for o in outcomes if o.query.expected is None]
    correct = sum(1 for o in positives if _top(o.hits, threshold) == o.query.expected)
    flagged = sum(1 for o in outcomes if _top(o.hits, threshold) is not None)
    false_alarms = sum(1 for o in negatives if _top(o.hits, threshold) is not None)
    recall = correct / len(positives) if positives else 0.0
    precision = correct / flagged if flagged else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    fpr = false_alarms / len(negatives) if negatives else 0.0
    return Metrics(threshold, recall, fpr, precision, f1, len(positives), len(negatives))


def engine_screen(evalset: EvalSet) -> Callable[[Query], Hits]:
    """The liaison engine as a screening function (threshold 0, so that any threshold can be evaluated)."""
    index = Index.build(evalset.entities)

    def screen(query: Query) -> Hits:
        return [(match.entity_id, match.score) for match in index.screen(query, threshold=0.0, limit=5)]

    return screen


def per_variant(outcomes: Sequence[Outcome], threshold: float) -> dict[str, tuple[int, int]]:
    """(failures, total) per variant class: a missed or wrong hit, or a false alarm."""
    table: dict[str, tuple[int, int]] = {}
    for outcome in outcomes:
        top = _top(outcome.hits, threshold)
        failed = top != outcome.query.expected
        fails, total = table.get(outcome.query.variant, (0, 0))
        table[outcome.query.variant] = (fails + failed, total + 1)
    return table


def _report(outcomes: Sequence[Outcome], qps: float, verbose: bool) -> None:
    chosen = metrics(outcomes, DEFAULT_THRESHOLD)
    print(f"queries: {chosen.positives} true matches, {chosen.negatives} non-matches; {qps:.0f} queries/s")
    print(f"threshold {DEFAULT_THRESHOLD}: recall@1 {chosen.recall_at_1:.4f}  FPR {chosen.false_positive_rate:.4f}  "
          f"precision {chosen.precision:.4f}  F1 {chosen.f1:.4f}")  # fmt: skip
    print("\nthreshold sweep:  T     recall@1  FPR     F1")
    for step in range(60, 100, 5):
        m = metrics(outcomes, step / 100)
        print(f"                 {m.threshold:.2f}  {m.recall_at_1:.4f}    {m.false_positive_rate:.4f}  {m.f1:.4f}")
    print("\nper variant (failures/total at the default threshold):")
    for variant, (fails, total) in sorted(per_variant(outcomes, DEFAULT_THRESHOLD).items()):
        print(f"  {variant:28s} {fails:3d}/{total}")
    if verbose:
        for outcome in outcomes:
            if _top(outcome.hits, DEFAULT_THRESHOLD) != outcome.query.expected:
                print("FAIL", outcome.query.variant, outcome.query.expected, outcome.query.query, outcome.hits[:2])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.screening.quality")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--queries", type=int, default=800)
    parser.add_argument("--verbose", action="store_true", help="list every failing query")
    args = parser.parse_args(argv)
    evalset = generate(args.seed, queries=args.queries)
    outcomes, qps = run(evalset, engine_screen(evalset))
    _report(outcomes, qps, args.verbose)


if __name__ == "__main__":
    main()
