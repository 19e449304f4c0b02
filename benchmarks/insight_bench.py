"""Benchmark the measures engine on synthetic snapshots, against a plain pandas baseline.

    .venv/bin/python benchmarks/insight_bench.py [--quick] [--out benchmarks/results/insight.json]

Scenarios:
- one authority-year (~22,000 contacts): every yearly measure end to end (target < 2 s);
- national (150 authorities: ~3.3M contacts, 600k referrals, 400k assessments, 50k plans, 10M
  people): every measure (target < 60 s on 2 cores), with the same measures computed by a
  straightforward pandas baseline in the same run (``--quick`` uses 15 authorities instead).

The snapshot is generated directly as Arrow columns with numpy. The pandas baseline's results are
checked against the engine's before any time is reported, so the two compute the same thing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from safehub.core.calendar import financial_year, is_working_day  # noqa: E402
from safehub.insight.engine import DATASETS, compute_measures  # noqa: E402
from safehub.insight.engine.compute import percent, round_half_up  # noqa: E402
from safehub.insight.engine.measures import (  # noqa: E402
    AGE_BANDS,
    CAPACITY,
    CATEGORIES,
    MSP,
    RISK_OUTCOMES,
    RISK_TYPES,
)

YEAR = "2024-25"
EPOCH = date(1970, 1, 1)
US_PER_DAY = 86_400_000_000
# Per authority and year, roughly an English average.
PER_AUTHORITY = {
    "persons": 66_000,
    "contacts": 22_000,
    "referrals": 4_000,
    "assessments": 2_700,
    "section47": 1_000,
    "cp_plans": 330,
    "cla_episodes": 300,
    "cla_reviews": 900,
    "cla_health_assessments": 400,
    "care_leavers": 150,
    "adult_concerns": 3_500,
    "s42_enquiries": 1_200,
    "health_requests": 2_000,
    "strategy_meetings": 1_300,
    "education_notifications": 2_000,
}


def _days(d: date) -> int:
    return (d - EPOCH).days


class Generator:
    """Make a synthetic snapshot for a number of authorities, vectorised with numpy."""

    def __init__(self, authorities: int, seed: int = 7) -> None:
        self.n = authorities
        self.rng = np.random.default_rng(seed)
        # 21 months of activity: history before the year (re-referrals, earlier plans) and after it.
        self.first, self.last = _days(date(2023, 7, 1)), _days(date(2025, 6, 30))

    def size(self, name: str) -> int:
        return PER_AUTHORITY[name] * self.n * 21 // 12 if name != "persons" else PER_AUTHORITY[name] * self.n

    def dates(self, count: int, nulls: float = 0.0) -> pa.Array:
        values = self.rng.integers(self.first, self.last + 1, count).astype("int32")
        return self._nulled(pa.array(values, pa.date32()), count, nulls)

    def after(self, base: np.ndarray, low: int, high: int, count: int, nulls: float = 0.0) -> pa.Array:
        values = (base + self.rng.integers(low, high + 1, count)).astype("int32")
        return self._nulled(pa.array(values, pa.date32()), count, nulls)

    def moments(self, days: np.ndarray, count: int) -> np.ndarray:
        return days.astype("int64") * US_PER_DAY + self.rng.integers(0, US_PER_DAY, count)

    def ts(self, values: np.ndarray, count: int, nulls: float = 0.0) -> pa.Array:
        return self._nulled(pa.array(values, pa.timestamp("us", tz="UTC")), count, nulls)

    def _nulled(self, array: pa.Array, count: int, nulls: float) -> pa.Array:
        if not nulls:
            return array
        mask = pa.array(self.rng.random(count) < nulls)
        return pa.compute.if_else(mask, pa.scalar(None, array.type), array)

    def flags(self, count: int, p: float) -> pa.Array:
        return pa.array(self.rng.random(count) < p)

    def choice(self, options: list[str], count: int) -> pa.Array:
        return pa.array(np.array(options, dtype=object)[self.rng.integers(0, len(options), count)], pa.string())

    def people(self, count: int, pool: int) -> pa.Array:
        # Skewed towards a minority of families, as in real caseloads.
        return pa.array((pool * self.rng.random(count) ** 2).astype("int64") + 1, pa.int64())

    def snapshot(self) -> dict[str, pa.Table]:
        rng = self.rng
        people_pool = self.size("persons")
        out: dict[str, pa.Table] = {}

        n = people_pool
        dob = rng.integers(_days(date(2007, 4, 1)), _days(date(2025, 3, 1)), n)
        out["persons"] = {
            "person_id": pa.array(np.arange(1, n + 1), pa.int64()),
            "sex": self.choice(["M", "F", "U"], n),
            "date_of_birth": pa.array(dob.astype("int32"), pa.date32()),
            "expected_date_of_birth": pa.nulls(n, pa.date32()),
            "ethnicity": self.choice(["WBRI", "WOTH", "BAFR", "APKN", "MWBC", "NOBT"], n),
            "is_unborn_now": self.flags(n, 0.002),
        }
        n = self.size("contacts")
        contact_days = rng.integers(self.first, self.last + 1, n)
        received = self.moments(contact_days, n)
        police = rng.random(n) < 0.3
        out["contacts"] = {
            "contact_id": pa.array(np.arange(1, n + 1), pa.int64()),
            "person_id": self.people(n, people_pool // 4),
            "contact_date": pa.array(contact_days.astype("int32"), pa.date32()),
            "received_at": self.ts(received, n),
            "source": self.choice(["police", "health", "school", "early_years", "la_services", "other"], n),
            "from_police": pa.array(police),
            "police_high_risk": pa.array(police & (rng.random(n) < 0.2)),
            "incident_recorded_at": self.ts(received - rng.integers(0, 40 * 3_600_000_000, n), n, 0.02),
            "police_limit_hours": pa.array(np.where(rng.random(n) < 0.9, 24.0, 12.0)),
            "ethnicity_recorded": self.flags(n, 0.8),
            "voice_recorded": self.flags(n, 0.6),
            "late_flagged": self.flags(n, 0.05),
        }
        n = self.size("referrals")
        referral_days = rng.integers(self.first, self.last + 1, n)
        out["referrals"] = {
            "referral_id": pa.array(np.arange(1, n + 1), pa.int64()),
            "person_id": self.people(n, people_pool // 6),
            "contact_id": pa.nulls(n, pa.int64()),
            "referral_date": pa.array(referral_days.astype("int32"), pa.date32()),
            "source": self.choice(["police", "health", "school", "other"], n),
            "nfa": self.flags(n, 0.1),
        }
        n = self.size("assessments")
        start = rng.integers(self.first, self.last + 1, n)
        out["assessments"] = {
            "assessment_id": pa.array(np.arange(1, n + 1), pa.int64()),
            "person_id": self.people(n, people_pool // 6),
            "referral_id": pa.nulls(n, pa.int64()),
            "start_date": pa.array(start.astype("int32"), pa.date32()),
            "authorised_date": self.after(start, 5, 90, n, 0.05),
            "factors": pa.array([["1C", "3A"]] * n, pa.list_(pa.string())),
        }
        n = self.size("section47")
        strategy = rng.integers(self.first, self.last + 1, n)
        out["section47"] = {
            "s47_id": pa.array(np.arange(1, n + 1), pa.int64()),
            "person_id": self.people(n, people_pool // 6),
            "strategy_date": pa.array(strategy.astype("int32"), pa.date32()),
            "icpc_date": self.after(strategy, 5, 30, n, 0.6),
            "outcome": self.choice(["ICPC", "NFA", "CIN"], n),
        }
        n = self.size("cp_plans")
        plan_start = rng.integers(self.first, self.last + 1, n)
        out["cp_plans"] = {
            "plan_id": pa.array(np.arange(1, n + 1), pa.int64()),
            "person_id": self.people(n, people_pool // 10),
            "start_date": pa.array(plan_start.astype("int32"), pa.date32()),
            "end_date": self.after(plan_start, 30, 500, n, 0.3),
            "initial_category": self.choice(list(CATEGORIES), n),
            "unborn_at_start": self.flags(n, 0.05),
        }
        n = self.size("cla_episodes")
        cla_start = rng.integers(self.first, self.last + 1, n)
        out["cla_episodes"] = {
            "episode_id": pa.array(np.arange(1, n + 1), pa.int64()),
            "person_id": self.people(n, people_pool // 10),
            "start_date": pa.array(cla_start.astype("int32"), pa.date32()),
            "end_date": self.after(cla_start, 10, 900, n, 0.5),
        }
        for name, id_column, done in (
            ("cla_reviews", "review_id", "held_date"),
            ("cla_health_assessments", "assessment_id", "completed_date"),
        ):
            n = self.size(name)
            due = rng.integers(self.first, self.last + 1, n)
            out[name] = {
                id_column: pa.array(np.arange(1, n + 1), pa.int64()),
                "person_id": self.people(n, people_pool // 10),
                "due_date": pa.array(due.astype("int32"), pa.date32()),
                done: self.after(due, -20, 10, n, 0.05),
            }
        n = self.size("care_leavers")
        out["care_leavers"] = {
            "person_id": pa.array(np.arange(1, n + 1), pa.int64()),
            "as_of_date": pa.array(np.full(n, _days(date(2025, 3, 31)), "int32"), pa.date32()),
            "age": pa.array(rng.integers(17, 22, n)),
            "suitable_accommodation": self.flags(n, 0.85),
            "in_eet": self.flags(n, 0.55),
        }
        n = self.size("adult_concerns")
        out["adult_concerns"] = {
            "concern_id": pa.array(np.arange(1, n + 1), pa.int64()),
            "person_id": self.people(n, people_pool // 8),
            "received_date": self.dates(n),
            "age_at_concern": pa.array(rng.integers(18, 101, n)),
            "sex": self.choice(["M", "F", "U"], n),
            "ethnicity": self.choice(["WBRI", "WOTH", "BAFR"], n),
        }
        n = self.size("s42_enquiries")
        s42_start = rng.integers(self.first, self.last + 1, n)
        risk_sets = [list(RISK_TYPES[i : i + 2]) for i in range(len(RISK_TYPES) - 1)]
        out["s42_enquiries"] = {
            "enquiry_id": pa.array(np.arange(1, n + 1), pa.int64()),
            "person_id": self.people(n, people_pool // 8),
            "concern_id": pa.nulls(n, pa.int64()),
            "kind": self.choice(["S42", "S42", "S42", "OTHER"], n),
            "started_date": pa.array(s42_start.astype("int32"), pa.date32()),
            "concluded_date": self.after(s42_start, 1, 120, n, 0.1),
            "risk_types": pa.array([risk_sets[i] for i in rng.integers(0, len(risk_sets), n)]),
            "lacked_capacity": self.choice(list(CAPACITY), n),
            "msp": self.choice(list(MSP), n),
            "risk_outcome": self.choice(list(RISK_OUTCOMES), n),
        }
        n = self.size("health_requests")
        requested = self.moments(rng.integers(self.first, self.last + 1, n), n)
        out["health_requests"] = {
            "request_id": pa.array(np.arange(1, n + 1), pa.int64()),
            "requested_at": self.ts(requested, n),
            "due_at": self.ts(requested + 24 * 3_600_000_000, n),
            "answered_at": self.ts(requested + rng.integers(600_000_000, 60 * 3_600_000_000, n), n, 0.1),
            "urgency": self.choice(["urgent", "routine"], n),
        }
        n = self.size("strategy_meetings")
        held = rng.integers(self.first, self.last + 1, n)
        held_at = self.moments(held, n)
        out["strategy_meetings"] = {
            "meeting_id": pa.array(np.arange(1, n + 1), pa.int64()),
            "person_id": self.people(n, people_pool // 6),
            "held_at": self.ts(held_at, n),
            "held_date": pa.array(held.astype("int32"), pa.date32()),
            "record_share_due_at": self.ts(held_at + US_PER_DAY, n),
        }
        meetings = np.repeat(np.arange(1, n + 1), 3)
        agencies = np.tile(np.array([1, 2, 3]), n)
        out["strategy_invites"] = {
            "meeting_id": pa.array(meetings, pa.int64()),
            "agency_id": pa.array(agencies, pa.int64()),
        }
        shared = np.repeat(held_at, 3) + rng.integers(3_600_000_000, 30 * 3_600_000_000, 3 * n)
        out["strategy_record_shares"] = {
            "meeting_id": pa.array(meetings, pa.int64()),
            "agency_id": pa.array(agencies, pa.int64()),
            "shared_at": self.ts(shared, 3 * n, 0.03),
        }
        n = self.size("education_notifications")
        incident = self.moments(rng.integers(self.first, self.last + 1, n), n)
        out["education_notifications"] = {
            "notification_id": pa.array(np.arange(1, n + 1), pa.int64()),
            "incident_at": self.ts(incident, n),
            "due_at": self.ts(incident + 12 * 3_600_000_000, n),
            "delivered_at": self.ts(incident + rng.integers(0, 16 * 3_600_000_000, n), n, 0.05),
            "setting_kind": self.choice(["school", "early_years"], n),
        }
        return {name: pa.table(columns, schema=DATASETS[name].schema) for name, columns in out.items()}


# ---------------------------------------------------------------------------------------------
# A straightforward pandas baseline of the same measures
# ---------------------------------------------------------------------------------------------


def pandas_measures(snapshot: dict[str, pa.Table], *, year: str, population: dict[str, float]) -> dict:
    """Compute every measure with pandas, the way an analyst would write it by hand."""
    import pandas as pd

    start, end = (pd.Timestamp(d) for d in financial_year(year))
    t = {name: table.to_pandas(date_as_object=False) for name, table in snapshot.items()}
    out: dict[str, Any] = {}

    def inyear(series: pd.Series) -> pd.Series:
        return (series >= start) & (series <= end)

    def uk_day(series: pd.Series) -> pd.Series:
        return series.dt.tz_convert("Europe/London").dt.tz_localize(None).dt.normalize()

    holidays = np.array(
        [d for d in pd.date_range("2015-01-01", "2030-12-31").date if d.weekday() < 5 and not is_working_day(d)],
        dtype="datetime64[D]",
    )

    def working_days(a: pd.Series, b: pd.Series) -> np.ndarray:
        ok = a.notna() & b.notna()
        result = np.full(len(a), np.nan)
        first = a[ok].values.astype("datetime64[D]") + 1
        last = b[ok].values.astype("datetime64[D]") + 1
        forward = first <= last
        counts = np.where(
            forward,
            np.busday_count(np.minimum(first, last), np.maximum(first, last), holidays=holidays),
            -np.busday_count(np.minimum(first, last), np.maximum(first, last), holidays=holidays),
        )
        result[ok.values] = counts
        return result

    c = t["contacts"]
    cy = c[inyear(c.contact_date)]
    r = t["referrals"]
    ry = r[inyear(r.referral_date)]
    out["contacts_total"] = len(cy)
    out["children_with_contact"] = cy.person_id.dropna().nunique()
    out["referrals_total"] = len(ry)
    out["referrals_nfa_total"] = int(ry.nfa.fillna(False).sum())
    out["contacts_to_referral_pct"] = percent(len(ry), len(cy))
    dated = r.dropna(subset=["person_id", "referral_date"])[["person_id", "referral_date"]].drop_duplicates()
    dated = dated.sort_values(["person_id", "referral_date"])
    dated["previous"] = dated.groupby("person_id").referral_date.shift()
    joined = ry.merge(dated, on=["person_id", "referral_date"], how="left")
    earlier = joined.referral_date - pd.DateOffset(years=1)
    out["re_referrals_12m_pct"] = percent(int((joined.previous >= earlier).sum()), len(ry))

    a = t["assessments"]
    ay = a[inyear(a.authorised_date)]
    out["assessments_completed_total"] = len(ay)
    out["assessments_within_45wd_pct"] = percent(
        int((working_days(ay.start_date, ay.authorised_date) <= 45).sum()), len(ay)
    )
    s = t["section47"]
    out["s47_total"] = int(inyear(s.strategy_date).sum())
    sy = s[inyear(s.icpc_date)]
    out["icpc_total"] = len(sy)
    out["icpc_within_15wd_pct"] = percent(int((working_days(sy.strategy_date, sy.icpc_date) <= 15).sum()), len(sy))

    p = t["cp_plans"]
    py = p[inyear(p.start_date)]
    out["cp_plans_started_total"] = len(py)
    for category in CATEGORIES:
        out[f"cp_plans_started_{category.lower()}"] = int((py.initial_category == category).sum())
    out["cp_plans_unborn_started"] = int(py.unborn_at_start.fillna(False).sum())
    open_plan = (p.start_date <= end) & (p.end_date.isna() | (p.end_date >= end))
    out["cp_plans_open_31_march"] = p[open_plan].person_id.dropna().nunique()
    first_start = p.groupby("person_id").start_date.min()
    out["cp_plans_second_or_subsequent_pct"] = percent(
        int((py.person_id.map(first_start) < py.start_date).sum()), len(py)
    )
    e = t["cla_episodes"]
    out["cla_started_total"] = int(inyear(e.start_date).sum())
    looked_after = e[(e.start_date <= end) & (e.end_date.isna() | (e.end_date >= end))].person_id.dropna().nunique()
    out["cla_open_31_march"] = looked_after
    base = population.get("children_0_17")
    out["cla_rate_per_10k"] = float(round_half_up(_fraction(looked_after * 10000, base), 1)) if base else None

    def overlaps(first: pd.Series, last: pd.Series) -> pd.Series:
        return (first <= end) & (last.isna() | (last >= start))

    involved = pd.concat(
        [
            ry.person_id,
            a[overlaps(a.start_date, a.authorised_date)].person_id,
            s[inyear(s.strategy_date)].person_id,
            p[overlaps(p.start_date, p.end_date)].person_id,
            e[overlaps(e.start_date, e.end_date)].person_id,
        ]
    )
    out["children_open_in_year"] = involved.dropna().nunique()
    for measure, name, done in (
        ("cla_reviews_in_time_pct", "cla_reviews", "held_date"),
        ("cla_health_assessments_in_time_pct", "cla_health_assessments", "completed_date"),
    ):
        due = t[name][inyear(t[name].due_date)]
        out[measure] = percent(int((due[done] <= due.due_date).sum()), len(due))
    leavers = t["care_leavers"]
    leavers = leavers[inyear(leavers.as_of_date)].sort_values("as_of_date").drop_duplicates("person_id", keep="last")
    out["care_leavers_suitable_accommodation_pct"] = percent(
        int(leavers.suitable_accommodation.fillna(False).sum()), len(leavers)
    )
    out["care_leavers_eet_pct"] = percent(int(leavers.in_eet.fillna(False).sum()), len(leavers))

    received_on = uk_day(c.received_at).fillna(c.contact_date)
    high = c[c.from_police.fillna(False) & c.police_high_risk.fillna(False) & inyear(received_on)]
    limit = high.police_limit_hours.fillna(24.0)
    elapsed_us = (high.received_at - high.incident_recorded_at).dt.total_seconds() * 1e6
    out["police_high_risk_referrals_total"] = len(high)
    out["police_high_risk_within_limit_pct"] = percent(int((elapsed_us <= limit * 3600000000.0).sum()), len(high))
    out["police_high_risk_late_flagged_total"] = int(high.late_flagged.fillna(False).sum())
    h = t["health_requests"]
    hy = h[inyear(uk_day(h.requested_at))]
    out["health_requests_total"] = len(hy)
    out["health_requests_answered_in_time_pct"] = percent(int((hy.answered_at <= hy.due_at).sum()), len(hy))
    out["health_requests_late_total"] = int((hy.answered_at > hy.due_at).sum())
    out["health_requests_unanswered_total"] = int(hy.answered_at.isna().sum())
    hours = ((hy.answered_at - hy.requested_at).dt.total_seconds() / 3600).dropna()
    out["health_requests_median_hours_to_answer"] = round(float(hours.median()), 1) if len(hours) else None
    m = t["strategy_meetings"]
    my = m[inyear(m.held_date.fillna(uk_day(m.held_at)))]
    shares = t["strategy_record_shares"].merge(m[["meeting_id", "record_share_due_at"]], on="meeting_id")
    in_time = shares[shares.shared_at <= shares.record_share_due_at][["meeting_id", "agency_id"]].drop_duplicates()
    invites = t["strategy_invites"].merge(in_time.assign(ok=True), on=["meeting_id", "agency_id"], how="left")
    missing = invites[invites.ok.isna()].meeting_id.unique()
    out["strategy_records_shared_in_time_pct"] = percent(int((~my.meeting_id.isin(missing)).sum()), len(my))
    n = t["education_notifications"]
    ny = n[inyear(uk_day(n.incident_at))]
    out["education_notifications_before_next_school_day_pct"] = percent(
        int((ny.delivered_at <= ny.due_at).sum()), len(ny)
    )
    out["contacts_ethnicity_recorded_pct"] = percent(int(cy.ethnicity_recorded.fillna(False).sum()), len(cy))
    out["contacts_voice_recorded_pct"] = percent(int(cy.voice_recorded.fillna(False).sum()), len(cy))

    ac = t["adult_concerns"]
    acy = ac[inyear(ac.received_date)]
    out["adult_concerns_total"] = len(acy)
    first = acy.dropna(subset=["person_id"]).sort_values(["received_date", "concern_id"]).drop_duplicates("person_id")
    out["adult_individuals_concerns"] = len(first)
    for band, (low, high_age) in AGE_BANDS.items():
        ok = first.age_at_concern >= low
        if high_age is not None:
            ok &= first.age_at_concern <= high_age
        out[f"adult_individuals_concerns_{band}"] = int(ok.sum())
    out["adult_individuals_concerns_age_unknown"] = int(
        (first.age_at_concern.isna() | (first.age_at_concern < 18)).sum()
    )
    out["adult_individuals_concerns_sex_male"] = int((first.sex == "M").sum())
    out["adult_individuals_concerns_sex_female"] = int((first.sex == "F").sum())
    out["adult_individuals_concerns_sex_unknown"] = int((~first.sex.isin(["M", "F"])).sum())
    q = t["s42_enquiries"]
    q = q[q.kind == "S42"]
    started = q[inyear(q.started_date)]
    out["adult_s42_started_total"] = len(started)
    out["adult_individuals_s42"] = started.person_id.dropna().nunique()
    concluded = q[inyear(q.concluded_date)]
    out["adult_s42_concluded_total"] = len(concluded)
    exploded = concluded[["enquiry_id", "risk_types"]].explode("risk_types").drop_duplicates()
    counts = exploded.risk_types.value_counts()
    for risk in RISK_TYPES:
        out[f"adult_s42_concluded_risk_{risk}"] = int(counts.get(risk, 0))
    capacity = concluded.lacked_capacity.fillna("not_recorded").value_counts()
    for value in CAPACITY:
        out[f"adult_s42_concluded_capacity_{value}"] = int(capacity.get(value, 0))
    msp = concluded.msp.fillna("not_recorded").value_counts()
    for value in MSP:
        out[f"adult_s42_concluded_msp_{value}"] = int(msp.get(value, 0))
    outcomes = concluded.risk_outcome.value_counts()
    for value in RISK_OUTCOMES:
        out[f"adult_s42_concluded_risk_outcome_{value}"] = int(outcomes.get(value, 0))
    return {k: (int(v) if isinstance(v, np.integer) else v) for k, v in out.items()}


def _fraction(numerator: int, denominator: float):  # noqa: ANN202 - Fraction, kept local
    from fractions import Fraction

    return Fraction(numerator) / Fraction(str(denominator))


def timed(function: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Return the best wall-clock seconds of several runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> int:
    """Run the scenarios and write the results file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="15 authorities instead of 150 for the large run")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "insight.json")
    args = parser.parse_args()
    population = {"children_0_17": 80_000.0}
    results: list[dict[str, Any]] = []

    t0 = time.perf_counter()
    one = Generator(1).snapshot()
    print(f"one authority: generated {one['contacts'].num_rows:,} contacts in {time.perf_counter() - t0:.2f} s")
    compute_measures(one, year=YEAR, population=population)  # warm up imports and caches
    engine_s, engine_values = timed(lambda: compute_measures(one, year=YEAR, population=population), repeat=3)
    baseline_s, baseline_values = timed(lambda: pandas_measures(one, year=YEAR, population=population), repeat=3)
    _check(engine_values, baseline_values)
    print(f"one authority: engine {engine_s:.3f} s, pandas {baseline_s:.3f} s, {len(engine_values)} measures")
    results.append(_row("authority_year_all_measures_seconds", engine_s, 2.0, baseline_s))

    authorities = 15 if args.quick else 150
    t0 = time.perf_counter()
    big = Generator(authorities, seed=11).snapshot()
    generated = time.perf_counter() - t0
    sizes = {name: table.num_rows for name, table in big.items()}
    print(f"{authorities} authorities: generated in {generated:.1f} s: {sizes}")
    engine_s, engine_values = timed(lambda: compute_measures(big, year=YEAR, population=population))
    print(f"{authorities} authorities: engine {engine_s:.2f} s")
    baseline_s, baseline_values = timed(lambda: pandas_measures(big, year=YEAR, population=population))
    print(f"{authorities} authorities: pandas {baseline_s:.2f} s")
    _check(engine_values, baseline_values)
    label = "national" if authorities == 150 else f"{authorities}_authorities"
    results.append(_row(f"{label}_all_measures_seconds", engine_s, 60.0 if authorities == 150 else None, baseline_s))
    results.append(
        {
            "metric": f"{label}_speedup_vs_pandas",
            "value": round(baseline_s / engine_s, 2),
            "unit": "ratio",
            "target": None,
            "better": "higher",
            "baseline": "pandas (same measures, same run)",
            "baseline_value": 1.0,
        }
    )
    results.append(
        {
            "metric": f"{label}_contacts",
            "value": sizes["contacts"],
            "unit": "rows",
            "target": None,
            "better": "higher",
            "baseline": None,
            "baseline_value": None,
            "context": {
                "rows": sizes,
                "cores": os.cpu_count(),
                "python": platform.python_version(),
                "measures": len(engine_values),
            },
        }
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


def _row(metric: str, value: float, target: float | None, baseline_value: float) -> dict[str, Any]:
    return {
        "metric": metric,
        "value": round(value, 3),
        "unit": "s",
        "target": target,
        "better": "lower",
        "baseline": "pandas (same measures, same run)",
        "baseline_value": round(baseline_value, 3),
    }


def _check(engine: dict, baseline: dict) -> None:
    different = {k: (engine[k], baseline.get(k)) for k in engine if engine[k] != baseline.get(k)}
    if different:
        raise SystemExit(f"engine and pandas baseline disagree: {different}")


if __name__ == "__main__":
    raise SystemExit(main())
