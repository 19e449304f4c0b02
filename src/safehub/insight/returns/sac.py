"""Build the NHS England Safeguarding Adults Collection (SAC) tables and write them as XLSX or CSV.

Tables (counting as in shared/formats/measures.md, so they agree with the ``adult_*`` measures):
- SG1 concerns received in the year (cases);
- SG2 individuals with a concern in the year, by age band and sex, and by ethnicity, each adult
  counted once with the age, sex and ethnicity of their first concern in the year;
- SG3 section 42 enquiries started in the year (cases and individuals), and other enquiries;
- SG4 section 42 enquiries concluded in the year by type of risk (an enquiry counts once under each
  type it records), risk outcome, whether the adult lacked capacity, and Making Safeguarding
  Personal (desired outcomes).
Location and source of risk are not in the snapshot yet, so SG4 has no rows for them.
"""

# ruff: noqa: S608 - SQL is assembled from this module's constants; the year is a bound parameter

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from safehub.core.calendar import financial_year
from safehub.insight.engine.compute import Snapshot, session_open
from safehub.insight.engine.measures import (
    AGE_BANDS,
    CAPACITY,
    INDIVIDUALS_CONCERNS,
    MSP,
    RISK_OUTCOMES,
    RISK_TYPES,
    S42_CONCLUDED,
)

SEX_LABELS = {"M": "Male", "F": "Female"}
AGE_LABELS = {"18_64": "18-64", "65_74": "65-74", "75_84": "75-84", "85_plus": "85+"}


@dataclass(frozen=True)
class SACTable:
    """One SAC table: a code such as SG1, a title, column headings and rows."""

    code: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | int, ...], ...]


def _age_band_case() -> str:
    parts = [
        f"WHEN age_at_concern >= {low}" + (f" AND age_at_concern <= {high}" if high is not None else "")
        + f" THEN '{AGE_LABELS[band]}'"
        for band, (low, high) in AGE_BANDS.items()
    ]  # fmt: skip
    return "CASE " + " ".join(parts) + " ELSE 'Unknown' END"


def build_sac_tables(snapshot: Snapshot, *, year: str) -> dict[str, SACTable]:
    """Compute the SAC tables SG1 to SG4 for a financial year such as ``"2024-25"``."""
    start, end = financial_year(year)
    params = {"start": start, "end": end}
    with session_open(snapshot, [(start, end)]) as session:
        sql = session.connection.execute

        def scalar(query: str) -> int:
            row = sql(query, params).fetchone()
            return int(row[0]) if row else 0

        concerns = scalar("SELECT count(*) FROM adult_concerns WHERE received_date BETWEEN $start AND $end")
        by_age_sex = sql(
            f"""
            SELECT {_age_band_case()} AS age_band,
                   CASE sex WHEN 'M' THEN 'Male' WHEN 'F' THEN 'Female' ELSE 'Unknown' END AS sex_label,
                   count(*) FROM ({INDIVIDUALS_CONCERNS}) GROUP BY ALL
            """,
            params,
        ).fetchall()
        by_ethnicity = sql(
            f"SELECT coalesce(ethnicity, 'Not known'), count(*) FROM ({INDIVIDUALS_CONCERNS}) GROUP BY ALL ORDER BY 1",
            params,
        ).fetchall()
        started = sql(
            """
            SELECT kind, count(*), count(DISTINCT person_id) FROM s42_enquiries
            WHERE started_date BETWEEN $start AND $end GROUP BY kind
            """,
            params,
        ).fetchall()
        risks = dict(
            sql(
                f"SELECT r, count(DISTINCT enquiry_id) FROM ({S42_CONCLUDED}), "
                "unnest(coalesce(risk_types, [])) AS u(r) GROUP BY r",
                params,
            ).fetchall()
        )
        concluded = sql(f"SELECT count(*), count(DISTINCT person_id) FROM ({S42_CONCLUDED})", params).fetchone() or (
            0,
            0,
        )
        capacity = dict(sql(f"SELECT lacked_capacity, count(*) FROM ({S42_CONCLUDED}) GROUP BY 1", params).fetchall())
        msp = dict(sql(f"SELECT msp, count(*) FROM ({S42_CONCLUDED}) GROUP BY 1", params).fetchall())
        outcomes = dict(sql(f"SELECT risk_outcome, count(*) FROM ({S42_CONCLUDED}) GROUP BY 1", params).fetchall())

    counts = {(a, s): n for a, s, n in by_age_sex}
    sexes = ("Male", "Female", "Unknown")
    ages = (*AGE_LABELS.values(), "Unknown")
    sg2_rows = [(age, *(counts.get((age, s), 0) for s in sexes), sum(counts.get((age, s), 0) for s in sexes))
                for age in ages]  # fmt: skip
    sg2_rows.append(("Total", *(sum(r[i + 1] for r in sg2_rows) for i in range(len(sexes) + 1))))
    by_kind = {kind: (cases, people) for kind, cases, people in started}
    s42_cases, s42_people = by_kind.get("S42", (0, 0))
    other_cases, other_people = by_kind.get("OTHER", (0, 0))

    sg4_rows: list[tuple[str | int, ...]] = [("Total", "All concluded section 42 enquiries", int(concluded[0]))]
    sg4_rows += [("Type of risk", r.replace("_", " ").capitalize(), int(risks.get(r, 0))) for r in RISK_TYPES]
    sg4_rows += [("Risk outcome", o.replace("_", " ").capitalize(), int(outcomes.get(o, 0))) for o in RISK_OUTCOMES]
    sg4_rows += [("Lacked capacity", c.replace("_", " ").capitalize(), int(capacity.get(c, 0))) for c in CAPACITY]
    sg4_rows += [("Making Safeguarding Personal", m.replace("_", " ").capitalize(), int(msp.get(m, 0))) for m in MSP]

    return {
        "SG1": SACTable("SG1", f"Safeguarding concerns received, {year}", ("Measure", "Cases"),
                        (("Concerns received", concerns),)),
        "SG2": SACTable("SG2", f"Individuals with a safeguarding concern by age band and sex, {year}",
                        ("Age band", *sexes, "Total"), tuple(sg2_rows)),
        "SG2e": SACTable("SG2e", f"Individuals with a safeguarding concern by ethnicity, {year}",
                         ("Ethnicity", "Individuals"), tuple((e, int(n)) for e, n in by_ethnicity)),
        "SG3": SACTable("SG3", f"Enquiries started, {year}", ("Enquiry", "Cases", "Individuals"),
                        (("Section 42", int(s42_cases), int(s42_people)),
                         ("Other enquiry", int(other_cases), int(other_people)))),
        "SG4": SACTable("SG4", f"Section 42 enquiries concluded, {year}", ("Breakdown", "Category", "Cases"),
                        tuple(sg4_rows)),
    }  # fmt: skip


def write_sac_xlsx(tables: Mapping[str, SACTable], out: Path) -> None:
    """Write the tables to one workbook, one sheet per table, with a title row and headings."""
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
