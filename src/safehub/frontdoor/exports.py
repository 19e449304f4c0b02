"""Front-door lists as CSV files: the rows' layout, and the prepared export that reads and writes them.

The police timeliness file is prepared by the task worker (``core.exports``), which audits everyone
in it in the transaction that reads them; this module reads as the asker and lays out the rows.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from safehub.core import csv_safety
from safehub.core.exports import ExportFile, ExportRefused
from safehub.frontdoor.selectors_timeliness import police_timeliness

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


POLICE_TIMELINESS_EXPORT = "frontdoor.police_timeliness"


def police_timeliness_parameters(start: date, end: date) -> dict:
    return {"start": start.isoformat(), "end": end.isoformat()}


def police_timeliness_file(*, user, parameters: dict, now: datetime) -> ExportFile:
    """The police timeliness CSV for the asked-for period, read as ``user`` (the page's own read)."""
    try:
        start, end = date.fromisoformat(parameters["start"]), date.fromisoformat(parameters["end"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ExportRefused("the period asked for is not a pair of dates") from exc
    if end < start:
        raise ExportRefused("the period ends before it starts")
    data = police_timeliness(user=user, start=start, end=end, now=now)
    out = io.StringIO()
    police_timeliness_csv(out, data["rows"])
    return ExportFile(
        file_name=f"police-timeliness-{start}-{end}.csv",
        content=out.getvalue(),
        rows=len(data["rows"]),
        person_ids=[r["person_id"] for r in data["rows"]],
    )
