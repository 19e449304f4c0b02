"""Casework timescales at their boundary days, including bank holidays."""

from datetime import UTC, date, datetime

from safehub.casework import rules


def test_assessment_is_due_45_working_days_from_the_referral_skipping_easter_and_may_bank_holidays():
    # Referral Thu 17 April 2025: Good Friday 18/4, Easter Monday 21/4, 5/5 and 26/5 are bank holidays.
    assert rules.assessment_due(date(2025, 4, 17)) == date(2025, 6, 25)
    assert rules.assessment_due(date(2025, 4, 17), working_days=1) == date(2025, 4, 22)


def test_icpc_is_due_15_working_days_after_the_strategy_discussion_over_christmas():
    # Strategy discussion Fri 19 Dec 2025: 25, 26 Dec and 1 Jan are bank holidays.
    assert rules.icpc_due(date(2025, 12, 19)) == date(2026, 1, 14)


def test_core_groups_first_within_10_working_days_then_six_weekly():
    assert rules.first_core_group_due(date(2025, 5, 1)) == date(2025, 5, 16)  # 5 May is a bank holiday
    assert rules.next_core_group_due(date(2025, 5, 16)) == date(2025, 6, 27)


def test_second_review_conference_is_six_months_after_the_first_not_three():
    icpc = date(2025, 1, 6)
    assert rules.cp_review_due(icpc, None) == date(2025, 4, 6)
    assert rules.cp_review_due(icpc, date(2025, 4, 1)) == date(2025, 10, 1)


def test_add_months_keeps_the_month_end():
    assert rules.add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert rules.add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)


def test_visits_child_protection_every_10_working_days_child_in_need_as_the_plan_says():
    # Last visit Thu 17 April 2025: Good Friday, Easter Monday and 5 May are not working days.
    assert rules.visit_due(stage="CHILD_PROTECTION", since=date(2025, 4, 1), last_visit=date(2025, 4, 17)) == date(
        2025, 5, 6
    )
    assert rules.visit_due(stage="CHILD_IN_NEED", since=date(2025, 4, 17), last_visit=None) == date(2025, 5, 20)
    assert rules.visit_due(
        stage="CHILD_IN_NEED", since=date(2025, 4, 17), last_visit=None, cin_interval_working_days=5
    ) == date(2025, 4, 28)
    assert rules.visit_due(stage="ASSESSMENT", since=date(2025, 4, 17), last_visit=None) is None


def test_re_referral_is_within_12_months_of_the_previous_referral():
    assert rules.is_re_referral(date(2026, 3, 10), date(2025, 3, 10))
    assert not rules.is_re_referral(date(2026, 3, 11), date(2025, 3, 10))
    assert not rules.is_re_referral(date(2026, 3, 11), None)


def test_primary_need_n0_only_for_no_further_action():
    assert rules.primary_need_error("N0", nfa=True) is None
    assert "no further action" in (rules.primary_need_error("N0", nfa=False) or "")
    assert rules.primary_need_error("N4", nfa=False) is None
    assert rules.primary_need_error("N10", nfa=False)


def test_closure_blockers_name_each_open_piece_of_work():
    assert rules.closure_blockers(
        open_assessments=1, open_section47s=0, open_cin_plans=1, open_cp_plans=0, open_periods_of_care=1
    ) == ["an assessment", "a child-in-need plan", "a period of care"]
    assert rules.closure_reason_error("RC8", had_assessment=True, had_plan_or_s47=True)
    assert rules.closure_reason_error("RC8", had_assessment=False, had_plan_or_s47=False)
    assert rules.closure_reason_error("RC7", had_assessment=False, had_plan_or_s47=True) is None


def test_note_locks_after_24_hours_and_strategy_warns_on_missing_agencies():
    written = datetime(2025, 4, 17, 16, tzinfo=UTC)
    assert rules.note_locks_at(written) == datetime(2025, 4, 18, 16, tzinfo=UTC)
    assert rules.missing_strategy_agencies({"POLICE", "LA_CHILDREN"}) == ["health"]
    assert rules.missing_strategy_agencies({"POLICE", "HEALTH_TRUST", "LA_CHILDREN"}) == []
