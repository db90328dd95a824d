"""Registry read latency with 100,000 organisations, on SQLite and PostgreSQL.

    python -m benchmarks.registry_bench                  # both databases, 100,000 rows, 200 runs per case
    python -m benchmarks.registry_bench --db postgres --quick
    python -m benchmarks.registry_bench --db sqlite --keep   # keep the database; then --reuse skips loading

Each database engine runs in its own process (Django is configured once per process). For every case the
benchmark measures three surfaces, as a company representative and as a liaison officer (scoping changes the
queries): the selectors (``organisation_search`` for page 1 of 50 rows plus
``organisation_list(...).count()``), the web list view and the REST API, both through Django's test
Client with a logged-in session. A surface that does not answer 200 (not built yet) is reported as skipped.
Results go to ``benchmarks/out/``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

OUT_DIR = Path(__file__).resolve().parent / "out"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_NAME = os.environ.get("BENCH_PG_NAME", "liaison_bench")
SQLITE_PATH = Path(tempfile.gettempdir()) / "liaison-bench.sqlite3"
GOAL_MS = 100.0

CASES: list[tuple[str, dict[str, str]]] = [
    ("list page 1", {}),
    ("country=UA", {"country": "UA"}),
    ("field=drones (+children)", {"technology_field": "drones"}),
    ("role=series_production", {"role": "series_production"}),
    ("certification=AQAP 2110", {"certification": "AQAP 2110"}),
    ("q=Kharkiv", {"q": "Kharkiv"}),
    ("q=Schewtschenko", {"q": "Schewtschenko"}),
    ("q=Müller", {"q": "Müller"}),
    ("q=Ukrob (prefix)", {"q": "Ukrob"}),
    ("q=Zyxwq (no hit)", {"q": "Zyxwq"}),
]
VIEWERS = ["company_representative", "liaison_officer"]
SURFACES = ["selector", "ui", "api"]


# --- database lifecycle -------------------------------------------------------------------------------


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(sql)


def database_url(engine: str) -> str:
    if engine == "sqlite":
        return f"sqlite:///{SQLITE_PATH}"
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{PG_NAME}"


def create_database(engine: str) -> None:
    if engine == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    else:
        drop_database(engine)
        _pg_admin(f'CREATE DATABASE "{PG_NAME}"')


def drop_database(engine: str) -> None:
    if engine == "sqlite":
        SQLITE_PATH.unlink(missing_ok=True)
    else:
        _pg_admin(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')


def setup_django(engine: str) -> None:
    os.environ["DATABASE_URL"] = database_url(engine)
    os.environ["DJANGO_SETTINGS_MODULE"] = "liaison.config.settings.bench"
    import django

    django.setup()


# --- fixtures: the two viewers --------------------------------------------------------------------------


def make_viewers() -> dict[str, Any]:
    """A company representative of one (German, profile-sharing) organisation and a liaison officer with a
    confirmed TOTP device, created through the accounts service like real users."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from liaison.accounts import services
    from liaison.accounts.models import User
    from liaison.core.actors import Actor
    from liaison.registry.models import Organisation
    from liaison.registry.services import memberships_add

    actor = Actor.system("benchmark")
    users = {}
    home = Organisation.objects.filter(country="DE", shared_groups=["profile"]).order_by("pk").first()
    for role in VIEWERS:
        user = User.objects.filter(username=f"bench_{role}").first()
        if user is None:
            user = services.user_create(
                actor=actor,
                username=f"bench_{role}",
                email=f"{role}@bench.example",
                password="-",  # noqa: S106 (unusable: force_login only)
                roles=[role],
                check_password=False,
            )
            if role == "company_representative":  # memberships are the registry's since Membership moved there
                memberships_add(actor=actor, user=user, organisation_ids=[home.pk])
        users[role] = user
    officer = users["liaison_officer"]
    TOTPDevice.objects.get_or_create(user=officer, name="bench", defaults={"confirmed": True})
    return users


def logged_in_client(user: Any) -> Any:
    """A test Client with a session that has passed the second factor, as tests/conftest.py does."""
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    if user.is_staff_role:
        session = client.session
        session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
        session.save()
    return client


# --- measurement ------------------------------------------------------------------------------------------


