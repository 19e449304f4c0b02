"""Early help measures (issue 21 point 2): episodes open, started and closed, step-ups and step-downs,
and the share of early help closures followed by a referral to children's social care within 12 months.

``early_help_assessments_completed_total`` (shared/formats/measures.md) stays in measures.py; its
dataset now holds every early help assessment, imported Annex A List 2 rows included. The measures
here read ``early_help_episodes``: the episodes kept in Safehub (an imported List 2 row has no plan
or closure, so it cannot say whether the family's early help is open). Built by ``definitions``
with the engine's own builders, so this module imports nothing from measures.py (no cycle).
"""

# ruff: noqa: S608 - SQL is assembled only from this module's constants; values are bound parameters
from __future__ import annotations

from collections.abc import Callable

IN_YEAR = "BETWEEN $start AND $end"
SOURCES = ("early_help_episodes",)

STARTED = f"""
SELECT episode_id, person_id, origin, start_date FROM early_help_episodes WHERE start_date {IN_YEAR}
"""

CLOSED = f"""
SELECT episode_id, person_id, start_date, closed_date, closure_reason FROM early_help_episodes
WHERE closed_date {IN_YEAR}
"""

OPEN_AT_END = """
SELECT episode_id, person_id, start_date, closed_date FROM early_help_episodes
WHERE start_date <= $end AND (closed_date IS NULL OR closed_date >= $end)
"""

ASSESSMENTS_STARTED = f"""
SELECT assessment_id, person_id, start_date, completed_date FROM early_help_assessments
WHERE start_date {IN_YEAR}
"""

# A closure is re-referred when a referral R to children's social care follows it with the closure
# within the 12 months before R (the measures.md rule, seen from the referral). Step-ups are left
# out: the step up is itself the referral. Closures late in the year may still be re-referred later.
RE_REFERRED = f"""
WITH closures AS (
    SELECT episode_id, person_id, closed_date, closure_reason FROM early_help_episodes
    WHERE closed_date {IN_YEAR} AND coalesce(closure_reason, '') <> 'STEP_UP'
), followed AS (
    SELECT DISTINCT x.episode_id
    FROM closures x
    JOIN referrals r ON r.person_id = x.person_id AND r.referral_date > x.closed_date
    JOIN calendar c ON c.day = r.referral_date
    WHERE c.year_earlier <= x.closed_date
)
SELECT x.episode_id, x.person_id, x.closed_date, x.closure_reason,
       f.episode_id IS NOT NULL AS numerator, true AS denominator
FROM closures x LEFT JOIN followed f ON f.episode_id = x.episode_id
"""


def definitions(count: Callable, percent: Callable) -> list:
    """Return the early help measures, built with the engine's ``_count`` and ``_percent``."""
    return [
        count(
            "early_help_assessments_started_total",
            "Early help assessments started",
            "early help assessments with a start date in the year (imported List 2 rows included)",
            ("early_help_assessments",),
            ASSESSMENTS_STARTED,
        ),
        count(
            "early_help_episodes_started_total",
            "Early help episodes started",
            "early help episodes whose assessment started in the year",
            SOURCES,
            STARTED,
        ),
        count(
            "early_help_episodes_closed_total",
            "Early help episodes closed",
            "early help episodes with a closure date in the year (step-ups included)",
            SOURCES,
            CLOSED,
        ),
        count(
            "early_help_open_31_march",
            "Early help episodes open at 31 March",
            "early help episodes started on or before the last day of the year and not closed before it",
            SOURCES,
            OPEN_AT_END,
        ),
        count(
            "early_help_step_ups_total",
            "Step-ups from early help to children's social care",
            "early help episodes closed in the year by a step up to children's social care",
            SOURCES,
            f"SELECT * FROM ({CLOSED}) WHERE closure_reason = 'STEP_UP'",
        ),
        count(
            "early_help_step_downs_total",
            "Step-downs from children's social care to early help",
            "early help episodes opened in the year by a step down from children's social care",
            SOURCES,
            f"SELECT * FROM ({STARTED}) WHERE origin = 'STEP_DOWN'",
        ),
        percent(
            "early_help_closures_re_referred_12m_pct",
            "Early help closures re-referred within 12 months",
            "early help closures in the year (step-ups left out) followed by a referral to children's social "
            "care with the closure within the 12 months before it",
            "early help closures in the year other than step-ups",
            (*SOURCES, "referrals"),
            RE_REFERRED,
        ),
    ]
