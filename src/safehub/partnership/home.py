"""Home-page panels: the partnership manager's decisions and overdue actions; each agency's own actions."""

from __future__ import annotations

from datetime import datetime

from safehub.core import policy
from safehub.partnership.actions import selectors as actions_selectors
from safehub.partnership.reviews import selectors as reviews_selectors


def home_panels(user, *, now: datetime) -> list[dict]:
    panels: list[dict] = []
    if policy.can(user, "partnership.manage"):
        waiting = reviews_selectors.reviews_awaiting_decision(now=now)
        overdue = actions_selectors.overdue_actions_count(now=now)
        panels.append(
            {
                "title": "Reviews needing a decision",
                "url_name": "partnership:reviews",
                "text": "Referrals waiting for the practice review group's decision.",
                "figure": waiting,
                "alert": waiting > 0,
            }
        )
        panels.append(
            {
                "title": "Overdue actions",
                "url_name": "partnership:actions",
                "text": "Actions from reviews, audits and inspections past their due date, across all agencies.",
                "figure": overdue,
                "alert": overdue > 0,
            }
        )
        panels.append(
            {
                "title": "Partnership dashboard",
                "url_name": "partnership:home",
                "text": "Reviews by stage, action plans, audit findings, training reach and the priorities.",
            }
        )
    elif policy.can(user, "partnership.contribute"):
        overdue = actions_selectors.overdue_actions_count(now=now, agency_id=policy.agency_id_of(user))
        if overdue:
            panels.append(
                {
                    "title": "Your agency's overdue partnership actions",
                    "url_name": "partnership:actions",
                    "text": "Update their status and evidence.",
                    "figure": overdue,
                    "alert": True,
                }
            )
    return panels
