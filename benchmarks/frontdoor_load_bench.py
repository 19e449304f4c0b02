"""Front-door load benchmark on PostgreSQL: p50/p95 of the MASH queue, person search and contact
submission under a bounded load of 20 users from a second process (locust) on loopback.

    python benchmarks/frontdoor_load_bench.py [--people-scale 4] [--contacts-scale 70] [--seconds 60]

Builds (or reuses, with --reuse) a PostgreSQL database ``safehub_bench`` from the demo generator,
serves it with gunicorn (2 workers, 4 threads each) and writes benchmarks/results/frontdoor_load.json.
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


def build(db: str, people_scale: float, contacts_scale: float, reuse: bool) -> dict:
    exists = _psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"
    env = _env(db)
    if exists and reuse:
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_load(db: str, seconds: int, users: int) -> dict:
    port = _free_port()
    env = _env(db)
    server = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "safehub.config.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--threads",
            "4",
            "--log-level",
            "warning",
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
        import tempfile

        prefix = Path(tempfile.mkdtemp(prefix="safehub-locust-")) / "frontdoor_load"
        started = time.perf_counter()
        load = subprocess.Popen(
            [
                str(Path(PY).parent / "locust"),
                "-f",
                str(ROOT / "benchmarks" / "locust_frontdoor.py"),
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
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        memory = []  # (seconds, MB) of the server and its workers, to show whether memory stays flat
        while load.poll() is None:
            memory.append((round(time.perf_counter() - started), _tree_rss_mb(server.pid)))
            time.sleep(min(10, max(1, seconds // 30)))
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    stats = {}
    with open(f"{prefix}_stats.csv") as fh:
        for row in csv.DictReader(fh):
            stats[row["Name"]] = row
    return {"stats": stats, "seconds": elapsed, "memory": memory}


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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people-scale", type=float, default=4.0)
    parser.add_argument("--contacts-scale", type=float, default=70.0)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--db", default="safehub_bench")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = build(args.db, args.people_scale, args.contacts_scale, args.reuse)
    load = run_load(args.db, args.seconds, args.users)
    s = load["stats"]
    baseline = f"{data['people']:,} people, {data['contacts']:,} contacts on PostgreSQL; {args.users} users"
    results = []
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
                {
                    "metric": f"{metric}_{key}_ms",
                    "value": float(row[pct]),
                    "unit": "ms",
                    "target": 150 if key == "p95" and metric != "contact_submission" else None,
                    "better": "lower",
                    "baseline": baseline,
                    "baseline_value": None,
                }
            )
        results.append(
            {
                "metric": f"{metric}_failures",
                "value": int(row["Failure Count"]),
                "unit": "requests",
                "target": 0,
                "better": "lower",
                "baseline": baseline,
                "baseline_value": None,
            }
        )
    contacts = s.get("contact submission")
    if contacts:
        results.append(
            {
                "metric": "contacts_submitted_per_second",
                "value": round(float(contacts["Requests/s"]), 1),
                "unit": "contacts/s",
                "target": 100,
                "better": "higher",
                "baseline": baseline,
                "baseline_value": None,
            }
        )
    memory = load["memory"]
    if len(memory) >= 4:
        settled = memory[len(memory) // 4][1]  # after warm-up
        results.append(
            {
                "metric": "server_memory_growth_after_warmup_pct",
                "value": round(100 * (memory[-1][1] - settled) / settled, 1),
                "unit": "%",
                "target": 10,
                "better": "lower",
                "baseline": f"{settled} MB after warm-up, {memory[-1][1]} MB at the end of {args.seconds} s",
                "baseline_value": settled,
            }
        )
    if data["seed_seconds"]:
        results.append(
            {
                "metric": "seed_seconds",
                "value": data["seed_seconds"],
                "unit": "s",
                "target": None,
                "better": "lower",
                "baseline": baseline,
                "baseline_value": None,
            }
        )
    name = "frontdoor_soak.json" if args.seconds >= 600 else "frontdoor_load.json"
    (RESULTS / name).write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
