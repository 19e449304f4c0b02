"""Compare the DuckDB measures with a plain Python reference on random small snapshots."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safehub.insight.engine import (
    compute_measures,
    measures_earlyhelp,
    measures_lookedafter,
    measures_pathways,
    snapshot_from_rows,
)
from safehub.insight.engine.measures import CAPACITY, CATEGORIES, MSP, RISK_OUTCOMES, RISK_TYPES
from safehub.insight.engine.measures_adults import ACHIEVED, LOCATIONS, SOURCES_OF_RISK

from .reference import reference_measures

# Dates where rules turn: year ends, 29 February, Christmas, BST changes, bank holidays.
SPECIAL_DATES = [
    date(2024, 3, 31), date(2024, 4, 1), date(2025, 3, 31), date(2025, 4, 1), date(2024, 2, 29),
    date(2024, 2, 28), date(2025, 2, 28), date(2023, 2, 28), date(2024, 12, 24), date(2024, 12, 25),
    date(2025, 1, 2), date(2024, 8, 26), date(2024, 10, 27), date(2025, 3, 30), date(2024, 6, 10),
    date(2023, 6, 10),
]  # fmt: skip
dates = st.one_of(st.sampled_from(SPECIAL_DATES), st.dates(date(2023, 1, 1), date(2025, 12, 31)))
optional_dates = st.one_of(st.none(), dates)
moments = st.builds(
    lambda d, minutes: datetime(d.year, d.month, d.day, tzinfo=UTC) + timedelta(minutes=minutes),
    dates,
    st.sampled_from([0, 30, 59, 60, 61, 23 * 60 + 30, 24 * 60, 1440 + 1, 12 * 60]),
)
optional_moments = st.one_of(st.none(), moments)
people = st.one_of(st.none(), st.integers(1, 4))
flags = st.one_of(st.none(), st.booleans())
ethnicities = st.sampled_from([None, "", "WBRI", "MWBA", "ABAN", "CHNE", "BAFR", "OOTH", "REFU", "NOBT"])


def _rows(draw: st.DrawFn, n: int, make: Any) -> list[dict[str, Any]]:
    return [make(i + 1) for i in range(draw(st.integers(0, n)))]


@st.composite
def snapshots(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    def contact(i: int) -> dict[str, Any]:
        incident = draw(optional_moments)
        return {
            "contact_id": i, "person_id": draw(people), "contact_date": draw(optional_dates),
            "received_at": draw(st.one_of(st.none(), st.just(incident), moments)) if incident else draw(
                optional_moments),
            "from_police": draw(flags), "police_high_risk": draw(flags), "incident_recorded_at": incident,
            "police_limit_hours": draw(st.sampled_from([None, 24.0, 12.0, 0.5])),
            "ethnicity_recorded": draw(flags), "voice_recorded": draw(flags), "late_flagged": draw(flags),
        }  # fmt: skip

    rows: dict[str, list[dict[str, Any]]] = {
        "contacts": _rows(draw, 6, contact),
        "referrals": _rows(draw, 6, lambda i: {
            "referral_id": i, "person_id": draw(people), "referral_date": draw(optional_dates),
            "nfa": draw(flags)}),
        "assessments": _rows(draw, 5, lambda i: {
            "assessment_id": i, "person_id": draw(people), "start_date": draw(optional_dates),
            "authorised_date": draw(optional_dates)}),
        "section47": _rows(draw, 5, lambda i: {
            "s47_id": i, "person_id": draw(people), "strategy_date": draw(optional_dates),
            "icpc_date": draw(optional_dates)}),
        "cp_plans": _rows(draw, 5, lambda i: {
            "plan_id": i, "person_id": draw(people), "start_date": draw(optional_dates),
            "end_date": draw(optional_dates), "initial_category": draw(st.sampled_from([None, *CATEGORIES])),
            "unborn_at_start": draw(flags)}),
        "cla_episodes": _rows(draw, 4, lambda i: {
            "episode_id": i, "person_id": draw(people), "start_date": draw(optional_dates),
            "end_date": draw(optional_dates)}),
        "cin_episodes": _rows(draw, 4, lambda i: {
            "episode_id": i, "person_id": draw(people), "referral_date": draw(optional_dates),
            "closure_date": draw(optional_dates), "closure_reason": draw(st.sampled_from([None, "RC1", "RC8"]))}),
        "early_help_assessments": _rows(draw, 3, lambda i: {
            "assessment_id": i, "person_id": draw(people), "start_date": draw(optional_dates),
            "completed_date": draw(optional_dates)}),
        "cla_reviews": _rows(draw, 3, lambda i: {
            "review_id": i, "person_id": draw(people), "due_date": draw(optional_dates),
            "held_date": draw(optional_dates)}),
        "cla_health_assessments": _rows(draw, 3, lambda i: {
            "assessment_id": i, "person_id": draw(people), "due_date": draw(optional_dates),
            "completed_date": draw(optional_dates)}),
        "adult_concerns": _rows(draw, 5, lambda i: {
            "concern_id": i, "person_id": draw(people), "received_date": draw(optional_dates),
            "age_at_concern": draw(st.one_of(st.none(), st.integers(15, 100))),
            "sex": draw(st.sampled_from([None, "M", "F", "U"])), "ethnicity": draw(ethnicities)}),
        "s42_enquiries": _rows(draw, 5, lambda i: {
            "enquiry_id": i, "person_id": draw(people), "kind": draw(st.sampled_from(["S42", "OTHER", None])),
            "started_date": draw(optional_dates), "concluded_date": draw(optional_dates),
            "risk_types": draw(st.one_of(st.none(), st.lists(st.sampled_from(RISK_TYPES), max_size=3))),
            "lacked_capacity": draw(st.sampled_from([None, *CAPACITY])),
            "msp": draw(st.sampled_from([None, *MSP])),
            "risk_outcome": draw(st.sampled_from([None, *RISK_OUTCOMES])),
            "risk_locations": draw(st.one_of(st.none(), st.lists(st.sampled_from(LOCATIONS), max_size=2, unique=True))),
            "risk_sources": draw(st.one_of(st.none(), st.lists(st.sampled_from(SOURCES_OF_RISK), max_size=2,
                                                                 unique=True))),
            "outcomes_achieved": draw(st.sampled_from([None, *ACHIEVED])), "advocate_support": draw(flags),
            "age_at_start": draw(st.one_of(st.none(), st.integers(15, 100))),
            "sex": draw(st.sampled_from([None, "M", "F", "U"])), "ethnicity": draw(ethnicities),
            "date_of_birth": draw(st.one_of(st.none(), st.dates(date(1920, 1, 1), date(2010, 12, 31)))),
            "date_of_death": draw(optional_dates)}),
        "health_requests": _rows(draw, 5, lambda i: {
            "request_id": i, "requested_at": draw(optional_moments), "due_at": draw(optional_moments),
            "answered_at": draw(optional_moments)}),
        "strategy_meetings": _rows(draw, 3, lambda i: {
            "meeting_id": i, "person_id": draw(people), "held_date": draw(optional_dates),
            "held_at": draw(optional_moments), "record_share_due_at": draw(optional_moments)}),
        "education_notifications": _rows(draw, 3, lambda i: {
            "notification_id": i, "incident_at": draw(optional_moments), "due_at": draw(optional_moments),
            "delivered_at": draw(optional_moments)}),
    }  # fmt: skip
    meeting_ids = [m["meeting_id"] for m in rows["strategy_meetings"]] or [1]
    pairs = draw(st.sets(st.tuples(st.sampled_from(meeting_ids), st.integers(1, 3)), max_size=5))
    rows["strategy_invites"] = [{"meeting_id": m, "agency_id": a} for m, a in sorted(pairs)]
    rows["strategy_record_shares"] = _rows(draw, 5, lambda i: {
        "meeting_id": draw(st.sampled_from(meeting_ids)), "agency_id": draw(st.integers(1, 3)),
        "shared_at": draw(optional_moments)})  # fmt: skip
    leavers = {}
    for _ in range(draw(st.integers(0, 4))):
        key = (draw(st.integers(1, 4)), draw(dates))
        leavers[key] = {
            "person_id": key[0], "as_of_date": key[1], "suitable_accommodation": draw(flags),
            "in_eet": draw(flags)}  # fmt: skip
    rows["care_leavers"] = list(leavers.values())
    return rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=snapshots(), year=st.sampled_from(["2023-24", "2024-25"]), population=st.sampled_from([0, 7, 123.5]))
def test_duckdb_measures_match_the_plain_python_reference(
    rows: dict[str, list[dict[str, Any]]], year: str, population: float
) -> None:
    expected = reference_measures(rows, year=year, population={"children_0_17": population})

    actual = compute_measures(snapshot_from_rows(rows), year=year, population={"children_0_17": population})

    assert {k: actual[k] for k in expected} == expected
    assert set(actual) - set(expected) == TESTED_ELSEWHERE


def _ids(module) -> set[str]:
    from safehub.insight.engine.measures import _count, _percent

    return {m.id for m in module.definitions(_count, _percent)}


# Measures of the domain modules are checked by their own apps' tests against records built through
# the services (earlyhelp/tests/test_measures.py, pathways/tests/test_measures.py,
# lookedafter/tests/test_measures.py); every other measure must have a plain-Python reference here.
TESTED_ELSEWHERE = (_ids(measures_earlyhelp) | _ids(measures_pathways) | _ids(measures_lookedafter)) - set(
    reference_measures({}, year="2024-25", population={"children_0_17": 1})
)
