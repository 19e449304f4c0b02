"""Backup and restore drill at region scale: time to back up and to restore (with verification).

    python benchmarks/restore_drill_bench.py [--db safehub_bench]

Runs ``safehub backup`` and ``safehub restore`` against the PostgreSQL database built by
frontdoor_load_bench.py (about 1M people and 3M contacts), restoring into a scratch copy so the
source is never touched, and writes benchmarks/results/restore_drill.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def _env(db: str) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
            "SAFEHUB_DEMO": "1",
            "DJANGO_SETTINGS_MODULE": "safehub.config.settings",
        }
    )
    return env


def _psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", sql], check=True, capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="safehub_bench")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="safehub-drill-"))
    dump = work / "region.dump"
    started = time.perf_counter()
    made = subprocess.run(
        [sys.executable, "-m", "safehub", "backup", str(dump)],
        env=_env(args.db),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    backup_seconds = time.perf_counter() - started
    if made.returncode:
        print(made.stderr, file=sys.stderr)
        return 1
    rows = sum(json.loads(Path(f"{dump}.manifest.json").read_text())["tables"].values())
    scratch = f"{args.db}_restore"
    _psql(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    _psql(f'CREATE DATABASE "{scratch}"')
    started = time.perf_counter()
    restored = subprocess.run(
        [sys.executable, "-m", "safehub", "restore", str(dump)],
        env=_env(scratch),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    restore_seconds = time.perf_counter() - started
    _psql(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    ok = restored.returncode == 0 and "audit checksum matches" in restored.stdout
    baseline = f"{rows:,} rows in {args.db} (PostgreSQL, custom-format dump {dump.stat().st_size / 1e6:.0f} MB)"
    results = [
        {
            "metric": "backup_seconds",
            "value": round(backup_seconds, 1),
            "unit": "s",
            "target": None,
            "better": "lower",
            "baseline": baseline,
            "baseline_value": None,
        },
        {
            "metric": "restore_and_verify_seconds",
            "value": round(restore_seconds, 1),
            "unit": "s",
            "target": None,
            "better": "lower",
            "baseline": baseline,
            "baseline_value": None,
        },
        {
            "metric": "restore_verified",
            "value": int(ok),
            "unit": "bool",
            "target": 1,
            "better": "higher",
            "baseline": "row counts per table and SHA-256 of the audit trail",
            "baseline_value": None,
        },
        {
            "metric": "rows",
            "value": rows,
            "unit": "rows",
            "target": None,
            "better": "higher",
            "baseline": baseline,
            "baseline_value": None,
        },
    ]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "restore_drill.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    if not ok:
        print(restored.stdout + restored.stderr, file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
