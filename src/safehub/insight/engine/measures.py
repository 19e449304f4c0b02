"""Name every measure once: its meaning, its counting rule and the SQL that finds its records.

Each measure is one named SQL unit that selects the *records behind the figure* for a period
(``$start`` to ``$end`` inclusive, dates); the engine aggregates them by the measure's ``aggregate``:

- ``count``: the number of rows;
- ``percent``: rows carry boolean ``numerator`` and ``denominator`` columns;
  ``100 * numerator / denominator`` rounded to 1 dp, ``None`` when the denominator is 0;
- ``median``: the median of the ``value`` column, 1 dp, ``None`` without values;
- ``rate_per_10k``: rows per 10,000 of a population figure passed by the caller.

The ids and rules of shared/formats/measures.md are a contract: change a rule there first.
Tables available to the SQL are the snapshot's datasets (moments as naive UTC timestamps, plus a
``<name>_uk_date`` column for the moments that place a record in a year) and ``calendar``
(``day``, ``is_working_day``, ``wd_idx`` = working days up to and including ``day``,
``year_earlier`` = the same date a year earlier with 29 February mapped to 28 February).
"""

# ruff: noqa: S608 - SQL is assembled only from this package's constants; values are bound parameters
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from safehub.insight.engine import (
    measures_adults,
    measures_earlyhelp,
    measures_frontdoor,
    measures_lookedafter,
    measures_pathways,
    measures_sac,
)
from safehub.insight.engine.measures_sac import (  # noqa: F401 - the code lists and SQL others import from here
    AGE_BANDS,
    CAPACITY,
    CONCERNS_IN_YEAR,
    INDIVIDUALS_CONCERNS,
    MSP,
    RISK_OUTCOMES,
    RISK_TYPES,
    S42_CONCLUDED,
    S42_STARTED,
    SEXES,
)

Unit = Literal["count", "percent", "rate", "hours"]
Aggregate = Literal["count", "percent", "median", "rate_per_10k"]

IN_YEAR = "BETWEEN $start AND $end"


@dataclass(frozen=True)
class MeasureDefinition:
    """One measure: what it counts, how, from which tables, and the SQL for its records."""

    id: str
    title: str
    description: str
    numerator: str
    denominator: str | None
    rule: str
    sources: tuple[str, ...]
    unit: Unit
    sql: str = field(repr=False)
    aggregate: Aggregate = "count"
    population_key: str | None = None


def _count(
    id: str, title: str, rule: str, sources: tuple[str, ...], sql: str, *, description: str = ""
) -> MeasureDefinition:
    return MeasureDefinition(
        id=id,
        title=title,
        description=description or title,
        numerator=rule,
        denominator=None,
        rule=rule,
        sources=sources,
        unit="count",
        sql=sql,
    )


def _percent(
    id: str,
    title: str,
    numerator: str,
    denominator: str,
    sources: tuple[str, ...],
    sql: str,
    *,
    description: str = "",
) -> MeasureDefinition:
    return MeasureDefinition(
        id=id,
        title=title,
        description=description or title,
        numerator=numerator,
        denominator=denominator,
        rule=f"{numerator}, as a percentage of {denominator} (1 decimal place; none if no {denominator})",
        sources=sources,
        unit="percent",
        sql=sql,
        aggregate="percent",
    )


# ---------------------------------------------------------------------------------------------
# Children: contacts, referrals, assessments
# ---------------------------------------------------------------------------------------------

CONTACTS_IN_YEAR = f"""
SELECT contact_id, person_id, contact_date, source, ethnicity_recorded, voice_recorded
FROM contacts WHERE contact_date {IN_YEAR}
"""

REFERRALS_IN_YEAR = f"""
SELECT referral_id, person_id, contact_id, referral_date, source, nfa
FROM referrals WHERE referral_date {IN_YEAR}
"""

RE_REFERRALS = f"""
WITH dated AS (
    SELECT DISTINCT person_id, referral_date FROM referrals
    WHERE person_id IS NOT NULL AND referral_date IS NOT NULL
), previous AS (
    SELECT person_id, referral_date,
           lag(referral_date) OVER (PARTITION BY person_id ORDER BY referral_date) AS previous_date
    FROM dated
)
SELECT r.referral_id, r.person_id, r.referral_date, p.previous_date AS previous_referral_date,
       coalesce(p.previous_date >= c.year_earlier, false) AS numerator, true AS denominator
FROM referrals r
LEFT JOIN previous p ON p.person_id = r.person_id AND p.referral_date = r.referral_date
LEFT JOIN calendar c ON c.day = r.referral_date
WHERE r.referral_date {IN_YEAR}
"""

