"""A small, realistic snapshot for the returns' tests, with census identifiers for its children."""

from __future__ import annotations

from datetime import date

from safehub.insight.engine import snapshot_from_rows
from safehub.returns.cin_census.writer import CINChild, CINEpisode

LA_CODE = "202"


def upn(serial: str, la_code: str = LA_CODE) -> str:
    """Return a well-formed UPN (check letter, LA code, 8 digits) for a serial such as '0000001'."""
    body = f"{la_code}{serial:0>9}"[:12]
    total = sum(int(digit) * (position + 2) for position, digit in enumerate(body))
    return "ABCDEFGHJKLMNPQRTUVWXYZ"[total % 23] + body


PERSONS = [
    {"person_id": 1, "sex": "F", "date_of_birth": date(2015, 6, 1), "ethnicity": "WBRI"},
    {"person_id": 2, "sex": "M", "date_of_birth": date(2012, 1, 20), "ethnicity": "BAFR"},
    {"person_id": 3, "sex": "U", "expected_date_of_birth": date(2025, 6, 30), "is_unborn_now": True},
    {"person_id": 4, "sex": "F", "date_of_birth": date(2009, 11, 3), "ethnicity": "MWBC"},
    {"person_id": 5, "sex": "M", "date_of_birth": date(2020, 2, 29), "ethnicity": "AIND"},
]

ROWS = {
    "persons": PERSONS,
    "referrals": [
        # Child 1: referral, assessment, strategy discussion, conference and a plan on that day.
        {"referral_id": 11, "person_id": 1, "referral_date": date(2024, 5, 7), "source": "police",
         "nfa": False},
        # Child 2: a referral closed with no further action, then one that went on to a CIN plan.
        {"referral_id": 21, "person_id": 2, "referral_date": date(2024, 4, 15), "source": "school",
         "nfa": True},
        {"referral_id": 22, "person_id": 2, "referral_date": date(2024, 9, 2), "source": "health",
         "nfa": False},
        # Child 3 (unborn): referral and plan before birth.
        {"referral_id": 31, "person_id": 3, "referral_date": date(2025, 1, 6), "source": "health",
         "nfa": False},
        # Child 4: an episode from last year still open, assessment completed in this year.
        {"referral_id": 41, "person_id": 4, "referral_date": date(2024, 2, 12), "source": "individual",
         "nfa": False},
        # Child 5: an assessment still open at 31 March; a second plan in the child's life.
        {"referral_id": 51, "person_id": 5, "referral_date": date(2025, 2, 3), "source": "la_services",
         "nfa": False},
    ],
    "assessments": [
        {"assessment_id": 101, "person_id": 1, "referral_id": 11, "start_date": date(2024, 5, 8),
         "authorised_date": date(2024, 6, 28), "factors": ["2B", "3A", "4A"]},
        {"assessment_id": 201, "person_id": 2, "referral_id": 22, "start_date": date(2024, 9, 3),
         "authorised_date": date(2024, 10, 18), "factors": ["1C", "8B"]},
        {"assessment_id": 301, "person_id": 3, "referral_id": 31, "start_date": date(2025, 1, 7),
         "authorised_date": date(2025, 2, 14), "factors": ["3C", "4B"]},
        {"assessment_id": 401, "person_id": 4, "referral_id": 41, "start_date": date(2024, 2, 13),
         "authorised_date": date(2024, 4, 12), "factors": ["21"]},
        {"assessment_id": 501, "person_id": 5, "referral_id": 51, "start_date": date(2025, 2, 4),
         "authorised_date": date(2025, 4, 15), "factors": ["6A"]},
    ],
    "section47": [
        {"s47_id": 1001, "person_id": 1, "strategy_date": date(2024, 5, 9), "icpc_date": date(2024, 5, 30),
         "outcome": "ICPC"},
        {"s47_id": 3001, "person_id": 3, "strategy_date": date(2025, 1, 8), "icpc_date": date(2025, 1, 29),
         "outcome": "ICPC"},
        {"s47_id": 5001, "person_id": 5, "strategy_date": date(2025, 2, 5), "icpc_date": None,
         "outcome": "NO_FURTHER_ACTION"},
    ],
    "cp_plans": [
        {"plan_id": 10001, "person_id": 1, "start_date": date(2024, 5, 30), "end_date": date(2025, 1, 15),
         "initial_category": "NEGLECT"},
        {"plan_id": 30001, "person_id": 3, "start_date": date(2025, 1, 29), "initial_category": "EMOTIONAL",
         "unborn_at_start": True},
        {"plan_id": 50001, "person_id": 5, "start_date": date(2021, 3, 1), "end_date": date(2022, 3, 1),
         "initial_category": "PHYSICAL"},
    ],
}  # fmt: skip

CHILDREN = {
    1: CINChild(la_child_id="C000001", upn=upn("0000001"), disabilities=("HAND", "VIS", "HEAR")),
    2: CINChild(la_child_id="C000002", upn=upn("0000002"), former_upn=upn("0000012"),
                disabilities=("AUT", "COMM", "LD")),
    3: CINChild(la_child_id="C000003", upn_unknown="UN1"),
    4: CINChild(la_child_id="C000004", upn=upn("0000004"), disabilities=("MOB", "BEH", "CON")),
    5: CINChild(la_child_id="C000005", upn_unknown="UN2"),
}  # fmt: skip

EPISODES = {
    11: CINEpisode(primary_need="N1", closure_date=date(2025, 2, 28), closure_reason="RC7"),
    22: CINEpisode(primary_need="N4", cin_plans=((date(2024, 10, 21), None),)),
    31: CINEpisode(primary_need="N1"),
    41: CINEpisode(primary_need="N5", closure_date=date(2024, 4, 12), closure_reason="RC8"),
    51: CINEpisode(primary_need="N3"),
}


def fixture_snapshot() -> dict:
    """Return the fixture as Arrow tables."""
    return snapshot_from_rows(ROWS)
