from __future__ import annotations

from datetime import date, datetime

import pytest

from safehub.core.calendar import UK
from safehub.pathways import rules


def test_lado_initial_consideration_is_due_by_the_end_of_the_next_working_day():
    friday = datetime(2025, 4, 11, 16, 30, tzinfo=UK)
    assert rules.lado_initial_consideration_due(friday) == datetime(2025, 4, 14, 23, 59, 59, tzinfo=UK)


def test_lado_initial_consideration_skips_the_easter_bank_holidays():
    thursday_before_good_friday = datetime(2025, 4, 17, 10, 0, tzinfo=UK)
    # Good Friday 18 April and Easter Monday 21 April are bank holidays: due Tuesday 22 April.
    assert rules.lado_initial_consideration_due(thursday_before_good_friday).date() == date(2025, 4, 22)


def test_lado_on_time_is_undecided_until_the_deadline_passes():
    referred = datetime(2025, 3, 12, 9, 0, tzinfo=UK)
    assert (
        rules.lado_initial_consideration_on_time(referred, None, as_of=datetime(2025, 3, 13, 12, 0, tzinfo=UK)) is None
    )
    assert (
        rules.lado_initial_consideration_on_time(referred, None, as_of=datetime(2025, 3, 14, 0, 1, tzinfo=UK)) is False
    )
    late = datetime(2025, 3, 14, 9, 0, tzinfo=UK)
    assert rules.lado_initial_consideration_on_time(referred, late, as_of=late) is False


def test_private_fostering_initial_visit_within_seven_working_days_over_a_bank_holiday():
    # Notified Thursday 1 May 2025; Monday 5 May is the early May bank holiday.
    assert rules.pf_initial_visit_due(date(2025, 5, 1)) == date(2025, 5, 13)


def test_private_fostering_visits_six_weekly_in_year_one_then_twelve_weekly():
    notified = date(2024, 3, 1)
    assert rules.pf_next_visit_due(notified_date=notified, last_visit_date=date(2025, 2, 20)) == date(2025, 4, 3)
    assert rules.pf_next_visit_due(notified_date=notified, last_visit_date=date(2025, 3, 1)) == date(2025, 5, 24)


def test_private_fostering_timeliness_marks_a_late_visit_and_what_is_next():
    timing = rules.pf_visit_timeliness(
        notified_date=date(2025, 1, 6), visit_dates=[date(2025, 1, 10), date(2025, 3, 1)], as_of=date(2025, 3, 5)
    )
    assert timing["initial_on_time"] is True
    assert timing["visits"][1] == (date(2025, 2, 21), date(2025, 3, 1), False)
    assert timing["next_due"] == date(2025, 4, 12)
    assert timing["overdue"] is False


def test_private_fostering_with_no_visit_is_late_once_seven_working_days_pass():
    timing = rules.pf_visit_timeliness(notified_date=date(2025, 1, 6), visit_dates=[], as_of=date(2025, 1, 16))
    assert timing["initial_on_time"] is False and timing["overdue"] is True


def test_private_fostering_age_scope():
    assert rules.pf_child_in_scope(age=15, disabled=False)
    assert not rules.pf_child_in_scope(age=16, disabled=False)
    assert rules.pf_child_in_scope(age=17, disabled=True)


def test_cme_enquiries_are_due_after_twenty_school_days():
    assert rules.cme_enquiries_due(date(2025, 3, 3)) == date(2025, 3, 31)


def test_cme_days_missing_counts_school_days_only():
    assert rules.cme_days_missing(date(2025, 3, 7), date(2025, 3, 14), as_of=date(2025, 4, 1)) == 5


@pytest.mark.parametrize(
    ("score", "level"), [(0, "STANDARD"), (9, "STANDARD"), (10, "MEDIUM"), (13, "MEDIUM"), (14, "HIGH"), (24, "HIGH")]
)
def test_dash_levels(score, level):
    assert rules.dash_risk_level(score) == level


def test_dash_score_out_of_range_is_refused():
    with pytest.raises(ValueError):
        rules.dash_risk_level(25)


def test_marac_eligibility_by_score_or_judgement():
    assert rules.marac_eligible(dash_score=14, professional_judgement=False)
    assert not rules.marac_eligible(dash_score=13, professional_judgement=False)
    assert rules.marac_eligible(dash_score=6, professional_judgement=True)
    assert not rules.marac_eligible(dash_score=None, professional_judgement=False)


def test_marac_repeat_within_twelve_months():
    assert rules.marac_is_repeat(date(2025, 3, 1), [date(2024, 3, 1)])
    assert not rules.marac_is_repeat(date(2025, 3, 1), [date(2024, 2, 28)])
    assert not rules.marac_is_repeat(date(2025, 3, 1), [])
