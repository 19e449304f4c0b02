"""Front-door lists as CSV files (the view audits the export; this module only lays out the rows)."""

from __future__ import annotations

from typing import Any

from safehub.core import csv_safety

POLICE_TIMELINESS_COLUMNS = [
    "contact_id",
    "police_reference",
    "incident_recorded_at",
    "received_at",
    "hours",
    "high_risk",
    "limit_hours",
    "within_limit",
    "red_ppn",
    "decided_same_day",
    "overdue",
    "late_flags",
]


def _flag(value: bool | None) -> Any:
    return "" if value is None else value


def police_timeliness_csv(out, rows: list[dict]) -> None:
    """Write the police timeliness rows to ``out``: one line a police contact, with the referral time
    limit and the red PPN same-day standard (``decided_same_day`` is blank while the day is not over)."""
    writer = csv_safety.writer(out)
    writer.writerow(POLICE_TIMELINESS_COLUMNS)
    writer.writerows(
        [
            r["id"],
            r["police_reference"],
            r["incident_at"].isoformat(),
            r["received_at"].isoformat(),
            r["hours"],
            r["high_risk"],
            r["limit"] or "",
            _flag(r["within"]),
            r["red_ppn"],
            _flag(r["same_day"]),
            r["overdue"],
            "; ".join(f["agency"] + ": " + f["reason"] for f in r["flags"]),
        ]
        for r in rows
    )
