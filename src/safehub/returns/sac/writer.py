"""Build the NHS England Safeguarding Adults Collection (SAC) tables and write them as XLSX or CSV.

``build_sac_return`` lays the return out table by table as the SAC template does; both
``safehub returns sac`` and ``safehub adults_sac`` write it, from the measures engine's snapshot
(one computation: the same DuckDB session and tables as the measures).

Sources read (December 2026), and what each confirmed
------------------------------------------------------
1. *Safeguarding adults collection (SAC) data return, 2025 to 2026: guidance for local
   authorities*, DHSC, published 29 January 2026,
   https://www.gov.uk/government/publications/safeguarding-adults-collection-sac-data-return-2025-to-2026
   "There are no changes to the data requirements for the 2025 to 2026 collection": the 2024-25
   tables below stand. The stored copy stops at its "SAC data template" heading.
2. NHS England, *Guidance for completing the Safeguarding Adults Collection (SAC) 2024-25*,
   "SG1: Demographics" and "SG2: Case details" (digital.nhs.uk data collections,
   social-care-collection-materials-2025/safeguarding-adults-collection/sg1-demographics and
   .../sg2-case-details). Confirmed: SG1 counts concerns raised and enquiries started in the
   year, SG2 enquiries concluded in it; white template cells are mandatory and blue voluntary;
   SG1a's three columns and their status, word for word: "Individuals Involved In Safeguarding
   Concerns (voluntary)", "Individuals Involved In Section 42 Safeguarding Enquiries
   (mandatory)", "Individuals Involved In Other Safeguarding Enquiries (voluntary)"; the age on
   the last day of the year or at death; an adult once in SG1a-SG1c "however can appear multiple
   times in Tables SG1d and SG1e" (those count cases); each adult at risk of a large-scale
   enquiry counted; in SG2 "Record a count of one for each different category that applies to
   the enquiry"; the three sources of risk "Service provider", "Other - Known to individual",
   "Other - Unknown to individual". The stored copies end there (before SG1a's unknown-age
   wording, SG1b-SG1f, and the SG2 tables' own notes).
3. NHS England's publication code for this collection, github.com/NHSDigital/ASC-Safeguarding-Adults
   (commit c596464, ``publication_outputs/data_tables_export_outputs.py``,
   ``data_tables_produce_all_measures.py``, ``pbi_risk_table.py``,
   ``pbi_safeguarding_adult_reviews.py``): it reads the submitted cells by table reference,
   row and column name, which gives the template's table codes and category labels and order:
   SG1a 18-64, 65-74, 75-84, 85-94, 95+; SG1b Male, Female, Not Known; SG1c White, Mixed /
   Multiple, Asian / Asian British, Black / African / Caribbean / Black British, Other Ethnic
   Group, Refused, Undeclared / Not Known; SG1d Physical Support, Sensory Support, Support with
   Memory and Cognition, Learning Disability Support, Mental Health Support, Social Support, No
   Support Reason, Not Known; SG1e the two autism rows (``SG1E_ROWS``); SG1f Total Number of
   Safeguarding Concerns / of Section 42 Safeguarding Enquiries / of Other Safeguarding
   Enquiries (the case counts); SG2a type of risk (rows, ``TYPE_LABELS``) by source of risk
   (columns); SG2b location of risk (rows, ``LOCATION_ROWS``) by source of risk; SG2c action and
   result (seven rows, ``ACTION_ROWS``); SG2e Risk remained, Risk reduced, Risk removed; SG3a
   "Yes, they lacked capacity", "No, they did not lack capacity", "Don't know", "Not recorded"
   and one cell "Of the enquiries recorded as Yes, in how many of these cases was support
   provided by an advocate, family or friend"; SG4a "Yes they were asked and outcomes were
   expressed", "Yes they were asked but no outcomes were expressed", "No", "Don't Know", "Not
   Recorded", then "Fully Achieved", "Partially Achieved", "Not Achieved" (the code marks a
   council with none of these as not providing them: treated as voluntary here); SG5a/SG5b
   safeguarding adult reviews.
4. Policy Partners Project briefing on the 2024-25 statistics (DHSC, published 27 November 2025),
   policypartnersproject.co.uk: its table of concluded section 42 enquiries by type of risk and
   source of risk (known to the adult, unknown, service provider) confirms SG2a's cross-table.

Not verified (the template workbook itself was not available)
-------------------------------------------------------------
- Mandatory or voluntary status outside SG1a: SG1b-SG1e follow SG1a's (concerns and other
  enquiries blue), SG1f marks other enquiries blue; SG2 and SG3 white; SG4 blue.
- The sheet titles and first-column headings ("Age band", "Sex" - the template may say gender -,
  "Primary support reason", ...), SG1d-SG1f column headings and the row headings of SG1f, SG3a
  and SG4a (written as below); the wording "Age unknown"; whether SG1d's rows are split into the
  support reasons' sub-categories (the publication reads the eight groups); the "Total" rows and
  columns (the writer's own: a total column counts each enquiry once per category, which can be
  fewer than the sum of its source cells).
- What SG2d is (the publication code reads SG2c and SG2e only): not written.
- Which reviews SG5 counts. Source 3 gives its cells (SG5a "Count of Safeguarding Adult Reviews":
  "Where one or more individuals died", "Where no individuals died"; SG5b "Count of Individuals
  Involved in Safeguarding Adult Reviews": "Who suffered serious harm and died", "Who suffered
  serious harm and survived"), not which reviews a year holds. Written here: the safeguarding adults
  reviews (Care Act 2014 s44) whose report the board approved in the year, the review's conclusion;
  each subject's column is the s44 condition their case met, recorded on the review
  (``adults.rules.S44_*``, stored on ``partnership.CaseReviewPerson.harm``: condition 1, died; condition 2, alive after serious abuse or neglect).

What the records cannot give, shown as blank cells or counted in a note (never as zeros)
----------------------------------------------------------------------------------------
- Without ``sac_concern_support``, SG1d and SG1e (blank, with a note). An inconclusive or no-risk
  enquiry that does not record whether action was taken (an imported one) is in neither of SG2c's
  rows for it; a note counts them (concluding an enquiry records it).
- Records made before issue 22 added what the template asks: an enquiry with the generic care home
  or hospital ("not known which") is in no SG2b row - no sub-type is guessed - and a note counts them;
  a case whose adult's disability code is AUT (CIN census: "Autism or Asperger syndrome", not saying
  which) and whose concern reports no autism is in no SG1e row, and a note counts them.
- SG2a/SG2b cells pair types or locations with sources within an enquiry, as the records do not pair
  them per allegation (exact when an enquiry records one source); the note counts the enquiries where
  that matters.

What the records now give (issue 22)
------------------------------------
- SG2b's care home and hospital rows count ``RiskLocation``'s sub-types (nursing/residential;
  acute/mental health/community: the rows of source 3's ``data_tables_export_outputs.py``).
- SG2c's "Enquiry ceased at individual's request and no action taken" counts the risk outcome
  ``ceased_at_request`` (``RiskOutcome.CEASED_AT_REQUEST``; no action taken, enforced).
- SG2c splits inconclusive and no-risk enquiries by ``action_taken``, now in the snapshot.
- SG1e counts each case by the autism its concern reports (``SafeguardingConcern.reported_autism``:
  autism excluding Asperger's syndrome / high functioning autism, or Asperger's syndrome / high
  functioning autism - the two rows source 3 reads).

Inputs outside the snapshot: the primary support reason and the reported autism of each concern,
with whether the adult's disability codes include AUT (``sac_concern_support``), come in ``details``
(``safehub.returns.sac.records.sac_details`` from the records, ``sac_details_from_rows`` in tests).
Whether action was taken comes from the snapshot's ``s42_enquiries.action_taken`` (issue 22; it was
a ``sac_enquiry_action`` detail table that the records never supplied, so SG2c's split was blank).
Locations, sources and advocacy come from ``s42_enquiries`` too unless a detail table is given.
"""

