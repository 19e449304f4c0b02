"""Benchmark Operation Encompass roll matching: a 500-row school roll against a synthetic register.

Run: ``.venv/bin/python benchmarks/roll_matching_bench.py [--people N] [--rows N] [--repeat N]``;
writes ``benchmarks/results/roll_matching.json`` (a list of metric records). A fresh SQLite
database in a temporary folder holds a register of synthetic residents (each with an address)
and a school; the roll mixes children on the register (some recorded with another agency's
errors: odd spellings, swapped dates), twins and siblings as the register has them, and children
it does not know. The matcher's in-memory index is built first (once per process in the app
too), then the same roll is matched by:

- the baseline: the old path, row by row (``roll_entry_match``: the front door's online lookup
  and its queries for every row), through the same service, in the same process;
- the batched path the service uses (``roll_entries_match``: the database read once per chunk).

Each run is the whole service (``roll_match``: matching, linking the confident matches, audit
rows) inside a transaction that is rolled back, so both start from the same register. The
results of the two paths are compared row by row. Every figure comes from the run itself.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
RESULTS = ROOT / "benchmarks" / "results" / "roll_matching.json"
TARGET_SECONDS = 2.0
AS_OF = date(2025, 3, 31)


def setup_django(folder: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "safehub.config.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ.setdefault("SAFEHUB_DEMO", "1")
    os.environ["SAFEHUB_DATA_DIR"] = str(folder)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load_register(people: int) -> list:
    """Write ``people`` synthetic residents with their addresses; return them (school-age first)."""
    from safehub.people.models import Address, Person
    from safehub.synth.population import generate_population

    residents = []
    for synth in generate_population(scale=people / 264_957, seed=11, as_of=AS_OF):
        residents.append(synth)
        if len(residents) >= people:
            break
    Person.objects.bulk_create(
        [
            Person(
                given_name=r.given_name,
                middle_names=r.middle_names,
                family_name=r.family_name,
                sex=r.sex,
                date_of_birth=r.date_of_birth,
            )
            for r in residents
        ],
        batch_size=2000,
    )
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    Address.objects.bulk_create(
        [
            Address(person_id=pk, line_1=r.address_line[:100], postcode=r.postcode, started_date=date(2020, 1, 1))
            for pk, r in zip(ids, residents, strict=True)
        ],
        batch_size=2000,
    )
    return residents


def roll_csv(residents: list, rows: int, seed: int = 5) -> bytes:
    """A roll: mostly children on the register (a fifth recorded with errors), some unknown."""
    from safehub.synth.population import make_variant

    rng = random.Random(seed)
    pupils = [r for r in residents if 4 <= (AS_OF - r.date_of_birth).days // 365 <= 16]
    known = rng.sample(pupils, min(len(pupils), rows * 9 // 10))
    lines = ["Surname,Forename,Date of birth,Postcode"]
    for r in known:
        if rng.random() < 0.2:
            v = make_variant(r, rng, as_of=AS_OF)
            given, family, born, postcode = v["given_name"], v["family_name"], v["date_of_birth"], v["postcode"]
        else:
            given, family, born, postcode = r.given_name, r.family_name, r.date_of_birth, r.postcode
        if not born or not 4 <= (AS_OF - born).days // 365 <= 16:
            born = r.date_of_birth  # a roll's dates are checked on upload: keep the row readable
        lines.append(f"{family},{given},{born:%d/%m/%Y},{postcode}")
    while len(lines) <= rows:
        n = len(lines)
        lines.append(f"Newcomer{n},Pupil{n},{date(2014, 1 + n % 12, 1 + n % 28):%d/%m/%Y},SO99 9ZZ")
    return ("\n".join(lines) + "\n").encode()


def old_roll_match(*, upload, now: datetime) -> None:
    """The service as it was before batching (commit d9815b4's parent), kept here as the baseline:
    each row looked up on its own, each confident match linked on its own, rows saved by bulk_update."""
    from safehub.pathways import roll_services, rules
    from safehub.pathways.models import RollRow, RollRowStatus
    from safehub.pathways.roll_matching import RollEntry, roll_entry_match
    from safehub.people.models import EducationPlacement

    by, setting = upload.uploaded_by, upload.setting
    on_roll = set(
        EducationPlacement.objects.filter(setting=setting, ended_date__isnull=True).values_list("person_id", flat=True)
    )
    source = f"pathways.RollUpload:{upload.pk}"
    rows = list(upload.rows.filter(status=RollRowStatus.PENDING).order_by("row_number"))
    for row in rows:
        match = roll_entry_match(
            RollEntry(row.row_number, row.given_name, row.family_name, row.date_of_birth, row.postcode, row.upn)
        )
        status = {rules.ROLL_LINK: RollRowStatus.LINKED, rules.ROLL_REVIEW: RollRowStatus.REVIEW,
                  rules.ROLL_NOT_FOUND: RollRowStatus.NOT_FOUND}[match.outcome]  # fmt: skip
        if match.person is not None and match.person.pk in on_roll:
            status = RollRowStatus.ALREADY
        elif match.person is not None:
            roll_services._link(person=match.person, setting=setting, by=by, now=now, source=source)
            on_roll.add(match.person.pk)
        row.status, row.person, row.best_probability = status, match.person, match.best
        row.candidates = match.candidates if status == RollRowStatus.REVIEW else []
    RollRow.objects.bulk_update(rows, ["status", "person", "best_probability", "candidates"], batch_size=2000)


def run_once(content: bytes, *, by, now: datetime, per_row: bool) -> tuple[float, list[tuple], int]:
    """Match one upload (old path or service) inside a rolled-back transaction; return seconds and rows."""
    from django.db import transaction

    from safehub.pathways import roll_services
    from safehub.pathways.models import RollRow, RollRowStatus, RollUpload
    from safehub.people.models import EducationPlacement

    entries, problems = roll_services.roll_parse(content, today=AS_OF)
    with transaction.atomic():
        upload = RollUpload.objects.create(
            setting=by.membership.agency, uploaded_by=by, uploaded_at=now, file_name="roll.csv",
            errors=problems, rows_total=len(entries),
        )  # fmt: skip
        RollRow.objects.bulk_create(
            [
                RollRow(
                    upload=upload,
                    row_number=e.row_number,
                    given_name=e.given_name,
                    family_name=e.family_name,
                    date_of_birth=e.date_of_birth,
                    postcode=e.postcode,
                    upn=e.upn,
                    status=RollRowStatus.PENDING,
                )  # fmt: skip
                for e in entries
            ]
        )
        started = time.perf_counter()
        if per_row:
            old_roll_match(upload=upload, now=now)
        else:
            roll_services.roll_match(upload=upload, now=now)
        seconds = time.perf_counter() - started
        result = list(
            RollRow.objects.filter(upload=upload)
            .order_by("row_number")
            .values_list("row_number", "status", "person_id", "best_probability", "candidates")
        )
        # What the linking wrote: the children now on the setting's roll.
        result.append(tuple(sorted(EducationPlacement.objects.filter(
            setting=by.membership.agency, ended_date__isnull=True).values_list("person_id", flat=True))))  # fmt: skip
        transaction.set_rollback(True)
    return seconds, result, len(entries)


def measure(args: argparse.Namespace) -> list[dict]:
    folder = Path(tempfile.mkdtemp(prefix="roll-bench-"))
    setup_django(folder)
    from safehub.agencies.models import Agency
    from safehub.people.matching_service import register_index
    from safehub.testing.factories import make_user

    residents = load_register(args.people)
    school = Agency.objects.create(name="Bench Primary", code="BENCH1", kind="SCHOOL", urn="199999")
    lead = make_user("bench.dsl", "DESIGNATED_SAFEGUARDING_LEAD", school)
    content = roll_csv(residents, args.rows)
    started = time.perf_counter()
    register_index()
    index_seconds = time.perf_counter() - started
    now = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)

    old_times, new_times, identical = [], [], True
    rows = 0
    for _ in range(args.repeat):
        old_s, old_rows, rows = run_once(content, by=lead, now=now, per_row=True)
        new_s, new_rows, _ = run_once(content, by=lead, now=now, per_row=False)
        old_times.append(old_s)
        new_times.append(new_s)
        # Person ids are the same in both runs: the register is untouched between them.
        identical = identical and [r[1:] for r in old_rows[:-1]] == [r[1:] for r in new_rows[:-1]]
        identical = identical and old_rows[-1] == new_rows[-1]
    statuses: dict[str, int] = {}
    for row in new_rows[:-1]:
        statuses[row[1]] = statuses.get(row[1], 0) + 1
    old, new = statistics.median(old_times), statistics.median(new_times)
    baseline = f"row-by-row matching (the old path), same process, same {rows}-row roll, {args.people:,} people"
    print(f"rows {rows} statuses {statuses} identical {identical} index build {index_seconds:.1f} s")
    return [
        {"metric": f"roll_matching_{rows}_rows_seconds", "value": round(new, 3), "unit": "s",
         "target": TARGET_SECONDS, "better": "lower", "baseline": baseline, "baseline_value": round(old, 3)},
        {"metric": "roll_matching_rows_per_s", "value": round(rows / new, 1), "unit": "rows/s", "target": None,
         "better": "higher", "baseline": baseline, "baseline_value": round(rows / old, 1)},
        {"metric": "roll_matching_speedup", "value": round(old / new, 1), "unit": "x", "target": None,
         "better": "higher", "baseline": "row-by-row matching (the old path)", "baseline_value": 1.0},
        {"metric": "roll_matching_results_identical", "value": int(identical), "unit": "bool", "target": 1,
         "better": "higher", "baseline": None, "baseline_value": None},
        {"metric": "roll_matching_index_build_seconds", "value": round(index_seconds, 2), "unit": "s",
         "target": None, "better": "lower", "baseline": None, "baseline_value": None},
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20_000, help="people on the register")
    parser.add_argument("--rows", type=int, default=500, help="rows on the roll")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each path (the median is kept)")
    args = parser.parse_args()
    metrics = measure(args)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(metrics, indent=2) + "\n")
    print(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    main()