def selector_call(user_pk: int, params: dict[str, str]) -> Callable[[], int]:
    """Page 1 (50 rows) through organisation_search plus the total through organisation_list().count().
    The viewer is re-read before each run so its role and membership queries are part of the cost."""
    from liaison.accounts.models import User
    from liaison.registry import selectors

    filters = selectors.OrganisationFilters.from_mapping(params)

    def run() -> int:
        viewer = User.objects.get(pk=user_pk)
        rows = selectors.organisation_search(viewer=viewer, filters=filters, limit=50)
        total = selectors.organisation_list(viewer=viewer, filters=filters).count()
        assert len(rows) <= 50
        return total

    return run


def http_call(client: Any, path: str, params: dict[str, str]) -> Callable[[], int]:
    def run() -> int:
        response = client.get(path, params)
        if response.status_code != 200:
            raise SkipSurfaceError(f"HTTP {response.status_code}")
        return len(response.content)

    return run


class SkipSurfaceError(Exception):
    """The surface does not exist (yet) or refuses this viewer."""


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return {
        "p50": round(cuts[49], 2),
        "p95": round(cuts[94], 2),
        "p99": round(cuts[98], 2),
        "mean": round(statistics.fmean(samples_ms), 2),
        "max": round(max(samples_ms), 2),
    }


def measure(call: Callable[[], int], runs: int, warmup: int = 3) -> dict[str, Any]:
    for _ in range(warmup):
        result = call()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        result = call()
        samples.append((time.perf_counter() - start) * 1000)
    return {**percentiles(samples), "runs": runs, "result": result}


def surface_paths() -> dict[str, str | None]:
    from django.urls import NoReverseMatch, Resolver404, resolve, reverse

    paths: dict[str, str | None] = {"selector": None, "ui": None, "api": None}
    with contextlib.suppress(NoReverseMatch):
        paths["ui"] = reverse("registry:organisation_list")
    try:
        resolve("/api/organisations/")
        paths["api"] = "/api/organisations/"
    except Resolver404:
        pass
    return paths


def run_cases(users: dict[str, Any], runs: int, only: str) -> list[dict[str, Any]]:
    paths = surface_paths()
    clients = {role: logged_in_client(user) for role, user in users.items()}
    results = []
    for surface in SURFACES:
        if surface != "selector" and paths[surface] is None:
            print(f"  {surface}: no URL yet, skipped", flush=True)
            continue
        for role in VIEWERS:
            for name, params in CASES:
                if only and only not in f"{surface} {role} {name}":
                    continue
                if surface == "selector":
                    call = selector_call(users[role].pk, params)
                else:
                    call = http_call(clients[role], str(paths[surface]), params)
                row: dict[str, Any] = {"surface": surface, "viewer": role, "case": name, "params": params}
                try:
                    row.update(measure(call, runs))
                except SkipSurfaceError as exc:
                    row["skipped"] = str(exc)
                results.append(row)
                print("  " + format_row(row), flush=True)
    return results


