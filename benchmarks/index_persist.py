"""The screening index built once by a job and loaded by web processes (issue 7): build+save time, file size and
load time for a synthetic list, and the time a watchlist upload request takes now that the re-screen is a job.

    python -m benchmarks.index_persist [--entities 50000] [--parties 600]

Runs against a fresh SQLite database in a temporary directory (development settings); prints one line each.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time


def _names(n: int) -> list[str]:
    random.seed(7)
    syllables = ["ko", "va", "len", "ro", "man", "sky", "pet", "ren", "dor", "ash", "mir", "sla", "zan", "vich"]
    return [" ".join("".join(random.choice(syllables) for _ in range(3)).title() for _ in range(3)) for _ in range(n)]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entities", type=int, default=50_000)
    parser.add_argument("--parties", type=int, default=600)
    args = parser.parse_args(argv)
    os.environ["LIAISON_VAR_DIR"] = tempfile.mkdtemp(prefix="liaison-bench-index-")
    os.environ["DATABASE_URL"] = f"sqlite:///{os.environ['LIAISON_VAR_DIR']}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "liaison.config.settings.dev"
    import django

    django.setup()
    from django.core.management import call_command

    from liaison.core.actors import Actor
    from liaison.integrity import services
    from liaison.integrity import watchlist_index as wi
    from liaison.registry.models import Organisation

    call_command("migrate", verbosity=0)
    Organisation.objects.bulk_create(
        Organisation(legal_name=f"Bench {i} GmbH", country="DE") for i in range(args.parties)
    )
    rows = [
        json.dumps({"id": f"s-{i}", "schema": "Company", "properties": {"name": [name]}})
        for i, name in enumerate(_names(args.entities))
    ]
    raw = ("\n".join(rows) + "\n").encode()
    started = time.perf_counter()
    result = services.watchlist_import(
        actor=Actor.system("bench"), path_or_bytes=raw, source="bench", filename="l.jsonl"
    )
    request = time.perf_counter() - started
    print(
        f"upload request (parse, store {args.entities} entities, queue the re-screen): {request:.2f} s; "
        f"job {result.run.job_id} {result.run.job.status}, no party screened in the request"
    )
    key = wi.lists_key()
    started = time.perf_counter()
    built = wi.index_build(key)
    build = time.perf_counter() - started
    wi._cached = None
    started = time.perf_counter()
    loaded = wi.current_index()
    load = time.perf_counter() - started
    size = wi.index_path(key).stat().st_size / 1e6
    print(
        f"index of {len(built.index)} entities: build+save (worker) {build:.2f} s, file {size:.1f} MB, "
        f"load in a web process {load:.3f} s (ready={loaded.ready})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
