"""Front-door load benchmark on PostgreSQL: p50/p95 of the MASH queue, person search and contact
submission under a bounded load of 20 users from a second process (locust) on loopback, then the
contact-submission capacity (20 users submitting back to back).

    python benchmarks/frontdoor_load_bench.py [--people-scale 4] [--contacts-scale 70] [--seconds 60]
        [--capacity-seconds 60] [--reuse] [--workers 2 --threads 4]

Builds (or reuses, with --reuse) a PostgreSQL database ``safehub_bench`` from the demo generator,
serves it with gunicorn and writes benchmarks/results/frontdoor_load.json (frontdoor_soak.json when
--seconds is 600 or more: the 30-minute soak is --seconds 1800 --capacity-seconds 0).
The defaults are the region scale of the issue: about 1M people and 3M contacts.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
PY = sys.executable


def _env(db: str) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
            "SAFEHUB_DEMO": "1",
            "DJANGO_SETTINGS_MODULE": "safehub.config.settings",
            "SAFEHUB_LOG_LEVEL": "WARNING",
            "SAFEHUB_BULK_READ_ALERT_OFF": "1",
        }
    )
    return env


def _psql(sql: str) -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", sql], capture_output=True, text=True, check=True
    ).stdout.strip()


LOAD_SUMMARY = "Load test:"  # the start of every contact the load submits (locust_frontdoor.py)


def forget_load_contacts(db: str) -> int:
    """Delete the contacts earlier runs submitted, so every run starts from the seeded queue.

    Each run adds thousands of new contacts (the capacity run alone about 10,000), all still
    waiting for a decision; left in place they would make each run's queue longer than the last.
    """
    code = (
        "from safehub.frontdoor.models import Contact; "
        f"print(Contact.objects.filter(summary__startswith={LOAD_SUMMARY!r}).delete()[0])"
    )
    out = subprocess.run(
        [PY, "-m", "safehub", "shell", "-c", code], env=_env(db), capture_output=True, text=True, check=True
    ).stdout
    # The deleted rows stay in the table as dead rows until vacuumed (89,000 after a soak), and the
    # queue's scan would step over them.
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-c", "VACUUM ANALYZE frontdoor_contact"],
        check=True,
        capture_output=True,
    )
    return int(out.strip().splitlines()[-1])


def build(db: str, people_scale: float, contacts_scale: float, reuse: bool) -> dict:
    exists = _psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"
    env = _env(db)
    if exists and reuse:
        forget_load_contacts(db)
        counts = subprocess.run(
            [
                PY,
                "-m",
                "safehub",
                "shell",
                "-c",
                "from safehub.people.models import Person; from safehub.frontdoor.models import "
                "Contact; print(Person.objects.count(), Contact.objects.count())",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()[-2:]
        return {"people": int(counts[0]), "contacts": int(counts[1]), "seed_seconds": None}
    if exists:
        _psql(f'DROP DATABASE "{db}" WITH (FORCE)')
    _psql(f'CREATE DATABASE "{db}"')
    subprocess.run([PY, "-m", "safehub", "migrate", "--noinput", "-v0"], env=env, check=True)
    started = time.perf_counter()
    subprocess.run(
        [
            PY,
            "-m",
            "safehub",
            "seed_demo",
            "--scale",
            str(people_scale),
            "--contacts-scale",
            str(contacts_scale),
            "--only",
            "agencies",
            "people",
            "frontdoor",
        ],
        env=env,
        check=True,
    )
    seconds = time.perf_counter() - started
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-c", "ANALYZE"], check=True, capture_output=True
    )
    counts = subprocess.run(
        [
            PY,
            "-m",
            "safehub",
            "shell",
            "-c",
            "from safehub.people.models import Person; from safehub.frontdoor.models import Contact; "
            "print(Person.objects.count(), Contact.objects.count())",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[-2:]
    return {"people": int(counts[0]), "contacts": int(counts[1]), "seed_seconds": round(seconds, 1)}


def signed_in_sessions(db: str, count: int) -> list[str]:
    """Sessions for the load's users, made directly (the sign-in form's password hashing is slow by design)."""
    code = (
        "from django.contrib.auth import get_user_model; from django.test import Client; "
        "u = get_user_model().objects.get(username='demo.mash'); keys = []\n"
        f"for _ in range({count}):\n"
        "    c = Client(); c.force_login(u); keys.append(c.cookies['sessionid'].value)\n"
        "print(','.join(keys))"
    )
    out = subprocess.run(
        [PY, "-m", "safehub", "shell", "-c", code], env=_env(db), capture_output=True, text=True, check=True
    ).stdout
    return out.strip().splitlines()[-1].split(",")


def warm_up(port: int, sessions: list[str], workers: int) -> None:
    """Send each worker some queue pages and searches before the measured run.

    A new worker's first requests read the database's pages from disk and prepare its caches (one
    took 2.4 s); users meet that once after a restart, not in every minute of work, so it is kept
    out of the figures.
    """
    import http.cookies
    import urllib.parse
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    base = f"http://127.0.0.1:{port}"

    def fetch(path: str, cookie: str, expect: bytes, data: dict | None = None, headers: dict | None = None):
        request = urllib.request.Request(  # noqa: S310 - a loopback http URL built here
            f"{base}{path}",
            data=urllib.parse.urlencode(data).encode() if data else None,
            headers={"Cookie": cookie, **(headers or {})},
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - the same URL
            body = response.read()
            if expect not in body:  # e.g. a sign-in page: the session was not sent
                raise RuntimeError(f"warm-up: {path} did not show {expect!r}")
            return response

    def one_user(session: str) -> None:
        page = fetch("/people/", f"sessionid={session}", b"Find a person")
        csrf = http.cookies.SimpleCookie(page.headers.get("Set-Cookie", ""))["csrftoken"].value
        cookie = f"sessionid={session}; csrftoken={csrf}"
        for name in ("Smith", "Khan", "Jones", "Taylor", "Patel"):
            fetch("/front-door/", cookie, b"MASH queue")
            fetch(
                "/people/",
                cookie,
                b"result",
                data={"csrfmiddlewaretoken": csrf, "query": name},
                headers={"X-CSRFToken": csrf, "HX-Request": "true"},
            )

    with ThreadPoolExecutor(max_workers=workers * 2) as pool:
        list(pool.map(one_user, sessions[: workers * 2]))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_load(db: str, seconds: int, users: int, user_class: str, workers: int, threads: int) -> dict:
    import tempfile

    port = _free_port()
    env = _env(db)
    access_log = Path(tempfile.mkdtemp(prefix="safehub-gunicorn-")) / "access.log"
    server = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "safehub.config.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "--preload",
            # Longer than the users' pacing, so an idle keep-alive connection is not closed just as
            # the next request is sent (the suspected cause of 4 no-response failures in the soak).
            "--keep-alive",
            "5",
            "--log-level",
            "warning",
            # Time spent in the server per request (ms), to tell it apart from time on the client side.
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(m)s %(U)s %(s)s %(M)s",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        sessions = signed_in_sessions(db, users)
        warm_up(port, sessions, workers)
        prefix = Path(tempfile.mkdtemp(prefix="safehub-locust-")) / user_class
        started = time.perf_counter()
        load = subprocess.Popen(
            [
                str(Path(PY).parent / "locust"),
                "-f",
                str(ROOT / "benchmarks" / "locust_frontdoor.py"),
                user_class,
                "--headless",
                "-u",
                str(users),
                "-r",
                str(users),
                "-t",
                f"{seconds}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(prefix),
                "--only-summary",
            ],
            env={
                **os.environ,
                "PYTHONWARNINGS": "ignore",
                "SAFEHUB_LOAD_SESSIONS": ",".join(sessions),
            },
        )
        memory = []  # (seconds, MB) of the server and its workers, to show whether memory stays flat
        while load.poll() is None:
            memory.append((round(time.perf_counter() - started), _tree_rss_mb(server.pid)))
            time.sleep(min(10, max(1, seconds // 30)))
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    stats = {}
    with open(f"{prefix}_stats.csv") as fh:
        for row in csv.DictReader(fh):
            stats[row["Name"]] = row
    return {"stats": stats, "seconds": elapsed, "memory": memory, "server_ms": _server_times(access_log)}


_SERVER_NAMES = {
    ("GET", "/front-door/"): "MASH queue",
    ("POST", "/people/"): "person search",
    ("POST", "/front-door/contacts/new/"): "contact submission",
}


def _server_times(access_log: Path) -> dict[str, list[int]]:
    """Milliseconds in gunicorn per request, by the names locust reports them under."""
    times: dict[str, list[int]] = {}
    if not access_log.exists():
        return times
    for line in access_log.read_text().splitlines():
        parts = line.split()
        if len(parts) != 4:
            continue
        method, path, _status, ms = parts
        name = _SERVER_NAMES.get((method, path))
        if name:
            times.setdefault(name, []).append(int(ms))
    return times


def _percentile(values: list[int], pct: float) -> float:
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))])


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (gunicorn master and workers), in MB."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1)


def _metric(metric, value, unit, target, better, baseline, baseline_value=None) -> dict:
    return {
        "metric": metric,
        "value": value,
        "unit": unit,
        "target": target,
        "better": better,
        "baseline": baseline,
        "baseline_value": baseline_value,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people-scale", type=float, default=4.0)
    parser.add_argument("--contacts-scale", type=float, default=70.0)
    parser.add_argument("--seconds", type=int, default=60, help="length of the mixed-work run")
    parser.add_argument("--capacity-seconds", type=int, default=60, help="length of the submission run (0: skip)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--db", default="safehub_bench")
    parser.add_argument("--out", default="", help="results file name (default: frontdoor_load.json or _soak.json)")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = build(args.db, args.people_scale, args.contacts_scale, args.reuse)
    scale = f"{data['people']:,} people, {data['contacts']:,} contacts on PostgreSQL"
    server = f"gunicorn {args.workers} workers x {args.threads} threads"
    results = []
    mixed = run_load(args.db, args.seconds, args.users, "FrontDoorPractitioner", args.workers, args.threads)
    s = mixed["stats"]
    baseline = f"{scale}; {args.users} users, mixed work paced at 1 request/s each, {args.seconds} s; {server}"
    for name, metric in (
        ("MASH queue", "mash_queue"),
        ("person search", "person_search"),
        ("contact submission", "contact_submission"),
    ):
        row = s.get(name)
        if not row:
            continue
        for pct, key in (("50%", "p50"), ("95%", "p95")):
            results.append(
                _metric(f"{metric}_{key}_ms", float(row[pct]), "ms", 150 if key == "p95" else None, "lower", baseline)
            )
        results.append(_metric(f"{metric}_failures", int(row["Failure Count"]), "requests", 0, "lower", baseline))
        server_ms = mixed["server_ms"].get(name)
        if server_ms:
            for pct in (50, 95):
                results.append(
                    _metric(
                        f"{metric}_server_p{pct}_ms",
                        _percentile(server_ms, pct),
                        "ms",
                        None,
                        "lower",
                        f"{baseline}; time inside gunicorn (access log), without the client side",
                    )
                )
    total = s.get("Aggregated")
    if total:
        results.append(
            _metric(
                "mixed_requests_per_second", round(float(total["Requests/s"]), 1), "req/s", None, "higher", baseline
            )
        )
    memory = mixed["memory"]
    if len(memory) >= 4:
        settled = memory[len(memory) // 4][1]  # after warm-up
        results.append(
            _metric(
                "server_memory_growth_after_warmup_pct",
                round(100 * (memory[-1][1] - settled) / settled, 1),
                "%",
                10,
                "lower",
                f"{settled} MB after warm-up, {memory[-1][1]} MB at the end of {args.seconds} s",
                settled,
            )
        )
    if args.capacity_seconds:
        forget_load_contacts(args.db)  # the capacity run starts from the same queue as the mixed run
        capacity = run_load(args.db, args.capacity_seconds, args.users, "ContactSubmitter", args.workers, args.threads)
        row = capacity["stats"].get("contact submission")
        if row:
            cbase = f"{scale}; {args.users} users submitting back to back, {args.capacity_seconds} s; {server}"
            results.append(
                _metric(
                    "contacts_submitted_per_second",
                    round(float(row["Requests/s"]), 1),
                    "contacts/s",
                    100,
                    "higher",
                    cbase,
                )
            )
            for pct, key in (("50%", "p50"), ("95%", "p95")):
                results.append(_metric(f"contact_capacity_{key}_ms", float(row[pct]), "ms", None, "lower", cbase))
            results.append(
                _metric("contact_capacity_failures", int(row["Failure Count"]), "requests", 0, "lower", cbase)
            )
    if data["seed_seconds"]:
        results.append(_metric("seed_seconds", data["seed_seconds"], "s", None, "lower", scale))
    name = args.out or ("frontdoor_soak.json" if args.seconds >= 600 else "frontdoor_load.json")
    (RESULTS / name).write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
