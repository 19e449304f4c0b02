"""Front-door measures: police high-risk referrals, health information requests, strategy records
shared, education notifications, and what contacts record (the child's ethnicity and voice).

Moved from measures.py unchanged; built by ``definitions`` with the engine's own builders, so this
module imports nothing from measures.py (no cycle).
"""

# ruff: noqa: S608 - SQL is assembled only from this module's constants; values are bound parameters
from __future__ import annotations

import dataclasses
from collections.abc import Callable

IN_YEAR = "BETWEEN $start AND $end"

POLICE_HIGH_RISK = f"""
SELECT contact_id, person_id, received_at, incident_recorded_at,
       coalesce(police_limit_hours, 24.0) AS limit_hours, late_flagged,
       coalesce(
           epoch_us(received_at) - epoch_us(incident_recorded_at)
               <= coalesce(police_limit_hours, 24.0) * 3600000000.0,
           false) AS numerator,
       true AS denominator
FROM contacts
WHERE from_police AND police_high_risk AND coalesce(received_uk_date, contact_date) {IN_YEAR}
"""

HEALTH_REQUESTS = f"""
SELECT request_id, requested_at, due_at, answered_at, urgency,
       (epoch_us(answered_at) - epoch_us(requested_at)) / 3600000000.0 AS value,
       coalesce(answered_at <= due_at, false) AS numerator, true AS denominator
FROM health_requests WHERE requested_uk_date {IN_YEAR}
"""

STRATEGY_SHARED = f"""
WITH meetings AS (
    SELECT meeting_id, person_id, coalesce(held_date, held_uk_date) AS held_on, record_share_due_at
    FROM strategy_meetings WHERE coalesce(held_date, held_uk_date) {IN_YEAR}
), in_time AS (
    SELECT DISTINCT s.meeting_id, s.agency_id
    FROM strategy_record_shares s JOIN strategy_meetings m ON m.meeting_id = s.meeting_id
    WHERE s.shared_at <= m.record_share_due_at
), invited AS (
    SELECT i.meeting_id, count(*) AS agencies_invited, count(t.agency_id) AS agencies_shared_in_time
    FROM strategy_invites i
    LEFT JOIN in_time t ON t.meeting_id = i.meeting_id AND t.agency_id = i.agency_id
    GROUP BY i.meeting_id
)
SELECT m.meeting_id, m.person_id, m.held_on, m.record_share_due_at,
       coalesce(v.agencies_invited, 0) AS agencies_invited,
       coalesce(v.agencies_shared_in_time, 0) AS agencies_shared_in_time,
       coalesce(v.agencies_invited, 0) = coalesce(v.agencies_shared_in_time, 0) AS numerator,
       true AS denominator
FROM meetings m LEFT JOIN invited v ON v.meeting_id = m.meeting_id
"""

EDUCATION_NOTIFICATIONS = f"""
SELECT notification_id, incident_at, due_at, delivered_at, setting_kind,
       coalesce(delivered_at <= due_at, false) AS numerator, true AS denominator
FROM education_notifications WHERE incident_uk_date {IN_YEAR}
"""


def _contacts_flag(flag: str) -> str:
    return f"""
SELECT contact_id, person_id, contact_date, {flag},
       coalesce({flag}, false) AS numerator, true AS denominator
FROM contacts WHERE contact_date {IN_YEAR}
"""


def definitions(count: Callable, percent: Callable) -> list:
    """Return the front-door measures, built with the engine's ``_count`` and ``_percent``."""
    return [
        count(
            "police_high_risk_referrals_total",
            "Police high-risk referrals",
            "police contacts flagged high risk received (UK date) in the year",
            ("contacts",),
            POLICE_HIGH_RISK,
        ),
        percent(
            "police_high_risk_within_limit_pct",
            "Police high-risk referrals within the limit",
            "of those, received within the agreed limit (24 hours when none) of the incident being recorded",
            "police high-risk contacts received in the year",
            ("contacts",),
            POLICE_HIGH_RISK,
        ),
        count(
            "police_high_risk_late_flagged_total",
            "Police high-risk referrals flagged late",
            "police high-risk contacts received in the year that the front door flagged late",
            ("contacts",),
            f"SELECT * FROM ({POLICE_HIGH_RISK}) WHERE late_flagged",
        ),
        count(
            "health_requests_total",
            "Health information requests",
            "health information requests made (UK date) in the year",
            ("health_requests",),
            HEALTH_REQUESTS,
        ),
        percent(
            "health_requests_answered_in_time_pct",
            "Health requests answered in time",
            "requests made in the year answered by their due time",
            "requests made in the year",
            ("health_requests",),
            HEALTH_REQUESTS,
        ),
        count(
            "health_requests_late_total",
            "Health requests answered late",
            "requests made in the year answered after their due time",
            ("health_requests",),
            f"SELECT * FROM ({HEALTH_REQUESTS}) WHERE answered_at > due_at",
        ),
        count(
            "health_requests_unanswered_total",
            "Health requests not answered",
            "requests made in the year with no answer",
            ("health_requests",),
            f"SELECT * FROM ({HEALTH_REQUESTS}) WHERE answered_at IS NULL",
        ),
        dataclasses.replace(
            count(
                "health_requests_median_hours_to_answer",
                "Median hours to answer a health request",
                "median of (answered_at - requested_at) in hours over answered requests, 1 decimal place",
                ("health_requests",),
                f"SELECT * FROM ({HEALTH_REQUESTS}) WHERE answered_at IS NOT NULL",
                description="Median time from request to answer, in hours, of requests made in the year",
            ),
            numerator="hours from request to answer",
            denominator="answered requests made in the year",
            unit="hours",
            aggregate="median",
        ),
        percent(
            "strategy_records_shared_in_time_pct",
            "Strategy records shared in time",
            "meetings whose record was shared with every invited agency by the due time",
            "strategy meetings held in the year",
            ("strategy_meetings", "strategy_invites", "strategy_record_shares"),
            STRATEGY_SHARED,
        ),
        percent(
            "education_notifications_before_next_school_day_pct",
            "Education notifications before the next school day",
            "notifications delivered by their due time (the start of the next school day)",
            "notifications of incidents (UK date) in the year",
            ("education_notifications",),
            EDUCATION_NOTIFICATIONS,
        ),
        percent(
            "contacts_ethnicity_recorded_pct",
            "Contacts with the child's ethnicity recorded",
            "contacts in the year with the ethnicity recorded",
            "contacts in the year",
            ("contacts",),
            _contacts_flag("ethnicity_recorded"),
        ),
        percent(
            "contacts_voice_recorded_pct",
            "Contacts with the child's voice recorded",
            "contacts in the year with the child's voice recorded",
            "contacts in the year",
            ("contacts",),
            _contacts_flag("voice_recorded"),
        ),
    ]
