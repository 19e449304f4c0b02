"""Benchmark one authority-year end to end from the records: ORM -> snapshot -> every measure.

Runs on a copy of the demo database (var/safehub.sqlite3 is never touched) and writes
``benchmarks/results/insight_django.json`` (a list of metric records). The baseline computes a
handful of the same measures with plain Django querysets in the same run, for the ratio.

    .venv/bin/python benchmarks/insight_django_bench.py [--year 2025-26] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "insight_django.json"
DEMO_DB = ROOT / "var" / "safehub.sqlite3"


def _setup(db: Path) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "safehub.config.settings"
    os.environ.setdefault("SAFEHUB_DEMO", "1")
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "insight", verbosity=0)


def orm_baseline(year: str) -> dict:
    """A straightforward Django-ORM version of a handful of the measures (the way one would write it)."""
    from datetime import datetime, timedelta
    from datetime import time as dtime

    from django.db.models import Count

    from safehub.casework.models import Assessment, ChildProtectionPlan, Section47
    from safehub.core.calendar import UK, financial_year, same_date_one_year_earlier, working_days_between
    from safehub.frontdoor.models import Contact, Referral

    start, end = financial_year(year)
    lo = datetime.combine(start, dtime(0), tzinfo=UK)
    hi = datetime.combine(end + timedelta(days=1), dtime(0), tzinfo=UK)
    out: dict = {"contacts_total": Contact.objects.filter(received_at__gte=lo, received_at__lt=hi).count()}
    referrals = list(
        Referral.objects.filter(referral_date__range=(start, end)).values_list("person_id", "referral_date")
    )
    out["referrals_total"] = len(referrals)
    re = 0
    for person_id, day in referrals:
        earlier = same_date_one_year_earlier(day)
        re += Referral.objects.filter(person_id=person_id, referral_date__gte=earlier, referral_date__lt=day).exists()
    out["re_referrals_12m_pct"] = round(100 * re / len(referrals), 1) if referrals else None
    done = list(
        Assessment.objects.filter(authorised_date__range=(start, end)).values_list("start_date", "authorised_date")
    )
    within = sum(working_days_between(a, b) <= 45 for a, b in done)
    out["assessments_within_45wd_pct"] = round(100 * within / len(done), 1) if done else None
    icpcs = list(Section47.objects.filter(icpc_date__range=(start, end)).values_list("strategy_date", "icpc_date"))
    out["icpc_within_15wd_pct"] = (
        round(100 * sum(working_days_between(a, b) <= 15 for a, b in icpcs) / len(icpcs), 1) if icpcs else None
    )
    out["cp_plans_open_31_march"] = (
        ChildProtectionPlan.objects.filter(start_date__lte=end)
        .exclude(end_date__lt=end)
        .values("person_id")
        .annotate(n=Count("id"))
        .count()
    )
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", default="2025-26", help="a year the demo records cover in full")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not DEMO_DB.exists():
        print(f"no demo database at {DEMO_DB}: run make run (or seed_demo) first", file=sys.stderr)
        return 1
    workdir = Path(tempfile.mkdtemp(prefix="insight-bench-"))
    db = workdir / "safehub.sqlite3"
    shutil.copy2(DEMO_DB, db)
    try:
        cold_started = time.perf_counter()
        _setup(db)
        from safehub.insight.engine import compute_measures
        from safehub.insight.selectors import population_figures
        from safehub.insight.snapshot import build_snapshot

        snapshot = build_snapshot()
        first_snapshot = time.perf_counter() - cold_started
        population = population_figures()
        snapshot_times, measure_times, baseline_times = [], [], []
        values = base = {}
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            snapshot = build_snapshot()
            t1 = time.perf_counter()
            values = compute_measures(snapshot, year=args.year, population=population)
            t2 = time.perf_counter()
            base = orm_baseline(args.year)
            t3 = time.perf_counter()
            snapshot_times.append(t1 - t0)
            measure_times.append(t2 - t1)
            baseline_times.append(t3 - t2)
        mismatched = {k: (values[k], v) for k, v in base.items() if values[k] != v}
        rows = sum(t.num_rows for t in snapshot.values())
        snap, meas, baseline = (statistics.median(x) for x in (snapshot_times, measure_times, baseline_times))
        end_to_end = snap + meas
        results = [
            {"metric": "insight_measures_seconds", "value": round(meas, 3), "unit": "s", "target": 2.0,
             "better": "lower", "baseline": None, "baseline_value": None},
            {"metric": "insight_snapshot_seconds", "value": round(snap, 3), "unit": "s", "target": None,
             "better": "lower", "baseline": None, "baseline_value": None},
            {"metric": "insight_end_to_end_seconds", "value": round(end_to_end, 3), "unit": "s", "target": None,
             "better": "lower", "baseline": "django_orm_6_measures_seconds", "baseline_value": round(baseline, 3)},
            {"metric": "insight_first_snapshot_cold_seconds", "value": round(first_snapshot, 3), "unit": "s",
             "target": None, "better": "lower", "baseline": None, "baseline_value": None},
            {"metric": "insight_measures_computed", "value": len(values), "unit": "measures", "target": None,
             "better": "higher", "baseline": "django_orm_measures", "baseline_value": len(base)},
            {"metric": "insight_end_to_end_vs_orm_ratio", "value": round(baseline / end_to_end, 2), "unit": "x",
             "target": None, "better": "higher", "baseline": "django_orm_6_measures_seconds",
             "baseline_value": round(baseline, 3)},
            {"metric": "insight_snapshot_rows", "value": rows, "unit": "rows", "target": None, "better": "higher",
             "baseline": None, "baseline_value": None},
            {"metric": "insight_orm_baseline_mismatches", "value": len(mismatched), "unit": "measures", "target": 0,
             "better": "lower", "baseline": None, "baseline_value": None},
        ]  # fmt: skip
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        for r in results:
            print(f"{r['metric']:40s} {r['value']!s:>10} {r['unit']}" + (f" (baseline {r['baseline_value']})"
                                                                         if r["baseline_value"] is not None else ""))  # fmt: skip
        if mismatched:
            print(f"baseline disagrees on {mismatched}", file=sys.stderr)
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
