"""Check each counting rule on small hand-made snapshots whose answers are worked out by hand."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from safehub.insight.engine import (
    compute_measures,
    compute_trend,
    measure_definitions,
    measure_records,
    snapshot_from_rows,
    snapshot_write,
)

YEAR = "2024-25"

CONTRACT_IDS = [
    "contacts_total", "children_with_contact", "referrals_total", "referrals_nfa_total",
    "contacts_to_referral_pct", "re_referrals_12m_pct", "assessments_completed_total",
    "assessments_within_45wd_pct", "s47_total", "icpc_total", "icpc_within_15wd_pct",
    "cp_plans_started_total", "cp_plans_started_neglect", "cp_plans_started_emotional",
    "cp_plans_started_physical", "cp_plans_started_sexual", "cp_plans_started_multiple",
    "cp_plans_open_31_march", "cp_plans_second_or_subsequent_pct", "cla_started_total",
    "cla_open_31_march", "adult_concerns_total", "adult_individuals_concerns",
    "adult_s42_started_total", "adult_individuals_s42", "adult_s42_concluded_total",
    *[f"adult_s42_concluded_risk_{t}" for t in (
        "physical", "sexual", "psychological", "financial", "discriminatory", "organisational",
        "neglect", "domestic", "sexual_exploitation", "modern_slavery", "self_neglect")],
    *[f"adult_s42_concluded_capacity_{v}" for v in ("yes", "no", "dont_know", "not_recorded")],
    *[f"adult_s42_concluded_msp_{v}" for v in (
        "expressed", "asked_not_expressed", "not_asked", "dont_know", "not_recorded")],
    "police_high_risk_referrals_total", "police_high_risk_within_limit_pct", "health_requests_total",
    "health_requests_answered_in_time_pct", "strategy_records_shared_in_time_pct",
    "education_notifications_before_next_school_day_pct", "contacts_ethnicity_recorded_pct",
    "contacts_voice_recorded_pct",
]  # fmt: skip

EXTRA_IDS = [
    "children_open_in_year", "cp_plans_unborn_started", "cla_rate_per_10k", "cla_reviews_in_time_pct",
    "cla_health_assessments_in_time_pct", "care_leavers_suitable_accommodation_pct",
    "care_leavers_eet_pct", "health_requests_late_total", "health_requests_unanswered_total",
    "health_requests_median_hours_to_answer", "police_high_risk_late_flagged_total",
    "adult_individuals_concerns_18_64", "adult_individuals_concerns_65_74",
    "adult_individuals_concerns_75_84", "adult_individuals_concerns_85_plus",
]  # fmt: skip


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def measures(rows: dict, year: str = YEAR, **kwargs: object) -> dict:
    return compute_measures(snapshot_from_rows(rows), year=year, **kwargs)  # type: ignore[arg-type]


def test_every_contract_and_extra_id_is_computed() -> None:
    result = measures({})

    missing = [i for i in CONTRACT_IDS + EXTRA_IDS if i not in result]

    assert missing == []
    assert [d.id for d in measure_definitions()] == list(result)


def test_contract_file_ids_are_all_computed() -> None:
    contract = Path(__file__).resolve().parents[6] / "shared" / "formats" / "measures.md"
    if not contract.exists():
        contract = Path("/work/shared/formats/measures.md")
    if not contract.exists():
        pytest.skip("shared/formats/measures.md is not beside the repository")
    ids = set(re.findall(r"`([a-z0-9_]+)`", contract.read_text()))
    result = measures({})
    # Families written as `prefix_<type>` or `/ _emotional` in the table are listed in full above.
    single = {i for i in ids if i.endswith(("_total", "_pct", "_31_march", "_contact", "_concerns", "_s42"))}

    assert single - set(result) == set()
    assert set(CONTRACT_IDS) <= set(result)


def test_empty_denominators_are_none_and_counts_zero() -> None:
    result = measures({})

    assert result["contacts_total"] == 0
    assert result["contacts_to_referral_pct"] is None
    assert result["assessments_within_45wd_pct"] is None
    assert result["health_requests_median_hours_to_answer"] is None
    assert result["cla_rate_per_10k"] is None


def test_contacts_in_year_include_bank_holiday_and_year_boundaries() -> None:
    rows = {
        "contacts": [
            {"contact_id": 1, "person_id": 10, "contact_date": date(2024, 3, 31)},  # previous year
            {"contact_id": 2, "person_id": 10, "contact_date": date(2024, 4, 1), "ethnicity_recorded": False},
            {"contact_id": 3, "person_id": 11, "contact_date": date(2024, 8, 26), "voice_recorded": True,
             "ethnicity_recorded": True},  # summer bank holiday
            {"contact_id": 4, "person_id": 10, "contact_date": date(2025, 3, 31), "ethnicity_recorded": True},
            {"contact_id": 5, "person_id": 12, "contact_date": date(2025, 4, 1)},  # next year
        ],
        "referrals": [{"referral_id": 1, "person_id": 11, "referral_date": date(2024, 8, 27), "nfa": True}],
    }  # fmt: skip

    result = measures(rows)

    assert result["contacts_total"] == 3
    assert result["children_with_contact"] == 2
    assert result["referrals_nfa_total"] == 1
    assert result["contacts_to_referral_pct"] == 33.3
    # Person 10's ethnicity was not obtained on the first contact and recorded later: 2 of 3.
    assert result["contacts_ethnicity_recorded_pct"] == 66.7
    assert result["contacts_voice_recorded_pct"] == 33.3


@pytest.mark.parametrize(
    ("earlier", "referral", "expected"),
    [
        (date(2023, 6, 10), date(2024, 6, 10), 50.0),  # exactly 12 months: counts
        (date(2023, 6, 9), date(2024, 6, 10), 0.0),  # a day more than 12 months: does not
        (date(2024, 2, 29), date(2025, 2, 28), 50.0),  # 28 Feb 2024 is the limit: 29 Feb inside
        (date(2024, 2, 27), date(2025, 2, 28), 0.0),
        (date(2024, 6, 10), date(2024, 6, 10), 0.0),  # same day is not "before"
    ],
)
def test_re_referral_within_12_months(earlier: date, referral: date, expected: float) -> None:
    rows = {
        "referrals": [
            {"referral_id": 1, "person_id": 7, "referral_date": earlier},
            {"referral_id": 2, "person_id": 7, "referral_date": referral},
            {"referral_id": 3, "person_id": 8, "referral_date": date(2024, 9, 1)},
        ]
    }
    result = measures(rows)

    in_year = sum(1 for d in (earlier, referral) if d >= date(2024, 4, 1)) + 1
    assert result["referrals_total"] == in_year
    numerator = round(expected * in_year / 100)
    assert result["re_referrals_12m_pct"] == round(100 * numerator / in_year, 1)
    assert (numerator == 1) == (expected > 0)


def test_re_referral_from_29_february_looks_back_to_28_february() -> None:
    rows = {
        "referrals": [
            {"referral_id": 1, "person_id": 7, "referral_date": date(2023, 2, 28)},
            {"referral_id": 2, "person_id": 7, "referral_date": date(2024, 2, 29)},
            {"referral_id": 3, "person_id": 8, "referral_date": date(2023, 2, 27)},
            {"referral_id": 4, "person_id": 8, "referral_date": date(2024, 2, 29)},
        ]
    }

    result = measures(rows, year="2023-24")

    assert result["referrals_total"] == 2
    assert result["re_referrals_12m_pct"] == 50.0


def test_assessment_spanning_christmas_at_exactly_45_working_days() -> None:
    # 20 Nov 2024 + 45 working days, skipping 25, 26 Dec and 1 Jan, is 27 Jan 2025.
    rows = {
        "assessments": [
            {"assessment_id": 1, "person_id": 1, "start_date": date(2024, 11, 20),
             "authorised_date": date(2025, 1, 27)},
            {"assessment_id": 2, "person_id": 2, "start_date": date(2024, 11, 20),
             "authorised_date": date(2025, 1, 28)},
            {"assessment_id": 3, "person_id": 3, "start_date": None, "authorised_date": date(2025, 1, 2)},
            {"assessment_id": 4, "person_id": 4, "start_date": date(2024, 1, 2),
             "authorised_date": date(2024, 3, 1)},  # authorised in the previous year
        ]
    }  # fmt: skip

    result = measures(rows)
    records = measure_records(snapshot_from_rows(rows), year=YEAR, measure_id="assessments_within_45wd_pct")

    assert result["assessments_completed_total"] == 3
    assert result["assessments_within_45wd_pct"] == 33.3
    by_id = dict(zip(records["assessment_id"].to_pylist(), records["working_days"].to_pylist(), strict=True))
    assert by_id == {1: 45, 2: 46, 3: None}


def test_icpc_at_exactly_15_working_days() -> None:
    # 16 Dec 2024 + 15 working days, skipping Christmas, Boxing Day and New Year's Day, is 9 Jan 2025.
    rows = {
        "section47": [
            {"s47_id": 1, "person_id": 1, "strategy_date": date(2024, 12, 16), "icpc_date": date(2025, 1, 9)},
            {
                "s47_id": 2,
                "person_id": 2,
                "strategy_date": date(2024, 12, 16),
                "icpc_date": date(2025, 1, 10),
            },
            {"s47_id": 3, "person_id": 3, "strategy_date": date(2024, 3, 28), "icpc_date": None},
        ]
    }

    result = measures(rows)

    assert result["s47_total"] == 2
    assert result["icpc_total"] == 2
    assert result["icpc_within_15wd_pct"] == 50.0


def test_plans_unborn_categories_and_second_plans() -> None:
    rows = {
        "persons": [{"person_id": 1, "is_unborn_now": True}, {"person_id": 2}],
        "cp_plans": [
            {"plan_id": 1, "person_id": 1, "start_date": date(2024, 5, 1), "initial_category": "NEGLECT",
             "unborn_at_start": True},
            {"plan_id": 2, "person_id": 2, "start_date": date(2022, 5, 1), "end_date": date(2023, 1, 1),
             "initial_category": "PHYSICAL"},
            {"plan_id": 3, "person_id": 2, "start_date": date(2024, 6, 1), "initial_category": "MULTIPLE"},
        ],
    }  # fmt: skip

    result = measures(rows)

    assert result["cp_plans_started_total"] == 2
    assert result["cp_plans_unborn_started"] == 1
    assert result["cp_plans_started_neglect"] == 1
    assert result["cp_plans_started_multiple"] == 1
    assert result["cp_plans_started_physical"] == 0
    assert result["cp_plans_second_or_subsequent_pct"] == 50.0


@pytest.mark.parametrize(("end_date", "open_count"), [(date(2025, 3, 30), 0), (date(2025, 3, 31), 1), (None, 1)])
def test_plan_open_on_31_march(end_date: date | None, open_count: int) -> None:
    rows = {"cp_plans": [{"plan_id": 1, "person_id": 5, "start_date": date(2024, 1, 5), "end_date": end_date}]}

    assert measures(rows)["cp_plans_open_31_march"] == open_count


def test_looked_after_at_31_march_and_rate() -> None:
    rows = {
        "cla_episodes": [
            {"episode_id": 1, "person_id": 1, "start_date": date(2023, 1, 1)},
            {"episode_id": 2, "person_id": 2, "start_date": date(2024, 7, 1), "end_date": date(2024, 9, 1)},
            {"episode_id": 3, "person_id": 2, "start_date": date(2024, 10, 1)},
            {"episode_id": 4, "person_id": 3, "start_date": date(2025, 4, 1)},
        ]
    }

    result = measures(rows, population={"children_0_17": 3000})

    assert result["cla_started_total"] == 2
    assert result["cla_open_31_march"] == 2
    assert result["cla_rate_per_10k"] == 6.7
    assert result["children_open_in_year"] == 2


def test_adult_with_two_concerns_counts_once_with_first_age_and_ethnicity() -> None:
    rows = {
        "adult_concerns": [
            {"concern_id": 1, "person_id": 1, "received_date": date(2024, 5, 1), "age_at_concern": 74,
             "sex": "F", "ethnicity": "WBRI"},
            {"concern_id": 2, "person_id": 1, "received_date": date(2024, 11, 1), "age_at_concern": 75,
             "sex": "F", "ethnicity": "WIRI"},
            {"concern_id": 3, "person_id": 2, "received_date": date(2024, 6, 1), "age_at_concern": 90,
             "sex": "M"},
            {"concern_id": 4, "person_id": 3, "received_date": date(2024, 3, 1), "age_at_concern": 30},
        ],
        "s42_enquiries": [
            {"enquiry_id": 1, "person_id": 1, "kind": "S42", "started_date": date(2024, 5, 2),
             "concluded_date": date(2024, 8, 1), "risk_types": ["neglect", "financial", "neglect"],
             "lacked_capacity": "yes", "msp": "expressed", "risk_outcome": "reduced"},
            {"enquiry_id": 2, "person_id": 1, "kind": "S42", "started_date": date(2024, 12, 1)},
            {"enquiry_id": 3, "person_id": 2, "kind": "OTHER", "started_date": date(2024, 6, 2),
             "concluded_date": date(2024, 7, 1), "risk_types": ["physical"]},
            {"enquiry_id": 4, "person_id": 2, "kind": "S42", "started_date": date(2024, 1, 2),
             "concluded_date": date(2024, 4, 1), "risk_types": []},
        ],
    }  # fmt: skip

    result = measures(rows)

    assert result["adult_concerns_total"] == 3
    assert result["adult_individuals_concerns"] == 2
    assert result["adult_individuals_concerns_65_74"] == 1
    assert result["adult_individuals_concerns_75_84"] == 0
    assert result["adult_individuals_concerns_85_plus"] == 1
    assert result["adult_individuals_concerns_sex_female"] == 1
    assert result["adult_s42_started_total"] == 2
    assert result["adult_individuals_s42"] == 1
    assert result["adult_s42_concluded_total"] == 2
    assert result["adult_s42_concluded_risk_neglect"] == 1
    assert result["adult_s42_concluded_risk_financial"] == 1
    assert result["adult_s42_concluded_risk_physical"] == 0
    assert result["adult_s42_concluded_capacity_yes"] == 1
    assert result["adult_s42_concluded_capacity_not_recorded"] == 1
    assert result["adult_s42_concluded_msp_not_recorded"] == 1
    assert result["adult_s42_concluded_risk_outcome_reduced"] == 1


def test_care_home_and_hospital_sub_types_count_apart_from_the_older_generic_values() -> None:
    enquiry = {"kind": "S42", "started_date": date(2024, 5, 1), "concluded_date": date(2024, 6, 1)}
    rows = {
        "s42_enquiries": [
            {**enquiry, "enquiry_id": 1, "risk_locations": ["care_home_nursing", "hospital_acute"]},
            {**enquiry, "enquiry_id": 2, "risk_locations": ["care_home"]},  # recorded before the sub-types
            {**enquiry, "enquiry_id": 3, "risk_locations": ["care_home_residential", "hospital"]},
        ],
    }

    result = measures(rows)

    assert result["adult_s42_concluded_location_care_home_nursing"] == 1
    assert result["adult_s42_concluded_location_care_home_residential"] == 1
    assert result["adult_s42_concluded_location_care_home"] == 1  # only the generic one: no sub-type guessed
    assert result["adult_s42_concluded_location_hospital_acute"] == 1
    assert result["adult_s42_concluded_location_hospital_mental_health"] == 0
    assert result["adult_s42_concluded_location_hospital"] == 1


def test_enquiries_ceased_at_the_adults_request_are_their_own_risk_outcome() -> None:
    enquiry = {"kind": "S42", "started_date": date(2024, 5, 1), "concluded_date": date(2024, 6, 1)}
    rows = {
        "s42_enquiries": [
            {**enquiry, "enquiry_id": 1, "risk_outcome": "ceased_at_request"},
            {**enquiry, "enquiry_id": 2, "risk_outcome": "no_action"},
        ],
    }

    result = measures(rows)

    assert result["adult_s42_concluded_risk_outcome_ceased_at_request"] == 1
    assert result["adult_s42_concluded_risk_outcome_no_action"] == 1


def test_front_door_timeliness() -> None:
    rows = {
        "contacts": [
            # Within 24 hours exactly; received on the early May bank holiday.
            {"contact_id": 1, "contact_date": date(2024, 5, 6), "from_police": True, "police_high_risk": True,
             "incident_recorded_at": utc(2024, 5, 5, 9), "received_at": utc(2024, 5, 6, 9)},
            # A second over a 12-hour limit, flagged late.
            {"contact_id": 2, "contact_date": date(2024, 6, 1), "from_police": True, "police_high_risk": True,
             "incident_recorded_at": utc(2024, 6, 1, 0), "received_at": utc(2024, 6, 1, 12, 0, 1),
             "police_limit_hours": 12.0, "late_flagged": True},
            # Received 00:30 BST on 1 April 2024 (23:30 UTC on 31 March): in 2024-25.
            {"contact_id": 3, "contact_date": date(2024, 3, 31), "from_police": True,
             "police_high_risk": True,
             "incident_recorded_at": utc(2024, 3, 31, 23), "received_at": utc(2024, 3, 31, 23, 30)},
            {"contact_id": 4, "contact_date": date(2024, 6, 1), "from_police": True,
             "police_high_risk": False},
        ],
        "health_requests": [
            {"request_id": 1, "requested_at": utc(2024, 5, 1, 9), "due_at": utc(2024, 5, 2, 17),
             "answered_at": utc(2024, 5, 1, 11)},
            {"request_id": 2, "requested_at": utc(2024, 5, 1, 9), "due_at": utc(2024, 5, 1, 13),
             "answered_at": utc(2024, 5, 1, 15)},
            {"request_id": 3, "requested_at": utc(2024, 5, 1, 9), "due_at": utc(2024, 5, 1, 13)},
        ],
        "strategy_meetings": [
            {"meeting_id": 1, "held_date": date(2024, 7, 1), "record_share_due_at": utc(2024, 7, 2, 23)},
            {"meeting_id": 2, "held_date": date(2024, 7, 1), "record_share_due_at": utc(2024, 7, 2, 23)},
        ],
        "strategy_invites": [
            {"meeting_id": 1, "agency_id": 1}, {"meeting_id": 1, "agency_id": 2},
            {"meeting_id": 2, "agency_id": 1}, {"meeting_id": 2, "agency_id": 2},
        ],
        "strategy_record_shares": [
            {"meeting_id": 1, "agency_id": 1, "shared_at": utc(2024, 7, 2, 10)},
            {"meeting_id": 1, "agency_id": 2, "shared_at": utc(2024, 7, 2, 23)},
            {"meeting_id": 2, "agency_id": 1, "shared_at": utc(2024, 7, 2, 10)},
            {"meeting_id": 2, "agency_id": 2, "shared_at": utc(2024, 7, 3, 9)},
        ],
        "education_notifications": [
            {"notification_id": 1, "incident_at": utc(2024, 9, 10, 1), "due_at": utc(2024, 9, 10, 7, 30),
             "delivered_at": utc(2024, 9, 10, 7, 0)},
            {"notification_id": 2, "incident_at": utc(2024, 9, 10, 1), "due_at": utc(2024, 9, 10, 7, 30)},
        ],
    }  # fmt: skip

    result = measures(rows)

    assert result["police_high_risk_referrals_total"] == 3
    assert result["police_high_risk_within_limit_pct"] == 66.7
    assert result["police_high_risk_late_flagged_total"] == 1
    assert result["health_requests_total"] == 3
    assert result["health_requests_answered_in_time_pct"] == 33.3
    assert result["health_requests_late_total"] == 1
    assert result["health_requests_unanswered_total"] == 1
    assert result["health_requests_median_hours_to_answer"] == 4.0
    assert result["strategy_records_shared_in_time_pct"] == 50.0
    assert result["education_notifications_before_next_school_day_pct"] == 50.0


def test_care_leavers_reviews_and_health_assessments() -> None:
    rows = {
        "care_leavers": [
            {"person_id": 1, "as_of_date": date(2025, 3, 31), "suitable_accommodation": True,
             "in_eet": False},
            {"person_id": 2, "as_of_date": date(2025, 3, 31), "suitable_accommodation": None, "in_eet": True},
            {"person_id": 3, "as_of_date": date(2024, 3, 31), "suitable_accommodation": True, "in_eet": True},
        ],
        "cla_reviews": [
            {"review_id": 1, "person_id": 1, "due_date": date(2024, 6, 1), "held_date": date(2024, 6, 1)},
            {"review_id": 2, "person_id": 1, "due_date": date(2024, 12, 1), "held_date": date(2024, 12, 2)},
            {"review_id": 3, "person_id": 1, "due_date": date(2025, 3, 1)},
        ],
        "cla_health_assessments": [
            {"assessment_id": 1, "person_id": 1, "due_date": date(2024, 6, 1),
             "completed_date": date(2024, 5, 1)},
        ],
    }  # fmt: skip

    result = measures(rows)

    assert result["care_leavers_suitable_accommodation_pct"] == 50.0
    assert result["care_leavers_eet_pct"] == 50.0
    assert result["cla_reviews_in_time_pct"] == 33.3
    assert result["cla_health_assessments_in_time_pct"] == 100.0


def test_percent_rounds_half_up() -> None:
    rows = {
        "contacts": [
            {"contact_id": i, "person_id": i, "contact_date": date(2024, 5, 1), "voice_recorded": i < 1}
            for i in range(8)
        ]
    }

    assert measures(rows)["contacts_voice_recorded_pct"] == 12.5


def test_trend_by_quarter_and_month() -> None:
    rows = {
        "contacts": [
            {"contact_id": 1, "contact_date": date(2024, 4, 2)},
            {"contact_id": 2, "contact_date": date(2024, 6, 30)},
            {"contact_id": 3, "contact_date": date(2024, 7, 1)},
        ],
        "cp_plans": [{"plan_id": 1, "person_id": 1, "start_date": date(2024, 5, 1), "end_date": date(2024, 8, 1)}],
    }
    snapshot = snapshot_from_rows(rows)

    quarters = compute_trend(
        snapshot, measure_id="contacts_total", start=date(2024, 4, 1), end=date(2025, 3, 31), period="quarter"
    )
    months = compute_trend(
        snapshot,
        measure_id="cp_plans_open_31_march",
        start=date(2024, 4, 15),
        end=date(2024, 8, 1),
        period="month",
    )

    assert quarters == [("2024-Q2", 2), ("2024-Q3", 1), ("2024-Q4", 0), ("2025-Q1", 0)]
    assert months == [("2024-04", 0), ("2024-05", 1), ("2024-06", 1), ("2024-07", 1), ("2024-08", 0)]


def test_records_behind_a_distinct_count_are_the_people() -> None:
    rows = {
        "contacts": [
            {"contact_id": 1, "person_id": 4, "contact_date": date(2024, 5, 1)},
            {"contact_id": 2, "person_id": 4, "contact_date": date(2024, 6, 1)},
            {"contact_id": 3, "person_id": 9, "contact_date": date(2024, 6, 1)},
        ]
    }

    records = measure_records(snapshot_from_rows(rows), year=YEAR, measure_id="children_with_contact")

    assert sorted(records["person_id"].to_pylist()) == [4, 9]


def test_snapshot_directory_of_parquet_files(tmp_path: Path) -> None:
    rows = {"referrals": [{"referral_id": 1, "person_id": 1, "referral_date": date(2024, 4, 1)}]}
    snapshot_write(snapshot_from_rows(rows), tmp_path)

    assert compute_measures(tmp_path, year=YEAR)["referrals_total"] == 1


def test_unknown_measure_is_refused() -> None:
    with pytest.raises(KeyError, match="no measure"):
        measure_records({}, year=YEAR, measure_id="nonsense")
