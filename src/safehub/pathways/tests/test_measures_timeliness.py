"""The front door's hours and the red PPN same-day standard in the engine, against a plain-Python reference."""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safehub.core.calendar import UK, financial_year
from safehub.frontdoor import services as frontdoor_services
from safehub.frontdoor.services import ChildEntry
from safehub.insight.engine import compute_measures, percent, snapshot_from_rows
from safehub.pathways import snapshot_tables

IDS = (
    "contacts_median_hours_to_decision",
    "ppn_median_hours_to_mash_grading",
    "ppn_median_hours_to_strategy_discussion",
    "ppn_red_total",
    "ppn_red_decided_same_day_pct",
)

# Year ends, a bank holiday and the BST changes, then any day; moments on a 12-minute grid, so a
# median (of two values at most half-way between them) never lands on a rounding tie.
days = st.one_of(
    st.sampled_from([date(2024, 3, 31), date(2024, 4, 1), date(2025, 3, 31), date(2025, 4, 1), date(2024, 5, 6),
                     date(2024, 10, 27), date(2025, 3, 30)]),
    st.dates(date(2023, 6, 1), date(2025, 9, 30)),
)  # fmt: skip
moments = st.builds(
    lambda d, steps: datetime(d.year, d.month, d.day, tzinfo=UTC) + timedelta(minutes=12 * steps),
    days,
    st.integers(0, 24 * 5 * 5),
)
maybe = st.one_of(st.none(), st.booleans())


@st.composite
def snapshots(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    def contact(i: int) -> dict[str, Any]:
        received = draw(moments)
        return {
            "contact_id": i, "received_at": received, "received_date": received.astimezone(UK).date(),
            "from_police": draw(maybe), "first_rated_at": draw(st.one_of(st.none(), moments)),
            "decided_at": draw(st.one_of(st.none(), moments)), "red_ppn": draw(maybe), "red_on_time": draw(maybe),
        }  # fmt: skip

    def ppn(i: int) -> dict[str, Any]:
        received = draw(moments)
        return {
            "contact_id": i, "received_at": received, "received_date": received.astimezone(UK).date(),
            "followed": draw(maybe), "first_strategy_held_at": draw(st.one_of(st.none(), moments)),
        }  # fmt: skip

    return {
        "contact_decisions": [contact(i + 1) for i in range(draw(st.integers(0, 12)))],
        "ppn_strategy": [ppn(i + 1) for i in range(draw(st.integers(0, 8)))],
    }


def _hours(start: datetime, end: datetime) -> float:
    return (end - start) // timedelta(microseconds=1) / 3_600_000_000


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def reference(rows: dict[str, list[dict[str, Any]]], year: str) -> dict[str, Any]:
    """The five measures counted in plain Python from the same rows."""
    start, end = financial_year(year)
    contacts = [r for r in rows["contact_decisions"] if start <= r["received_date"] <= end]
    ppns = [r for r in rows["ppn_strategy"] if start <= r["received_date"] <= end]
    red = [r for r in contacts if r["red_ppn"] is True]
    judged = [r for r in red if r["red_on_time"] is not None]
    return {
        "contacts_median_hours_to_decision": _median(
            [_hours(r["received_at"], r["decided_at"]) for r in contacts if r["decided_at"]]
        ),
        "ppn_median_hours_to_mash_grading": _median(
            [
                _hours(r["received_at"], r["first_rated_at"])
                for r in contacts
                if r["from_police"] is True and r["first_rated_at"]
            ]
        ),  # fmt: skip
        "ppn_median_hours_to_strategy_discussion": _median(
            [
                _hours(r["received_at"], r["first_strategy_held_at"])
                for r in ppns
                if r["followed"] is True and r["first_strategy_held_at"]
            ]
        ),  # fmt: skip
        "ppn_red_total": len(red),
        "ppn_red_decided_same_day_pct": percent(sum(1 for r in judged if r["red_on_time"]), len(judged)),
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=snapshots(), year=st.sampled_from(["2023-24", "2024-25"]))
def test_the_engine_agrees_with_the_plain_python_reference(rows, year):
    expected = reference(rows, year)

    actual = compute_measures(snapshot_from_rows(rows), year=year)  # type: ignore[arg-type]

    assert {k: actual[k] for k in IDS} == expected


def test_an_empty_year_has_no_median_and_no_percentage():
    actual = compute_measures(snapshot_from_rows({}), year="2024-25")
    assert [actual[k] for k in IDS] == [None, None, None, 0, None]


# --- records made through the services, counted through the snapshot --------------------------------
@pytest.mark.django_db
def test_red_ppns_at_23_50_and_on_a_bank_holiday_are_counted_against_the_same_day(police_officer, mash_worker):
    def ppn(grade: str, received: datetime, reference: str):
        [contact] = frontdoor_services.contact_record(
            by=police_officer, now=received, source="6", received_at=received,
            children=[ChildEntry(family_name="Redd", given_name="Kai", child_voice="Quiet")],
            incident_recorded_at=received - timedelta(hours=1), summary="Domestic incident", consent="NOT_SOUGHT",
            lawful_basis="SAFEGUARDING", police_reference=reference, police_grade=grade, police_grade_rationale="Seen",
        )  # fmt: skip
        return contact

    def decide(contact, at: datetime) -> None:
        frontdoor_services.decision_record(contact=contact, outcome="NFA", rationale="Safe", by=mash_worker, now=at)

    late_evening = ppn("RED", datetime(2024, 11, 13, 23, 50, tzinfo=UK), "P1")
    decide(late_evening, datetime(2024, 11, 13, 23, 56, tzinfo=UK))  # in time: 6 minutes
    bank_holiday = ppn("RED", datetime(2024, 8, 26, 10, 0, tzinfo=UK), "P2")  # summer bank holiday
    decide(bank_holiday, datetime(2024, 8, 27, 9, 0, tzinfo=UK))  # the next working day: late
    amber = ppn("AMBER", datetime(2024, 12, 2, 9, 0, tzinfo=UK), "P3")
    frontdoor_services.contact_rate(contact=amber, rating="RED", rationale="Disclosure", by=mash_worker,
                                    now=datetime(2024, 12, 2, 11, 0, tzinfo=UK))  # fmt: skip
    green = ppn("GREEN", datetime(2024, 12, 3, 9, 0, tzinfo=UK), "P4")
    decide(green, datetime(2024, 12, 3, 14, 0, tzinfo=UK))

    tables = snapshot_tables.tables(now=datetime(2025, 1, 6, 9, 0, tzinfo=UK))
    by_id = {r["contact_id"]: r for r in tables["contact_decisions"].to_pylist()}
    assert by_id[amber.pk]["red_ppn"] and by_id[amber.pk]["red_on_time"] is False  # undecided, its day over
    assert by_id[green.pk]["red_ppn"] is False and by_id[green.pk]["red_on_time"] is None
    assert by_id[amber.pk]["first_rated_at"] == datetime(2024, 12, 2, 11, 0, tzinfo=UK)

    result = compute_measures(tables, year="2024-25")
    assert result["ppn_red_total"] == 3
    assert result["ppn_red_decided_same_day_pct"] == 33.3  # only the 23:50 one
    # Decisions after 0.1 h (23:50 to 23:56), 23 h (bank holiday) and 5 h (green): the median is 5.
    assert result["contacts_median_hours_to_decision"] == 5.0
    assert result["ppn_median_hours_to_mash_grading"] == 2.0