# ruff: noqa: S608 - SQL is assembled from this module's constants; the year is a bound parameter

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from safehub.adults.rules import (
    S44_DIED,
    S44_NEITHER,
    S44_SURVIVED,
    SAC_AGE_BANDS,
    SAC_AGE_UNKNOWN,
    SAC_SUPPORT_REASONS,
)
from safehub.core.calendar import financial_year
from safehub.insight.engine.compute import Snapshot, session_open
from safehub.insight.engine.measures import CAPACITY, MSP, RISK_TYPES, S42_CONCLUDED

Cell = str | int | None

RISK_LOCATIONS = (
    "own_home", "community", "community_service", "care_home_nursing", "care_home_residential", "care_home",
    "hospital_acute", "hospital_mental_health", "hospital_community", "hospital", "other",
)  # fmt: skip
# The older generic locations ("not known which"): in no SG2b row, counted in a note instead.
UNSPECIFIED_LOCATIONS = {"care_home": "a care home, not saying nursing or residential",
                         "hospital": "a hospital, not saying acute, mental health or community"}  # fmt: skip
RISK_SOURCES = ("service_provider", "known", "unknown")
ACHIEVED = ("fully", "partially", "not_achieved")

# Template labels, in the template's order (source 3 in the module docstring).
ACTIVITY_COLUMNS = ("concern", "s42", "other")
INDIVIDUAL_HEADS = (
    "Individuals Involved In Safeguarding Concerns",
    "Individuals Involved In Section 42 Safeguarding Enquiries",
    "Individuals Involved In Other Safeguarding Enquiries",
)
CASE_HEADS = ("Safeguarding Concerns", "Section 42 Safeguarding Enquiries", "Other Safeguarding Enquiries")
SEX_ROWS = {"M": "Male", "F": "Female"}
SEX_NOT_KNOWN = "Not Known"
ETHNIC_ROWS = (
    "White",
    "Mixed / Multiple",
    "Asian / Asian British",
    "Black / African / Caribbean / Black British",
    "Other Ethnic Group",
    "Refused",
    "Undeclared / Not Known",
)
# First letter of the CIN census ethnicity code -> SG1c group (Chinese, C, is Asian).
ETHNIC_GROUPS = {"W": ETHNIC_ROWS[0], "M": ETHNIC_ROWS[1], "A": ETHNIC_ROWS[2], "C": ETHNIC_ROWS[2],
                 "B": ETHNIC_ROWS[3]}  # fmt: skip
