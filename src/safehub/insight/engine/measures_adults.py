"""Adult breakdowns (issues 17 and 22): the adults measures page's figures, counted by the engine.

The Safeguarding Adults Collection (SAC) rules, as in ``safehub/adults/measures.py``:

- *individuals* are distinct adults described by their age, sex and ethnicity at their first concern
  (``adult_concerns``) or first section 42 enquiry started (``s42_enquiries``) in the year;
- the SAC's own age breakdown (``adult_individuals_s42_age_*``, SG1a) uses the age on the last day of
  the year (``$end``), or at death if earlier;
- a concluded enquiry is described by the adult's age on the day it started; each location and source
  of risk counts once per enquiry; the SG3 advocacy cells count only adults who lacked capacity,
  while ``adult_s42_concluded_advocate_support_yes`` counts support recorded for anyone.

Age bands: missing ages and ages under 18 are ``age_unknown``. Ethnicity groups are the 2021 census
groups of the CIN code's first letter (Chinese, ``C``, is Asian); ``REFU`` is refused, a missing code
or ``NOBT`` not yet obtained. Built by ``definitions`` with the engine's builders (no import cycle).
"""

# ruff: noqa: S608 - SQL is assembled only from this module's constants; values are bound parameters
from __future__ import annotations

from collections.abc import Callable

IN_YEAR = "BETWEEN $start AND $end"

AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "18_64": (18, 64),
    "65_74": (65, 74),
    "75_84": (75, 84),
    "85_plus": (85, None),
}
# SG1a bands of the age on the last day of the year (or at death).
SAC_AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "18_64": (18, 64),
    "65_74": (65, 74),
    "75_84": (75, 84),
    "85_94": (85, 94),
    "95_plus": (95, None),
}
ETHNIC_GROUPS = ("white", "mixed", "asian", "black", "other", "refused", "not_obtained")
# The SAC SG2b locations (adults.models.RiskLocation); ``care_home`` and ``hospital`` are the older
# generic values, "not known which": each code counts only itself (no sub-type is guessed).
LOCATIONS = (
    "own_home",
    "community",
    "community_service",
    "care_home_nursing",
    "care_home_residential",
    "care_home",
    "hospital_acute",
    "hospital_mental_health",
    "hospital_community",
    "hospital",
    "other",
)
SOURCES_OF_RISK = ("service_provider", "known", "unknown")
ACHIEVED = ("fully", "partially", "not_achieved")

ETHNIC_GROUP_SQL = """CASE
    WHEN ethnicity = 'REFU' THEN 'refused'
    WHEN ethnicity IS NULL OR ethnicity = '' OR ethnicity = 'NOBT' THEN 'not_obtained'
    WHEN left(ethnicity, 1) = 'W' THEN 'white'
    WHEN left(ethnicity, 1) = 'M' THEN 'mixed'
    WHEN left(ethnicity, 1) IN ('A', 'C') THEN 'asian'
    WHEN left(ethnicity, 1) = 'B' THEN 'black'
    ELSE 'other' END"""

# Each adult once, as at their first concern in the year (as measures.py INDIVIDUALS_CONCERNS).
FIRST_CONCERN = f"""
SELECT person_id, concern_id, received_date, age_at_concern AS age, sex, {ETHNIC_GROUP_SQL} AS ethnic_group
FROM adult_concerns
WHERE person_id IS NOT NULL AND received_date {IN_YEAR}
QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY received_date, concern_id) = 1
"""

# Each adult once, as at their first section 42 enquiry started in the year; ``sac_day`` is the last
# day of the year, or the day of death if earlier (SG1a).
FIRST_S42 = f"""
SELECT person_id, enquiry_id, started_date, age_at_start AS age, sex, {ETHNIC_GROUP_SQL} AS ethnic_group,
       date_of_birth,
       CASE WHEN date_of_death IS NOT NULL AND date_of_death < CAST($end AS DATE) THEN date_of_death
            ELSE CAST($end AS DATE) END AS sac_day
FROM s42_enquiries
WHERE kind = 'S42' AND person_id IS NOT NULL AND started_date {IN_YEAR}
QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY started_date, enquiry_id) = 1
"""

SAC_AGE = f"""
SELECT *, year(sac_day) - year(date_of_birth)
          - CASE WHEN month(sac_day) * 100 + day(sac_day) < month(date_of_birth) * 100 + day(date_of_birth)
                 THEN 1 ELSE 0 END AS sac_age
FROM ({FIRST_S42})
"""

CONCLUDED = f"""
SELECT enquiry_id, person_id, started_date, concluded_date, age_at_start AS age, sex,
       {ETHNIC_GROUP_SQL} AS ethnic_group, risk_locations, risk_sources, outcomes_achieved,
       coalesce(lacked_capacity, 'not_recorded') AS lacked_capacity, advocate_support
FROM s42_enquiries WHERE kind = 'S42' AND concluded_date {IN_YEAR}
"""

OTHER_STARTED = f"""
SELECT enquiry_id, person_id, started_date FROM s42_enquiries WHERE kind = 'OTHER' AND started_date {IN_YEAR}
"""


def _band_where(column: str, low: int, high: int | None) -> str:
    upper = f" AND {column} <= {high}" if high is not None else ""
    return f"{column} >= {low}{upper}"