def explain(users: dict[str, Any], only: str) -> None:
    """Print the query plans of every selector case for the liaison officer (the unscoped, largest case)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    for name, params in CASES:
        if only and only not in name:
            continue
        with CaptureQueriesContext(connection) as captured:
            selector_call(users["liaison_officer"].pk, params)()
        print(f"\n=== {name}")
        for query in captured.captured_queries:
            if "registry_organisation" not in query["sql"]:
                continue
            print(f"--- {query['time']}s  {query['sql'][:300]}")
            with connection.cursor() as cursor:
                cursor.execute(prefix + query["sql"])
                for line in cursor.fetchall():
                    print("   ", " ".join(str(c) for c in line))


# --- output -----------------------------------------------------------------------------------------------


def format_row(row: dict[str, Any]) -> str:
    head = f"{row['surface']:<8} {row['viewer']:<22} {row['case']:<26}"
    if "skipped" in row:
        return f"{head} skipped ({row['skipped']})"
    flag = "" if row["p95"] < GOAL_MS else "  > goal"
    return f"{head} {row['p50']:>8.1f} {row['p95']:>8.1f} {row['p99']:>8.1f}  {row['result']:>8}{flag}"


def print_table(report: dict[str, Any]) -> None:
    print(
        f"\nregistry, {report['engine']}, {report['rows']:,} organisations, {report['runs']} runs per case "
        f"(ms; result = total for selectors, bytes for pages)"
    )
    print(f"{'surface':<8} {'viewer':<22} {'case':<26} {'p50':>8} {'p95':>8} {'p99':>8}  {'result':>8}")
    for row in report["results"]:
        print(format_row(row))


def markdown(report: dict[str, Any]) -> str:
    """The report as a Markdown table for docs/benchmarks.md (``--markdown`` prints the latest runs)."""
    load = ", ".join(f"{x:.1f}" for x in report["loadavg_before"])
    lines = [
        f"{report['engine']}: {report['rows']:,} organisations, {report['runs']} runs per case, "
        f"{report['when']}, commit {report['commit']}, load average before the run {load}",
        "",
        "| surface | viewer | case | p50 ms | p95 ms | p99 ms | result |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for r in report["results"]:
        if "skipped" in r:
            lines.append(f"| {r['surface']} | {r['viewer']} | {r['case']} | – | – | – | {r['skipped']} |")
            continue
        mark = "" if r["p95"] < report["goal_p95_ms"] else " ⚠"
        lines.append(
            f"| {r['surface']} | {r['viewer']} | {r['case']} | {r['p50']:.1f} | "
            f"{r['p95']:.1f}{mark} | {r['p99']:.1f} | {r['result']} |"
        )
    return "\n".join(lines)


def write_json(report: dict[str, Any]) -> Path:
    OUT_DIR.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = OUT_DIR / f"registry-{report['engine']}-{stamp}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    (OUT_DIR / f"registry-{report['engine']}-latest.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return path


def _git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        return ""


# --- one engine, in this process ----------------------------------------------------------------------------


def run_engine(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    if not args.reuse:
        create_database(engine)
    setup_django(engine)
    from django.core.management import call_command
    from django.db import connection

    from benchmarks.registry_data import populate
    from liaison.registry.models import Organisation

    try:
        call_command("migrate", verbosity=0, interactive=False)
        existing = Organisation.objects.count()
        if existing != args.rows:
            if existing:
                raise SystemExit(f"--reuse: the database holds {existing} organisations, not {args.rows}")
            started = time.perf_counter()
            populate(args.rows)
            took = time.perf_counter() - started
            print(f"  loaded {args.rows:,} organisations in {took:.0f} s", flush=True)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        users = make_viewers()
        if args.explain:
            explain(users, args.only)
            return {}
        load_before = os.getloadavg()
        results = run_cases(users, args.runs, args.only)
        report = {
            "benchmark": "registry",
            "engine": engine,
            "database": connection.vendor,
            "rows": args.rows,
            "runs": args.runs,
            "goal_p95_ms": GOAL_MS,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "loadavg_before": load_before,
            "loadavg_after": os.getloadavg(),
            "commit": _git_commit(),
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "results": results,
        }
        print_table(report)
        print(f"\nwritten to {write_json(report)}")
        return report
    finally:
        connection.close()
        if not args.keep:
            drop_database(engine)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="benchmarks.registry_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="10,000 rows, 30 runs per case")
    parser.add_argument("--only", default="", help="run only cases whose 'surface viewer case' contains this")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database (implies --keep)")
    parser.add_argument("--explain", action="store_true", help="print query plans instead of timing")
    parser.add_argument("--markdown", action="store_true", help="print the latest results as Markdown tables")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.runs = 10_000, 30
    if args.reuse:
        args.keep = True
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.markdown:
        for engine in ("sqlite", "postgres") if args.db == "both" else (args.db,):
            path = OUT_DIR / f"registry-{engine}-latest.json"
            if path.exists():
                print(markdown(json.loads(path.read_text())) + "\n")
        return 0
    if args.db != "both":
        run_engine(args.db, args)
        return 0
    # One process per engine: Django's settings (and so the database) are fixed once per process.
    own = ["--rows", str(args.rows), "--runs", str(args.runs), "--only", args.only]
    own += [f"--{flag}" for flag in ("keep", "reuse", "explain") if getattr(args, flag)]
    failures = 0
    for engine in ("sqlite", "postgres"):
        print(f"\n### registry benchmark on {engine}", flush=True)
        done = subprocess.run([sys.executable, "-m", "benchmarks.registry_bench", "--db", engine, *own], check=False)
        failures += done.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