SUPPORT_ROWS = (
    "Physical Support",
    "Sensory Support",
    "Support with Memory and Cognition",
    "Learning Disability Support",
    "Mental Health Support",
    "Social Support",
    "No Support Reason",
    "Not Known",
)
# ``adults.rules.SAC_SUPPORT_REASONS`` code (its first word) -> SG1d row.
SUPPORT_GROUPS = {"PHYSICAL": SUPPORT_ROWS[0], "SENSORY": SUPPORT_ROWS[1], "MEMORY": SUPPORT_ROWS[2],
                  "LEARNING": SUPPORT_ROWS[3], "MENTAL": SUPPORT_ROWS[4], "SOCIAL": SUPPORT_ROWS[5],
                  "NO": SUPPORT_ROWS[6]}  # fmt: skip
SG1E_ROWS = (
    "Learning, Developmental or Intellectual Disability (Autism excluding Asperger's Syndrome/ High Functioning Autism)",
    "Learning, Developmental or Intellectual Disability (Asperger's Syndrome/ High Functioning Autism)",
)
# ``adults.models.ReportedAutism`` code -> SG1e row.
SG1E_CODES = {"AUTISM": SG1E_ROWS[0], "ASPERGERS": SG1E_ROWS[1]}
TOTAL_HEADS = (
    "Total Number of Safeguarding Concerns",
    "Total Number of Section 42 Safeguarding Enquiries",
    "Total Number of Other Safeguarding Enquiries",
)
TYPE_LABELS = dict(zip(RISK_TYPES, (
    "Physical Abuse", "Sexual Abuse", "Psychological Abuse", "Financial or Material Abuse", "Discriminatory Abuse",
    "Organisational Abuse", "Neglect and Acts of Omission", "Domestic Abuse", "Sexual Exploitation",
    "Modern Slavery", "Self-Neglect",
), strict=True))  # fmt: skip
SOURCE_LABELS = {"service_provider": "Service Provider", "known": "Other - Known to individual",
                 "unknown": "Other - Unknown to individual"}  # fmt: skip
# SG2b rows and the location code each counts.
LOCATION_ROWS: tuple[tuple[str, str], ...] = (
    ("Own Home", "own_home"),
    ("In the Community", "community"),
    ("Community Service", "community_service"),
    ("Care Home - Nursing", "care_home_nursing"),
    ("Care Home - Residential", "care_home_residential"),
    ("Hospital - Acute", "hospital_acute"),
    ("Hospital - Mental Health", "hospital_mental_health"),
    ("Hospital - Community", "hospital_community"),
    ("Other", "other"),
)
ACTION_ROWS = (
    "Risk identified and action taken",
    "Risk identified and no action taken",
    "Risk Assessment inconclusive and action taken",
    "Risk Assessment inconclusive and no action taken",
    "No risk identified and action taken",
    "No risk identified and no action taken",
    "Enquiry ceased at individual's request and no action taken",
)
OUTCOME_ROWS = {"remains": "Risk remained", "reduced": "Risk reduced", "removed": "Risk removed"}
CAPACITY_HEADS = dict(zip(CAPACITY, ("Yes, they lacked capacity", "No, they did not lack capacity", "Don't know",
                                     "Not recorded"), strict=True))  # fmt: skip
ADVOCACY_HEAD = (
    "Of the enquiries recorded as Yes, in how many of these cases was support provided by an advocate, family or friend"
)
MSP_HEADS = dict(zip(MSP, ("Yes they were asked and outcomes were expressed",
                           "Yes they were asked but no outcomes were expressed", "No", "Don't Know", "Not Recorded"),
                     strict=True))  # fmt: skip
ACHIEVED_HEADS = dict(zip(ACHIEVED, ("Fully Achieved", "Partially Achieved", "Not Achieved"), strict=True))
CONCLUDED_ROW = "Concluded Section 42 Enquiries"
TOTAL = "Total"
SG5A_ROW, SG5A_HEADS = "Count of Safeguarding Adult Reviews", ("Where one or more individuals died",
                                                               "Where no individuals died")  # fmt: skip
SG5B_ROW, SG5B_HEADS = "Count of Individuals Involved in Safeguarding Adult Reviews", (
    "Who suffered serious harm and died", "Who suffered serious harm and survived")  # fmt: skip

# SG5a per review: did a subject die (s44 condition 1); do all its subjects say which condition applied.
SG5_REVIEWS = f"""
SELECT review_id, bool_or(coalesce(harm, '') = '{S44_DIED}') AS died,
       bool_and(person_id IS NOT NULL AND coalesce(harm, '') <> '') AS known
FROM sac_reviews WHERE concluded_on BETWEEN $start AND $end GROUP BY review_id
"""