def _described(count: Callable, prefix: str, what: str, sources: tuple[str, ...], sql: str, *, ages: bool) -> list:
    """Return the age band (when ``ages``), sex and ethnicity group counts of ``sql``'s rows."""
    m = []
    if ages:
        for band, (low, high) in AGE_BANDS.items():
            m.append(
                count(
                    f"{prefix}_{band}",
                    f"{what.capitalize()} aged {band.replace('_', ' to ')}",
                    f"{what} aged {band.replace('_', ' to ')}",
                    sources,
                    f"SELECT * FROM ({sql}) WHERE {_band_where('age', low, high)}",
                )
            )
        m.append(
            count(
                f"{prefix}_age_unknown",
                f"{what.capitalize()}, age not known or under 18",
                f"{what} whose age is missing or under 18",
                sources,
                f"SELECT * FROM ({sql}) WHERE age IS NULL OR age < 18",
            )
        )
        for word, where in (
            ("male", "sex = 'M'"),
            ("female", "sex = 'F'"),
            ("unknown", "sex IS NULL OR sex NOT IN ('M', 'F')"),
        ):
            m.append(
                count(
                    f"{prefix}_sex_{word}",
                    f"{what.capitalize()}: sex {word}",
                    f"{what} recorded as {word}" if word != "unknown" else f"{what} with sex neither M nor F",
                    sources,
                    f"SELECT * FROM ({sql}) WHERE {where}",
                )
            )
    for group in ETHNIC_GROUPS:
        m.append(
            count(
                f"{prefix}_ethnicity_{group}",
                f"{what.capitalize()}: ethnicity {group.replace('_', ' ')}",
                f"{what} in the ethnicity group {group.replace('_', ' ')}",
                sources,
                f"SELECT * FROM ({sql}) WHERE ethnic_group = '{group}'",
            )
        )
    return m


def definitions(count: Callable, percent: Callable) -> list:
    """Return the adult breakdown measures, built with the engine's ``_count``."""
    concerns, s42 = ("adult_concerns",), ("s42_enquiries",)
    m = _described(
        count,
        "adult_individuals_concerns",
        "distinct adults with a concern in the year, as at their first concern in it,",
        concerns,
        FIRST_CONCERN,
        ages=False,  # the age bands and sexes are in measures.py
    )
    # ``adult_individuals_s42_age_unknown`` is the SG1a cell below, not the age at the first enquiry.
    m += [
        d
        for d in _described(
            count,
            "adult_individuals_s42",
            "distinct adults with a section 42 enquiry started in the year, as at their first one,",
            s42,
            FIRST_S42,
            ages=True,
        )
        if d.id != "adult_individuals_s42_age_unknown"
    ]
    for band, (low, high) in SAC_AGE_BANDS.items():
        m.append(
            count(
                f"adult_individuals_s42_age_{band}",
                f"Adults with a section 42 enquiry aged {band.replace('_', ' to ')} (SG1a)",
                "distinct adults with a section 42 enquiry started in the year by age on the last day of the "
                f"year or at death, aged {band.replace('_', ' to ')}",
                s42,
                f"SELECT * FROM ({SAC_AGE}) WHERE {_band_where('sac_age', low, high)}",
            )
        )
    m.append(
        count(
            "adult_individuals_s42_age_unknown",
            "Adults with a section 42 enquiry, age not known or under 18 (SG1a)",
            "distinct adults with a section 42 enquiry started in the year whose SG1a age is missing or under 18",
            s42,
            f"SELECT * FROM ({SAC_AGE}) WHERE sac_age IS NULL OR sac_age < 18",
        )
    )
    m.append(
        count(
            "adult_other_enquiries_started_total",
            "Other safeguarding enquiries started",
            "other (non-statutory) safeguarding enquiries started in the year",
            s42,
            OTHER_STARTED,
        )
    )
    for name, column, values in (
        ("location", "risk_locations", LOCATIONS),
        ("source", "risk_sources", SOURCES_OF_RISK),
    ):
        for value in values:
            m.append(
                count(
                    f"adult_s42_concluded_{name}_{value}",
                    f"Concluded enquiries with {name} of risk: {value.replace('_', ' ')}",
                    f"section 42 enquiries concluded in the year recording the {name} of risk {value} "
                    "(once per enquiry)",
                    s42,
                    f"SELECT * FROM ({CONCLUDED}) WHERE list_contains({column}, '{value}')",
                )
            )
    for value in ACHIEVED:
        m.append(
            count(
                f"adult_s42_concluded_achieved_{value}",
                f"Concluded enquiries: outcomes {value.replace('_', ' ')}",
                f"section 42 enquiries concluded in the year whose desired outcomes were {value}",
                s42,
                f"SELECT * FROM ({CONCLUDED}) WHERE outcomes_achieved = '{value}'",
            )
        )
    for answer, where in (
        ("yes", "advocate_support"),
        ("no", "NOT advocate_support"),
        ("not_recorded", "advocate_support IS NULL"),
    ):
        m.append(
            count(
                f"adult_s42_concluded_lacked_capacity_advocate_{answer}",
                f"Concluded enquiries, lacked capacity: advocate support {answer.replace('_', ' ')} (SG3)",
                "section 42 enquiries concluded in the year where the adult lacked capacity, by whether they "
                f"were supported by an advocate, family or friend: {answer}",
                s42,
                f"SELECT * FROM ({CONCLUDED}) WHERE lacked_capacity = 'yes' AND ({where})",
            )
        )
    m.append(
        count(
            "adult_s42_concluded_advocate_support_yes",
            "Concluded enquiries: supported by an advocate, family or friend",
            "section 42 enquiries concluded in the year where the adult was supported, whatever their capacity",
            s42,
            f"SELECT * FROM ({CONCLUDED}) WHERE advocate_support",
        )
    )
    m += _described(
        count, "adult_s42_concluded", "section 42 enquiries concluded in the year", s42, CONCLUDED, ages=True
    )
    return m
