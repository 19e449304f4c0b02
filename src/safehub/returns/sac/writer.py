"""Build the NHS England Safeguarding Adults Collection (SAC) tables and write them as XLSX or CSV.

``build_sac_return`` is the return as the 2025-26 guidance lays it out (rules and sources in
``safehub/adults/rules.py``):
- SG1a-c individuals involved in concerns, section 42 and other enquiries, by age band (age on
  the last day of the year), sex and ethnicity, each adult once per row however many cases;
- SG1d cases by the adult's primary support reason (as recorded on the concern; an enquiry takes
  its concern's): rows are the adult social care primary support reasons (``rules.SAC_SUPPORT_REASONS``)
  and "Not known"; columns concerns, section 42 and other enquiries, concerns and other enquiries
  voluntary. The columns and voluntary cells follow SG1a-c and are NOT confirmed (see Sources);
- SG1e cases: concerns, section 42 and other enquiries (each case; a large-scale enquiry counts
  each adult at risk, as each adult has an enquiry);
- SG2a-d concluded section 42 enquiries by type, location and source of risk (once per different
  category per enquiry: an enquiry may count in several), and action and risk outcome;
- SG3 concluded section 42 enquiries by whether the adult lacked capacity and, of those who
  did, whether they were supported by an advocate, family or friend;
- SG4 Making Safeguarding Personal: desired outcomes asked and expressed, and achieved.

Both ``safehub returns sac`` and ``safehub adults_sac`` write it: one computation.

Sources: *Safeguarding adults collection (SAC) data return, 2025 to 2026: guidance for local
authorities* (DHSC, gov.uk, published 29 January 2026: "There are no changes to the data
requirements for the 2025 to 2026 collection"), and NHS England's *Guidance for completing the
Safeguarding Adults Collection (SAC) 2024-25*, "SG1: Demographics": white cells in the template are
mandatory, blue cells voluntary; SG1a-c count individuals in concerns (voluntary), section 42
enquiries (mandatory) and other enquiries (voluntary); an adult with three enquiries "should only
appear in Tables SG1a-SG1c once, however can appear multiple times in Tables SG1d and SG1e". The
copies of both documents available when SG1d was reviewed (December 2026) end before the SG1d
section, and the template workbook itself was not available: SG1d's columns and blue cells are
therefore the SG1a-c pattern, to be checked against the template before a submission.

The snapshot's ``s42_enquiries`` does not carry locations, sources or advocacy yet; they come in
``details`` (``sac_details_from_rows`` for fixtures, ``safehub.adults.selectors.sac_details`` from
the records) and, when absent, their rows are left out rather than written as zeros.
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
    SAC_AGE_BANDS,
    SAC_AGE_UNKNOWN,
    SAC_SUPPORT_REASON_UNKNOWN,
    SAC_SUPPORT_REASONS,
    sac_support_reason_label,
)
from safehub.core.calendar import financial_year
from safehub.insight.engine.compute import Snapshot, session_open
from safehub.insight.engine.measures import (
    CAPACITY,
    MSP,
    RISK_OUTCOMES,
    RISK_TYPES,
    S42_CONCLUDED,
)

RISK_LOCATIONS = ("own_home", "community", "community_service", "care_home", "hospital", "other")
RISK_SOURCES = ("service_provider", "known", "unknown")
ADVOCACY = ("yes", "no", "not_recorded")
ACHIEVED = ("fully", "partially", "not_achieved")
ETHNIC_GROUPS = {"W": "White", "M": "Mixed / Multiple", "A": "Asian / Asian British", "C": "Asian / Asian British",
                 "B": "Black / African / Caribbean / Black British", "O": "Other ethnic group"}  # fmt: skip

# Tables (name -> columns) that carry what the engine's snapshot does not hold yet.
DETAIL_SCHEMAS: dict[str, pa.Schema] = {
    "sac_enquiry_locations": pa.schema([("enquiry_id", pa.int64()), ("location", pa.string())]),
    "sac_enquiry_sources": pa.schema([("enquiry_id", pa.int64()), ("source", pa.string())]),
    "sac_enquiry_advocacy": pa.schema([("enquiry_id", pa.int64()), ("advocate_support", pa.bool_())]),
    "sac_concern_support": pa.schema([("concern_id", pa.int64()), ("support_reason", pa.string())]),
}


@dataclass(frozen=True)
class SACTable:
    """One SAC table: a code such as SG1, a title, column headings and rows."""

    code: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | int, ...], ...]
    # Column headings (after the first) whose cells are voluntary in the template (blue cells).
    voluntary: tuple[str, ...] = ()


def sac_details_from_rows(rows: Mapping[str, Iterable[Mapping[str, object]]]) -> dict[str, pa.Table]:
    """Build the detail tables (locations, sources, advocacy per enquiry) from plain rows."""
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


LABELS = {"dont_know": "Don't know", "self_neglect": "Self-neglect",
          "asked_not_expressed": "Asked, but no outcomes expressed"}  # fmt: skip


def sac_label(code: str) -> str:
    """Return a code's row label as the template words it (``dont_know`` -> ``Don't know``)."""
    return LABELS.get(code, code.replace("_", " ").capitalize())


# Individuals in the year with the SAC's age (31 March of the year), sex and ethnicity from the
# person record. ``activity`` is concern, s42 or other.
INDIVIDUALS = """
WITH activity AS (
    SELECT DISTINCT person_id, 'concern' AS activity FROM adult_concerns
    WHERE person_id IS NOT NULL AND received_date BETWEEN $start AND $end
    UNION
    SELECT DISTINCT person_id, CASE kind WHEN 'S42' THEN 's42' ELSE 'other' END FROM s42_enquiries
    WHERE person_id IS NOT NULL AND started_date BETWEEN $start AND $end
)
SELECT a.person_id, a.activity, p.sex, p.ethnicity, {age} AS age_sac
FROM activity a LEFT JOIN persons p USING (person_id)
"""


def build_sac_return(
    snapshot: Snapshot, *, year: str, details: Mapping[str, pa.Table] | None = None
) -> dict[str, SACTable]:
    """Compute the SAC return for a financial year such as ``"2025-26"``, table by table as the guidance."""
    start, end = financial_year(year)
    params = {"start": start, "end": end}
    extra = _details(snapshot, details)
    activities = (("concern", "Concerns"), ("s42", "Section 42 enquiries"), ("other", "Other enquiries"))
    heads = tuple(f"Individuals involved in {words.lower()}" for _, words in activities)
    voluntary = (heads[0], heads[2])  # SG1a-c: concerns and other enquiries are blue cells
    with session_open(snapshot, [(start, end)]) as session:
        con = session.connection
        for name, table in extra.items():
            con.register(name, table)
        sql = con.execute
        individuals = INDIVIDUALS.format(age=_age_sql("$end::DATE"))
        band = _band_sql("age_sac", SAC_AGE_BANDS, SAC_AGE_UNKNOWN)
        by_band = {(b, a): n for b, a, n in sql(
            f"SELECT {band}, activity, count(DISTINCT person_id) FROM ({individuals}) GROUP BY ALL", params
        ).fetchall()}  # fmt: skip
        by_sex = {(x, a): n for x, a, n in sql(
            f"SELECT CASE sex WHEN 'M' THEN 'Male' WHEN 'F' THEN 'Female' ELSE 'Unknown' END, activity, "
            f"count(DISTINCT person_id) FROM ({individuals}) GROUP BY ALL", params
        ).fetchall()}  # fmt: skip
        by_ethnicity = {(x, a): n for x, a, n in sql(
            f"SELECT coalesce(ethnicity, ''), activity, count(DISTINCT person_id) FROM ({individuals}) GROUP BY ALL",
            params,
        ).fetchall()}  # fmt: skip
        concerns = sql("SELECT count(*) FROM adult_concerns WHERE received_date BETWEEN $start AND $end", params)
        cases = {"concern": int((concerns.fetchone() or (0,))[0])}
        for kind, n in sql(
            "SELECT kind, count(*) FROM s42_enquiries WHERE started_date BETWEEN $start AND $end GROUP BY kind", params
        ).fetchall():
            cases["s42" if kind == "S42" else "other"] = cases.get("s42" if kind == "S42" else "other", 0) + int(n)
        concluded_total = int((sql(f"SELECT count(*) FROM ({S42_CONCLUDED})", params).fetchone() or (0,))[0])
        risks = dict(sql(
            f"SELECT r, count(DISTINCT enquiry_id) FROM ({S42_CONCLUDED}), "
            "unnest(coalesce(risk_types, [])) AS u(r) GROUP BY r", params,
        ).fetchall())  # fmt: skip
        support = None
        if "sac_concern_support" in extra:
            # Each case once, described by the primary support reason recorded on its concern.
            support = [(sac_support_reason_label(code), a, int(n)) for code, a, n in sql(
                "WITH cases AS (SELECT concern_id, 'concern' AS activity FROM adult_concerns "
                "WHERE received_date BETWEEN $start AND $end UNION ALL "
                "SELECT concern_id, CASE kind WHEN 'S42' THEN 's42' ELSE 'other' END FROM s42_enquiries "
                "WHERE started_date BETWEEN $start AND $end) "
                "SELECT coalesce(s.support_reason, ''), c.activity, count(*) FROM cases c "
                "LEFT JOIN (SELECT concern_id, any_value(support_reason) AS support_reason FROM sac_concern_support "
                "GROUP BY concern_id) s USING (concern_id) GROUP BY ALL", params,
            ).fetchall()]  # fmt: skip
        locations = sources = advocacy = None
        if "sac_enquiry_locations" in extra:
            locations = dict(sql(
                f"SELECT lower(l.location), count(DISTINCT c.enquiry_id) FROM ({S42_CONCLUDED}) c "
                "JOIN sac_enquiry_locations l USING (enquiry_id) GROUP BY 1", params,
            ).fetchall())  # fmt: skip
        if "sac_enquiry_sources" in extra:
            sources = dict(sql(
                f"SELECT lower(s.source), count(DISTINCT c.enquiry_id) FROM ({S42_CONCLUDED}) c "
                "JOIN sac_enquiry_sources s USING (enquiry_id) GROUP BY 1", params,
            ).fetchall())  # fmt: skip
        if "sac_enquiry_advocacy" in extra:
            advocacy = dict(sql(
                f"SELECT CASE a.advocate_support WHEN true THEN 'yes' WHEN false THEN 'no' ELSE 'not_recorded' END, "
                f"count(*) FROM ({S42_CONCLUDED}) c LEFT JOIN sac_enquiry_advocacy a USING (enquiry_id) "
                "WHERE c.lacked_capacity = 'yes' GROUP BY 1", params,
            ).fetchall())  # fmt: skip
        outcomes = dict(sql(f"SELECT risk_outcome, count(*) FROM ({S42_CONCLUDED}) GROUP BY 1", params).fetchall())
        capacity = dict(sql(f"SELECT lacked_capacity, count(*) FROM ({S42_CONCLUDED}) GROUP BY 1", params).fetchall())
        msp = dict(sql(f"SELECT msp, count(*) FROM ({S42_CONCLUDED}) GROUP BY 1", params).fetchall())

    def people_rows(counts: Mapping[tuple[str, str], int], labels: Iterable[str]) -> list[tuple[str | int, ...]]:
        rows: list[tuple[str | int, ...]] = [(label, *(int(counts.get((label, a), 0)) for a, _ in activities))
                                             for label in labels]  # fmt: skip
        rows.append(("Total", *(sum(int(r[i]) for r in rows) for i in range(1, len(activities) + 1))))
        return rows

    ethnic: dict[tuple[str, str], int] = {}
    for (code, activity), n in by_ethnicity.items():
        group = "Refused" if code == "REFU" else ("Undeclared / Not known" if code in ("", "NOBT")
                                                  else ETHNIC_GROUPS.get(code[0], "Other ethnic group"))  # fmt: skip
        ethnic[(group, activity)] = ethnic.get((group, activity), 0) + int(n)
    ethnic_labels = [*dict.fromkeys(ETHNIC_GROUPS.values()), "Refused", "Undeclared / Not known"]
    tables = {
        "SG1a": SACTable("SG1a", f"Individuals involved in safeguarding activity by age band (age on {end:%d %B %Y})",
                         ("Age band", *heads), tuple(people_rows(by_band, [b for b, _, _ in SAC_AGE_BANDS]
                                                                 + [SAC_AGE_UNKNOWN])), voluntary),
        "SG1b": SACTable("SG1b", "Individuals involved in safeguarding activity by sex", ("Sex", *heads),
                         tuple(people_rows(by_sex, ("Male", "Female", "Unknown"))), voluntary),
        "SG1c": SACTable("SG1c", "Individuals involved in safeguarding activity by ethnicity", ("Ethnicity", *heads),
                         tuple(people_rows(ethnic, ethnic_labels)), voluntary),
    }  # fmt: skip
    if support is not None:
        merged: dict[tuple[str, str], int] = {}
        for label, activity, n in support:
            merged[(label, activity)] = merged.get((label, activity), 0) + n
        tables["SG1d"] = SACTable(
            "SG1d", "Safeguarding cases by primary support reason",
            ("Primary support reason", "Concerns", "Section 42 enquiries", "Other enquiries"),
            tuple(people_rows(merged, [label for _, label in SAC_SUPPORT_REASONS] + [SAC_SUPPORT_REASON_UNKNOWN])),
            ("Concerns", "Other enquiries"),
        )  # fmt: skip
    tables |= {
        "SG1e": SACTable("SG1e", f"Safeguarding cases, {year}", ("Activity", "Cases"),
                         tuple((words, cases.get(key, 0)) for key, words in activities), ("Cases",)),
        "SG2a": SACTable("SG2a", "Concluded section 42 enquiries by type of risk", ("Type of risk", "Enquiries"),
                         tuple((sac_label(r), int(risks.get(r, 0))) for r in RISK_TYPES)),
    }  # fmt: skip
    if locations is not None:
        tables["SG2b"] = SACTable("SG2b", "Concluded section 42 enquiries by location of risk",
                                  ("Location of risk", "Enquiries"),
                                  tuple((sac_label(c), int(locations.get(c, 0))) for c in RISK_LOCATIONS))  # fmt: skip
    if sources is not None:
        tables["SG2c"] = SACTable("SG2c", "Concluded section 42 enquiries by source of risk",
                                  ("Source of risk", "Enquiries"),
                                  tuple((sac_label(c), int(sources.get(c, 0))) for c in RISK_SOURCES))  # fmt: skip
    tables["SG2d"] = SACTable("SG2d", "Concluded section 42 enquiries by action and risk outcome",
                              ("Risk outcome", "Enquiries"),
                              tuple((sac_label(o), int(outcomes.get(o, 0))) for o in RISK_OUTCOMES))  # fmt: skip
    sg3: list[tuple[str | int, ...]] = [("Lacked capacity", sac_label(c), int(capacity.get(c, 0))) for c in CAPACITY]
    if advocacy is not None:
        sg3 += [("Lacked capacity: supported by an advocate, family or friend", sac_label(a), int(advocacy.get(a, 0)))
                for a in ADVOCACY]  # fmt: skip
    tables["SG3"] = SACTable("SG3", "Concluded section 42 enquiries: mental capacity",
                             ("Question", "Answer", "Enquiries"), tuple(sg3))  # fmt: skip
    tables["SG4"] = SACTable("SG4", "Concluded section 42 enquiries: Making Safeguarding Personal",
                             ("Question", "Answer", "Enquiries"),
                             (("All concluded section 42 enquiries", "Total", concluded_total),
                              *(("Asked about desired outcomes", sac_label(m), int(msp.get(m, 0))) for m in MSP)))  # fmt: skip
    return tables


VOLUNTARY_FILL = PatternFill("solid", fgColor="DDEBF7")  # the template's blue cells


def write_sac_xlsx(tables: Mapping[str, SACTable], out: Path) -> None:
    """Write the tables to one workbook, one sheet per table, with a title row and headings.

    Voluntary columns are shaded blue, as in the template (white cells are mandatory).
    """
    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    for code, table in tables.items():
        sheet = workbook.create_sheet(code)
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True)
        sheet.append(list(table.columns))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(list(row))
        for index, heading in enumerate(table.columns, start=1):
            if heading in table.voluntary:
                for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                    cell.fill = VOLUNTARY_FILL
        sheet.column_dimensions["A"].width = 32
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    workbook.save(out)


def write_sac_csv(tables: Mapping[str, SACTable], directory: Path) -> list[Path]:
    """Write each table as ``<code>.csv`` (headings then rows) and return the paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for code, table in tables.items():
        path = directory / f"{code}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(table.columns)
            writer.writerows(table.rows)
        paths.append(path)
    return paths