# Tables (name -> columns) that carry what the engine's snapshot does not hold, or replace its columns.
DETAIL_SCHEMAS: dict[str, pa.Schema] = {
    "sac_enquiry_locations": pa.schema([("enquiry_id", pa.int64()), ("location", pa.string())]),
    "sac_enquiry_sources": pa.schema([("enquiry_id", pa.int64()), ("source", pa.string())]),
    "sac_enquiry_advocacy": pa.schema([("enquiry_id", pa.int64()), ("advocate_support", pa.bool_())]),
    # Per concern: its primary support reason (SG1d), the autism it reports (SG1e: AUTISM or ASPERGERS,
    # blank none) and whether the adult's disability codes say autism without saying which (AUT).
    "sac_concern_support": pa.schema(
        [
            ("concern_id", pa.int64()),
            ("support_reason", pa.string()),
            ("reported_autism", pa.string()),
            ("disability_autism", pa.bool_()),
        ]
    ),
    # Per safeguarding adults review (s44) and subject: the day the board approved its report (SG5's year),
    # the subject (blank: no record linked) and the s44 condition their case met (S44_*; blank not recorded).
    "sac_reviews": pa.schema(
        [("review_id", pa.int64()), ("concluded_on", pa.date32()), ("person_id", pa.int64()), ("harm", pa.string())]
    ),
}


