"""The adult safeguarding rules (adults/rules.py), at their boundaries."""

from datetime import date

import pytest

from safehub.adults import rules


@pytest.mark.parametrize(
    ("day", "in_force"),
    [(date(2025, 3, 9), False), (date(2025, 3, 10), True), (date(2025, 3, 16), True), (date(2025, 3, 17), False)],
)
def test_urgent_authorisation_lasts_seven_days(day, in_force):
    assert rules.urgent_last_day(date(2025, 3, 10)) == date(2025, 3, 16)
    assert rules.urgent_in_force(date(2025, 3, 10), day) is in_force


@pytest.mark.parametrize(
    ("day", "in_force"), [(date(2025, 3, 17), True), (date(2025, 3, 23), True), (date(2025, 3, 24), False)]
)
def test_an_extension_adds_seven_days_once(day, in_force):
    assert rules.urgent_last_day(date(2025, 3, 10), extended=True) == date(2025, 3, 23)
    assert rules.urgent_in_force(date(2025, 3, 10), day, extended=True) is in_force


def test_standard_decision_due_21_days_beginning_with_the_request():
    assert rules.standard_decision_due(date(2025, 2, 1)) == date(2025, 2, 21)
    assert rules.waiting_days(date(2025, 2, 1), date(2025, 2, 21), today=date(2025, 6, 1)) == 20
    assert rules.waiting_days(date(2025, 2, 1), None, today=date(2025, 2, 11)) == 10


def test_standard_authorisation_at_most_a_year():
    assert rules.standard_valid_until(date(2025, 1, 1), date(2025, 12, 31))
    assert not rules.standard_valid_until(date(2025, 1, 1), date(2026, 1, 1))
    assert not rules.standard_valid_until(date(2025, 1, 1), date(2024, 12, 31))
    assert rules.dols_review_due(start=date(2025, 1, 1), until=date(2025, 12, 31)) == date(2025, 12, 3)
    assert rules.dols_review_due(start=date(2025, 1, 1), until=date(2025, 12, 31), review_every_days=90) == date(
        2025, 4, 1
    )


@pytest.mark.parametrize("lacks_capacity", [True, False])
def test_the_care_act_advocate_does_not_depend_on_capacity(lacks_capacity):
    # The rule takes no capacity at all: it cannot turn on it.
    assert rules.care_act_advocate_required(substantial_difficulty=True, appropriate_individual=False)
    assert not rules.care_act_advocate_required(substantial_difficulty=True, appropriate_individual=True)
    assert not rules.care_act_advocate_required(substantial_difficulty=False, appropriate_individual=False)
    assert rules.imca_eligible(lacks_capacity=lacks_capacity, anyone_appropriate_to_consult=False) is lacks_capacity


def test_sac_advocacy_cell_only_where_capacity_was_lacking():
    assert rules.sac_advocacy_answer("YES", True) == "yes"
    assert rules.sac_advocacy_answer("yes", None) == "not_recorded"
    assert rules.sac_advocacy_answer("NO", True) is None


ABLE = rules.FunctionalTest(True, True, True, True)
CANNOT_WEIGH = rules.FunctionalTest(True, True, False, True)


@pytest.mark.parametrize(
    ("impairment", "functional", "because", "outcome"),
    [
        (True, CANNOT_WEIGH, True, rules.CAPACITY_LACKS),
        (True, CANNOT_WEIGH, False, rules.CAPACITY_HAS),  # unable, but not because of the impairment
        (False, CANNOT_WEIGH, False, rules.CAPACITY_HAS),  # no impairment: the presumption stands
        (True, ABLE, True, rules.CAPACITY_HAS),  # an unwise decision is not incapacity
    ],
)
def test_two_stage_capacity_test(impairment, functional, because, outcome):
    assert (
        rules.capacity_outcome(impairment=impairment, functional=functional, because_of_impairment=because) == outcome
    )


def test_sac_age_is_on_31_march_or_at_death():
    assert rules.sac_age(date(1950, 1, 10), year_end=date(2025, 3, 31)) == 75
    assert rules.sac_age(date(1950, 3, 31), year_end=date(2025, 3, 31)) == 75
    assert rules.sac_age(date(1950, 4, 1), year_end=date(2025, 3, 31)) == 74
    assert rules.sac_age(date(1950, 4, 1), year_end=date(2025, 3, 31), date_of_death=date(2024, 5, 1)) == 74
    assert rules.sac_age(date(1950, 1, 10), year_end=date(2025, 3, 31), date_of_death=date(2024, 12, 1)) == 74
    assert [rules.sac_age_band(a) for a in (17, 18, 64, 65, 94, 95, None)] == [
        "Age unknown", "18-64", "18-64", "65-74", "85-94", "95+", "Age unknown",
    ]  # fmt: skip


def test_clutter_rating_and_escalation():
    assert [rules.clutter_rating_valid(r) for r in (None, 0, 1, 9, 10)] == [True, False, True, True, False]
    assert rules.self_neglect_escalation_suggested(clutter_rating=7, engagement="NOT_ENGAGING")
    assert not rules.self_neglect_escalation_suggested(clutter_rating=6, engagement="NOT_ENGAGING")
    assert not rules.self_neglect_escalation_suggested(clutter_rating=9, engagement="ENGAGING")


@pytest.mark.parametrize(
    ("day", "in_force"),
    [(date(2025, 1, 9), False), (date(2025, 1, 10), True), (date(2026, 1, 9), True), (date(2026, 1, 10), False)],
)
def test_a_standard_authorisation_is_in_force_to_the_end_of_its_last_day(day, in_force):
    assert rules.dols_authorised_on(date(2025, 1, 10), date(2026, 1, 9), day) is in_force
    assert rules.dols_authorised_on(None, None, day) is False


def test_dols_rules_take_the_day_counts_as_keywords_with_the_statutory_defaults():
    assert rules.urgent_last_day(date(2025, 3, 10), urgent_days=5) == date(2025, 3, 14)
    assert rules.urgent_last_day(date(2025, 3, 10), extended=True, urgent_days=5, extension_days=3) == date(2025, 3, 17)
    assert not rules.urgent_in_force(date(2025, 3, 10), date(2025, 3, 15), urgent_days=5)
    assert rules.standard_decision_due(date(2025, 2, 1), decision_days=14) == date(2025, 2, 14)
    assert (rules.URGENT_DAYS, rules.URGENT_EXTENSION_DAYS, rules.STANDARD_DECISION_DAYS) == (7, 7, 21)
