"""Benchmark the Annex A import on a million-row List 1 (contacts) file.

Run: ``.venv/bin/python benchmarks/exchange_bench.py [--rows N] [--baseline-rows N] [--postgres URL]``;
writes ``benchmarks/results/exchange.json`` (a list of metric records). Each database is measured
in its own process, against a fresh database: SQLite always; PostgreSQL (the production database,
where rows go in with COPY) when ``--postgres`` or ``BENCH_POSTGRES_URL`` names a scratch database,
which the run creates and drops (its metrics carry a ``_postgresql`` suffix). Measures:

- validate only: every cell of every row parsed and checked (nothing written);
- validate + write: the full import (people, identifiers, contacts, links) in one transaction;
- baselines on smaller samples in the same run: a naive row-by-row parser (strptime and regular
  expressions on every cell, no memoising) and a naive row-by-row ORM import (get-or-create the
  person, ``full_clean()`` and ``save()`` each contact).

Every figure comes from the run itself; nothing is copied in.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
RESULTS = ROOT / "benchmarks" / "results" / "exchange.json"
TARGET_ROWS_PER_S = 20_000

GENDERS = ["a) Male", "b) Female", "Male", "Female", "c) Not stated/recorded", "M", "F"]
ETHNICITIES = ["a) WBRI", "WBRI", "White British", "o) BAFR", "j) AIND", "t) NOBT", "k) APKN", "d) WOTH"]
SOURCES = [
    "q) 6: Police",
    "6",
    "Police",
    "e) 2A: Schools",
    "g) 3A: Health services",
    "a) 1A: Individual",
    "n) 5A: LA services",
    "u) 10: Unknown",
]
HEADER = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Date of Contact",
    "Contact Source",
]


def make_file(folder: Path, rows: int, seed: int = 7) -> Path:
    """A List 1 CSV with the spellings real files use (template labels, bare codes, names, ISO dates)."""
    rng = random.Random(seed)
    children = max(rows // 4, 1)
    start = date(2024, 4, 1)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "List 1.csv"
    dobs = [date(2007, 1, 1) + timedelta(days=rng.randrange(0, 365 * 17)) for _ in range(min(children, 50_000))]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            child = rng.randrange(children)
            dob = dobs[child % len(dobs)]
            contact = start + timedelta(days=rng.randrange(0, 365))
            text = contact.strftime("%d/%m/%Y") if i % 10 else contact.isoformat()
            writer.writerow(
                [
                    f"CH{child:07d}",
                    GENDERS[child % len(GENDERS)],
                    ETHNICITIES[child % len(ETHNICITIES)],
                    dob.strftime("%d/%m/%Y"),
                    max(0, (contact - dob).days // 365),
                    text,
                    rng.choice(SOURCES),
                ]
            )
    return folder


def setup_django(db_path: Path, database_url: str = "") -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "safehub.config.settings"
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{db_path}"
    os.environ.setdefault("SAFEHUB_DEMO", "1")
    os.environ["SAFEHUB_DATA_DIR"] = str(db_path.parent)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def naive_validate(path: Path, limit: int) -> int:
    """Row-by-row validation the obvious way: strptime and regular expressions on every cell."""
    patterns = {
        "gender": [
            (re.compile(r"^(a\)|mal|m$)", re.I), "M"),
            (re.compile(r"^(b\)|fem|f$)", re.I), "F"),
            (re.compile(r"^(c\)|not|u)", re.I), "U"),
        ],
        "source": [
            (re.compile(rf"\b{re.escape(code)}\b", re.I), code)
            for code in ["10", "1A", "2A", "3A", "5A", "6", "police", "schools"]
        ],
    }
    ok = 0
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        for n, row in enumerate(reader):
            if n >= limit:
                break
            try:
                for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
                    try:
                        datetime.strptime(row["Date of Contact"], fmt)
                        break
                    except ValueError:
                        continue
                datetime.strptime(row["Date of Birth"], "%d/%m/%Y")
                int(row["Age of Child (Years)"])
                gender = next((v for p, v in patterns["gender"] if p.search(row["Gender"])), None)
                source = next((v for p, v in patterns["source"] if p.search(row["Contact Source"])), None)
                if gender and source and row["Child Unique ID"].strip():
                    ok += 1
            except (ValueError, KeyError):
                continue
    return ok


def naive_import(path: Path, limit: int) -> int:
    """Row-by-row ORM import: get-or-create the person by child ID, full_clean() and save() each contact."""
    from django.db import transaction
    from django.utils import timezone

    from safehub.exchange.models import AnnexALink, ExternalIdentifier, ImportJob
    from safehub.frontdoor.models import Contact
    from safehub.people.models import Person
    from safehub.returns.annex_a.bindings import uk_noon
    from safehub.returns.annex_a.spec import LISTS

    spec = LISTS[1]
    now = timezone.now()
    job = ImportJob.objects.create(
        kind="ANNEX_A", file_name="baseline", sha256="0" * 64, requested_by_name="bench", requested_at=now
    )
    done = 0
    with path.open(newline="", encoding="utf-8") as handle, transaction.atomic():
        reader = csv.reader(handle)
        mapping, _ = spec.match_headers(next(reader))
        for n, row in enumerate(reader):
            if n >= limit:
                break
            values, _, rejected = spec.parse_row(mapping, tuple(row))
            if rejected:
                continue
            ext = ExternalIdentifier.objects.filter(system="baseline", value=values["child_id"]).first()
            if ext is None:
                person = Person(
                    family_name="Not known",
                    sex=values["gender"],
                    ethnicity=values["ethnicity"],
                    date_of_birth=values.get("date_of_birth"),
                )
                person.full_clean()
                person.save()
                ext = ExternalIdentifier.objects.create(
                    person=person, system="baseline", value=values["child_id"], created_at=now
                )
            key = f"b{ext.person_id}|{values['contact_date']}|{values['source']}"
            if AnnexALink.objects.filter(list_number=1, natural_key=key).exists():
                continue
            received = uk_noon(values["contact_date"])
            contact = Contact(
                person_id=ext.person_id,
                child_family_name="Not known",
                source=values["source"],
                received_at=received,
                summary="baseline",
                voice_not_recorded_reason="n/a",
                consent="NOT_SOUGHT",
                lawful_basis="PUBLIC_TASK",
                status="CLOSED",
                decision_due_at=received,
                child_sex=values["gender"],
                ethnicity=values["ethnicity"],
                presenting_concerns=["24A"],
            )
            contact.full_clean(exclude=["created_by"])  # the command line has no user, as in the real import
            contact.save()
            AnnexALink.objects.create(list_number=1, natural_key=key, object_id=contact.pk, source_import=job)
            done += 1
    return done


def scratch_database(url: str, create: bool) -> None:
    """Create (or drop) the empty PostgreSQL database named in ``url``: every run starts from nothing."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"not a scratch database name: {name!r}")
    maintenance = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        if create:
            conn.execute(f"CREATE DATABASE {name}")