@dataclass(frozen=True)
class SACPart:
    """A further block of a table, under the first: its own headings and rows."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    voluntary: tuple[str, ...] = ()


@dataclass(frozen=True)
class SACTable:
    """One SAC table: its code (SG1a), a title, column headings and rows, more blocks, and notes.

    ``voluntary`` names the column headings (after the first) whose cells are blue in the template;
    a ``None`` cell is one the records cannot fill (a note says why), written empty, never as 0.
    """

    code: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    voluntary: tuple[str, ...] = ()
    parts: tuple[SACPart, ...] = ()
    notes: tuple[str, ...] = ()

    def blocks(self) -> tuple[SACPart, ...]:
        """Return every block, the first one included."""
        return (SACPart(self.columns, self.rows, self.voluntary), *self.parts)


def sac_details_from_rows(rows: Mapping[str, Iterable[Mapping[str, object]]]) -> dict[str, pa.Table]:
    """Build the detail tables (locations, sources, advocacy per enquiry; support reason and autism) from rows."""
    out = {}
    for name, table_rows in rows.items():
        schema = DETAIL_SCHEMAS[name]
        out[name] = pa.Table.from_pylist([{f.name: r.get(f.name) for f in schema} for r in table_rows], schema=schema)
    return out


def _details(snapshot: Snapshot, details: Mapping[str, pa.Table] | None) -> dict[str, pa.Table]:
    found: dict[str, pa.Table] = dict(details or {})
    if isinstance(snapshot, Mapping):
        for name in DETAIL_SCHEMAS:
            if name not in found and name in snapshot:
                found[name] = snapshot[name]
    unknown = set(found) - set(DETAIL_SCHEMAS)
    if unknown:
        raise ValueError(f"unknown SAC detail tables: {sorted(unknown)}")
    return {name: table.cast(DETAIL_SCHEMAS[name]) for name, table in found.items()}


def _age_sql(on: str, dob: str = "p.date_of_birth") -> str:
    """SQL for the whole-years age on ``on`` of the date of birth ``dob`` (NULL without one)."""
    return (
        f"(year({on}) - year({dob}) - CASE WHEN strftime({on}, '%m-%d') < strftime({dob}, '%m-%d') THEN 1 ELSE 0 END)"
    )


def _band_sql(age: str, bands: Iterable[tuple[str, int, int | None]], unknown: str) -> str:
    parts = [
        f"WHEN {age} >= {low}" + (f" AND {age} <= {high}" if high is not None else "") + f" THEN '{label}'"
        for label, low, high in bands
    ]
    return "CASE " + " ".join(parts) + f" ELSE '{unknown}' END"


def sac_ethnic_group(code: str | None) -> str:
    """Return the SG1c row of a CIN census ethnicity code (``REFU`` refused; blank or ``NOBT`` not known)."""
    code = (code or "").upper()
    if code == "REFU":
        return "Refused"
    if code in ("", "NOBT"):
        return "Undeclared / Not Known"
    return ETHNIC_GROUPS.get(code[0], "Other Ethnic Group")


def sac_support_group(code: str | None) -> str:
    """Return the SG1d row of a primary support reason code (``MENTAL_HEALTH`` -> Mental Health Support)."""
    code = (code or "").upper()
    if code not in dict(SAC_SUPPORT_REASONS):
        return SUPPORT_ROWS[-1]
    return SUPPORT_GROUPS.get(code.split("_")[0], SUPPORT_ROWS[-1])


# Individuals in the year with the SAC's age (on the last day of the year, or at death if earlier:
# the date of death is the one on the adult's enquiries), sex and ethnicity from the person record.
INDIVIDUALS = """
WITH activity AS (
    SELECT DISTINCT person_id, 'concern' AS activity FROM adult_concerns
    WHERE person_id IS NOT NULL AND received_date BETWEEN $start AND $end
    UNION
    SELECT DISTINCT person_id, CASE kind WHEN 'S42' THEN 's42' ELSE 'other' END FROM s42_enquiries
    WHERE person_id IS NOT NULL AND started_date BETWEEN $start AND $end
), deaths AS (
    SELECT person_id, max(date_of_death) AS date_of_death FROM s42_enquiries WHERE person_id IS NOT NULL GROUP BY 1
), described AS (
    SELECT a.person_id, a.activity, p.sex, p.ethnicity, p.date_of_birth,
           CASE WHEN d.date_of_death < $end::DATE THEN d.date_of_death ELSE $end::DATE END AS sac_day
    FROM activity a LEFT JOIN persons p USING (person_id) LEFT JOIN deaths d USING (person_id)
)
SELECT person_id, activity, sex, ethnicity, {age} AS age_sac FROM described p
"""

CASES = """
SELECT concern_id, 'concern' AS activity FROM adult_concerns WHERE received_date BETWEEN $start AND $end
UNION ALL
SELECT concern_id, CASE kind WHEN 'S42' THEN 's42' ELSE 'other' END FROM s42_enquiries
WHERE started_date BETWEEN $start AND $end
"""


def _codes_sql(column: str, detail: str | None, detail_column: str) -> str:
    """SQL for (enquiry_id, code) pairs, each different code once per enquiry: from a detail table or the snapshot."""
    if detail is not None:
        return f"SELECT DISTINCT enquiry_id, lower({detail_column}) AS code FROM {detail} WHERE {detail_column} <> ''"
    return (
        f"SELECT DISTINCT enquiry_id, lower(u.code) AS code FROM s42_enquiries, "
        f"unnest(coalesce({column}, [])) AS u(code) WHERE u.code <> ''"
    )


def _cross(sql, rows_sql: str, sources_sql: str, params: dict) -> tuple[dict, dict, dict, int]:
    """Count concluded enquiries per (row code, source), per row code, per source, and the unpaired ones."""
    concluded = f"SELECT enquiry_id FROM ({S42_CONCLUDED})"
    pairs = {(r, s): int(n) for r, s, n in sql(
        f"SELECT r.code, s.code, count(DISTINCT c.enquiry_id) FROM ({concluded}) c JOIN ({rows_sql}) r "
        f"USING (enquiry_id) JOIN ({sources_sql}) s USING (enquiry_id) GROUP BY ALL", params,
    ).fetchall()}  # fmt: skip
    by_row = {r: int(n) for r, n in sql(
        f"SELECT r.code, count(DISTINCT c.enquiry_id) FROM ({concluded}) c JOIN ({rows_sql}) r USING (enquiry_id) "
        "GROUP BY 1", params,
    ).fetchall()}  # fmt: skip
    by_source = {s: int(n) for s, n in sql(
        f"SELECT s.code, count(DISTINCT c.enquiry_id) FROM ({concluded}) c JOIN ({sources_sql}) s USING (enquiry_id) "
        "GROUP BY 1", params,
    ).fetchall()}  # fmt: skip
    unpaired = sql(
        f"SELECT count(*) FROM ({concluded}) c WHERE "
        f"(SELECT count(DISTINCT code) FROM ({rows_sql}) r WHERE r.enquiry_id = c.enquiry_id) > 1 AND "
        f"(SELECT count(DISTINCT code) FROM ({sources_sql}) s WHERE s.enquiry_id = c.enquiry_id) > 1",
        params,
    ).fetchone()
    return pairs, by_row, by_source, int((unpaired or (0,))[0])


def _pairing_note(what: str, unpaired: int) -> str:
    return (
        f"Source cells count each concluded enquiry once for each different {what} and source it records "
        "(the records do not pair them allegation by allegation): exact for an enquiry with one source; "
        f"{unpaired} enquir{'y records' if unpaired == 1 else 'ies record'} more than one of each."
    )


def build_sac_return(
    snapshot: Snapshot, *, year: str, details: Mapping[str, pa.Table] | None = None
) -> dict[str, SACTable]:
    """Compute the SAC return for a financial year such as ``"2025-26"``, table by table as the template."""
    start, end = financial_year(year)
    params = {"start": start, "end": end}
    extra = _details(snapshot, details)
    given = lambda name: name if name in extra else None  # noqa: E731
    with session_open(snapshot, [(start, end)]) as session:
        con = session.connection
        for name, table in extra.items():
            con.register(name, table)
        sql = con.execute
        individuals = INDIVIDUALS.format(age=_age_sql("p.sac_day"))
        band = _band_sql("age_sac", SAC_AGE_BANDS, SAC_AGE_UNKNOWN)
        people = sql(
            f"SELECT {band}, activity, sex, ethnicity, count(*) FROM ({individuals}) GROUP BY ALL", params
        ).fetchall()
        cases = dict(sql(f"SELECT activity, count(*) FROM ({CASES}) GROUP BY 1", params).fetchall())
        support = None
        if "sac_concern_support" in extra:
            # Each case once, described by the primary support reason recorded on its concern.
            support = sql(
                f"SELECT coalesce(s.support_reason, ''), c.activity, count(*) FROM ({CASES}) c "
                "LEFT JOIN (SELECT concern_id, any_value(support_reason) AS support_reason FROM sac_concern_support "
                "GROUP BY concern_id) s USING (concern_id) GROUP BY ALL", params,
            ).fetchall()  # fmt: skip
        autism = None
        if "sac_concern_support" in extra:
            # Each case once, by the autism reported on its concern (and whether only AUT says so).
            autism = sql(
                f"SELECT upper(coalesce(s.reported_autism, '')), coalesce(s.disability_autism, false), c.activity, "
                f"count(*) FROM ({CASES}) c LEFT JOIN (SELECT concern_id, any_value(reported_autism) AS "
                "reported_autism, bool_or(disability_autism) AS disability_autism FROM sac_concern_support "
                "GROUP BY concern_id) s USING (concern_id) GROUP BY ALL", params,
            ).fetchall()  # fmt: skip
        types = _codes_sql("risk_types", None, "")
        locations = _codes_sql("risk_locations", given("sac_enquiry_locations"), "location")
        sources = _codes_sql("risk_sources", given("sac_enquiry_sources"), "source")
        sg2a = _cross(sql, types, sources, params)
        sg2b = _cross(sql, locations, sources, params)
        outcomes = {(o, a): int(n) for o, a, n in sql(
            f"SELECT coalesce(c.risk_outcome, ''), e.action_taken, count(*) FROM ({S42_CONCLUDED}) c "
            "JOIN s42_enquiries e USING (enquiry_id) GROUP BY ALL", params,
        ).fetchall()}  # fmt: skip
        advocacy_sql = (
            "SELECT enquiry_id, any_value(advocate_support) AS advocate_support FROM sac_enquiry_advocacy GROUP BY 1"
            if "sac_enquiry_advocacy" in extra
            else "SELECT enquiry_id, advocate_support FROM s42_enquiries"
        )
        advocated = int((sql(
            f"SELECT count(*) FROM ({S42_CONCLUDED}) c JOIN ({advocacy_sql}) a USING (enquiry_id) "
            "WHERE c.lacked_capacity = 'yes' AND a.advocate_support", params,
        ).fetchone() or (0,))[0])  # fmt: skip
        capacity = dict(sql(f"SELECT lacked_capacity, count(*) FROM ({S42_CONCLUDED}) GROUP BY 1", params).fetchall())
        msp = dict(sql(f"SELECT msp, count(*) FROM ({S42_CONCLUDED}) GROUP BY 1", params).fetchall())
        achieved = dict(sql(
            f"SELECT lower(e.outcomes_achieved), count(*) FROM ({S42_CONCLUDED}) c JOIN s42_enquiries e "
            "USING (enquiry_id) WHERE c.msp = 'expressed' AND e.outcomes_achieved IS NOT NULL GROUP BY 1", params,
        ).fetchall())  # fmt: skip
        reviews = individuals_reviewed = None
        if "sac_reviews" in extra:
            reviews = sql(
                "SELECT count(*) FILTER (WHERE died), count(*) FILTER (WHERE NOT died AND known), "
                f"count(*) FILTER (WHERE NOT died AND NOT known) FROM ({SG5_REVIEWS})", params,
            ).fetchone()  # fmt: skip
            individuals_reviewed = dict(sql(
                "SELECT coalesce(harm, ''), count(DISTINCT person_id) FROM sac_reviews WHERE person_id IS NOT NULL "
                "AND concluded_on BETWEEN $start AND $end GROUP BY 1", params,
            ).fetchall())  # fmt: skip

    def by(row_of) -> dict[tuple[str, str], int]:
        counts: dict[tuple[str, str], int] = {}
        for age_band, activity, sex, ethnicity, n in people:
            key = (row_of(age_band, sex, ethnicity), activity)
            counts[key] = counts.get(key, 0) + int(n)
        return counts

    def activity_rows(counts: Mapping[tuple[str, str], int], labels: Iterable[str]) -> tuple[tuple[Cell, ...], ...]:
        rows: list[tuple[Cell, ...]] = [(label, *(counts.get((label, a), 0) for a in ACTIVITY_COLUMNS))
                                        for label in labels]  # fmt: skip
        rows.append((TOTAL, *(sum(int(r[i] or 0) for r in rows) for i in range(1, len(ACTIVITY_COLUMNS) + 1))))
        return tuple(rows)

    sg1_voluntary = (INDIVIDUAL_HEADS[0], INDIVIDUAL_HEADS[2])
    case_voluntary = (CASE_HEADS[0], CASE_HEADS[2])
    ages = [b for b, _, _ in SAC_AGE_BANDS] + [SAC_AGE_UNKNOWN]
    tables = {
        "SG1a": SACTable("SG1a", f"SG1a - Counts of individuals by age band (age on {end:%d %B %Y}, or at death)",
                         ("Age band", *INDIVIDUAL_HEADS), activity_rows(by(lambda b, s, e: b), ages), sg1_voluntary),
        "SG1b": SACTable("SG1b", "SG1b - Counts of individuals by sex", ("Sex", *INDIVIDUAL_HEADS),
                         activity_rows(by(lambda b, s, e: SEX_ROWS.get(s or "", SEX_NOT_KNOWN)),
                                       [*SEX_ROWS.values(), SEX_NOT_KNOWN]), sg1_voluntary),
        "SG1c": SACTable("SG1c", "SG1c - Counts of individuals by ethnicity", ("Ethnicity", *INDIVIDUAL_HEADS),
                         activity_rows(by(lambda b, s, e: sac_ethnic_group(e)), ETHNIC_ROWS), sg1_voluntary),
    }  # fmt: skip
    if support is not None:
        merged: dict[tuple[str, str], int] = {}
        for code, activity, n in support:
            key = (sac_support_group(code), activity)
            merged[key] = merged.get(key, 0) + int(n)
        sg1d_rows, sg1d_notes = activity_rows(merged, SUPPORT_ROWS), tuple[str, ...]()
    else:
        sg1d_rows = tuple((label, None, None, None) for label in (*SUPPORT_ROWS, TOTAL))
        sg1d_notes = ("No primary support reasons were given (the sac_concern_support table): fill in by hand.",)
    tables["SG1d"] = SACTable("SG1d", "SG1d - Counts of cases by primary support reason",
                              ("Primary support reason", *CASE_HEADS), sg1d_rows, case_voluntary,
                              notes=sg1d_notes)  # fmt: skip
    if autism is not None:
        reported: dict[tuple[str, str], int] = {}
        unsplit = 0
        for code, by_disability, activity, n in autism:
            row = SG1E_CODES.get(code)
            if row is not None:
                reported[(row, activity)] = reported.get((row, activity), 0) + int(n)
            elif by_disability:
                unsplit += int(n)
        sg1e_rows: tuple[tuple[Cell, ...], ...] = tuple(
            (label, *(reported.get((label, a), 0) for a in ACTIVITY_COLUMNS)) for label in SG1E_ROWS
        )
        sg1e_notes: tuple[str, ...] = (
            (f"{unsplit} case{' is' if unsplit == 1 else 's are'} about adults whose disability code says autism or "
             "Asperger syndrome (AUT) without saying which, and whose concern reports neither: in no row; add each "
             "by hand once its records say which.",) if unsplit else ()
        )  # fmt: skip
    else:
        sg1e_rows = tuple((label, None, None, None) for label in SG1E_ROWS)
        sg1e_notes = ("No concern details were given (the sac_concern_support table): fill in by hand.",)
    tables["SG1e"] = SACTable(
        "SG1e", "SG1e - Counts of cases by autism", ("Reported health condition", *CASE_HEADS), sg1e_rows,
        case_voluntary, notes=sg1e_notes,
    )  # fmt: skip
    tables["SG1f"] = SACTable("SG1f", f"SG1f - Counts of cases, {year}", ("Cases", *TOTAL_HEADS),
                              ((TOTAL, *(int(cases.get(a, 0)) for a in ACTIVITY_COLUMNS)),),
                              (TOTAL_HEADS[2],))  # fmt: skip

    source_heads = tuple(SOURCE_LABELS.values())
    pairs, by_type, _, unpaired = sg2a
    tables["SG2a"] = SACTable(
        "SG2a", "SG2a - Concluded Section 42 enquiries by type of risk and source of risk",
        ("Type of risk", *source_heads, TOTAL),
        tuple((label, *(pairs.get((code, s), 0) for s in RISK_SOURCES), by_type.get(code, 0))
              for code, label in TYPE_LABELS.items()),
        notes=(_pairing_note("type of risk", unpaired),),
    )  # fmt: skip
    pairs, by_location, by_source, unpaired = sg2b
    sg2b_rows: list[tuple[Cell, ...]] = [
        (label, *(pairs.get((code, s), 0) for s in RISK_SOURCES), by_location.get(code, 0))
        for label, code in LOCATION_ROWS
    ]
    sg2b_rows.append((TOTAL, *(by_source.get(s, 0) for s in RISK_SOURCES), None))
    sg2b_notes = [
        f"{by_location[code]} concluded enquir{'y records' if by_location[code] == 1 else 'ies record'} {what} "
        "(recorded before the sub-types): in no row above; add each by hand once its records say which."
        for code, what in UNSPECIFIED_LOCATIONS.items() if by_location.get(code)
    ]  # fmt: skip
    tables["SG2b"] = SACTable(
        "SG2b", "SG2b - Concluded Section 42 enquiries by location of risk and source of risk",
        ("Location of risk", *source_heads, TOTAL), tuple(sg2b_rows),
        notes=(*sg2b_notes, _pairing_note("location", unpaired)),
    )  # fmt: skip

    def outcome(codes: Iterable[str], action: bool | None = None) -> int:
        return sum(n for (o, a), n in outcomes.items() if o in codes and (action is None or a is action))

    identified = outcome(OUTCOME_ROWS)
    notes: list[str] = []
    split: list[Cell] = [outcome(("inconclusive",), True), outcome(("inconclusive",), False),
                         outcome(("none_identified",), True), outcome(("none_identified",), False)]  # fmt: skip
    unknown = sum(n for (o, a), n in outcomes.items() if o in ("inconclusive", "none_identified") and a is None)
    if unknown:
        notes.append(f"{unknown} inconclusive or no-risk enquiries do not record whether action was taken: in "
                     "neither of their rows.")  # fmt: skip
    tables["SG2c"] = SACTable(
        "SG2c", "SG2c - Concluded Section 42 enquiries by action taken and result", ("Action and result", CONCLUDED_ROW),
        tuple(zip(ACTION_ROWS, [identified, outcome(("no_action",)), *split, outcome(("ceased_at_request",))],
                  strict=True)), notes=tuple(notes),
    )  # fmt: skip
    tables["SG2e"] = SACTable(
        "SG2e", "SG2e - Risk outcomes of concluded Section 42 enquiries where a risk was identified and action taken",
        ("Risk outcome", CONCLUDED_ROW), tuple((label, outcome((code,))) for code, label in OUTCOME_ROWS.items()),
    )  # fmt: skip
    tables["SG3a"] = SACTable(
        "SG3a", "SG3a - Concluded Section 42 enquiries: did the individual lack capacity?",
        ("Did the individual lack capacity?", *CAPACITY_HEADS.values()),
        ((CONCLUDED_ROW, *(int(capacity.get(c, 0)) for c in CAPACITY)),),
        parts=(SACPart(("Advocacy", ADVOCACY_HEAD), ((CONCLUDED_ROW, advocated),)),),
    )  # fmt: skip
    tables["SG4a"] = SACTable(
        "SG4a", "SG4a - Making Safeguarding Personal: concluded Section 42 enquiries",
        ("Was the individual or their representative asked about desired outcomes?", *MSP_HEADS.values()),
        ((CONCLUDED_ROW, *(int(msp.get(m, 0)) for m in MSP)),), tuple(MSP_HEADS.values()),
        parts=(SACPart(("Of those who expressed outcomes, were they achieved?", *ACHIEVED_HEADS.values()),
                       ((CONCLUDED_ROW, *(int(achieved.get(a, 0)) for a in ACHIEVED)),),
                       tuple(ACHIEVED_HEADS.values())),),
    )  # fmt: skip
    tables.update(_sg5(year, reviews, individuals_reviewed))
    return tables


def _sg5(year: str, reviews: tuple | None, individuals: Mapping[str, int] | None) -> dict[str, SACTable]:
    """SG5a (reviews, by whether a subject died) and SG5b (individuals, died or survived), blank without records."""
    cells_a: tuple[Cell, Cell]
    cells_b: tuple[Cell, Cell]
    notes_a: tuple[str, ...]
    notes_b: tuple[str, ...]
    if reviews is None or individuals is None:
        cells_a = cells_b = (None, None)
        notes_a = notes_b = (
            "No safeguarding adults review records were given (the sac_reviews table): fill in by hand.",
        )
    else:
        died, none_died, unknown = (int(n or 0) for n in reviews)
        cells_a = (died, none_died)
        cells_b = (int(individuals.get(S44_DIED, 0)), int(individuals.get(S44_SURVIVED, 0)))
        notes_a = (
            (f"{unknown} review{' does' if unknown == 1 else 's do'} not say for every subject which section 44 "
             "condition applied (or link no subject's record), and none records a death: in neither column; add "
             "each by hand once its records say.",) if unknown else ()
        )  # fmt: skip
        not_recorded, neither = int(individuals.get("", 0)), int(individuals.get(S44_NEITHER, 0))
        notes_b = (
            *((f"{not_recorded} subject{' does' if not_recorded == 1 else 's do'} not record which section 44 "
               "condition applied: in neither column.",) if not_recorded else ()),
            *((f"{neither} subject{'' if neither == 1 else 's'} of reviews the board chose to arrange (section "
               "44(4): neither died nor suffered serious abuse or neglect): in neither column.",) if neither else ()),
        )  # fmt: skip
    return {
        "SG5a": SACTable("SG5a", f"SG5a - Safeguarding Adult Reviews concluded in {year}",
                         ("Safeguarding Adult Reviews", *SG5A_HEADS), ((SG5A_ROW, *cells_a),), notes=notes_a),
        "SG5b": SACTable("SG5b", f"SG5b - Individuals involved in Safeguarding Adult Reviews concluded in {year}",
                         ("Individuals", *SG5B_HEADS), ((SG5B_ROW, *cells_b),), notes=notes_b),
    }  # fmt: skip


VOLUNTARY_FILL = PatternFill("solid", fgColor="DDEBF7")  # the template's blue cells


def write_sac_xlsx(tables: Mapping[str, SACTable], out: Path) -> None:
    """Write the tables to one workbook, one sheet per table: a title row, then each block's headings and rows.

    Voluntary cells are shaded blue, as in the template (white cells are mandatory); notes follow the table.
    """
    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    for code, table in tables.items():
        sheet = workbook.create_sheet(code)
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True)
        for number, block in enumerate(table.blocks()):
            if number:
                sheet.append([])
            sheet.append(list(block.columns))
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
            first = sheet.max_row + 1
            for row in block.rows:
                sheet.append(list(row))
            for index, heading in enumerate(block.columns, start=1):
                if index > 1 and heading in block.voluntary:
                    for (cell,) in sheet.iter_rows(min_row=first, max_row=sheet.max_row, min_col=index, max_col=index):
                        cell.fill = VOLUNTARY_FILL
        if table.notes:
            sheet.append([])
            for note in table.notes:
                sheet.append([f"Note: {note}"])
        sheet.column_dimensions["A"].width = 40
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    workbook.save(out)


def write_sac_csv(tables: Mapping[str, SACTable], directory: Path) -> list[Path]:
    """Write each table as ``<code>.csv`` (each block's headings then rows, a blank line between) and return the paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for code, table in tables.items():
        path = directory / f"{code}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            for number, block in enumerate(table.blocks()):
                if number:
                    writer.writerow([])
                writer.writerow(block.columns)
                writer.writerows(block.rows)
            if table.notes:
                writer.writerow([])
                writer.writerows([f"Note: {note}"] for note in table.notes)
        paths.append(path)
    return paths
