"""Argument parsing for ``liaison screen``; the project CLI hands its arguments to :func:`main`.

Why here and not in the project CLI: the command must work without Django settings (on an air-gapped
compliance laptop, in CI), so it lives with the engine and imports nothing from Django.
"""

from __future__ import annotations

import argparse
import sys

from liaison.engines.screening.batch import screen_file
from liaison.engines.screening.index import DEFAULT_LIMIT, DEFAULT_THRESHOLD
from liaison.engines.screening.model import WatchlistError

PROG = "liaison screen"


def _unit_interval(value: str) -> float:
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError("must lie between 0 and 1")
    return number


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def build_parser() -> argparse.ArgumentParser:
    """The ``liaison screen`` command line."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Screen names against sanctions and watch lists (FollowTheMoney JSON lines or CSV).",
    )
    parser.add_argument("queries", metavar="QUERIES", help="queries as CSV or FollowTheMoney JSON lines")
    parser.add_argument(
        "--watchlist", action="append", required=True, metavar="FILE",
        help="watchlist file (.jsonl/.json/.ndjson = FollowTheMoney, .csv); repeat for several lists",
    )  # fmt: skip
    parser.add_argument("--out", required=True, metavar="OUT.csv", help="where to write the hits")
    parser.add_argument(
        "--threshold", type=_unit_interval, default=DEFAULT_THRESHOLD, metavar="T",
        help=f"lowest score reported (default {DEFAULT_THRESHOLD})",
    )  # fmt: skip
    parser.add_argument(
        "--limit", type=_positive, default=DEFAULT_LIMIT, metavar="N",
        help=f"most hits per query (default {DEFAULT_LIMIT})",
    )  # fmt: skip
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="show progress bars on stderr",
    )
    return parser


def main(argv: list[str]) -> int:
    """Run ``liaison screen``; returns 0 on success, 2 on bad input (message on stderr)."""
    args = build_parser().parse_args(argv)
    try:
        rows = screen_file(
            args.queries,
            args.watchlist,
            args.out,
            threshold=args.threshold,
            limit=args.limit,
            progress=args.progress,
        )
    except WatchlistError as exc:
        print(f"{PROG}: error: {exc.path}:{exc.line}: {exc.message}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"{PROG}: error: {exc.filename or args.out}:0: {exc.strerror}", file=sys.stderr)
        return 2
    print(f"{rows} hits written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