ASSESSMENTS_COMPLETED = f"""
SELECT a.assessment_id, a.person_id, a.referral_id, a.start_date, a.authorised_date,
       e.wd_idx - s.wd_idx AS working_days,
       coalesce(e.wd_idx - s.wd_idx <= 45, false) AS numerator, true AS denominator
FROM assessments a
LEFT JOIN calendar s ON s.day = a.start_date
LEFT JOIN calendar e ON e.day = a.authorised_date
WHERE a.authorised_date {IN_YEAR}
"""

S47_STARTED = f"""
SELECT s47_id, person_id, strategy_date, icpc_date, outcome FROM section47
WHERE strategy_date {IN_YEAR}
"""

ICPCS = f"""
SELECT x.s47_id, x.person_id, x.strategy_date, x.icpc_date,
       i.wd_idx - s.wd_idx AS working_days,
       coalesce(i.wd_idx - s.wd_idx <= 15, false) AS numerator, true AS denominator
FROM section47 x
LEFT JOIN calendar s ON s.day = x.strategy_date
LEFT JOIN calendar i ON i.day = x.icpc_date
WHERE x.icpc_date {IN_YEAR}
"""

CP_STARTED = f"""
SELECT plan_id, person_id, start_date, end_date, initial_category, unborn_at_start
FROM cp_plans WHERE start_date {IN_YEAR}
"""

CP_OPEN_AT_END = """
SELECT DISTINCT person_id FROM cp_plans
WHERE person_id IS NOT NULL AND start_date <= $end AND (end_date IS NULL OR end_date >= $end)
"""

CP_SUBSEQUENT = f"""
WITH first_plan AS (
    SELECT person_id, min(start_date) AS first_start FROM cp_plans
    WHERE person_id IS NOT NULL GROUP BY person_id
)
SELECT p.plan_id, p.person_id, p.start_date, f.first_start AS first_plan_start,
       coalesce(f.first_start < p.start_date, false) AS numerator, true AS denominator
FROM cp_plans p LEFT JOIN first_plan f ON f.person_id = p.person_id
WHERE p.start_date {IN_YEAR}
"""

CLA_STARTED = f"""
SELECT episode_id, person_id, start_date, end_date FROM cla_episodes WHERE start_date {IN_YEAR}
"""

# Looked after on 31 March as the DfE counts it (and la_children_looked_after_31_march does): a
# period that ended on 31 March is not open that day. Casework starts and ends periods of care
# through lookedafter.services, so each period's first and last 903 episodes share its dates.
CLA_OPEN_AT_END = """
SELECT DISTINCT person_id FROM cla_episodes
WHERE person_id IS NOT NULL AND start_date <= $end AND (end_date IS NULL OR end_date > $end)
"""

CLA_CEASED = f"""
SELECT episode_id, person_id, start_date, end_date FROM cla_episodes WHERE end_date {IN_YEAR}
"""

# A child in need on 31 March: an episode started on or before and not closed before it, as for
# CP plans; a child on a plan or looked after on that day counts too, as the CIN census counts them.
CIN_OPEN_AT_END = """
SELECT DISTINCT person_id FROM (
    SELECT person_id FROM cin_episodes
    WHERE referral_date <= $end AND (closure_date IS NULL OR closure_date >= $end)
    UNION ALL
    SELECT person_id FROM cp_plans WHERE start_date <= $end AND (end_date IS NULL OR end_date >= $end)
    UNION ALL
    SELECT person_id FROM cla_episodes WHERE start_date <= $end AND (end_date IS NULL OR end_date >= $end)
) WHERE person_id IS NOT NULL
"""

CIN_CLOSED = f"""
SELECT episode_id, person_id, referral_date, closure_date, closure_reason FROM cin_episodes
WHERE closure_date {IN_YEAR}
"""

EARLY_HELP_COMPLETED = f"""
SELECT assessment_id, person_id, start_date, completed_date FROM early_help_assessments
WHERE completed_date {IN_YEAR}
"""

CHILDREN_OPEN = f"""
SELECT DISTINCT person_id FROM (
    SELECT person_id FROM referrals WHERE referral_date {IN_YEAR}
    UNION ALL
    SELECT person_id FROM assessments
    WHERE start_date <= $end AND (authorised_date IS NULL OR authorised_date >= $start)
    UNION ALL
    SELECT person_id FROM section47 WHERE strategy_date {IN_YEAR}
    UNION ALL
    SELECT person_id FROM cp_plans
    WHERE start_date <= $end AND (end_date IS NULL OR end_date >= $start)
    UNION ALL
    SELECT person_id FROM cla_episodes
    WHERE start_date <= $end AND (end_date IS NULL OR end_date >= $start)
) WHERE person_id IS NOT NULL
"""


