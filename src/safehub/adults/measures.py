"""Adult safeguarding measures computed from the records (ORM), following the SAC counting rules.

The analytics engine computes the same measures from a snapshot (``insight/engine/measures.py``);
the ids are those of shared/formats/measures.md, and the two must agree.

Counting rules (Safeguarding Adults Collection):
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
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings

from safehub.adults.models import (
    DesiredOutcomes,
    EnquiryKind,
    EnquiryRiskLocation,
    EnquiryRiskSource,
    EnquiryRiskType,
    LackedCapacity,
    OutcomesAchieved,
    RiskLocation,
    RiskOutcome,
    RiskSource,
    RiskType,
)
from safehub.adults.rules import (
    SAC_AGE_UNKNOWN,
    once_per_category,
    sac_advocacy_answer,
    sac_age,
    sac_age_band,
)
from safehub.core.calendar import UK, financial_year
from safehub.people.models import Person

# shared/formats/measures.md ``adult_individuals_s42_age_<band>`` ids for the SG1a bands.
SAC_BAND_IDS = {
    "18-64": "18_64",
    "65-74": "65_74",
    "75-84": "75_84",
    "85-94": "85_94",
    "95+": "95_plus",
    SAC_AGE_UNKNOWN: "unknown",
}

AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "18_64": (18, 64),
    "65_74": (65, 74),
    "75_84": (75, 84),
    "85_plus": (85, None),
}
AGE_BAND_LABELS = {"18_64": "18-64", "65_74": "65-74", "75_84": "75-84", "85_plus": "85+", "age_unknown": "Not known"}
SEX_WORDS = {"M": "male", "F": "female"}
ETHNIC_GROUPS = {
    "W": "white",
    "M": "mixed",
    "A": "asian",
    "C": "asian",  # CHNE: Chinese is in the Asian group in the 2021 census
    "B": "black",
    "O": "other",
}
ETHNIC_GROUP_LABELS = {
    "white": "White",
    "mixed": "Mixed or multiple ethnic groups",
    "asian": "Asian or Asian British",
    "black": "Black or Black British",
    "other": "Other ethnic group",
    "refused": "Refused",
    "not_obtained": "Not yet obtained",
}


def age_band(age: int | None) -> str:
    if age is None or age < 18:
        return "age_unknown"
    for band, (low, high) in AGE_BANDS.items():
        if age >= low and (high is None or age <= high):
            return band
    return "age_unknown"  # pragma: no cover - the bands cover every age from 18


def ethnic_group(code: str) -> str:
    if code == "REFU":
        return "refused"
    if not code or code == "NOBT":
        return "not_obtained"
    return ETHNIC_GROUPS.get(code[0], "other")


def sex_word(code: str) -> str:
    return SEX_WORDS.get(code, "unknown")


def _age(dob: date | None, on: date) -> int | None:
    if dob is None:
        return None
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def year_bounds(year: str) -> tuple[datetime, datetime]:
    """Return the aware [start, end) moments of a financial year in UK time."""
    first, last = financial_year(year)
    return datetime.combine(first, time(0), tzinfo=UK), datetime.combine(last + timedelta(days=1), time(0), tzinfo=UK)


@dataclass(frozen=True)
class Subject:
    person_id: int
    age: int | None
    sex: str
    ethnicity: str


# ---------------------------------------------------------------------------------------------
# Counting functions (each one SAC rule, named for what it counts)
# ---------------------------------------------------------------------------------------------


def concerns_received_in_year(year: str):
    """Return the concerns (cases) received in the year."""
    from safehub.adults.models import SafeguardingConcern

    start, end = year_bounds(year)
    return SafeguardingConcern.objects.filter(received_at__gte=start, received_at__lt=end)


def individuals_with_concerns_in_year(year: str) -> dict[int, Subject]:
    """Return each distinct adult with a concern in the year, as they were at their first concern in it."""
    rows = (
        concerns_received_in_year(year)
        .order_by("received_at", "pk")
        .values_list("person_id", "received_at", "person__date_of_birth", "person__sex", "person__ethnicity")
    )
    out: dict[int, Subject] = {}
    for person_id, received_at, dob, sex, ethnicity in rows:
        if person_id not in out:
            out[person_id] = Subject(person_id, _age(dob, received_at.astimezone(UK).date()), sex, ethnicity)
    return out


def s42_started_in_year(year: str):
    """Return the section 42 enquiries started in the year (cases)."""
    from safehub.adults.models import Enquiry

    first, last = financial_year(year)
    return Enquiry.objects.filter(kind=EnquiryKind.S42, started_date__gte=first, started_date__lte=last)


def individuals_with_s42_started_in_year(year: str) -> dict[int, Subject]:
    """Return each distinct adult with a section 42 enquiry started in the year (as at the first one)."""
    rows = (
        s42_started_in_year(year)
        .order_by("started_date", "pk")
        .values_list("person_id", "started_date", "person__date_of_birth", "person__sex", "person__ethnicity")
    )
    out: dict[int, Subject] = {}
    for person_id, started, dob, sex, ethnicity in rows:
        if person_id not in out:
            out[person_id] = Subject(person_id, _age(dob, started), sex, ethnicity)
    return out


@dataclass(frozen=True)
class ConcludedEnquiry:
    enquiry_id: int
    subject: Subject
    risk_types: frozenset[str]
    risk_locations: frozenset[str]
    risk_sources: frozenset[str]
    risk_outcome: str
    lacked_capacity: str
    advocate_support: bool | None
    desired_outcomes_asked: str
    outcomes_achieved: str


def s42_concluded_in_year(year: str) -> list[ConcludedEnquiry]:
    """Return the section 42 enquiries concluded in the year (episodes), with their SAC fields."""
    from safehub.adults.models import Enquiry

    first, last = financial_year(year)
    qs = Enquiry.objects.filter(kind=EnquiryKind.S42, concluded_date__gte=first, concluded_date__lte=last)
    risks: dict[int, set[str]] = {}
    for enquiry_id, code in EnquiryRiskType.objects.filter(enquiry__in=qs).values_list("enquiry_id", "risk_type"):
        risks.setdefault(enquiry_id, set()).add(code)
    locations: dict[int, set[str]] = {}
    for enquiry_id, code in EnquiryRiskLocation.objects.filter(enquiry__in=qs).values_list("enquiry_id", "location"):
        locations.setdefault(enquiry_id, set()).add(code)
    sources: dict[int, set[str]] = {}
    for enquiry_id, code in EnquiryRiskSource.objects.filter(enquiry__in=qs).values_list("enquiry_id", "source"):
        sources.setdefault(enquiry_id, set()).add(code)
    out = []
    for row in qs.order_by("pk").values(
        "pk",
        "person_id",
        "started_date",
        "person__date_of_birth",
        "person__sex",
        "person__ethnicity",
        "risk_outcome",
        "lacked_capacity",
        "advocate_support",
        "desired_outcomes_asked",
        "outcomes_achieved",
    ):
        out.append(
            ConcludedEnquiry(
                row["pk"],
                Subject(
                    row["person_id"],
                    _age(row["person__date_of_birth"], row["started_date"]),
                    row["person__sex"],
                    row["person__ethnicity"],
                ),
                once_per_category(risks.get(row["pk"], ())),
                once_per_category(locations.get(row["pk"], ())),
                once_per_category(sources.get(row["pk"], ())),
                row["risk_outcome"],
                row["lacked_capacity"] or LackedCapacity.NOT_RECORDED,
                row["advocate_support"],
                row["desired_outcomes_asked"] or DesiredOutcomes.NOT_RECORDED,
                row["outcomes_achieved"],
            )
        )
    return out


def _describe(prefix: str, subjects, out: dict[str, int]) -> None:
    subjects = list(subjects)
    bands = Counter(age_band(s.age) for s in subjects)
    for band in [*AGE_BANDS, "age_unknown"]:
        out[f"{prefix}_{band}"] = bands[band]
    sexes = Counter(sex_word(s.sex) for s in subjects)
    for word in ("male", "female", "unknown"):
        out[f"{prefix}_sex_{word}"] = sexes[word]
    groups = Counter(ethnic_group(s.ethnicity) for s in subjects)
    for group in ETHNIC_GROUP_LABELS:
        out[f"{prefix}_ethnicity_{group}"] = groups[group]


def adult_measures(year: str) -> dict[str, int]:
    """Return every adult measure for the year by its id (shared/formats/measures.md, plus breakdowns)."""
    out: dict[str, int] = {}
    out["adult_concerns_total"] = concerns_received_in_year(year).count()
    individuals = individuals_with_concerns_in_year(year)
    out["adult_individuals_concerns"] = len(individuals)
    _describe("adult_individuals_concerns", individuals.values(), out)
    out["adult_s42_started_total"] = s42_started_in_year(year).count()
    s42_people = individuals_with_s42_started_in_year(year)
    out["adult_individuals_s42"] = len(s42_people)
    _describe("adult_individuals_s42", s42_people.values(), out)
    # SG1a: age on 31 March of the year (or at death), in the SAC's bands.
    year_end = financial_year(year)[1]
    bands = Counter(
        sac_age_band(sac_age(dob, year_end=year_end, date_of_death=died))
        for dob, died in Person.objects.filter(pk__in=list(s42_people)).values_list("date_of_birth", "date_of_death")
    )
    for label, band_id in SAC_BAND_IDS.items():
        out[f"adult_individuals_s42_age_{band_id}"] = bands[label]
    first, last = financial_year(year)
    from safehub.adults.models import Enquiry

    out["adult_other_enquiries_started_total"] = Enquiry.objects.filter(
        kind=EnquiryKind.OTHER, started_date__gte=first, started_date__lte=last
    ).count()
    concluded = s42_concluded_in_year(year)
    out["adult_s42_concluded_total"] = len(concluded)
    for code in RiskType.values:
        out[f"adult_s42_concluded_risk_{code.lower()}"] = sum(code in e.risk_types for e in concluded)
    # Locations and sources, like types, count once per different category per enquiry (SAC SG2).
    for code in RiskLocation.values:
        out[f"adult_s42_concluded_location_{code.lower()}"] = sum(code in e.risk_locations for e in concluded)
    for code in RiskSource.values:
        out[f"adult_s42_concluded_source_{code.lower()}"] = sum(code in e.risk_sources for e in concluded)
    for field, codes, prefix in (
        ("risk_outcome", RiskOutcome.values, "risk_outcome"),
        ("lacked_capacity", LackedCapacity.values, "capacity"),
        ("desired_outcomes_asked", DesiredOutcomes.values, "msp"),
        ("outcomes_achieved", OutcomesAchieved.values, "achieved"),
    ):
        counts = Counter(getattr(e, field) for e in concluded)
        for code in codes:
            out[f"adult_s42_concluded_{prefix}_{code.lower()}"] = counts[code]
    advocacy = Counter(sac_advocacy_answer(e.lacked_capacity, e.advocate_support) for e in concluded)
    out["adult_s42_concluded_lacked_capacity_advocate_yes"] = advocacy["yes"]
    out["adult_s42_concluded_lacked_capacity_advocate_no"] = advocacy["no"]
    out["adult_s42_concluded_lacked_capacity_advocate_not_recorded"] = advocacy["not_recorded"]
    # Recorded for every adult, whatever their capacity (Care Act s68 does not depend on it).
    out["adult_s42_concluded_advocate_support_yes"] = sum(e.advocate_support is True for e in concluded)
    _describe("adult_s42_concluded", (e.subject for e in concluded), out)
    return out


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


def measure_sections(year: str) -> tuple[list[str], list[tuple[str, list[MeasureRow]]]]:
    """Return (published year labels, [(section title, rows)]) for the year's adult measures."""
    values = adult_measures(year)
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
