"""Front-door pathway measures (issue 21 points 1 and 6): PPN to strategy discussion, Operation Encompass,
the hours the front door takes, and red PPNs decided the same day.

Read ``ppn_strategy``, ``encompass_incidents`` and ``contact_decisions``, whose deciding columns the
pathways app computes with the rules (the first strategy discussion after a PPN and the standard in
working days; a child under 5; frontdoor/rules.py's same-day standard for a PPN graded red by the
police or the MASH). Built by ``definitions`` with the engine's own builders, so this module imports
nothing from measures.py (no cycle); a median measure is the count builder's definition with the
``median`` aggregate (the ``value`` column, in hours).
"""

# ruff: noqa: S608 - SQL is assembled only from this module's constants; values are bound parameters
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

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


HOURS = "(epoch_us({end}) - epoch_us({start})) / 3600000000.0"

CONTACT_HOURS_TO_DECISION = f"""
SELECT contact_id, person_id, received_at, decided_at, {HOURS.format(start="received_at", end="decided_at")} AS value
FROM contact_decisions WHERE decided_at IS NOT NULL AND received_date {IN_YEAR}
"""

PPN_HOURS_TO_GRADING = f"""
SELECT contact_id, person_id, received_at, police_grade, first_rated_at, mash_rag,
       {HOURS.format(start="received_at", end="first_rated_at")} AS value
FROM contact_decisions WHERE from_police AND first_rated_at IS NOT NULL AND received_date {IN_YEAR}
"""

PPN_HOURS_TO_STRATEGY = f"""
SELECT contact_id, person_id, received_at, first_strategy_held_at,
       {HOURS.format(start="received_at", end="first_strategy_held_at")} AS value
FROM ppn_strategy WHERE followed AND first_strategy_held_at IS NOT NULL AND received_date {IN_YEAR}
"""

RED_PPNS = f"""
SELECT contact_id, person_id, received_at, police_grade, mash_rag, red_due_at, decided_at, red_on_time,
       coalesce(red_on_time, false) AS numerator, red_on_time IS NOT NULL AS denominator
FROM contact_decisions WHERE red_ppn AND received_date {IN_YEAR}
"""


def _median_hours(count: Callable, id: str, title: str, rule: str, denominator: str, sources: tuple, sql: str):
    """Return a median-hours measure: the count builder's definition with the median aggregate."""
    return replace(
        count(id, title, rule, sources, sql),
        unit="hours",
        aggregate="median",
        numerator="hours",
        denominator=denominator,
        rule=f"median of {rule}, in hours, 1 decimal place (none without any)",
    )


def definitions(count: Callable, percent: Callable) -> list:
    """Return the pathway measures, built with the engine's ``_count`` and ``_percent``."""
    return [
        _median_hours(
            count,
            "contacts_median_hours_to_decision",
            "Median hours from a contact's receipt to the MASH decision",
            "the time from the front door receiving a contact to the MASH recording its decision",
            "contacts received in the year with a decision",
            ("contact_decisions",),
            CONTACT_HOURS_TO_DECISION,
        ),
        _median_hours(
            count,
            "ppn_median_hours_to_mash_grading",
            "Median hours from a PPN's receipt to the MASH's grading",
            "the time from the front door receiving a police PPN to the MASH's first RAG grading of it",
            "PPNs received in the year that the MASH graded",
            ("contact_decisions",),
            PPN_HOURS_TO_GRADING,
        ),
        _median_hours(
            count,
            "ppn_median_hours_to_strategy_discussion",
            "Median hours from a PPN to the first strategy discussion",
            "the time from the front door receiving a PPN to the first strategy discussion about the child "
            "that followed it (held within 30 days)",
            "PPNs received in the year followed by a strategy discussion that has been held",
            ("ppn_strategy",),
            PPN_HOURS_TO_STRATEGY,
        ),
        count(
            "ppn_red_total",
            "Red PPNs",
            "police contacts (PPNs) received in the year that the police or the MASH graded red",
            ("contact_decisions",),
            RED_PPNS,
        ),
        percent(
            "ppn_red_decided_same_day_pct",
            "Red PPNs decided the day they were received",
            "the MASH recorded its decision by the end (23:59:59 UK time) of the day the PPN was received "
            "(the partnership's same-day standard, frontdoor/rules.py)",
            "red PPNs received in the year that were decided or whose day is over",
            ("contact_decisions",),
            RED_PPNS,
        ),
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
