"""The 903 codes and the statutory timescales, at their boundary days."""

from datetime import date

import pytest

from safehub.core.calendar import is_working_day, working_days_between
from safehub.lookedafter import rules


def test_first_review_is_20_working_days_after_the_start_skipping_bank_holidays():
    # Care starts Thursday 17 April 2025; 20 calendar days would be 7 May.
    start = date(2025, 4, 17)
    due = rules.first_review_due(start)
    assert working_days_between(start, due) == 20
    assert is_working_day(due)
    # Good Friday, Easter Monday and the early May bank holiday (5 May) are skipped: 33 calendar days.
    assert due == date(2025, 5, 20)
    assert rules.initial_health_due(start) == due  # the IHA is due before the first review


def test_second_review_within_three_months_then_every_six_months():
    assert rules.second_review_due(date(2025, 5, 19)) == date(2025, 8, 19)
    assert rules.second_review_due(date(2025, 11, 30)) == date(2026, 2, 28)  # month-end clamps
    assert rules.later_review_due(date(2025, 8, 19)) == date(2026, 2, 19)
    start = date(2025, 4, 17)
    assert rules.next_review_due(start=start, held=[]) == date(2025, 5, 20)
    assert rules.next_review_due(start=start, held=[date(2025, 5, 12)]) == date(2025, 8, 12)
    assert rules.next_review_due(start=start, held=[date(2025, 5, 12), date(2025, 8, 1)]) == date(2026, 2, 1)


def test_review_health_assessment_six_monthly_under_five_then_yearly():
    dob = date(2020, 6, 1)
    assert rules.review_health_due(last_assessment=date(2025, 5, 31), date_of_birth=dob) == date(2025, 11, 30)
    # On the fifth birthday the child is 5: yearly from then.
    assert rules.review_health_due(last_assessment=date(2025, 6, 1), date_of_birth=dob) == date(2026, 6, 1)


def test_participation_pn0_only_under_four():
    assert rules.participation_allowed("PN0", age_at_review=3)
    assert not rules.participation_allowed("PN0", age_at_review=4)
    assert not rules.participation_allowed("PN1", age_at_review=3)
    assert rules.participation_allowed("PN7", age_at_review=12)
    assert not rules.participation_allowed("PN8", age_at_review=12)


def test_reason_for_new_episode_follows_what_changed():
    assert rules.reason_new_episode(legal_status_changed=True, placement_changed=False, carer_changed=False) == "L"
    assert rules.reason_new_episode(legal_status_changed=False, placement_changed=True, carer_changed=True) == "P"
    assert rules.reason_new_episode(legal_status_changed=False, placement_changed=True, carer_changed=False) == "T"
    assert rules.reason_new_episode(legal_status_changed=True, placement_changed=True, carer_changed=True) == "U"
    assert rules.reason_new_episode(legal_status_changed=True, placement_changed=True, carer_changed=False) == "B"
    with pytest.raises(ValueError):
        rules.reason_new_episode(legal_status_changed=False, placement_changed=False, carer_changed=False)


def _facts(**kw):
    base = {
        "decom": date(2025, 5, 1),
        "rne": "S",
        "ls": "C1",
        "place": "U6",
        "place_provider": "PR1",
        "urn": "SC058592",
        "pl_post": "SO14 0BE",
    }
    base.update(kw)
    return rules.EpisodeFacts(**base)


def test_episode_checks_refuse_what_the_903_rejects():
    rules.check_episode(_facts(), date_of_birth=date(2015, 1, 1))
    with pytest.raises(rules.EpisodeRuleError, match="URN"):
        rules.check_episode(_facts(urn=""), date_of_birth=None)
    with pytest.raises(rules.EpisodeRuleError, match="no Ofsted URN"):
        rules.check_episode(_facts(place="P1", place_provider="PR0"), date_of_birth=None)
    with pytest.raises(rules.EpisodeRuleError, match="temporary"):
        rules.check_episode(_facts(place="T3", place_provider="", urn=""), date_of_birth=None)
    with pytest.raises(rules.EpisodeRuleError, match="under 18"):
        rules.check_episode(_facts(decom=date(2033, 1, 1)), date_of_birth=date(2015, 1, 1))
    # The day before the 18th birthday a child can still start to be looked after.
    rules.check_episode(_facts(decom=date(2032, 12, 31)), date_of_birth=date(2015, 1, 1))


def test_continuation_must_start_the_day_the_previous_ended():
    prev = _facts(dec=date(2025, 9, 1), rec="X1")
    rules.check_continuation(prev, _facts(decom=date(2025, 9, 1), rne="L", ls="C2"))
    with pytest.raises(rules.EpisodeRuleError, match="433"):
        rules.check_continuation(prev, _facts(decom=date(2025, 9, 2), rne="L", ls="C2"))
    with pytest.raises(rules.EpisodeRuleError, match="434"):
        rules.check_continuation(prev, _facts(decom=date(2025, 9, 1), rne="L"))  # nothing changed


def test_oc2_twelve_months_continuous_at_31_march():
    year_end = date(2026, 3, 31)
    assert rules.looked_after_continuously([(date(2025, 4, 1), None)], year_end=year_end)
    assert not rules.looked_after_continuously([(date(2025, 4, 2), None)], year_end=year_end)
    assert not rules.looked_after_continuously([(date(2024, 4, 1), date(2026, 3, 30))], year_end=year_end)
    # Ceasing on 31 March itself still counts, as the DfE rules count it.
    assert rules.looked_after_continuously([(date(2024, 4, 1), date(2026, 3, 31))], year_end=year_end)


def test_sdq_for_children_aged_4_to_16_in_the_year():
    start, end = date(2025, 4, 1), date(2026, 3, 31)
    assert rules.sdq_applies(date_of_birth=date(2022, 3, 31), year_start=start, year_end=end)  # turns 4 on 31 March
    assert not rules.sdq_applies(date_of_birth=date(2022, 4, 1), year_start=start, year_end=end)  # 3 all year
    assert rules.sdq_applies(date_of_birth=date(2008, 4, 2), year_start=start, year_end=end)  # 16 at the start
    assert not rules.sdq_applies(date_of_birth=date(2008, 4, 1), year_start=start, year_end=end)  # 17 at the start


def test_oc3_birthdays_17_to_21_in_the_year():
    got = rules.oc3_birthdays(date(2008, 4, 1), year_start=date(2025, 4, 1), year_end=date(2026, 3, 31))
    assert got == [(17, date(2025, 4, 1))]
    assert rules.oc3_birthdays(date(2003, 3, 31), year_start=date(2025, 4, 1), year_end=date(2026, 3, 31)) == []


def test_accommodation_codes_carry_suitability():
    assert rules.accommodation_suitable("Z1")
    assert not rules.accommodation_suitable("Z2")
    assert "S1" not in rules.ACCOMMODATION and "X1" not in rules.ACCOMMODATION
