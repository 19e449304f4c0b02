"""A synthetic migration file (as from Mosaic or LAS): duplicates, misspellings, odd values."""

from __future__ import annotations

import random
from datetime import date, timedelta

GIVEN = [
    "Margaret",
    "Walter",
    "Doreen",
    "Sunita",
    "Kwame",
    "Agnieszka",
    "Patrick",
    "Eileen",
    "Mohammed",
    "Joan",
    "Harold",
    "Grace",
    "Tomasz",
    "Olive",
    "Rajesh",
    "Winifred",
    "Desmond",
    "Bernadette",
    "Yusuf",
    "Maureen",
]
FAMILY = [
    "Ellery",
    "Oduya",
    "Marsh",
    "Patel",
    "Mensah",
    "Kowalski",
    "Brennan",
    "Walsh",
    "Rahman",
    "Hughes",
    "Okafor",
    "Fitzgerald",
    "Nowak",
    "Pearce",
    "Sharma",
    "Thornton",
    "Achterberg",
    "Lindqvist",
    "Quigley",
]
RISKS = ["NEGLECT", "FINANCIAL", "PHYSICAL", "PSYCHOLOGICAL", "SELF_NEGLECT", "ORGANISATIONAL", "DOMESTIC"]


def _misspell(rng: random.Random, name: str) -> str:
    i = rng.randrange(1, len(name))
    return name[:i] + name[i + 1 :] if rng.random() < 0.5 else name[:i] + name[i] + name[i:]


def migration_rows(n_rows: int, *, seed: int = 7) -> list[dict]:
    """Return about ``n_rows`` rows: a concern and an enquiry per case, people appearing several times."""
    rng = random.Random(seed)
    n_people = max(1, n_rows // 8)
    people = []
    for i in range(n_people):
        people.append({
            "person_record_id": f"MOS-{100000 + i}",
            "person_given_name": rng.choice(GIVEN),
            "person_family_name": rng.choice(FAMILY) + ("" if rng.random() < 0.7 else f"-{rng.choice(FAMILY)}"),
            "person_date_of_birth": (date(1925, 1, 1) + timedelta(days=rng.randrange(0, 27000))).isoformat(),
            "person_sex": rng.choice("MF"),
            "person_postcode": f"SO{rng.randint(14, 19)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
                               f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
            "person_address_line_1": f"{rng.randint(1, 200)} {rng.choice(FAMILY)} Road",
        })  # fmt: skip
    rows: list[dict] = []
    case = 0
    while len(rows) < n_rows:
        person = dict(rng.choice(people))
        if rng.random() < 0.1:  # the source system spelt the name differently on this record
            person["person_given_name"] = _misspell(rng, person["person_given_name"])
        case += 1
        received = date(2023, 4, 1) + timedelta(days=rng.randrange(0, 700))
        concern = {
            "source_system": "mosaic", "record_id": f"C{case}", "record_type": "CONCERN", **person,
            "received_date": received.isoformat(), "source_kind": rng.choice(["SELF", "FAMILY_OR_FRIEND"]),
            "what_happened": rng.choice(["Unpaid bills and no food", "Bruising seen by carer", "=cmd|' /C calc'!A0"]),
            "consent": "GIVEN", "care_and_support_needs": "Y", "experiencing_or_at_risk": "Y",
            "unable_to_protect_self": "Y", "decision": "S42", "decision_rationale": "Test met",
            "decided_date": (received + timedelta(days=1)).isoformat(),
        }  # fmt: skip
        if rng.random() < 0.05:
            concern["care_and_support_needs"] = "Probably"  # odd value: flagged, kept
        if rng.random() < 0.01:
            concern["received_date"] = "31/02/2024"  # cannot import: rejected, kept
        rows.append(concern)
        concluded = received + timedelta(days=rng.randint(5, 90))
        risks = rng.sample(RISKS, rng.randint(1, 2)) + (["TAX_EVASION"] if rng.random() < 0.03 else [])
        rows.append({
            "source_system": "mosaic", "record_id": f"E{case}", "record_type": "ENQUIRY", **person,
            "concern_record_id": f"C{case}", "enquiry_kind": "S42", "started_date": (received + timedelta(1)).isoformat(),
            "concluded_date": concluded.isoformat() if concluded < date(2025, 4, 1) else "",
            "risk_types": ";".join(risks), "risk_locations": rng.choice(["OWN_HOME", "CARE_HOME;COMMUNITY"]),
            "risk_sources": rng.choice(["KNOWN", "SERVICE_PROVIDER", "KNOWN;UNKNOWN"]), "action_taken": "Y",
            "risk_outcome": rng.choice(["REDUCED", "REMOVED", "REMAINS"]),
            "lacked_capacity": rng.choice(["YES", "NO", "DONT_KNOW"]), "advocate_support": rng.choice(["Y", "N"]),
            "desired_outcomes_asked": "NOT_ASKED",
        })  # fmt: skip
    return rows[:n_rows]
