"""Adults' safeguarding measures as the Safeguarding Adults Collection (SAC, NHS England) counts them:
concerns and the adults they are about (by age band and sex at their first concern in the year), and
section 42 enquiries (Care Act 2014) started and concluded, by risk type, capacity, desired outcomes
(Making Safeguarding Personal) and risk outcome.

Moved from measures.py unchanged (measures.py re-exports the code lists); built by ``definitions``
with the engine's own builders, so this module imports nothing from measures.py (no cycle).
"""

# ruff: noqa: S608 - SQL is assembled only from this module's constants; values are bound parameters
from __future__ import annotations

from collections.abc import Callable

IN_YEAR = "BETWEEN $start AND $end"

CONCERNS_IN_YEAR = f"""
SELECT concern_id, person_id, received_date, age_at_concern, sex, ethnicity
FROM adult_concerns WHERE received_date {IN_YEAR}
"""

# An adult is counted once, with the age and sex recorded on their first concern in the year.
INDIVIDUALS_CONCERNS = f"""
SELECT person_id, concern_id AS first_concern_id, received_date, age_at_concern, sex, ethnicity
FROM adult_concerns
WHERE person_id IS NOT NULL AND received_date {IN_YEAR}
QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY received_date, concern_id) = 1
"""

S42_STARTED = f"""
SELECT enquiry_id, person_id, concern_id, started_date, concluded_date
FROM s42_enquiries WHERE kind = 'S42' AND started_date {IN_YEAR}
"""

S42_CONCLUDED = f"""
SELECT enquiry_id, person_id, concern_id, started_date, concluded_date, risk_types,
       coalesce(lacked_capacity, 'not_recorded') AS lacked_capacity,
       coalesce(msp, 'not_recorded') AS msp, risk_outcome
FROM s42_enquiries WHERE kind = 'S42' AND concluded_date {IN_YEAR}
"""

RISK_TYPES = (
    "physical",
    "sexual",
    "psychological",
    "financial",
    "discriminatory",
    "organisational",
    "neglect",
    "domestic",
    "sexual_exploitation",
    "modern_slavery",
    "self_neglect",
)
CAPACITY = ("yes", "no", "dont_know", "not_recorded")
MSP = ("expressed", "asked_not_expressed", "not_asked", "dont_know", "not_recorded")
# ``ceased_at_request``: SAC SG2c "Enquiry ceased at individual's request and no action taken".
RISK_OUTCOMES = ("removed", "reduced", "remains", "no_action", "none_identified", "inconclusive", "ceased_at_request")
AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "18_64": (18, 64),
    "65_74": (65, 74),
    "75_84": (75, 84),
    "85_plus": (85, None),
}
SEXES = {"male": "M", "female": "F"}


def _age_band_sql(low: int, high: int | None) -> str:
    upper = f" AND age_at_concern <= {high}" if high is not None else ""
    return f"SELECT * FROM ({INDIVIDUALS_CONCERNS}) WHERE age_at_concern >= {low}{upper}"


def definitions(count: Callable, percent: Callable) -> list:
    """Return the concerns and section 42 measures, built with the engine's ``_count`` and ``_percent``."""
    m = [
        count(
            "adult_concerns_total",
            "Safeguarding concerns",
            "concerns received in the year",
            ("adult_concerns",),
            CONCERNS_IN_YEAR,
        ),
        count(
            "adult_individuals_concerns",
            "Adults with a safeguarding concern",
            "distinct adults with a concern received in the year",
            ("adult_concerns",),
            INDIVIDUALS_CONCERNS,
        ),
    ]
    for band, (low, high) in AGE_BANDS.items():
        label = f"{low} to {high}" if high is not None else f"{low} and over"
        m.append(
            count(
                f"adult_individuals_concerns_{band}",
                f"Adults with a concern aged {label}",
                f"distinct adults with a concern in the year aged {label} at their first concern in it",
                ("adult_concerns",),
                _age_band_sql(low, high),
            )
        )
    m.append(
        count(
            "adult_individuals_concerns_age_unknown",
            "Adults with a concern, age not known or under 18",
            "distinct adults with a concern in the year whose age at their first concern in it is missing or under 18",
            ("adult_concerns",),
            f"SELECT * FROM ({INDIVIDUALS_CONCERNS}) WHERE age_at_concern IS NULL OR age_at_concern < 18",
        )
    )
    for word, code in SEXES.items():
        m.append(
            count(
                f"adult_individuals_concerns_sex_{word}",
                f"Adults with a concern: {word}",
                f"distinct adults with a concern in the year recorded as {word} on their first concern",
                ("adult_concerns",),
                f"SELECT * FROM ({INDIVIDUALS_CONCERNS}) WHERE sex = '{code}'",
            )
        )
    m.append(
        count(
            "adult_individuals_concerns_sex_unknown",
            "Adults with a concern: sex not known",
            "distinct adults with a concern in the year with sex neither M nor F on their first concern",
            ("adult_concerns",),
            f"SELECT * FROM ({INDIVIDUALS_CONCERNS}) WHERE sex IS NULL OR sex NOT IN ('M', 'F')",
        )
    )
    m += [
        count(
            "adult_s42_started_total",
            "Section 42 enquiries started",
            "section 42 enquiries started in the year",
            ("s42_enquiries",),
            S42_STARTED,
        ),
        count(
            "adult_individuals_s42",
            "Adults with a section 42 enquiry",
            "distinct adults with a section 42 enquiry started in the year",
            ("s42_enquiries",),
            f"SELECT DISTINCT person_id FROM ({S42_STARTED}) WHERE person_id IS NOT NULL",
        ),
        count(
            "adult_s42_concluded_total",
            "Section 42 enquiries concluded",
            "section 42 enquiries concluded in the year",
            ("s42_enquiries",),
            S42_CONCLUDED,
        ),
    ]
    for risk in RISK_TYPES:
        m.append(
            count(
                f"adult_s42_concluded_risk_{risk}",
                f"Concluded enquiries with risk: {risk}",
                f"section 42 enquiries concluded in the year recording the risk type {risk} (once per enquiry)",
                ("s42_enquiries",),
                f"SELECT * FROM ({S42_CONCLUDED}) WHERE list_contains(risk_types, '{risk}')",
            )
        )
    for value in CAPACITY:
        m.append(
            count(
                f"adult_s42_concluded_capacity_{value}",
                f"Concluded enquiries: lacked capacity {value}",
                f"section 42 enquiries concluded in the year where lacked capacity is {value} "
                "(missing counts as not_recorded)",
                ("s42_enquiries",),
                f"SELECT * FROM ({S42_CONCLUDED}) WHERE lacked_capacity = '{value}'",
            )
        )
    for value in MSP:
        m.append(
            count(
                f"adult_s42_concluded_msp_{value}",
                f"Concluded enquiries: desired outcomes {value}",
                f"section 42 enquiries concluded in the year where desired outcomes were {value} "
                "(missing counts as not_recorded)",
                ("s42_enquiries",),
                f"SELECT * FROM ({S42_CONCLUDED}) WHERE msp = '{value}'",
            )
        )
    for value in RISK_OUTCOMES:
        m.append(
            count(
                f"adult_s42_concluded_risk_outcome_{value}",
                f"Concluded enquiries: risk {value}",
                f"section 42 enquiries concluded in the year with risk outcome {value}",
                ("s42_enquiries",),
                f"SELECT * FROM ({S42_CONCLUDED}) WHERE risk_outcome = '{value}'",
            )
        )
    return m