def timed(fn, *args):
    started = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - started


def measure(args: argparse.Namespace) -> list[dict]:
    """Run every measurement against one fresh database (``args.database_url``, or SQLite)."""
    work = Path(tempfile.mkdtemp(prefix="exchange-bench-"))
    setup_django(work / "bench.sqlite3", args.database_url)
    from django.db import connection
    from django.utils import timezone

    from safehub.core.actors import command_line
    from safehub.frontdoor.models import Contact
    from safehub.returns.annex_a import services

    folder, gen_s = timed(make_file, work / "annex", args.rows)
    print(f"generated {args.rows:,} rows in {gen_s:.1f} s", file=sys.stderr)

    job = services.annex_a_job_create(path=folder, file_name="List 1.csv", by=command_line("bench"), now=timezone.now())
    result, validate_s = timed(
        lambda: services.annex_a_import(job=job, by=command_line(), now=timezone.now(), validate_only=True)
    )
    assert result is not None and result.counts["List 1"]["rejected"] == 0, result.counts
    validate_rate = args.rows / validate_s
    print(f"validate only: {validate_s:.1f} s, {validate_rate:,.0f} rows/s", file=sys.stderr)

    job = services.annex_a_job_create(path=folder, file_name="List 1.csv", by=command_line("bench"), now=timezone.now())
    result, write_s = timed(lambda: services.annex_a_import(job=job, by=command_line(), now=timezone.now()))
    counts = result.counts["List 1"]
    assert counts["imported"] + counts["unchanged"] == args.rows and Contact.objects.count() == counts["imported"]
    write_rate = args.rows / write_s
    print(f"validate + write: {write_s:.1f} s, {write_rate:,.0f} rows/s ({counts})", file=sys.stderr)

    job = services.annex_a_job_create(path=folder, file_name="List 1.csv", by=command_line("bench"), now=timezone.now())
    again, reimport_s = timed(lambda: services.annex_a_import(job=job, by=command_line(), now=timezone.now()))
    assert again.counts["List 1"]["imported"] == 0
    print(f"re-import (all unchanged): {reimport_s:.1f} s", file=sys.stderr)

    baseline_ok, naive_validate_s = timed(naive_validate, folder / "List 1.csv", args.baseline_validate_rows)
    naive_validate_rate = args.baseline_validate_rows / naive_validate_s
    print(f"naive validate: {naive_validate_rate:,.0f} rows/s ({baseline_ok} ok)", file=sys.stderr)
    naive_done, naive_import_s = timed(naive_import, folder / "List 1.csv", args.baseline_rows)
    naive_import_rate = args.baseline_rows / naive_import_s
    print(f"naive import: {naive_import_rate:,.0f} rows/s ({naive_done} written)", file=sys.stderr)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    vendor = connection.vendor
    print(f"load average after the run: {os.getloadavg()}", file=sys.stderr)

    metrics = [
        {
            "metric": "annex_a_list1_validate_rows_per_s",
            "value": round(validate_rate),
            "unit": "rows/s",
            "target": TARGET_ROWS_PER_S,
            "better": "higher",
            "baseline": f"naive row-by-row parse ({args.baseline_validate_rows:,} rows){args.note}",
            "baseline_value": round(naive_validate_rate),
        },
        {
            "metric": "annex_a_list1_import_rows_per_s",
            "value": round(write_rate),
            "unit": "rows/s",
            "target": TARGET_ROWS_PER_S,
            "better": "higher",
            "baseline": f"naive row-by-row ORM import ({args.baseline_rows:,} rows, same database){args.note}",
            "baseline_value": round(naive_import_rate),
        },
        {
            "metric": "annex_a_list1_import_speedup",
            "value": round(write_rate / naive_import_rate, 1),
            "unit": "x",
            "target": None,
            "better": "higher",
            "baseline": "naive row-by-row ORM import",
            "baseline_value": 1.0,
        },
        {
            "metric": "annex_a_list1_validate_seconds",
            "value": round(validate_s, 2),
            "unit": f"s for {args.rows:,} rows",
            "target": args.rows / TARGET_ROWS_PER_S,
            "better": "lower",
            "baseline": None,
            "baseline_value": None,
        },
        {
            "metric": "annex_a_list1_import_seconds",
            "value": round(write_s, 2),
            "unit": f"s for {args.rows:,} rows",
            "target": args.rows / TARGET_ROWS_PER_S,
            "better": "lower",
            "baseline": None,
            "baseline_value": None,
        },
        {
            "metric": "annex_a_list1_reimport_unchanged_seconds",
            "value": round(reimport_s, 2),
            "unit": f"s for {args.rows:,} rows",
            "target": None,
            "better": "lower",
            "baseline": None,
            "baseline_value": None,
        },
        {
            "metric": "annex_a_peak_rss_mb",
            "value": round(peak_mb),
            "unit": "MB",
            "target": None,
            "better": "lower",
            "baseline": None,
            "baseline_value": None,
        },
    ]
    if vendor != "sqlite":  # SQLite keeps the metric names earlier runs used
        for metric in metrics:
            metric["metric"] += f"_{vendor}"
    return metrics


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=5_000)
    parser.add_argument("--baseline-validate-rows", type=int, default=100_000)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", ""), help="scratch database URL")
    parser.add_argument("--note", default="", help="appended to the baseline text, e.g. '; machine shared'")
    parser.add_argument("--database-url", default="", help=argparse.SUPPRESS)  # one database, in a child process
    parser.add_argument("--json-out", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.json_out:
        Path(args.json_out).write_text(json.dumps(measure(args)))
        return
    metrics: list[dict] = []
    for url in ["", args.postgres] if args.postgres else [""]:
        if url:
            scratch_database(url, create=True)
        out = Path(tempfile.mkdtemp(prefix="exchange-bench-")) / "metrics.json"
        command = [sys.executable, __file__, "--json-out", str(out), "--database-url", url]
        for name in ("rows", "baseline_rows", "baseline_validate_rows", "note"):
            command += [f"--{name.replace('_', '-')}", str(getattr(args, name))]
        try:
            subprocess.run(command, check=True)  # noqa: S603 - this script, with our own arguments
        finally:
            if url:
                scratch_database(url, create=False)
        metrics += json.loads(out.read_text())
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(metrics, indent=2) + "\n")
    print(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    main()
