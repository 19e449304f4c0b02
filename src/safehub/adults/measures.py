"""Adult safeguarding measures: the engine's figures, laid out for the adults measures page and CSV.

There is one implementation of the adult measures: the insight engine
(``insight/engine/measures.py`` and ``measures_adults.py``), computed from the cached snapshot by
``insight.selectors.measures_for_year``. This module selects the adult ids (shared/formats/measures.md,
plus the page's breakdowns) and adds the published figures of earlier years beside them.

Counting rules (Safeguarding Adults Collection), as the engine applies them:
- a year is 1 April to 31 March; a concern's day is its UK calendar date of receipt;
- *individuals* are distinct adults (a person with two concerns in the year counts once), described
  by their age, sex and ethnicity at their first concern (or first s42 enquiry) in the year;
- *cases/episodes* count each concern or enquiry;
- concluded enquiries are section 42 enquiries with a concluded date in the year (an enquiry
  started in the year and concluded in the next is counted as concluded in the next);
- each type, location and source of risk counts once per enquiry (an enquiry with two appears under
  both; two sources of the same type count once);
- the SAC's own age breakdown (``adult_individuals_s42_age_*``, SG1a) uses the age on 31 March of
  the year, or at death (``rules.sac_age``);
- the SG3 advocacy cells count only adults who lacked capacity; support is recorded for anyone;
- a concluded enquiry is described by the adult's age on the day the enquiry started.

The figures come from the cached snapshot: the page says when it was counted ("as of"), and recording
a concern or enquiry (``services.measures_refresh_on_commit``) drops it, so the next view recounts.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

from django.conf import settings

from safehub.adults.models import (
    DesiredOutcomes,
    LackedCapacity,
    OutcomesAchieved,
    RiskLocation,
    RiskOutcome,
    RiskSource,
    RiskType,
)
from safehub.adults.rules import SAC_AGE_UNKNOWN
from safehub.core import measures_port
from safehub.core.calendar import UK, financial_year

# shared/formats/measures.md ``adult_individuals_s42_age_<band>`` ids for the SG1a bands.
SAC_BAND_IDS = {
    "18-64": "18_64",
    "65-74": "65_74",
    "75-84": "75_84",
    "85-94": "85_94",
    "95+": "95_plus",
    SAC_AGE_UNKNOWN: "unknown",
}

AGE_BAND_LABELS = {"18_64": "18-64", "65_74": "65-74", "75_84": "75-84", "85_plus": "85+", "age_unknown": "Not known"}
ETHNIC_GROUP_LABELS = {
    "white": "White",
    "mixed": "Mixed or multiple ethnic groups",
    "asian": "Asian or Asian British",
    "black": "Black or Black British",
    "other": "Other ethnic group",
    "refused": "Refused",
    "not_obtained": "Not yet obtained",
}


def year_bounds(year: str) -> tuple[datetime, datetime]:
    """Return the aware [start, end) moments of a financial year in UK time."""
    first, last = financial_year(year)
    return datetime.combine(first, time(0), tzinfo=UK), datetime.combine(last + timedelta(days=1), time(0), tzinfo=UK)


def adult_measures_as_of(year: str) -> tuple[dict[str, int | float | None], datetime]:
    """Return every adult measure for the year by its id, as the engine computes it, and when the
    snapshot they were counted from was built (through core.measures_port: insight sits above adults)."""
    values, built_at = measures_port.values_for_year(year)
    return {k: v for k, v in values.items() if k.startswith("adult_")}, built_at


def adult_measures(year: str) -> dict[str, int | float | None]:
    """Return every adult measure for the year by its id, as the engine computes it."""
    return adult_measures_as_of(year)[0]


# ---------------------------------------------------------------------------------------------
# Prior-year figures from the published yearly report (shared/reference)
# ---------------------------------------------------------------------------------------------

REFERENCE_FILES = {
    "adults_sac_individuals.csv": {
        "individuals_involved_in_safeguarding_concerns": "adult_individuals_concerns",
        "individuals_involved_in_s42_enquiries": "adult_individuals_s42",
    },
    "adults_concluded_s42_type_of_risk.csv": {
        label: f"adult_s42_concluded_risk_{code.lower()}"
        for code, label in (
            ("PHYSICAL", "Physical abuse"),
            ("SEXUAL", "Sexual abuse"),
            ("PSYCHOLOGICAL", "Psychological abuse"),
            ("FINANCIAL", "Financial or material abuse"),
            ("DISCRIMINATORY", "Discriminatory abuse"),
            ("ORGANISATIONAL", "Organisational abuse"),
            ("NEGLECT", "Neglect or acts of omission"),
            ("DOMESTIC", "Domestic abuse"),
            ("SEXUAL_EXPLOITATION", "Sexual exploitation"),
            ("MODERN_SLAVERY", "Modern slavery"),
            ("SELF_NEGLECT", "Self neglect"),
        )
    },
    "adults_concluded_s42_mental_capacity.csv": {
        label: f"adult_s42_concluded_capacity_{code.lower()}" for code, label in LackedCapacity.choices
    },
    "adults_concluded_s42_making_safeguarding_personal.csv": {
        label: f"adult_s42_concluded_msp_{code.lower()}" for code, label in DesiredOutcomes.choices
    },
}
APP_DATA = Path(__file__).resolve().parent / "data"


def reference_dir() -> Path:
    """Return where the published figures are: settings, then ../shared next to the repo, then the app's copy."""
    configured = getattr(settings, "SAFEHUB_ADULTS_REFERENCE_DIR", None)
    candidates = [Path(configured)] if configured else []
    candidates.append(Path(settings.BASE_DIR).parent / "shared" / "reference" / "partnership-yearly-report-2024-25")
    candidates.append(APP_DATA)
    for candidate in candidates:
        if all((candidate / name).is_file() for name in REFERENCE_FILES):
            return candidate
    return APP_DATA


