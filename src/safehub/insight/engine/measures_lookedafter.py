"""Children looked after and care leavers (issue 19), from the SSDA903 records.

These read the 903 tables (``la_*`` datasets, built by ``safehub.lookedafter.snapshot_tables``),
not casework's periods: the ``cla_*`` measures of shared/formats/measures.md keep their meaning.
Definitions follow the DfE's *Children looked after in England* statistics (SSDA903):

- looked after at 31 March: an episode started on or before 31 March with no end, or ending after
  it; short breaks (legal status V3, V4) are not counted, as the DfE leaves them out;
- started / ceased: children whose period of care started (RNE S) / ended (a reason other than X1)
  in the year, each child once;
- placements: every episode in the year except a change of legal status only (RNE L) counts as a
  placement, and so does the placement the child was in on 1 April;
- reviews and health assessments: due in the year (those closed because care ended are not due),
  done on or before the due date;
- care leavers: the OC3 situation at the 17th to 21st birthday in the year, everyone in the cohort
  in the denominator (not in touch counts as not known to be suitable or in EET), by the age at
  that birthday: 17-18 and 19-21.

Built by ``definitions`` with the engine's own builders, so this module imports nothing from
measures.py (no cycle).
"""

# ruff: noqa: S608 - SQL is assembled only from this module's constants; values are bound parameters
from __future__ import annotations

import dataclasses
from collections.abc import Callable

IN_YEAR = "BETWEEN $start AND $end"
EPISODES = ("la_episodes",)
NOT_SHORT_BREAK = "ls NOT IN ('V3', 'V4')"

LOOKED_AFTER_AT_END = f"""
SELECT DISTINCT person_id FROM la_episodes
WHERE decom <= $end AND (dec IS NULL OR dec > $end) AND {NOT_SHORT_BREAK}
"""

STARTED = f"""
SELECT person_id, min(decom) AS started FROM la_episodes
WHERE rne = 'S' AND decom {IN_YEAR} AND {NOT_SHORT_BREAK} GROUP BY person_id
"""

CEASED = f"""
SELECT person_id, max(dec) AS ceased FROM la_episodes
WHERE dec {IN_YEAR} AND coalesce(rec, '') NOT IN ('', 'X1') AND {NOT_SHORT_BREAK} GROUP BY person_id
"""

PLACEMENTS = f"""
WITH at_end AS ({LOOKED_AFTER_AT_END}),
in_year AS (
    SELECT person_id, rne, decom,
           row_number() OVER (PARTITION BY person_id ORDER BY decom) AS n
    FROM la_episodes
    WHERE decom <= $end AND (dec IS NULL OR dec >= $start) AND {NOT_SHORT_BREAK}
), counted AS (
    SELECT person_id, count(*) FILTER (WHERE rne <> 'L' OR n = 1) AS placements FROM in_year GROUP BY person_id
)
SELECT a.person_id, coalesce(c.placements, 0) AS placements,
       coalesce(c.placements, 0) >= 3 AS numerator, true AS denominator
FROM at_end a LEFT JOIN counted c ON c.person_id = a.person_id
"""

REVIEWS = f"""
SELECT review_id, person_id, due_date, held_date,
       coalesce(held_date <= due_date, false) AS numerator, true AS denominator
FROM la_reviews WHERE due_date {IN_YEAR}
"""

HEALTH = f"""
SELECT check_id, person_id, kind, due_date, done_date,
       coalesce(done_date <= due_date, false) AS numerator, true AS denominator
FROM la_health_checks WHERE due_date {IN_YEAR}
"""


def _leavers(flag: str, low: int, high: int) -> str:
    return f"""
SELECT person_id, birthday, age, in_touch, {flag},
       coalesce({flag}, false) AS numerator, true AS denominator
FROM la_leaver_contacts WHERE birthday {IN_YEAR} AND age BETWEEN {low} AND {high}
"""


def definitions(count: Callable, percent: Callable) -> list:
    """Return the looked-after measures, built with the engine's ``_count`` and ``_percent``."""

    def rate_per_10k(id: str, title: str, rule: str, sources: tuple[str, ...], sql: str):
        """A count turned into a rate per 10,000 children aged 0 to 17 (the engine's population mechanism)."""
        return dataclasses.replace(
            count(id, title, rule, sources, sql),
            denominator="population aged 0 to 17 (population key children_0_17)",
            unit="rate",
            aggregate="rate_per_10k",
            population_key="children_0_17",
        )

    out = [
        count(
            "la_children_looked_after_31_march",
            "Children looked after at 31 March (SSDA903)",
            "distinct children with a 903 episode open on 31 March, short breaks (V3, V4) left out",
            EPISODES,
            LOOKED_AFTER_AT_END,
        ),
        rate_per_10k(
            "la_children_looked_after_per_10k",
            "Children looked after per 10,000 children (SSDA903)",
            "la_children_looked_after_31_march / children_0_17 * 10000, 1 decimal place; none without population",
            EPISODES,
            LOOKED_AFTER_AT_END,
        ),
        count(
            "la_children_started_in_year",
            "Children who started to be looked after (SSDA903)",
            "distinct children with a 903 episode starting a period of care (RNE S) in the year, short breaks out",
            EPISODES,
            STARTED,
        ),
        count(
            "la_children_ceased_in_year",
            "Children who ceased to be looked after (SSDA903)",
            "distinct children with a 903 episode ending care (a reason other than X1) in the year, short breaks out",
            EPISODES,
            CEASED,
        ),
        percent(
            "la_three_or_more_placements_pct",
            "Children looked after with 3 or more placements in the year",
            "children looked after at 31 March with 3 or more placements in the year (every episode but a change "
            "of legal status only, and the placement on 1 April)",
            "children looked after at 31 March",
            EPISODES,
            PLACEMENTS,
        ),
        percent(
            "la_reviews_on_time_pct",
            "Looked-after reviews on time (SSDA903)",
            "reviews due in the year held on or before the due date",
            "reviews due in the year (not those closed because care ended)",
            ("la_reviews",),
            REVIEWS,
        ),
        percent(
            "la_health_assessments_on_time_pct",
            "Health assessments on time (SSDA903)",
            "initial and review health assessments due in the year done on or before the due date",
            "initial and review health assessments due in the year (not those closed because care ended)",
            ("la_health_checks",),
            HEALTH,
        ),
    ]
    for low, high in ((17, 18), (19, 21)):
        out += [
            percent(
                f"la_care_leavers_{low}_{high}_suitable_pct",
                f"Care leavers aged {low} to {high} in suitable accommodation",
                f"care leavers whose OC3 accommodation at a birthday in the year (aged {low} to {high}) is suitable",
                f"care leavers with an OC3 birthday aged {low} to {high} in the year",
                ("la_leaver_contacts",),
                _leavers("suitable_accommodation", low, high),
            ),
            percent(
                f"la_care_leavers_{low}_{high}_eet_pct",
                f"Care leavers aged {low} to {high} in education, employment or training",
                f"care leavers whose OC3 activity at a birthday in the year (aged {low} to {high}) is EET",
                f"care leavers with an OC3 birthday aged {low} to {high} in the year",
                ("la_leaver_contacts",),
                _leavers("in_eet", low, high),
            ),
        ]
    return out
