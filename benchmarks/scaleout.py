"""Scale-out, shown: one and two gunicorn instances (and a worker) against one PostgreSQL, behind a round-robin proxy.

    python -m benchmarks.scaleout                       # 1, 8, 32 users × 1 and 2 instances, 20 s each
    python -m benchmarks.scaleout --users 1,8 --seconds 5 --instances 1   # a smoke run

What it does, all on loopback: creates the database `liaison_load` (dropped first), migrates it, loads the demo
data, adds one company representative per virtual user (each representing its own organisation, with an API
token), collects static files, then starts N gunicorn instances with the production settings (2 gthread workers
× 4 threads each), a `liaison worker` when the platform has one, and `benchmarks.rrproxy` in front of them.

Each virtual user logs in through the login form and loops over a mix of what people do: the organisation list
(25 %), search across scripts (20 %), an organisation page (25 %), the REST API list (20 %) and an edit of its own
organisation through the edit form (10 %). The same number of users then calls `/healthz` (a trivial Django view
with one database round trip) on the same servers: the ceiling the mix is compared with.

After every run it checks that nothing was lost or duplicated: every edit the server accepted has exactly one
audit entry and the stored description is the last one accepted; no response was a 5xx.
Results: a Markdown table on standard output (copied into docs/benchmarks.md with the command).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import psycopg

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "load-test-password-" + secrets.token_hex(8)
SEARCHES = ["Kharkiv", "Харків", "Schewtschenko", "drone", "Dnipro", "GmbH", "ТОВ", "optics", "Müller", "Kyiv"]
MIX = [("list", 25), ("search", 20), ("detail", 25), ("api", 20), ("edit", 10)]
BASE_PORT = 8101
PROXY_PORT = 8100
EDIT_NUMBERS = itertools.count(1)
RUN_TOKEN = secrets.token_hex(4)
QUICK_ARGV = ["--users", "1,8", "--instances", "1,2", "--seconds", "5"]


class FormParser(HTMLParser):
    """The fields of the largest <form method=post> on a page (not the language switcher in the header), as a
    browser would submit them unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._select: tuple[str, bool] | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._in_form = True
            self.forms.append([])
        if not self._in_form or "name" not in a and tag in {"input", "select", "textarea"}:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind not in {"submit", "button", "file", "image", "reset"}:
                self.forms[-1].append((a["name"], a.get("value", "on" if kind in {"checkbox", "radio"} else "")))
        elif tag == "select":
            self._select = (a["name"], "multiple" in a)
        elif tag == "option" and self._select and "selected" in a:
            self.forms[-1].append((self._select[0], a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._in_form:
            self._in_form = False
            self.fields = max(self.forms, key=len)
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.forms[-1].append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[int] = field(default_factory=Counter)
    accepted_edits: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    refused_edits: int = 0
    first_refusal: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, status: int) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[status] += 1


class Client:
    """One virtual user: its own keep-alive connection, session cookie and API token."""

    def __init__(self, port: int, username: str, token: str, org_id: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.username, self.token, self.org_id = username, token, org_id
        self.visible: list[int] = []

    def request(self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def form(self, path: str) -> list[tuple[str, str]]:
        status, page = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        parser = FormParser()
        parser.feed(page.decode())
        return parser.fields

    def login(self) -> None:
        fields = dict(self.form("/accounts/login/"))
        fields.update(username=self.username, password=PASSWORD)
        status, _ = self.request("POST", "/accounts/login/", urlencode(fields))
        if status != 302:
            raise RuntimeError(f"login of {self.username} answered {status}")
        status, body = self.request("GET", "/api/organisations/?limit=200", headers=self._api_headers())
        self.visible = [row["id"] for row in json.loads(body)["results"]] if status == 200 else [self.org_id]

    def _api_headers(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.token}", "Accept": "application/json"}

    def step(self, kind: str, rng: random.Random, stats: Stats) -> None:
        started = time.perf_counter()
        if kind == "list":
            status, _ = self.request("GET", f"/registry/organisations/?page={rng.randint(1, 3)}")
        elif kind == "search":
            status, _ = self.request("GET", "/registry/organisations/?" + urlencode({"q": rng.choice(SEARCHES)}))
        elif kind == "detail":
            status, _ = self.request("GET", f"/registry/organisations/{rng.choice(self.visible)}/")
        elif kind == "api":
            path = f"/api/organisations/?limit=20&offset={rng.randint(0, 100)}"
            status, _ = self.request("GET", path, headers=self._api_headers())
        else:
            status = self._edit(rng, stats)
        stats.record(kind, time.perf_counter() - started, status)

    def _edit(self, rng: random.Random, stats: Stats) -> int:
        path = f"/registry/organisations/{self.org_id}/edit/"
        fields = [(k, v) for k, v in self.form(path) if k != "description_en"]
        # Unique across runs: a text equal to the stored one is no change, and rightly writes no audit entry.
        text = f"Load test edit by {self.username} #{next(EDIT_NUMBERS)} ({RUN_TOKEN})"
        status, page = self.request("POST", path, urlencode([*fields, ("description_en", text)]))
        with stats.lock:
            if status == 302:
                stats.accepted_edits[self.org_id].append(text)
            else:
                stats.refused_edits += 1
                stats.first_refusal = stats.first_refusal or _error_text(status, page)
        return status


def _error_text(status: int, page: bytes) -> str:
    """What the server said when it refused an edit: the status and the form's error messages."""
    html = page.decode(errors="replace")
    pattern = r'<(?:ul|div) class="[^"]*(?:errorlist|form-problems)[^"]*"[^>]*>(.*?)</(?:ul|div)>'
    blocks = re.findall(pattern, html, re.S)
    errors = [re.sub(r"<[^>]+>", " ", block).split() for block in blocks]
    return f"HTTP {status}: " + "; ".join(" ".join(words) for words in errors if words)[:300]


def _percentile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def run_load(clients: list[Client], seconds: float, ceiling: bool, seed: int) -> tuple[Stats, float]:
    stats = Stats()
    kinds, weights = zip(*MIX, strict=True)
    deadline = time.perf_counter() + seconds
    errors: list[BaseException] = []

    def user(client: Client, index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        try:
            while time.perf_counter() < deadline:
                if ceiling:
                    started = time.perf_counter()
                    status, _ = client.request("GET", "/healthz")
                    stats.record("healthz", time.perf_counter() - started, status)
                else:
                    client.step(rng.choices(kinds, weights)[0], rng, stats)
        except BaseException as exc:  # noqa: BLE001 - reported after the run, never swallowed
            errors.append(exc)

    threads = [threading.Thread(target=user, args=(c, i)) for i, c in enumerate(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} virtual users failed; first: {errors[0]!r}")
    return stats, time.perf_counter() - started


class Platform:
    """The servers of one configuration; stopped together."""

    def __init__(self, env: dict[str, str], instances: int) -> None:
        self.env, self.instances, self.procs = env, instances, []

    def __enter__(self) -> Platform:
        for i in range(self.instances):
            self._start([str(BIN / "gunicorn"), "liaison.config.wsgi:application", "--bind",
                         f"127.0.0.1:{BASE_PORT + i}", "--workers", "2", "--threads", "4",
                         "--worker-class", "gthread", "--keep-alive", "30"])  # fmt: skip
        if _has_worker(self.env):
            self._start([str(BIN / "liaison"), "worker"])
        backends = [arg for i in range(self.instances) for arg in ("--backend", f"127.0.0.1:{BASE_PORT + i}")]
        self._start([sys.executable, "-m", "benchmarks.rrproxy", "--listen", f"127.0.0.1:{PROXY_PORT}", *backends])
        for port in [*(BASE_PORT + i for i in range(self.instances)), PROXY_PORT]:
            _wait_ready(port)
        return self

    def _start(self, argv: list[str]) -> None:
        self.procs.append(subprocess.Popen(argv, env=self.env, cwd=ROOT, start_new_session=True))

    def __exit__(self, *exc: object) -> None:
        for proc in self.procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def _has_worker(env: dict[str, str]) -> bool:
    out = subprocess.run([str(BIN / "liaison"), "--help"], env=env, capture_output=True, text=True, check=False)
    return any(line.split()[:1] == ["worker"] for line in out.stdout.splitlines())


def _wait_ready(port: int) -> None:
    for _ in range(600):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"nothing answered on port {port}")


def _liaison(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([str(BIN / "liaison"), *args], env=env, cwd=ROOT, input=stdin, capture_output=True,
                          text=True, check=False)  # fmt: skip
    if done.returncode:
        raise RuntimeError(f"liaison {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


SETUP_USERS = """
import json, sys
from django.utils import timezone
from liaison.accounts.services import api_token_create, user_create
from liaison.core.actors import Actor
from liaison.registry.models import Organisation
from liaison.registry.services import memberships_add
actor = Actor.system("scale-out benchmark")
count, password = int(sys.argv[1]), sys.argv[2]
orgs = list(Organisation.objects.order_by("pk").values_list("pk", flat=True)[:count])
users = []
for i, org in enumerate(orgs):
    user = user_create(actor=actor, username=f"load{i:02d}", email=f"load{i:02d}@example.org", password=password,
                       roles=["company_representative"], check_password=False)
    memberships_add(actor=actor, user=user, organisation_ids=[org])
    # As the user themself, right after setting the password: the proof a token needs (issue 6).
    _, key = api_token_create(actor=Actor.for_user(user), user=user, name="load test", proved_at=timezone.now())
    users.append({"username": user.username, "token": key, "org_id": org})
print(json.dumps(users))
"""


def prepare(db_url: str, env: dict[str, str], users: int) -> list[dict[str, object]]:
    admin = db_url.rsplit("/", 1)[0] + "/postgres"
    name = db_url.rsplit("/", 1)[1]
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    dev = {**env, "DJANGO_SETTINGS_MODULE": "liaison.config.settings.dev", "LIAISON_DEMO_PASSWORD": PASSWORD}
    _liaison(dev, "migrate", "--noinput", "-v", "0")
    _liaison(dev, "demo", "-v", "0")
    _liaison(env, "collectstatic", "--noinput", "-v", "0")
    script = Path(env["LIAISON_VAR_DIR"]) / "setup_users.py"
    script.write_text(SETUP_USERS)
    out = _liaison(dev, "shell", "-c", f"import sys; sys.argv = ['x', '{users}', '{PASSWORD}']; "
                                       f"exec(open({str(script)!r}).read())")  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def audit_count(db_url: str) -> int:
    """Audit entries for organisation edits made by the load users."""
    with psycopg.connect(db_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM core_auditentry a JOIN accounts_user u ON u.id = a.actor_id "
            "WHERE u.username LIKE 'load%%' AND a.action = 'organisation.updated'"
        ).fetchone()
    return int(row[0]) if row else 0


def check_nothing_lost(db_url: str, stats: Stats, audit_before: int) -> str:
    """Every accepted edit has exactly one audit entry; each organisation keeps the last accepted description."""
    accepted = sum(len(texts) for texts in stats.accepted_edits.values())
    audit = audit_count(db_url) - audit_before
    with psycopg.connect(db_url) as conn:
        wrong = 0
        for org_id, texts in stats.accepted_edits.items():
            stored = conn.execute("SELECT description_en FROM registry_organisation WHERE id = %s", [org_id]).fetchone()
            wrong += stored is None or stored[0] != texts[-1]
    server_errors = sum(n for status, n in stats.statuses.items() if status >= 500)
    verdict = "ok" if audit == accepted and not wrong and not server_errors else "MISMATCH"
    return (f"{verdict}: {accepted} edits accepted, {audit} audit entries, {stats.refused_edits} refused, "
            f"{wrong} organisations not holding their last accepted edit, {server_errors} server errors"
            + (f"; first refusal: {stats.first_refusal}" if stats.first_refusal else ""))  # fmt: skip


def row(label: str, stats: Stats, elapsed: float) -> str:
    everything = [v for values in stats.latencies.values() for v in values]
    ms = [1000 * _percentile(everything, q) for q in (50, 95, 99)]
    return f"| {label} | {len(everything) / elapsed:.1f} | {ms[0]:.0f} | {ms[1]:.0f} | {ms[2]:.0f} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="1,8,32")
    parser.add_argument("--instances", default="1,2")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/liaison_load")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    user_counts = [int(n) for n in args.users.split(",")]
    var = Path(tempfile.mkdtemp(prefix="liaison-load-"))
    env = {
        **os.environ,
        "DATABASE_URL": args.db,
        "DJANGO_SETTINGS_MODULE": "liaison.config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "AUDIT_HMAC_KEY": secrets.token_urlsafe(48),
        "AUDIT_ANCHOR_PATH": str(var / "audit-anchors.jsonl"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "LIAISON_VAR_DIR": str(var),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3"),
        "PYTHONPATH": str(ROOT / "src"),
    }
    try:
        print(f"preparing {args.db} (migrate, demo, {max(user_counts)} load users) …", flush=True)
        accounts = prepare(args.db, env, max(user_counts))
        lines = ["| configuration | requests/s | p50 ms | p95 ms | p99 ms |", "|---|---:|---:|---:|---:|"]
        checks = []
        for instances in [int(n) for n in args.instances.split(",")]:
            with Platform(env, instances):
                for users in user_counts:
                    for ceiling in (False, True):
                        clients = [Client(PROXY_PORT, str(a["username"]), str(a["token"]), int(a["org_id"]))
                                   for a in accounts[:users]]  # fmt: skip
                        for client in clients:
                            client.login()
                        before = audit_count(args.db)
                        stats, elapsed = run_load(clients, args.seconds, ceiling, args.seed)
                        label = f"{instances} instance{'s' * (instances > 1)}, {users} users, " + (
                            "trivial view (ceiling)" if ceiling else "mix"
                        )
                        lines.append(row(label, stats, elapsed))
                        print(lines[-1], flush=True)
                        if not ceiling:
                            checks.append(f"{label}: {check_nothing_lost(args.db, stats, before)}")
        print("\n".join(["", *lines, "", *checks]))
        return 0 if all(": ok:" in c for c in checks) else 1
    finally:
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