def _due_in_time(table: str, id_column: str, done_column: str) -> str:
    return f"""
SELECT {id_column}, person_id, due_date, {done_column},
       coalesce({done_column} <= due_date, false) AS numerator, true AS denominator
FROM {table} WHERE due_date {IN_YEAR}
"""


def _care_leavers(flag: str) -> str:
    return f"""
SELECT person_id, as_of_date, age, suitable_accommodation, in_eet,
       coalesce({flag}, false) AS numerator, true AS denominator
FROM care_leavers WHERE as_of_date {IN_YEAR}
QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY as_of_date DESC) = 1
"""


CATEGORIES = ("NEGLECT", "EMOTIONAL", "PHYSICAL", "SEXUAL", "MULTIPLE")


def _build() -> list[MeasureDefinition]:
    children = ("persons",)
    m: list[MeasureDefinition] = [
        _count(
            "contacts_total",
            "Contacts",
            "contacts with a contact date in the year",
            ("contacts",),
            CONTACTS_IN_YEAR,
        ),
        _count(
            "children_with_contact",
            "Children with a contact",
            "distinct children with at least one contact in the year",
            ("contacts",),
            f"SELECT DISTINCT person_id FROM contacts WHERE person_id IS NOT NULL AND contact_date {IN_YEAR}",
        ),
        _count(
            "referrals_total",
            "Referrals",
            "referrals with a referral date in the year (no further action included)",
            ("referrals",),
            REFERRALS_IN_YEAR,
        ),
        _count(
            "referrals_nfa_total",
            "Referrals with no further action",
            "referrals in the year marked no further action",
            ("referrals",),
            f"SELECT * FROM ({REFERRALS_IN_YEAR}) WHERE nfa",
        ),
        _percent(
            "contacts_to_referral_pct",
            "Contacts that led to a referral",
            "referrals in the year",
            "contacts in the year",
            ("contacts", "referrals"),
            f"""
SELECT 'contact' AS record_kind, contact_id AS record_id, person_id, contact_date AS record_date,
       false AS numerator, true AS denominator
FROM contacts WHERE contact_date {IN_YEAR}
UNION ALL
SELECT 'referral', referral_id, person_id, referral_date, true, false
FROM referrals WHERE referral_date {IN_YEAR}
""",
        ),
        _percent(
            "re_referrals_12m_pct",
            "Re-referrals within 12 months",
            "referrals in the year whose child had another referral on or after the same date "
            "a year earlier and strictly before it",
            "referrals in the year",
            ("referrals",),
            RE_REFERRALS,
        ),
        _count(
            "assessments_completed_total",
            "Assessments completed",
            "child and family assessments authorised in the year",
            ("assessments",),
            ASSESSMENTS_COMPLETED,
        ),
        _percent(
            "assessments_within_45wd_pct",
            "Assessments completed within 45 working days",
            "assessments authorised in the year with at most 45 working days from start to authorisation",
            "assessments authorised in the year",
            ("assessments",),
            ASSESSMENTS_COMPLETED,
        ),
        _count(
            "s47_total",
            "Section 47 enquiries",
            "section 47 enquiries whose initiating strategy discussion is in the year",
            ("section47",),
            S47_STARTED,
        ),
        _count(
            "icpc_total",
            "Initial child protection conferences",
            "initial child protection conferences dated in the year",
            ("section47",),
            ICPCS,
        ),
        _percent(
            "icpc_within_15wd_pct",
            "Initial conferences within 15 working days",
            "conferences in the year held at most 15 working days after the strategy discussion",
            "conferences in the year",
            ("section47",),
            ICPCS,
        ),
        _count(
            "cp_plans_started_total",
            "Child protection plans started",
            "child protection plans starting in the year",
            ("cp_plans",),
            CP_STARTED,
        ),
    ]
    for category in CATEGORIES:
        m.append(
            _count(
                f"cp_plans_started_{category.lower()}",
                f"Child protection plans started: {category.lower()}",
                f"plans starting in the year with initial category {category}",
                ("cp_plans",),
                f"SELECT * FROM ({CP_STARTED}) WHERE initial_category = '{category}'",
            )
        )
    m += [
        _count(
            "cp_plans_unborn_started",
            "Child protection plans started for unborn children",
            "plans starting in the year for a child unborn at the start",
            ("cp_plans",),
            f"SELECT * FROM ({CP_STARTED}) WHERE unborn_at_start",
        ),
        _count(
            "cp_plans_open_31_march",
            "Children on a child protection plan at 31 March",
            "distinct children with a plan started on or before 31 March and not ended before it",
            ("cp_plans",),
            CP_OPEN_AT_END,
        ),
        _percent(
            "cp_plans_second_or_subsequent_pct",
            "Second or subsequent child protection plans",
            "plans started in the year for a child with a plan that started earlier",
            "plans started in the year",
            ("cp_plans",),
            CP_SUBSEQUENT,
        ),
        _count(
            "cla_started_total",
            "Periods of being looked after started",
            "periods of being looked after starting in the year",
            ("cla_episodes",),
            CLA_STARTED,
        ),
        _count(
            "cla_open_31_march",
            "Children looked after at 31 March",
            "distinct children with a period started on or before 31 March and not ended on or before it",
            ("cla_episodes",),
            CLA_OPEN_AT_END,
        ),
        _count(
            "cla_ceased_total",
            "Periods of being looked after ended",
            "periods of being looked after ending in the year",
            ("cla_episodes",),
            CLA_CEASED,
        ),
        _count(
            "cin_open_31_march",
            "Children in need at 31 March",
            "distinct children with a child-in-need episode started on or before 31 March and not closed before "
            "it, or on a child protection plan or looked after that day (as the CIN census counts them)",
            ("cin_episodes", "cp_plans", "cla_episodes"),
            CIN_OPEN_AT_END,
        ),
        _count(
            "cin_episodes_closed_total",
            "Child-in-need episodes closed",
            "child-in-need episodes with a closure date in the year",
            ("cin_episodes",),
            CIN_CLOSED,
        ),
        _count(
            "early_help_assessments_completed_total",
            "Early help assessments completed",
            "early help assessments with a completion date in the year",
            ("early_help_assessments",),
            EARLY_HELP_COMPLETED,
        ),
        MeasureDefinition(
            id="cla_rate_per_10k",
            title="Children looked after per 10,000 children",
            description="Children looked after at 31 March per 10,000 children aged 0 to 17",
            numerator="children looked after at 31 March",
            denominator="population aged 0 to 17 (population key children_0_17)",
            rule="cla_open_31_march / children_0_17 * 10000, 1 decimal place; none without population",
            sources=("cla_episodes",),
            unit="rate",
            sql=CLA_OPEN_AT_END,
            aggregate="rate_per_10k",
            population_key="children_0_17",
        ),
        _count(
            "children_open_in_year",
            "Children with social care involvement in the year",
            "distinct children with a referral or strategy discussion in the year, or an "
            "assessment, child protection plan or period of care open at any time in the year",
            ("referrals", "assessments", "section47", "cp_plans", "cla_episodes", *children),
            CHILDREN_OPEN,
        ),
        _percent(
            "cla_reviews_in_time_pct",
            "Looked-after reviews held in time",
            "reviews due in the year held on or before the due date",
            "reviews due in the year",
            ("cla_reviews",),
            _due_in_time("cla_reviews", "review_id", "held_date"),
        ),
        _percent(
            "cla_health_assessments_in_time_pct",
            "Health assessments completed in time",
            "health assessments due in the year completed on or before the due date",
            "health assessments due in the year",
            ("cla_health_assessments",),
            _due_in_time("cla_health_assessments", "assessment_id", "completed_date"),
        ),
        _percent(
            "care_leavers_suitable_accommodation_pct",
            "Care leavers in suitable accommodation",
            "care leavers whose latest status in the year is suitable accommodation",
            "care leavers with a status in the year",
            ("care_leavers",),
            _care_leavers("suitable_accommodation"),
        ),
        _percent(
            "care_leavers_eet_pct",
            "Care leavers in education, employment or training",
            "care leavers whose latest status in the year is in education, employment or training",
            "care leavers with a status in the year",
            ("care_leavers",),
            _care_leavers("in_eet"),
        ),
    ]
    m += measures_frontdoor.definitions(_count, _percent)
    m += measures_sac.definitions(_count, _percent)
    m += measures_adults.definitions(_count, _percent)
    m += measures_earlyhelp.definitions(_count, _percent)
    m += measures_pathways.definitions(_count, _percent)
    m += measures_lookedafter.definitions(_count, _percent)
    return m


MEASURES: tuple[MeasureDefinition, ...] = tuple(_build())
MEASURES_BY_ID: dict[str, MeasureDefinition] = {m.id: m for m in MEASURES}
if len(MEASURES_BY_ID) != len(MEASURES):
    raise RuntimeError("measure ids must be unique")
