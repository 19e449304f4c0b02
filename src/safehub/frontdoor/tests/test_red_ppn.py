"""A PPN graded red, by the police or the MASH, is decided by the MASH the day it was received."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest

from safehub.core.calendar import UK, due_after_working_days, is_bank_holiday
from safehub.frontdoor import exports, rules, selectors, services
from safehub.frontdoor.models import Contact
from safehub.frontdoor.services import ChildEntry

pytestmark = pytest.mark.django_db

LATE_EVENING = datetime(2025, 3, 12, 23, 50, tzinfo=UK)  # a Wednesday, 23:50
BANK_HOLIDAY = datetime(2025, 5, 5, 10, 0, tzinfo=UK)  # Early May bank holiday (a Monday)


# --- the rule ----------------------------------------------------------------------------------------
def test_red_by_either_grade_and_only_for_police_contacts():
    assert rules.red_ppn_standard_applies(from_police=True, police_grade="RED", mash_rag="")
    assert rules.red_ppn_standard_applies(from_police=True, police_grade="AMBER", mash_rag="RED")
    assert not rules.red_ppn_standard_applies(from_police=True, police_grade="AMBER", mash_rag="AMBER")
    assert not rules.red_ppn_standard_applies(from_police=True, police_grade="", mash_rag="")
    assert not rules.red_ppn_standard_applies(from_police=False, police_grade="", mash_rag="RED")


def test_a_red_ppn_received_at_23_50_is_due_ten_minutes_later_not_the_next_working_day():
    due = rules.red_ppn_decision_due(LATE_EVENING)
    assert due == datetime(2025, 3, 12, 23, 59, 59, tzinfo=UK)
    assert due < due_after_working_days(LATE_EVENING, 1)  # the usual contact rule: end of Thursday
    assert rules.red_ppn_decided_on_time(LATE_EVENING, LATE_EVENING + timedelta(minutes=8), as_of=LATE_EVENING)
    assert not rules.red_ppn_decided_on_time(LATE_EVENING, LATE_EVENING + timedelta(minutes=15), as_of=LATE_EVENING)
    # Undecided: within time until midnight, overdue after it.
    assert rules.red_ppn_decided_on_time(LATE_EVENING, None, as_of=LATE_EVENING + timedelta(minutes=9)) is None
    assert rules.red_ppn_decided_on_time(LATE_EVENING, None, as_of=LATE_EVENING + timedelta(minutes=11)) is False


def test_the_day_is_the_uk_day_in_summer_time():
    received = datetime(2025, 7, 1, 22, 50, tzinfo=UTC)  # 23:50 in London (BST)
    assert rules.red_ppn_decision_due(received) == datetime(2025, 7, 1, 23, 59, 59, tzinfo=UK)


def test_a_bank_holiday_does_not_move_the_same_day_standard():
    assert is_bank_holiday(BANK_HOLIDAY.date())
    assert rules.red_ppn_decision_due(BANK_HOLIDAY) == datetime(2025, 5, 5, 23, 59, 59, tzinfo=UK)
    # The one-working-day rule for other contacts runs to the end of Tuesday 6 May.
    assert due_after_working_days(BANK_HOLIDAY, 1).date() == date(2025, 5, 6)


def test_the_partnership_can_set_the_standard(settings):
    settings.SAFEHUB_TIMESCALES = {**settings.SAFEHUB_TIMESCALES, "ppn_red_decision_days": 1}
    assert rules.red_ppn_decision_due(LATE_EVENING) == datetime(2025, 3, 13, 23, 59, 59, tzinfo=UK)


# --- the service and the lists -------------------------------------------------------------------
def _ppn(by, grade: str, received_at: datetime, reference: str = "44000001") -> Contact:
    [contact] = services.contact_record(
        by=by,
        now=received_at + timedelta(minutes=1),
        children=[ChildEntry(family_name="Redd", given_name="Kai", child_voice="Hid upstairs")],
        source="6",
        received_at=received_at,
        incident_recorded_at=received_at - timedelta(hours=2),
        summary="Domestic incident, children present",
        consent="NOT_SOUGHT",
        lawful_basis="SAFEGUARDING",
        police_reference=reference,
        police_grade=grade,
        police_grade_rationale="Weapon used",
    )
    return contact


def test_a_police_red_at_23_50_is_overdue_on_the_mash_queue_after_midnight(police_officer, mash_worker):
    red = _ppn(police_officer, "RED", LATE_EVENING)
    amber = _ppn(police_officer, "AMBER", LATE_EVENING, reference="44000002")
    assert red.decision_due_at == datetime(2025, 3, 12, 23, 59, 59, tzinfo=UK)
    assert amber.decision_due_at == due_after_working_days(LATE_EVENING, 1)  # not red: the usual rule
    after_midnight = LATE_EVENING + timedelta(minutes=15)
    queue = selectors.mash_queue_page(user=mash_worker, now=after_midnight)
    assert queue["overdue"] == 1
    rows = {r["id"]: r for r in queue["rows"]}
    assert rows[red.pk]["overdue"] and rows[red.pk]["red_ppn"]
    assert not rows[amber.pk]["overdue"] and not rows[amber.pk]["red_ppn"]
    assert [r["id"] for r in queue["rows"]][0] == red.pk  # overdue first


def test_a_bank_holiday_red_ppn_decided_the_next_day_is_late_on_the_timeliness_list(police_officer, mash_worker):
    red = _ppn(police_officer, "RED", BANK_HOLIDAY)
    assert red.decision_due_at == datetime(2025, 5, 5, 23, 59, 59, tzinfo=UK)
    next_morning = datetime(2025, 5, 6, 9, 0, tzinfo=UK)
    services.decision_record(contact=red, outcome="OTHER_AGENCY", rationale="Police protection",
                             by=mash_worker, now=next_morning)  # fmt: skip
    data = selectors.police_timeliness(
        user=police_officer, start=date(2025, 5, 1), end=date(2025, 5, 31), now=next_morning
    )
    (row,) = data["rows"]
    assert row["red_ppn"] and row["same_day"] is False and not row["overdue"]  # decided, but late
    assert data["red_ppn_total"] == 1 and data["red_same_day_pct"] == 0.0


def test_an_amber_ppn_the_mash_grades_red_takes_the_same_day_standard(police_officer, mash_worker):
    received = datetime(2025, 3, 12, 9, 0, tzinfo=UK)
    amber = _ppn(police_officer, "AMBER", received)
    assert amber.decision_due_at == due_after_working_days(received, 1)
    services.contact_rate(contact=amber, rating="RED", rationale="Disclosure", by=mash_worker,
                          now=received + timedelta(hours=3))  # fmt: skip
    amber.refresh_from_db()
    assert amber.decision_due_at == datetime(2025, 3, 12, 23, 59, 59, tzinfo=UK)
    evening = datetime(2025, 3, 12, 20, 0, tzinfo=UK)
    data = selectors.police_timeliness(user=police_officer, start=received.date(), end=received.date(), now=evening)
    (row,) = data["rows"]
    assert row["red_ppn"] and row["same_day"] is None and not row["overdue"]  # still within its day
    data = selectors.police_timeliness(
        user=police_officer, start=received.date(), end=received.date(), now=evening + timedelta(hours=5)
    )
    assert data["rows"][0]["overdue"] and data["red_overdue_total"] == 1
    # Grading green afterwards never pushes the due time back out.
    services.contact_rate(contact=amber, rating="GREEN", rationale="Reviewed", by=mash_worker,
                          now=received + timedelta(hours=4))  # fmt: skip
    amber.refresh_from_db()
    assert amber.decision_due_at == datetime(2025, 3, 12, 23, 59, 59, tzinfo=UK)


def test_the_timeliness_csv_carries_the_red_ppn_standard(police_officer, mash_worker):
    red = _ppn(police_officer, "RED", BANK_HOLIDAY)
    next_morning = datetime(2025, 5, 6, 9, 0, tzinfo=UK)
    services.decision_record(contact=red, outcome="OTHER_AGENCY", rationale="Police protection",
                             by=mash_worker, now=next_morning)  # fmt: skip
    data = selectors.police_timeliness(
        user=police_officer, start=date(2025, 5, 1), end=date(2025, 5, 31), now=next_morning
    )
    out = io.StringIO()
    exports.police_timeliness_csv(out, data["rows"])
    (row,) = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["contact_id"] == str(red.pk)
    assert (row["red_ppn"], row["decided_same_day"], row["overdue"]) == ("True", "False", "False")
