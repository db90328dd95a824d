"""`make bench`: every benchmark in turn, then a one-screen summary. Results and commands: docs/benchmarks.md.

    python -m benchmarks.run            # full sizes (100,000 organisations; the screening defaults)
    python -m benchmarks.run --quick    # smaller sizes, for a smoke run
    python -m benchmarks.run --only registry

The screening benchmarks (``benchmarks.screening.quality``, ``.speed``, ``.compare``) are run with their own
defaults when they can be imported; a module that defines ``QUICK_ARGV`` gets those arguments under --quick.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from benchmarks import registry_bench

SCREENING = ["benchmarks.screening.quality", "benchmarks.screening.speed", "benchmarks.screening.compare"]
# Two gunicorn instances, a worker and PostgreSQL behind a round-robin proxy, under a bounded load (issue 7).
PLATFORM = ["benchmarks.scaleout"]


@dataclass
class Outcome:
    name: str
    status: str  # "ok" | "failed" | "skipped"
    seconds: float = 0.0
    note: str = ""


def _call(name: str, main: Callable[[list[str]], Any], argv: list[str]) -> Outcome:
    print(f"\n{'=' * 100}\n## {name} {' '.join(argv)}\n{'=' * 100}", flush=True)
    started = time.perf_counter()
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the others' results
        return Outcome(name, "failed", time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
    took = time.perf_counter() - started
    if code not in (None, 0):
        return Outcome(name, "failed", took, f"exit code {code}")
    return Outcome(name, "ok", took)


def run_registry(quick: bool) -> Outcome:
    outcome = _call("registry", registry_bench.main, ["--quick"] if quick else [])
    notes = []
    for engine in ("sqlite", "postgres"):
        path = registry_bench.OUT_DIR / f"registry-{engine}-latest.json"
        if not path.exists():
            continue
        report = json.loads(path.read_text())
        timed = [r for r in report["results"] if "p95" in r]
        if not timed:
            continue
        worst = max(timed, key=lambda r: r["p95"])
        over = sum(r["p95"] >= report["goal_p95_ms"] for r in timed)
        notes.append(
            f"{engine}: {over}/{len(timed)} cases over {report['goal_p95_ms']:.0f} ms p95, worst "
            f"{worst['p95']:.0f} ms ({worst['surface']}, {worst['viewer']}, {worst['case']})"
        )
    outcome.note = "; ".join(filter(None, [outcome.note, *notes]))
    return outcome


def run_module(module_name: str, quick: bool, family: str = "screening") -> Outcome:
    short = module_name.rsplit(".", 1)[-1]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module_name.startswith(exc.name):
            return Outcome(f"{family} {short}", "skipped", note=f"{module_name} is not there (yet)")
        return Outcome(f"{family} {short}", "failed", note=f"cannot import {exc.name} (make bench installs it)")
    argv = list(getattr(module, "QUICK_ARGV", [])) if quick else []
    return _call(f"{family} {short}", module.main, argv)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run, not for the docs)")
    parser.add_argument("--only", choices=["registry", "screening", "platform"], help="run one family only")
    args = parser.parse_args(argv)

    outcomes: list[Outcome] = []
    if args.only in (None, "registry"):
        outcomes.append(run_registry(args.quick))
    if args.only in (None, "screening"):
        outcomes.extend(run_module(name, args.quick) for name in SCREENING)
    if args.only in (None, "platform"):
        outcomes.extend(run_module(name, args.quick, "platform") for name in PLATFORM)

    print(f"\n{'=' * 100}\nsummary{' (--quick)' if args.quick else ''}")
    for o in outcomes:
        print(f"  {o.name:<20} {o.status:<8} {o.seconds:>7.0f} s  {o.note}")
    print("  details: the tables above; JSON in benchmarks/out/; figures and commands in docs/benchmarks.md")
    return 1 if any(o.status == "failed" for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
