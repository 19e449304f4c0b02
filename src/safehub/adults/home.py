"""Home-page panels for adult safeguarding (counts only: nothing about a person is read)."""

from __future__ import annotations

from datetime import datetime

from safehub.adults import selectors
from safehub.core import policy


def home_panels(user, *, now: datetime) -> list[dict]:
    panels: list[dict] = []
    if policy.can(user, "adults.decide"):
        awaiting, overdue = selectors.concerns_awaiting_decision_count(user=user, now=now)
        panels.append(
            {
                "title": "Adult concerns awaiting decision",
                "url_name": "adults:home",
                "text": f"{overdue} past the 2 working day timescale." if overdue else "Decide within 2 working days.",
                "figure": awaiting,
                "alert": overdue > 0,
            }
        )
    if policy.can(user, "adults.enquiry") or policy.can(user, "adults.decide"):
        is_council = policy.can(user, "adults.decide")
        panels.append(
            {
                "title": "Open adult safeguarding enquiries" if is_council else "Enquiries you are asked to carry out",
                "url_name": "adults:home",
                "text": "Section 42 and other safeguarding enquiries.",
                "figure": selectors.enquiries_open_count(user=user),
            }
        )
    elif policy.can(user, "adults.concern_create"):
        panels.append(
            {
                "title": "Raise a concern about an adult",
                "url_name": "adults:concern_create",
                "text": "Tell adult social care about abuse or neglect of an adult with care and support needs.",
            }
        )
    if policy.can(user, "adults.measures"):
        panels.append(
            {
                "title": "Adult safeguarding measures",
                "url_name": "adults:measures",
                "text": "Concerns, section 42 enquiries and outcomes by year (SAC), with published figures.",
            }
        )
    return panels
