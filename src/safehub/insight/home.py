"""Home-page panels for insight (aggregates only: nothing about a person is read)."""

from __future__ import annotations

from datetime import datetime

from safehub.core import policy
from safehub.core.calendar import uk_date


def home_panels(user, *, now: datetime) -> list[dict]:
    if not policy.can(user, "insight.view"):
        return []
    from safehub.insight.selectors import report_sections, year_before, year_of

    last_year = year_before(year_of(uk_date(now)))
    missing = sum(1 for s in report_sections(year=last_year) if not s["text"] or s["is_placeholder"])
    panels: list[dict] = [
        {
            "title": "Measures",
            "url_name": "insight:home",
            "text": "Headline measures from the records, with trends, breakdowns and comparators.",
        }
    ]
    if policy.can(user, "insight.report_edit"):
        panels.append(
            {
                "title": f"Yearly report {last_year}",
                "url_name": "insight:report",
                "text": f"{missing} section{'s' if missing != 1 else ''} still to write."
                if missing
                else "All written sections are in: build the HTML and PDF.",
                "figure": missing or None,
                "alert": missing > 0,
            }
        )
    return panels
