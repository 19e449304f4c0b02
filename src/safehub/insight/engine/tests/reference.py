"""Compute the measures the plain way, row by row in Python, to check the SQL against.

Written from the counting rules in shared/formats/measures.md, not from the SQL, and kept slow and
obvious on purpose.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from safehub.core.calendar import financial_year, same_date_one_year_earlier, uk_date, working_days_between
from safehub.insight.engine.compute import percent, round_half_up
from safehub.insight.engine.measures import (
    AGE_BANDS,
    CAPACITY,
    CATEGORIES,
    MSP,
    RISK_OUTCOMES,
    RISK_TYPES,
)
from safehub.insight.engine.measures_adults import (
    ACHIEVED,
    ETHNIC_GROUPS,
    LOCATIONS,
    SAC_AGE_BANDS,
    SOURCES_OF_RISK,
)

Row = Mapping[str, Any]


def _in(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end


def _open_at(start_day: date | None, end_day: date | None, at: date) -> bool:
    return start_day is not None and start_day <= at and (end_day is None or end_day >= at)


def _overlaps(start_day: date | None, end_day: date | None, start: date, end: date) -> bool:
    return start_day is not None and start_day <= end and (end_day is None or end_day >= start)


def _us(delta: timedelta) -> int:
    return delta // timedelta(microseconds=1)


def reference_measures(
    rows: Mapping[str, Iterable[Row]], *, year: str, population: Mapping[str, float] | None = None
) -> dict[str, int | float | None]:
    """Return every measure computed directly from the rows."""
    start, end = financial_year(year)
    t = {name: list(v) for name, v in rows.items()}
    get = lambda name: t.get(name, [])  # noqa: E731 - a short local accessor reads best here
    out: dict[str, int | float | None] = {}

    contacts = [c for c in get("contacts") if _in(c.get("contact_date"), start, end)]
    referrals_all = get("referrals")
    referrals = [r for r in referrals_all if _in(r.get("referral_date"), start, end)]
    out["contacts_total"] = len(contacts)
    out["children_with_contact"] = len({c["person_id"] for c in contacts if c.get("person_id") is not None})
    out["referrals_total"] = len(referrals)
    out["referrals_nfa_total"] = sum(1 for r in referrals if r.get("nfa"))
    out["contacts_to_referral_pct"] = percent(len(referrals), len(contacts))

    def re_referral(r: Row) -> bool:
        if r.get("person_id") is None:
            return False
        since = same_date_one_year_earlier(r["referral_date"])
        return any(
            o.get("person_id") == r["person_id"]
            and o.get("referral_date") is not None
            and since <= o["referral_date"] < r["referral_date"]
            for o in referrals_all
        )

    out["re_referrals_12m_pct"] = percent(sum(map(re_referral, referrals)), len(referrals))

    completed = [a for a in get("assessments") if _in(a.get("authorised_date"), start, end)]
    out["assessments_completed_total"] = len(completed)
    out["assessments_within_45wd_pct"] = percent(
        sum(
            1
            for a in completed
            if a.get("start_date") and working_days_between(a["start_date"], a["authorised_date"]) <= 45
        ),
        len(completed),
    )
    s47 = get("section47")
    out["s47_total"] = sum(1 for s in s47 if _in(s.get("strategy_date"), start, end))
    icpcs = [s for s in s47 if _in(s.get("icpc_date"), start, end)]
    out["icpc_total"] = len(icpcs)
    out["icpc_within_15wd_pct"] = percent(
        sum(
            1
            for s in icpcs
            if s.get("strategy_date") and working_days_between(s["strategy_date"], s["icpc_date"]) <= 15
        ),
        len(icpcs),
    )

    plans_all = get("cp_plans")
    plans = [p for p in plans_all if _in(p.get("start_date"), start, end)]
    out["cp_plans_started_total"] = len(plans)
    for category in CATEGORIES:
        out[f"cp_plans_started_{category.lower()}"] = sum(1 for p in plans if p.get("initial_category") == category)
    out["cp_plans_unborn_started"] = sum(1 for p in plans if p.get("unborn_at_start"))
    out["cp_plans_open_31_march"] = len(
        {
            p["person_id"]
            for p in plans_all
            if p.get("person_id") is not None and _open_at(p.get("start_date"), p.get("end_date"), end)
        }
    )
    out["cp_plans_second_or_subsequent_pct"] = percent(
        sum(
            1
            for p in plans
            if p.get("person_id") is not None
            and any(
                q.get("person_id") == p["person_id"]
                and q.get("start_date") is not None
                and q["start_date"] < p["start_date"]
                for q in plans_all
            )
        ),
        len(plans),
    )
    episodes = get("cla_episodes")
    out["cla_started_total"] = sum(1 for e in episodes if _in(e.get("start_date"), start, end))
    looked_after = {
        e["person_id"]
        for e in episodes
        if e.get("person_id") is not None
        and _open_at(e.get("start_date"), e.get("end_date"), end)
        and e.get("end_date") != end  # ended on 31 March: not looked after that day (DfE)
    }
    out["cla_open_31_march"] = len(looked_after)
    out["cla_ceased_total"] = sum(1 for e in episodes if _in(e.get("end_date"), start, end))
    cin = get("cin_episodes")
    in_need = {
        c["person_id"]
        for c in cin
        if c.get("person_id") is not None and _open_at(c.get("referral_date"), c.get("closure_date"), end)
    }
    on_plan = {
        p["person_id"]
        for p in plans_all
        if p.get("person_id") is not None and _open_at(p.get("start_date"), p.get("end_date"), end)
    }
    in_care = {  # a period of care that ends on 31 March still counts as in need that day (the engine's rule)
        e["person_id"]
        for e in episodes
        if e.get("person_id") is not None and _open_at(e.get("start_date"), e.get("end_date"), end)
    }
    out["cin_open_31_march"] = len(in_need | on_plan | in_care)
    out["cin_episodes_closed_total"] = sum(1 for c in cin if _in(c.get("closure_date"), start, end))
    out["early_help_assessments_completed_total"] = sum(
        1 for a in get("early_help_assessments") if _in(a.get("completed_date"), start, end)
    )
    base = (population or {}).get("children_0_17")
    out["cla_rate_per_10k"] = float(round_half_up(_fraction(len(looked_after) * 10000, base), 1)) if base else None
    involved = set()
    involved |= {r.get("person_id") for r in referrals}
    involved |= {
        a.get("person_id")
        for a in get("assessments")
        if _overlaps(a.get("start_date"), a.get("authorised_date"), start, end)
    }
    involved |= {s.get("person_id") for s in s47 if _in(s.get("strategy_date"), start, end)}
    involved |= {p.get("person_id") for p in plans_all if _overlaps(p.get("start_date"), p.get("end_date"), start, end)}
    involved |= {e.get("person_id") for e in episodes if _overlaps(e.get("start_date"), e.get("end_date"), start, end)}
    involved.discard(None)
    out["children_open_in_year"] = len(involved)

    def due_in_time(name: str, done: str) -> float | None:
        due = [r for r in get(name) if _in(r.get("due_date"), start, end)]
        return percent(sum(1 for r in due if r.get(done) and r[done] <= r["due_date"]), len(due))

    out["cla_reviews_in_time_pct"] = due_in_time("cla_reviews", "held_date")
    out["cla_health_assessments_in_time_pct"] = due_in_time("cla_health_assessments", "completed_date")
    latest: dict[int, Row] = {}
    for leaver in get("care_leavers"):
        if _in(leaver.get("as_of_date"), start, end):
            held = latest.get(leaver["person_id"])
            if held is None or held["as_of_date"] < leaver["as_of_date"]:
                latest[leaver["person_id"]] = leaver
    out["care_leavers_suitable_accommodation_pct"] = percent(
        sum(1 for r in latest.values() if r.get("suitable_accommodation")), len(latest)
    )
    out["care_leavers_eet_pct"] = percent(sum(1 for r in latest.values() if r.get("in_eet")), len(latest))

    # Front door
    def received_on(c: Row) -> date | None:
        return uk_date(c["received_at"]) if c.get("received_at") else c.get("contact_date")

    high_risk = [
        c
        for c in get("contacts")
        if c.get("from_police") and c.get("police_high_risk") and _in(received_on(c), start, end)
    ]

    def within_limit(c: Row) -> bool:
        if not c.get("received_at") or not c.get("incident_recorded_at"):
            return False
        limit = c.get("police_limit_hours")
        limit = 24.0 if limit is None else limit
        return _us(c["received_at"] - c["incident_recorded_at"]) <= limit * 3600000000.0

    out["police_high_risk_referrals_total"] = len(high_risk)
    out["police_high_risk_within_limit_pct"] = percent(sum(map(within_limit, high_risk)), len(high_risk))
    out["police_high_risk_late_flagged_total"] = sum(1 for c in high_risk if c.get("late_flagged"))

    requests = [
        r for r in get("health_requests") if r.get("requested_at") and _in(uk_date(r["requested_at"]), start, end)
    ]

    def answered_in_time(r: Row) -> bool:
        return bool(r.get("answered_at") and r.get("due_at") and r["answered_at"] <= r["due_at"])

    out["health_requests_total"] = len(requests)
    out["health_requests_answered_in_time_pct"] = percent(sum(map(answered_in_time, requests)), len(requests))
    out["health_requests_late_total"] = sum(
        1 for r in requests if r.get("answered_at") and r.get("due_at") and r["answered_at"] > r["due_at"]
    )
    out["health_requests_unanswered_total"] = sum(1 for r in requests if not r.get("answered_at"))
    hours = [_us(r["answered_at"] - r["requested_at"]) / 3600000000.0 for r in requests if r.get("answered_at")]
    out["health_requests_median_hours_to_answer"] = round(statistics.median(hours), 1) if hours else None

    meetings = []
    for m in get("strategy_meetings"):
        held: date | None = m.get("held_date") or (uk_date(m["held_at"]) if m.get("held_at") else None)
        if _in(held, start, end):
            meetings.append(m)
    due_by_meeting = {m["meeting_id"]: m.get("record_share_due_at") for m in get("strategy_meetings")}

    def shared_in_time(m: Row) -> bool:
        invited = [i["agency_id"] for i in get("strategy_invites") if i["meeting_id"] == m["meeting_id"]]
        due = due_by_meeting[m["meeting_id"]]
        return all(
            any(
                s["meeting_id"] == m["meeting_id"]
                and s["agency_id"] == agency
                and s.get("shared_at") is not None
                and due is not None
                and s["shared_at"] <= due
                for s in get("strategy_record_shares")
            )
            for agency in invited
        )

    out["strategy_records_shared_in_time_pct"] = percent(sum(map(shared_in_time, meetings)), len(meetings))
    notes = [
        n for n in get("education_notifications") if n.get("incident_at") and _in(uk_date(n["incident_at"]), start, end)
    ]
    out["education_notifications_before_next_school_day_pct"] = percent(
        sum(1 for n in notes if n.get("delivered_at") and n.get("due_at") and n["delivered_at"] <= n["due_at"]),
        len(notes),
    )
    out["contacts_ethnicity_recorded_pct"] = percent(
        sum(1 for c in contacts if c.get("ethnicity_recorded")), len(contacts)
    )
    out["contacts_voice_recorded_pct"] = percent(sum(1 for c in contacts if c.get("voice_recorded")), len(contacts))

    # Adults
    concerns = [c for c in get("adult_concerns") if _in(c.get("received_date"), start, end)]
    out["adult_concerns_total"] = len(concerns)
    first: dict[int, Row] = {}
    for c in sorted(concerns, key=lambda c: (c["received_date"], c["concern_id"])):
        if c.get("person_id") is not None:
            first.setdefault(c["person_id"], c)
    out["adult_individuals_concerns"] = len(first)
    for band, (low, high) in AGE_BANDS.items():
        out[f"adult_individuals_concerns_{band}"] = sum(
            1
            for c in first.values()
            if c.get("age_at_concern") is not None
            and c["age_at_concern"] >= low
            and (high is None or c["age_at_concern"] <= high)
        )
    out["adult_individuals_concerns_age_unknown"] = sum(
        1 for c in first.values() if c.get("age_at_concern") is None or c["age_at_concern"] < 18
    )
    out["adult_individuals_concerns_sex_male"] = sum(1 for c in first.values() if c.get("sex") == "M")
    out["adult_individuals_concerns_sex_female"] = sum(1 for c in first.values() if c.get("sex") == "F")
    out["adult_individuals_concerns_sex_unknown"] = sum(1 for c in first.values() if c.get("sex") not in ("M", "F"))
    s42 = [e for e in get("s42_enquiries") if e.get("kind") == "S42"]
    started = [e for e in s42 if _in(e.get("started_date"), start, end)]
    out["adult_s42_started_total"] = len(started)
    out["adult_individuals_s42"] = len({e["person_id"] for e in started if e.get("person_id") is not None})
    concluded = [e for e in s42 if _in(e.get("concluded_date"), start, end)]
    out["adult_s42_concluded_total"] = len(concluded)
    for risk in RISK_TYPES:
        out[f"adult_s42_concluded_risk_{risk}"] = sum(1 for e in concluded if risk in (e.get("risk_types") or []))
    for value in CAPACITY:
        out[f"adult_s42_concluded_capacity_{value}"] = sum(
            1 for e in concluded if (e.get("lacked_capacity") or "not_recorded") == value
        )
    for value in MSP:
        out[f"adult_s42_concluded_msp_{value}"] = sum(1 for e in concluded if (e.get("msp") or "not_recorded") == value)
    for value in RISK_OUTCOMES:
        out[f"adult_s42_concluded_risk_outcome_{value}"] = sum(1 for e in concluded if e.get("risk_outcome") == value)
    _adult_breakdowns(out, first, started, concluded, get("s42_enquiries"), start, end)
    return out


def _ethnic_group(code: str | None) -> str:
    if code == "REFU":
        return "refused"
    if not code or code == "NOBT":
        return "not_obtained"
    return {"W": "white", "M": "mixed", "A": "asian", "C": "asian", "B": "black"}.get(code[0], "other")


def _age_in_years(born: date | None, on: date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _band(age: int | None, bands: Mapping[str, tuple[int, int | None]]) -> str:
    for band, (low, high) in bands.items():
        if age is not None and age >= low and (high is None or age <= high):
            return band
    return "unknown"


def _describe(out: dict[str, Any], prefix: str, rows: list[Row], *, ages: bool) -> None:
    if ages:
        bands = [_band(r.get("age_at_start"), AGE_BANDS) for r in rows]
        for band in AGE_BANDS:
            out[f"{prefix}_{band}"] = bands.count(band)
        out[f"{prefix}_age_unknown"] = bands.count("unknown")
        out[f"{prefix}_sex_male"] = sum(1 for r in rows if r.get("sex") == "M")
        out[f"{prefix}_sex_female"] = sum(1 for r in rows if r.get("sex") == "F")
        out[f"{prefix}_sex_unknown"] = sum(1 for r in rows if r.get("sex") not in ("M", "F"))
    groups = [_ethnic_group(r.get("ethnicity")) for r in rows]
    for group in ETHNIC_GROUPS:
        out[f"{prefix}_ethnicity_{group}"] = groups.count(group)


def _adult_breakdowns(
    out: dict[str, Any],
    first_concerns: Mapping[int, Row],
    started: list[Row],
    concluded: list[Row],
    enquiries: list[Row],
    start: date,
    end: date,
) -> None:
    """The adults measures page's breakdowns (SAC rules: adults/measures.py docstring)."""
    _describe(out, "adult_individuals_concerns", list(first_concerns.values()), ages=False)
    first: dict[int, Row] = {}
    for e in sorted(started, key=lambda e: (e["started_date"], e["enquiry_id"])):
        if e.get("person_id") is not None:
            first.setdefault(e["person_id"], e)
    _describe(out, "adult_individuals_s42", list(first.values()), ages=True)
    sac_bands = []
    for e in first.values():
        died = e.get("date_of_death")
        sac_bands.append(
            _band(_age_in_years(e.get("date_of_birth"), died if died and died < end else end), SAC_AGE_BANDS)
        )
    for band in [*SAC_AGE_BANDS, "unknown"]:
        out[f"adult_individuals_s42_age_{band}"] = sac_bands.count(band)
    out["adult_other_enquiries_started_total"] = sum(
        1 for e in enquiries if e.get("kind") == "OTHER" and _in(e.get("started_date"), start, end)
    )
    for value in LOCATIONS:
        out[f"adult_s42_concluded_location_{value}"] = sum(
            1 for e in concluded if value in (e.get("risk_locations") or [])
        )
    for value in SOURCES_OF_RISK:
        out[f"adult_s42_concluded_source_{value}"] = sum(1 for e in concluded if value in (e.get("risk_sources") or []))
    for value in ACHIEVED:
        out[f"adult_s42_concluded_achieved_{value}"] = sum(1 for e in concluded if e.get("outcomes_achieved") == value)
    lacked = [e for e in concluded if (e.get("lacked_capacity") or "not_recorded") == "yes"]
    out["adult_s42_concluded_lacked_capacity_advocate_yes"] = sum(
        1 for e in lacked if e.get("advocate_support") is True
    )
    out["adult_s42_concluded_lacked_capacity_advocate_no"] = sum(
        1 for e in lacked if e.get("advocate_support") is False
    )
    out["adult_s42_concluded_lacked_capacity_advocate_not_recorded"] = sum(
        1 for e in lacked if e.get("advocate_support") is None
    )
    out["adult_s42_concluded_advocate_support_yes"] = sum(1 for e in concluded if e.get("advocate_support") is True)
    _describe(out, "adult_s42_concluded", concluded, ages=True)


def _fraction(numerator: int, denominator: float) -> Fraction:
    return Fraction(numerator) / Fraction(str(denominator))
