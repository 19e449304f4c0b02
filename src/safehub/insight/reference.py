"""Published figures of the partnership's earlier yearly reports (bundled CSVs in ``data/published``).

They are aggregates transcribed from the published report, used for years the records do not
cover, and labelled as such wherever they appear. Year labels are normalised to ``2023-24``.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
PUBLISHED = DATA / "published"
PUBLISHED_SOURCE = "Published yearly report 2024-25"

# Rows of children_social_care.csv and the engine measure that computes the same figure.
CSC_MEASURES: dict[str, str | None] = {
    "Total number of contacts to the Children's Resource Service": "contacts_total",
    "% contacts progressed to referrals": "contacts_to_referral_pct",
    "Number of child in need referrals": "referrals_total",
    "% of re-referrals to CRS MASH": "re_referrals_12m_pct",
    "Child & family assessments completed within timescales (%)": "assessments_within_45wd_pct",
    "Total number of children open to Children's Social Care during the year": "children_open_in_year",
    "Number of children with a CP Plan": "cp_plans_open_31_march",
    "Number of unborn babies with a CP plan": "cp_plans_unborn_started",
    "Neglect": "cp_plans_started_neglect",
    "Emotional abuse": "cp_plans_started_emotional",
    "Sexual abuse": "cp_plans_started_sexual",
    "Physical": "cp_plans_started_physical",
    "Total number of looked after children": "cla_open_31_march",
    "Number of children in care per 10,000 during the year": "cla_rate_per_10k",
    "% of looked after children reviews completed in time frames": "cla_reviews_in_time_pct",
    "% of health reviews completed in time frames": "cla_health_assessments_in_time_pct",
    "% of care leavers 18+ in suitable accommodation at year end": "care_leavers_suitable_accommodation_pct",
    "% of care leavers 18+ in employment education or training at year end": "care_leavers_eet_pct",
}
CSC_SECTIONS = {
    "contacts_referrals_assessments": "Contacts, referrals and assessments",
    "child_protection": "Child protection",
    "cp_category": "Child protection plans by category of abuse",
    "looked_after": "Children looked after and care leavers",
}

# SAC breakdown rows (published label -> engine measure id).
SAC_RISK = {
    "Physical abuse": "adult_s42_concluded_risk_physical",
    "Sexual abuse": "adult_s42_concluded_risk_sexual",
    "Psychological abuse": "adult_s42_concluded_risk_psychological",
    "Financial or material abuse": "adult_s42_concluded_risk_financial",
    "Discriminatory abuse": "adult_s42_concluded_risk_discriminatory",
    "Organisational abuse": "adult_s42_concluded_risk_organisational",
    "Neglect or acts of omission": "adult_s42_concluded_risk_neglect",
    "Domestic abuse": "adult_s42_concluded_risk_domestic",
    "Sexual exploitation": "adult_s42_concluded_risk_sexual_exploitation",
    "Modern slavery": "adult_s42_concluded_risk_modern_slavery",
    "Self neglect": "adult_s42_concluded_risk_self_neglect",
}
SAC_CAPACITY = {
    "Yes, they lacked capacity": "adult_s42_concluded_capacity_yes",
    "No, they did not lack capacity": "adult_s42_concluded_capacity_no",
    "Don't know": "adult_s42_concluded_capacity_dont_know",
    "Not recorded": "adult_s42_concluded_capacity_not_recorded",
}
SAC_MSP = {
    "Yes, they expressed their desired outcomes": "adult_s42_concluded_msp_expressed",
    "Yes asked, but no outcomes expressed": "adult_s42_concluded_msp_asked_not_expressed",
    "The individual was not asked their desired outcomes": "adult_s42_concluded_msp_not_asked",
    "Don't know": "adult_s42_concluded_msp_dont_know",
    "Not recorded": "adult_s42_concluded_msp_not_recorded",
}
SAC_INDIVIDUALS = {
    "individuals_involved_in_safeguarding_concerns": "adult_individuals_concerns",
    "individuals_involved_in_s42_enquiries": "adult_individuals_s42",
}
SAC_TABLES = {
    "adults_sac_individuals.csv": ("Individuals involved in safeguarding", SAC_INDIVIDUALS),
    "adults_concluded_s42_type_of_risk.csv": ("Concluded section 42 enquiries by type of risk", SAC_RISK),
    "adults_concluded_s42_mental_capacity.csv": ("Concluded section 42 enquiries: did the adult lack capacity?",
                                                 SAC_CAPACITY),
    "adults_concluded_s42_making_safeguarding_personal.csv": (
        "Concluded section 42 enquiries: Making Safeguarding Personal (desired outcomes)", SAC_MSP),
}  # fmt: skip


def normalise_year(label: str) -> str:
    """Return ``2023-24`` for ``2023/24``, ``2023-2024`` or ``2023-24``."""
    match = re.fullmatch(r"(\d{4})[/-](\d{2}|\d{4})", label.strip())
    if not match:
        return label.strip()
    start = int(match.group(1))
    return f"{start}-{(start + 1) % 100:02d}"


@cache
def read(name: str) -> tuple[tuple[str, ...], tuple[dict[str, str], ...]]:
    """Return (columns, rows) of a bundled published CSV."""
    with (PUBLISHED / name).open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = tuple(reader)
        return tuple(reader.fieldnames or ()), rows


def number(text: str | None) -> float | int | None:
    """Return a published cell as a number (int when whole), or None when blank."""
    if text is None or not text.strip():
        return None
    value = float(text.replace(",", ""))
    return int(value) if value.is_integer() and "." not in text else value


def year_columns(name: str) -> dict[str, str]:
    """Return {normalised year: column name} for a published table with years as columns."""
    columns, _ = read(name)
    return {normalise_year(c): c for c in columns if re.fullmatch(r"\d{4}[/-]\d{2,4}", c.strip())}


def children_social_care() -> list[dict]:
    """Return the children's social care rows: section, label, measure id and {year: value}."""
    years = year_columns("children_social_care.csv")
    _, rows = read("children_social_care.csv")
    return [
        {
            "section": row["section"],
            "label": row["measure"],
            "measure_id": CSC_MEASURES.get(row["measure"]),
            "values": {year: number(row[column]) for year, column in years.items()},
        }
        for row in rows
    ]


def sac_table(name: str) -> list[dict]:
    """Return a published SAC table's rows: label, measure id and {year: value}."""
    years = year_columns(name)
    columns, rows = read(name)
    label_column = columns[0]
    _, mapping = SAC_TABLES[name]
    return [
        {"label": row[label_column].replace("_", " ").capitalize() if "_" in row[label_column] else row[label_column],
         "measure_id": mapping.get(row[label_column]),
         "values": {year: number(row[column]) for year, column in years.items()}}
        for row in rows
    ]  # fmt: skip


def published_years() -> list[str]:
    """Return the years the published children's table covers, oldest first."""
    return sorted(year_columns("children_social_care.csv"))
