"""The SAC return as the 2025-26 guidance lays it out: known answers, and the engine against a slow reference."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safehub.adults.rules import sac_age, sac_age_band
from safehub.insight.engine import compute_measures, snapshot_from_rows
from safehub.insight.engine.measures import RISK_TYPES
from safehub.returns.sac.writer import (
    RISK_LOCATIONS,
    RISK_SOURCES,
    build_sac_return,
    sac_details_from_rows,
)

YEAR, START, END = "2024-25", date(2024, 4, 1), date(2025, 3, 31)

ROWS = {
    "persons": [
        # Born 10 January 1950: 74 at her concern in May 2024, 75 on 31 March 2025 (the SAC's age).
        {"person_id": 1, "sex": "F", "date_of_birth": date(1950, 1, 10), "ethnicity": "WBRI"},
        {"person_id": 2, "sex": "M", "date_of_birth": date(1930, 6, 1), "ethnicity": "BAFR"},
        {"person_id": 3, "sex": "M", "date_of_birth": None, "ethnicity": "NOBT"},
    ],
    "adult_concerns": [
        {"concern_id": 1, "person_id": 1, "received_date": date(2024, 5, 1), "age_at_concern": 74, "sex": "F"},
        {"concern_id": 2, "person_id": 1, "received_date": date(2024, 9, 1), "age_at_concern": 74, "sex": "F"},
        {"concern_id": 3, "person_id": 2, "received_date": date(2024, 6, 1), "age_at_concern": 94, "sex": "M"},
        {"concern_id": 4, "person_id": 3, "received_date": date(2025, 1, 1), "sex": "M"},
    ],
    "s42_enquiries": [
        {"enquiry_id": 1, "person_id": 1, "concern_id": 1, "kind": "S42", "started_date": date(2024, 5, 2),
         "concluded_date": date(2024, 8, 1), "risk_types": ["neglect", "financial"], "lacked_capacity": "no",
         "msp": "expressed", "risk_outcome": "reduced", "outcomes_achieved": "partially"},
        {"enquiry_id": 2, "person_id": 1, "concern_id": 2, "kind": "S42", "started_date": date(2024, 9, 2),
         "concluded_date": date(2024, 12, 1), "risk_types": ["neglect"], "lacked_capacity": "yes",
         "msp": "not_asked", "risk_outcome": "removed"},
        {"enquiry_id": 3, "person_id": 2, "concern_id": 3, "kind": "OTHER", "started_date": date(2024, 6, 2)},
        {"enquiry_id": 4, "person_id": 2, "concern_id": 3, "kind": "S42", "started_date": date(2024, 6, 3),
         "concluded_date": date(2025, 2, 1), "risk_types": ["physical"], "lacked_capacity": "yes",
         "risk_outcome": "remains"},
    ],
}  # fmt: skip
DETAILS = {
    "sac_concern_support": [
        {"concern_id": 1, "support_reason": "MEMORY_COGNITION"},
        {"concern_id": 2, "support_reason": "MEMORY_COGNITION"},
        {"concern_id": 3, "support_reason": "PHYSICAL_PERSONAL_CARE"},
        {"concern_id": 4, "support_reason": ""},
    ],
    "sac_enquiry_locations": [
        {"enquiry_id": 1, "location": "OWN_HOME"},
        {"enquiry_id": 1, "location": "COMMUNITY"},
        {"enquiry_id": 4, "location": "CARE_HOME"},
    ],
    "sac_enquiry_sources": [
        {"enquiry_id": 1, "source": "KNOWN"},
        {"enquiry_id": 1, "source": "SERVICE_PROVIDER"},
        {"enquiry_id": 2, "source": "KNOWN"},
        {"enquiry_id": 4, "source": "SERVICE_PROVIDER"},
    ],
    "sac_enquiry_advocacy": [
        {"enquiry_id": 1, "advocate_support": True},  # had capacity: recorded, but not an SG3 cell
        {"enquiry_id": 2, "advocate_support": True},
        {"enquiry_id": 4, "advocate_support": None},
    ],
}


def built(**extra) -> dict:
    return build_sac_return(snapshot_from_rows(ROWS), year=YEAR, details=sac_details_from_rows({**DETAILS, **extra}))


def cells(table) -> dict:
    return {row[0]: row[1:] for row in table.rows}


def test_sg1_counts_each_adult_once_with_the_age_on_31_march() -> None:
    tables = built()
    sg1a = cells(tables["SG1a"])
    assert sg1a["75-84"] == (1, 1, 0)  # 74 at her concerns, 75 on 31 March
    assert sg1a["65-74"] == (0, 0, 0)
    assert sg1a["85-94"] == (1, 1, 1)
    assert sg1a["Age unknown"] == (1, 0, 0)
    assert sg1a["Total"] == (3, 2, 1)
    assert cells(tables["SG1b"])["Male"] == (2, 1, 1)
    assert cells(tables["SG1b"])["Not Known"] == (0, 0, 0)
    assert cells(tables["SG1c"])["White"] == (1, 1, 0)
    assert cells(tables["SG1c"])["Black / African / Caribbean / Black British"] == (1, 1, 1)
    assert cells(tables["SG1c"])["Undeclared / Not Known"] == (1, 0, 0)  # NOBT
    assert cells(tables["SG1f"])["Total"] == (4, 3, 1)  # cases: concerns, s42 and other enquiries


def test_sg1a_takes_the_age_at_death_when_the_adult_died_in_the_year() -> None:
    rows = {
        "persons": [{"person_id": 9, "sex": "M", "date_of_birth": date(1930, 1, 1)}],
        "s42_enquiries": [{"enquiry_id": 9, "person_id": 9, "kind": "S42", "started_date": date(2024, 6, 1),
                           "date_of_death": date(2024, 12, 1)}],
    }  # fmt: skip
    sg1a = cells(build_sac_return(snapshot_from_rows(rows), year=YEAR)["SG1a"])
    assert sg1a["85-94"] == (0, 1, 0)  # 94 when he died; he would have been 95 on 31 March
    assert sg1a["95+"] == (0, 0, 0)


def test_sg1d_counts_each_case_in_its_support_reasons_group() -> None:
    sg1d = cells(built()["SG1d"])
    assert sg1d["Support with Memory and Cognition"] == (2, 2, 0)  # adult 1: two concerns, two enquiries
    assert sg1d["Physical Support"] == (1, 1, 1)  # PHYSICAL_PERSONAL_CARE
    assert sg1d["Not Known"] == (1, 0, 0)  # concern 4: no reason recorded
    assert sg1d["Total"] == cells(built()["SG1f"])["Total"]  # the same cases as SG1f


AUTISM_ROW, ASPERGERS_ROW = (
    "Learning, Developmental or Intellectual Disability (Autism excluding Asperger's Syndrome/ High Functioning Autism)",
    "Learning, Developmental or Intellectual Disability (Asperger's Syndrome/ High Functioning Autism)",
)


def test_sg1e_counts_each_case_by_the_autism_its_concern_reports() -> None:
    support = [
        {"concern_id": 1, "support_reason": "LEARNING_DISABILITY", "reported_autism": "AUTISM"},
        {"concern_id": 2, "support_reason": "LEARNING_DISABILITY", "reported_autism": ""},
        {"concern_id": 3, "support_reason": "MENTAL_HEALTH", "reported_autism": "ASPERGERS"},
        # Adult 3's record says autism or Asperger syndrome (AUT) without which: in no row, noted.
        {"concern_id": 4, "support_reason": "", "reported_autism": "", "disability_autism": True},
    ]
    tables = built(sac_concern_support=support)
    sg1e = cells(tables["SG1e"])
    # Concerns, section 42 enquiries, other enquiries (concern 3 has one of each kind of enquiry).
    assert sg1e == {AUTISM_ROW: (1, 1, 0), ASPERGERS_ROW: (1, 1, 1)}
    assert tables["SG1e"].notes == (
        "1 case is about adults whose disability code says autism or Asperger syndrome (AUT) without saying which, "
        "and whose concern reports neither: in no row; add each by hand once its records say which.",
    )
    assert cells(built()["SG1e"]) == {AUTISM_ROW: (0, 0, 0), ASPERGERS_ROW: (0, 0, 0)}  # none reported: zeros
    assert built()["SG1e"].notes == ()


def test_sg2a_and_sg2b_count_each_category_once_per_enquiry_by_source() -> None:
    tables = built()
    sg2a = cells(tables["SG2a"])
    # Service provider, known, unknown, total (enquiry 1: neglect and financial, known and provider).
    assert sg2a["Neglect and Acts of Omission"] == (1, 2, 0, 2)
    assert sg2a["Financial or Material Abuse"] == (1, 1, 0, 1)
    assert sg2a["Physical Abuse"] == (1, 0, 0, 1)
    assert "1 enquiry records more than one" in tables["SG2a"].notes[0]
    sg2b = cells(tables["SG2b"])
    assert sg2b["Own Home"] == (1, 1, 0, 1)
    assert sg2b["In the Community"] == (1, 1, 0, 1)
    # Enquiry 4 records the older generic care home: in no sub-type row (never guessed), but in the note.
    assert sg2b["Care Home - Nursing"] == sg2b["Care Home - Residential"] == (0, 0, 0, 0)
    assert sg2b["Total"] == (2, 2, 0, None)  # enquiries by source, each once
    assert tables["SG2b"].notes[0].startswith("1 concluded enquiry records a care home, not saying nursing or")
    assert not any("hospital" in note for note in tables["SG2b"].notes)  # none records a generic hospital


def test_sg2b_fills_the_care_home_and_hospital_sub_type_rows() -> None:
    locations = [
        {"enquiry_id": 1, "location": "CARE_HOME_NURSING"},
        {"enquiry_id": 1, "location": "HOSPITAL_ACUTE"},
        {"enquiry_id": 2, "location": "CARE_HOME_RESIDENTIAL"},
        {"enquiry_id": 4, "location": "HOSPITAL_MENTAL_HEALTH"},
        {"enquiry_id": 4, "location": "HOSPITAL"},  # a second hospital, not known which
    ]
    tables = built(sac_enquiry_locations=locations)
    sg2b = cells(tables["SG2b"])
    # Service provider, known, unknown, total.
    assert sg2b["Care Home - Nursing"] == (1, 1, 0, 1)  # enquiry 1: provider and known
    assert sg2b["Care Home - Residential"] == (0, 1, 0, 1)
    assert sg2b["Hospital - Acute"] == (1, 1, 0, 1)
    assert sg2b["Hospital - Mental Health"] == (1, 0, 0, 1)
    assert sg2b["Hospital - Community"] == (0, 0, 0, 0)
    assert sg2b["Own Home"] == (0, 0, 0, 0)
    assert tables["SG2b"].notes[0].startswith("1 concluded enquiry records a hospital, not saying acute")


def test_sg2c_and_sg2e_action_and_result() -> None:
    tables = built()
    sg2c = dict(tables["SG2c"].rows)
    assert sg2c["Risk identified and action taken"] == 3  # removed, reduced, remains
    assert sg2c["Risk identified and no action taken"] == 0
    assert sg2c["Risk Assessment inconclusive and action taken"] == 0  # none was inconclusive
    assert dict(tables["SG2e"].rows) == {"Risk remained": 1, "Risk reduced": 1, "Risk removed": 1}


def test_sg2c_splits_inconclusive_and_no_risk_by_the_snapshots_action_taken() -> None:
    recorded = [("inconclusive", True), ("inconclusive", False), ("none_identified", False),
                ("none_identified", False), ("inconclusive", None)]  # fmt: skip
    rows = {"s42_enquiries": [
        {"enquiry_id": i, "kind": "S42", "started_date": date(2024, 5, 1), "concluded_date": date(2024, 6, 1),
         "risk_outcome": outcome, "action_taken": action} for i, (outcome, action) in enumerate(recorded, start=1)
    ]}  # fmt: skip
    tables = build_sac_return(snapshot_from_rows(rows), year=YEAR)
    sg2c = dict(tables["SG2c"].rows)
    assert sg2c["Risk Assessment inconclusive and action taken"] == 1
    assert sg2c["Risk Assessment inconclusive and no action taken"] == 1
    assert sg2c["No risk identified and action taken"] == 0
    assert sg2c["No risk identified and no action taken"] == 2
    assert tables["SG2c"].notes[0].startswith("1 inconclusive or no-risk enquiries do not record")  # enquiry 5


def test_the_action_detail_table_is_gone() -> None:
    """Whether action was taken is in the snapshot now; the old detail table is refused, not ignored."""
    with pytest.raises(KeyError):
        sac_details_from_rows({"sac_enquiry_action": [{"enquiry_id": 1, "action_taken": True}]})


def test_sg2c_counts_enquiries_ceased_at_the_individuals_request() -> None:
    concluded = [("ceased_at_request", date(2024, 6, 1)), ("ceased_at_request", date(2025, 4, 1)),
                 ("no_action", date(2024, 6, 1)), ("reduced", date(2024, 6, 1))]  # fmt: skip
    rows = {"s42_enquiries": [
        {"enquiry_id": i, "kind": "S42", "started_date": date(2024, 5, 1), "concluded_date": day,
         "risk_outcome": outcome} for i, (outcome, day) in enumerate(concluded, start=1)
    ]}  # fmt: skip
    sg2c = dict(build_sac_return(snapshot_from_rows(rows), year=YEAR)["SG2c"].rows)
    assert sg2c["Enquiry ceased at individual's request and no action taken"] == 1  # the other concluded in 2025-26
    assert sg2c["Risk identified and no action taken"] == 1
    assert sg2c["Risk identified and action taken"] == 1


def test_sg3a_counts_advocacy_only_where_capacity_was_lacking() -> None:
    sg3a = built()["SG3a"]
    assert sg3a.rows == (("Concluded Section 42 Enquiries", 2, 1, 0, 0),)
    assert sg3a.parts[0].rows == (("Concluded Section 42 Enquiries", 1),)  # enquiry 1 had capacity


def test_sg4a_desired_outcomes_and_how_far_they_were_achieved() -> None:
    sg4a = built()["SG4a"]
    assert sg4a.rows == (("Concluded Section 42 Enquiries", 1, 0, 1, 0, 1),)  # expressed, not asked, not recorded
    assert sg4a.parts[0].rows == (("Concluded Section 42 Enquiries", 0, 1, 0),)


def test_locations_sources_and_advocacy_come_from_the_snapshot_without_details() -> None:
    rows = {**ROWS, "s42_enquiries": [
        {**e, "risk_locations": ["own_home"], "risk_sources": ["known"], "advocate_support": True}
        for e in ROWS["s42_enquiries"]
    ]}  # fmt: skip
    tables = build_sac_return(snapshot_from_rows(rows), year=YEAR)
    assert cells(tables["SG2b"])["Own Home"] == (0, 3, 0, 3)
    assert tables["SG3a"].parts[0].rows == (("Concluded Section 42 Enquiries", 2),)
    assert cells(tables["SG1d"])["Not Known"] == (None, None, None)  # no support reasons given: blank
    assert cells(tables["SG1e"])[AUTISM_ROW] == (None, None, None)  # nor the autism they report


# ---------------------------------------------------------------------------------------------
# Property: the engine's SQL equals a slow Python reference on random records
# ---------------------------------------------------------------------------------------------

days = st.integers(min_value=-400, max_value=800).map(lambda n: START + timedelta(days=n))
births = st.one_of(st.none(), st.integers(min_value=0, max_value=36000).map(lambda n: date(1920, 1, 1) + timedelta(n)))


@st.composite
def records(draw):
    n_people = draw(st.integers(min_value=1, max_value=8))
    persons = [{"person_id": i, "sex": draw(st.sampled_from(["M", "F", "U"])), "date_of_birth": draw(births),
                "ethnicity": draw(st.sampled_from(["WBRI", "BAFR", "ACHN", "NOBT", "REFU", "MWBC"]))}
               for i in range(1, n_people + 1)]  # fmt: skip
    concerns, enquiries = [], []
    locations, sources, advocacy, support = [], [], [], []
    for cid in range(1, draw(st.integers(min_value=0, max_value=12)) + 1):
        pid = draw(st.integers(min_value=1, max_value=n_people))
        received = draw(days)
        concerns.append({"concern_id": cid, "person_id": pid, "received_date": received})
        support.append(
            {
                "concern_id": cid,
                "support_reason": draw(st.sampled_from(["", "MENTAL_HEALTH", "LEARNING_DISABILITY", "ODD"])),
            }
        )
        for _ in range(draw(st.integers(min_value=0, max_value=2))):
            eid = len(enquiries) + 1
            started = received + timedelta(days=draw(st.integers(min_value=0, max_value=5)))
            concluded = draw(st.one_of(st.none(), st.integers(0, 300).map(lambda n, s=started: s + timedelta(n))))
            enquiries.append({
                "enquiry_id": eid, "person_id": pid, "concern_id": cid, "kind": draw(st.sampled_from(["S42", "OTHER"])),
                "started_date": started, "concluded_date": concluded,
                "risk_types": draw(st.lists(st.sampled_from(RISK_TYPES), max_size=3)),
                "lacked_capacity": draw(st.sampled_from(["yes", "no", "dont_know", "not_recorded"])),
                "msp": "expressed", "risk_outcome": "reduced",
            })  # fmt: skip
            locations += [{"enquiry_id": eid, "location": c.upper()}
                          for c in draw(st.sets(st.sampled_from(RISK_LOCATIONS), max_size=3))]  # fmt: skip
            sources += [{"enquiry_id": eid, "source": c.upper()}
                        for c in draw(st.sets(st.sampled_from(RISK_SOURCES), max_size=3))]  # fmt: skip
            advocacy.append({"enquiry_id": eid, "advocate_support": draw(st.sampled_from([True, False, None]))})
    rows = {"persons": persons, "adult_concerns": concerns, "s42_enquiries": enquiries}
    details = {"sac_enquiry_locations": locations, "sac_enquiry_sources": sources, "sac_enquiry_advocacy": advocacy,
               "sac_concern_support": support}  # fmt: skip
    return rows, details


GROUPS = {"MENTAL_HEALTH": "Mental Health Support", "LEARNING_DISABILITY": "Learning Disability Support"}
TYPES = ("Physical Abuse", "Sexual Abuse", "Psychological Abuse", "Financial or Material Abuse", "Discriminatory Abuse",
         "Organisational Abuse", "Neglect and Acts of Omission", "Domestic Abuse", "Sexual Exploitation",
         "Modern Slavery", "Self-Neglect")  # fmt: skip
LOCATIONS = {"own_home": "Own Home", "community": "In the Community", "community_service": "Community Service",
             "care_home_nursing": "Care Home - Nursing", "care_home_residential": "Care Home - Residential",
             "hospital_acute": "Hospital - Acute", "hospital_mental_health": "Hospital - Mental Health",
             "hospital_community": "Hospital - Community", "other": "Other"}  # fmt: skip


def reference(rows: dict, details: dict) -> dict:
    """The SAC rules written out slowly, one record at a time."""
    people = {p["person_id"]: p for p in rows["persons"]}
    in_year = lambda d: d is not None and START <= d <= END  # noqa: E731
    involved: dict[str, set[int]] = {"concern": set(), "s42": set(), "other": set()}
    for c in rows["adult_concerns"]:
        if in_year(c["received_date"]):
            involved["concern"].add(c["person_id"])
    for e in rows["s42_enquiries"]:
        if in_year(e["started_date"]):
            involved["s42" if e["kind"] == "S42" else "other"].add(e["person_id"])
    bands = {
        activity: Counter(sac_age_band(sac_age(people[p]["date_of_birth"], year_end=END)) for p in ids)
        for activity, ids in involved.items()
    }
    concluded = [e for e in rows["s42_enquiries"] if e["kind"] == "S42" and in_year(e["concluded_date"])]
    ids = {e["enquiry_id"] for e in concluded}
    by_enquiry = lambda table, key: {  # noqa: E731
        eid: {r[key].lower() for r in details[table] if r["enquiry_id"] == eid} for eid in ids
    }
    locations, sources = by_enquiry("sac_enquiry_locations", "location"), by_enquiry("sac_enquiry_sources", "source")
    support = {r["enquiry_id"]: r["advocate_support"] for r in details["sac_enquiry_advocacy"]}
    reason = {r["concern_id"]: GROUPS.get(r["support_reason"], "Not Known") for r in details["sac_concern_support"]}
    cases_by_reason: Counter = Counter()
    for c in rows["adult_concerns"]:
        if in_year(c["received_date"]):
            cases_by_reason[(reason[c["concern_id"]], "concern")] += 1
    for e in rows["s42_enquiries"]:
        if in_year(e["started_date"]):
            cases_by_reason[(reason[e["concern_id"]], "s42" if e["kind"] == "S42" else "other")] += 1
    types = {e["enquiry_id"]: set(e["risk_types"]) for e in concluded}
    return {
        "support": cases_by_reason,
        "bands": bands,
        "cases": sum(in_year(c["received_date"]) for c in rows["adult_concerns"]),
        "risk": {label: (*(sum(r in types[i] and s in sources[i] for i in ids) for s in RISK_SOURCES),
                         sum(r in types[i] for i in ids)) for r, label in zip(RISK_TYPES, TYPES, strict=True)},
        "location": {label: (*(sum(c in locations[i] and s in sources[i] for i in ids) for s in RISK_SOURCES),
                             sum(c in locations[i] for i in ids)) for c, label in LOCATIONS.items()},
        "source": tuple(sum(s in sources[i] for i in ids) for s in RISK_SOURCES),
        "advocacy": sum(e["lacked_capacity"] == "yes" and support.get(e["enquiry_id"]) is True for e in concluded),
    }  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(data=records())
def test_engine_tables_equal_the_slow_reference(data) -> None:
    rows, details = data
    tables = build_sac_return(snapshot_from_rows(rows), year=YEAR, details=sac_details_from_rows(details))
    expected = reference(rows, details)
    sg1a = cells(tables["SG1a"])
    for index, activity in enumerate(("concern", "s42", "other")):
        for band, values in sg1a.items():
            if band != "Total":
                assert values[index] == expected["bands"][activity][band], (activity, band)
    assert cells(tables["SG1f"])["Total"][0] == expected["cases"]
    for label, *counts in tables["SG1d"].rows:
        if label != "Total":
            assert tuple(counts) == tuple(expected["support"][(label, a)] for a in ("concern", "s42", "other")), label
    assert cells(tables["SG2a"]) == expected["risk"]
    sg2b = cells(tables["SG2b"])
    assert {k: v for k, v in sg2b.items() if k in LOCATIONS.values()} == expected["location"]
    assert sg2b["Total"][:3] == expected["source"]
    assert tables["SG3a"].parts[0].rows[0][1] == expected["advocacy"]


def test_sg1a_section_42_column_equals_the_engines_sg1a_measures() -> None:
    """The writer and the measures engine count SG1a alike: age on 31 March, or at death in the year."""
    born = {1: date(1950, 1, 10), 2: date(1930, 6, 1), 3: None, 9: date(1930, 1, 1)}
    died = {9: date(2024, 12, 1)}
    rows = {
        "persons": [*ROWS["persons"], {"person_id": 9, "sex": "M", "date_of_birth": born[9]}],
        "adult_concerns": ROWS["adult_concerns"],
        "s42_enquiries": [
            {**e, "date_of_birth": born[e["person_id"]], "date_of_death": died.get(e["person_id"])}
            for e in [*ROWS["s42_enquiries"],
                      {"enquiry_id": 9, "person_id": 9, "kind": "S42", "started_date": date(2024, 6, 1)}]
        ],
    }  # fmt: skip
    snapshot = snapshot_from_rows(rows)
    sg1a = cells(build_sac_return(snapshot, year=YEAR)["SG1a"])
    measures = compute_measures(snapshot, year=YEAR)
    bands = {"18-64": "18_64", "65-74": "65_74", "75-84": "75_84", "85-94": "85_94", "95+": "95_plus",
             "Age unknown": "unknown"}  # fmt: skip
    assert {label: sg1a[label][1] for label in bands} == {
        label: measures[f"adult_individuals_s42_age_{band}"] for label, band in bands.items()
    }
    assert sg1a["85-94"][1] == 2  # adult 2, and adult 9 at his death (95 on 31 March)
