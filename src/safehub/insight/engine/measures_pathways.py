"""Front-door pathway measures (issue 21 points 1 and 6): PPN to strategy discussion, Operation Encompass.

Read ``ppn_strategy`` and ``encompass_incidents``, whose deciding columns the pathways app computes
with its rules (the first strategy discussion after a PPN and the standard in working days; a
child under 5). Built by ``definitions`` with the engine's own builders, so this module imports
nothing from measures.py (no cycle).
"""

# ruff: noqa: S608 - SQL is assembled only from this module's constants; values are bound parameters
from __future__ import annotations

from collections.abc import Callable

IN_YEAR = "BETWEEN $start AND $end"

PPN_FOLLOWED = f"""
SELECT contact_id, person_id, received_at, received_date, first_strategy_held_at, on_time,
       coalesce(on_time, false) AS numerator, on_time IS NOT NULL AS denominator
FROM ppn_strategy WHERE followed AND received_date {IN_YEAR}
"""

INCIDENTS = f"""
SELECT contact_id, person_id, incident_date, setting_known, under_five, health_visiting_notified
FROM encompass_incidents WHERE incident_date {IN_YEAR}
"""

UNDER_FIVE_NO_SETTING = f"""
SELECT contact_id, person_id, incident_date, health_visiting_notified,
       health_visiting_notified AS numerator, true AS denominator
FROM ({INCIDENTS}) WHERE NOT setting_known AND under_five
"""


def definitions(count: Callable, percent: Callable) -> list:
    """Return the pathway measures, built with the engine's ``_count`` and ``_percent``."""
    return [
        count(
            "ppn_strategy_discussions_total",
            "PPNs followed by a strategy discussion",
            "police contacts (PPNs) about a known child received in the year that a strategy discussion "
            "about the child followed within 30 days",
            ("ppn_strategy",),
            PPN_FOLLOWED,
        ),
        percent(
            "ppn_strategy_within_standard_pct",
            "PPNs whose first strategy discussion was within the standard",
            "of those, the first strategy discussion was held within the partnership's standard "
            "(3 working days after the PPN unless set otherwise)",
            "PPNs received in the year followed by a strategy discussion that was held or is overdue",
            ("ppn_strategy",),
            PPN_FOLLOWED,
        ),
        count(
            "encompass_incidents_total",
            "Domestic abuse incidents notified for known children",
            "domestic abuse incidents in the year the police notified for a child known to Safehub",
            ("encompass_incidents",),
            INCIDENTS,
        ),
        count(
            "encompass_incidents_no_setting_total",
            "Domestic abuse incidents where the child attended no known setting",
            "of those, the child attended no school or early-years setting known to Safehub, so no "
            "Operation Encompass notification could go",
            ("encompass_incidents",),
            f"SELECT * FROM ({INCIDENTS}) WHERE NOT setting_known",
        ),
        percent(
            "encompass_under5_no_setting_health_visiting_pct",
            "Under-5s with no setting told to health visiting",
            "incidents notified to the child's health visiting team",
            "domestic abuse incidents in the year for a child under 5 attending no known setting",
            ("encompass_incidents",),
            UNDER_FIVE_NO_SETTING,
        ),
    ]