def reference_figures(directory: Path | None = None) -> tuple[list[str], dict[str, dict[str, int]]]:
    """Return (year labels, measure id -> {year label -> published figure})."""
    directory = directory or reference_dir()
    years: list[str] = []
    figures: dict[str, dict[str, int]] = {}
    for name, mapping in REFERENCE_FILES.items():
        with open(directory / name, newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            for label in header[1:]:
                if label not in years:
                    years.append(label)
            for row in reader:
                measure_id = mapping.get(row[0].strip())
                if measure_id is None:
                    continue
                figures[measure_id] = {
                    header[i]: int(value) for i, value in enumerate(row[1:], start=1) if value.strip().isdigit()
                }
    return years, figures


def year_label_slash(year: str) -> str:
    """Return '2024/25' for '2024-25' (the reference tables' spelling)."""
    return year.replace("-", "/")


# ---------------------------------------------------------------------------------------------
# The measures page and its CSV: sections of rows, with the published figures beside them
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureRow:
    measure_id: str
    label: str
    value: int | float | None
    published: dict[str, int | None]


def _breakdown_rows(prefix: str) -> list[tuple[str, str]]:
    rows = [
        (f"{prefix}_{band}", "Age not known" if band == "age_unknown" else f"Aged {label}")
        for band, label in AGE_BAND_LABELS.items()
    ]
    rows += [(f"{prefix}_sex_{w}", f"Sex: {w}") for w in ("female", "male", "unknown")]
    rows += [(f"{prefix}_ethnicity_{g}", f"Ethnicity: {label}") for g, label in ETHNIC_GROUP_LABELS.items()]
    return rows


def measure_sections(
    year: str, *, values: dict[str, int | float | None] | None = None
) -> tuple[list[str], list[tuple[str, list[MeasureRow]]]]:
    """Return (published year labels, [(section title, rows)]) for the year's adult measures
    (``values``: the year's adult measures, when the caller has them already)."""
    values = adult_measures(year) if values is None else values
    years, published = reference_figures()
    sections_spec: list[tuple[str, list[tuple[str, str]]]] = [
        (
            "Concerns and enquiries",
            [
                ("adult_concerns_total", "Safeguarding concerns received (cases)"),
                ("adult_individuals_concerns", "Individuals involved in safeguarding concerns"),
                ("adult_s42_started_total", "Section 42 enquiries started (cases)"),
                ("adult_individuals_s42", "Individuals involved in section 42 enquiries"),
                ("adult_other_enquiries_started_total", "Other safeguarding enquiries started"),
                ("adult_s42_concluded_total", "Section 42 enquiries concluded"),
            ],
        ),
        ("Individuals with concerns", _breakdown_rows("adult_individuals_concerns")),
        ("Individuals with section 42 enquiries", _breakdown_rows("adult_individuals_s42")),
        (
            "Individuals with section 42 enquiries: age on 31 March (SAC SG1a)",
            [(f"adult_individuals_s42_age_{band_id}", label) for label, band_id in SAC_BAND_IDS.items()],
        ),
        (
            "Concluded section 42 enquiries: type of risk",
            [(f"adult_s42_concluded_risk_{c.lower()}", label) for c, label in RiskType.choices],
        ),
        (
            "Concluded section 42 enquiries: location of risk",
            [(f"adult_s42_concluded_location_{c.lower()}", label) for c, label in RiskLocation.choices],
        ),
        (
            "Concluded section 42 enquiries: source of risk",
            [(f"adult_s42_concluded_source_{c.lower()}", label) for c, label in RiskSource.choices],
        ),
        (
            "Concluded section 42 enquiries: action taken and risk outcome",
            [(f"adult_s42_concluded_risk_outcome_{c.lower()}", label) for c, label in RiskOutcome.choices],
        ),
        (
            "Concluded section 42 enquiries: mental capacity",
            [(f"adult_s42_concluded_capacity_{c.lower()}", label) for c, label in LackedCapacity.choices]
            + [
                (
                    "adult_s42_concluded_lacked_capacity_advocate_yes",
                    "Lacked capacity: supported by an advocate, family or friend",
                ),
                ("adult_s42_concluded_lacked_capacity_advocate_no", "Lacked capacity: not supported"),
                ("adult_s42_concluded_lacked_capacity_advocate_not_recorded", "Lacked capacity: support not recorded"),
                (
                    "adult_s42_concluded_advocate_support_yes",
                    "Any capacity: supported by an advocate, family or friend",
                ),
            ],
        ),
        (
            "Concluded section 42 enquiries: Making Safeguarding Personal",
            [(f"adult_s42_concluded_msp_{c.lower()}", label) for c, label in DesiredOutcomes.choices]
            + [
                (f"adult_s42_concluded_achieved_{c.lower()}", f"Outcomes {label.lower()}")
                for c, label in OutcomesAchieved.choices
            ],
        ),
        ("Concluded section 42 enquiries: the adults", _breakdown_rows("adult_s42_concluded")),
    ]
    sections = [
        (
            title,
            [
                MeasureRow(mid, label, values[mid], {y: published.get(mid, {}).get(y) for y in years})
                for mid, label in rows
            ],
        )
        for title, rows in sections_spec
    ]
    return years, sections


def measures_csv_rows(year: str) -> list[list[str | int | float]]:
    """Return the measures as CSV rows: id, section, label, this year's value, then each published year."""
    years, sections = measure_sections(year)
    out: list[list[str | int | float]] = [["measure_id", "section", "label", year, *(f"published {y}" for y in years)]]
    for title, rows in sections:
        for row in rows:
            out.append(
                [
                    row.measure_id,
                    title,
                    row.label,
                    "" if row.value is None else row.value,
                    *("" if (figure := row.published[y]) is None else figure for y in years),
                ]
            )
    return out
