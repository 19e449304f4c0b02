from __future__ import annotations

from datetime import datetime

from safehub.core import policy
from safehub.exchange.models import SubmissionReminder


def home_panels(user, *, now: datetime) -> list[dict]:
    panels: list[dict] = []
    membership = policy.membership_for_user(user)
    if policy.can(user, "exchange.tracker"):
        panels.append(
            {
                "title": "Data provision tracker",
                "url_name": "exchange:tracker",
                "text": "Which agency has sent which quarterly return; late and missing returns.",
            }
        )
    elif policy.can(user, "exchange.submit") and membership is not None:
        reminders = SubmissionReminder.objects.filter(agency_id=membership.agency_id, kind="MISSING").count()
        if reminders:
            panels.append(
                {
                    "title": "Data returns overdue",
                    "url_name": "exchange:home",
                    "figure": reminders,
                    "alert": True,
                    "text": "Your agency's quarterly data returns the partnership is waiting for.",
                }
            )
    if policy.can(user, "exchange.annex_a"):
        panels.append(
            {"title": "Ofsted Annex A", "url_name": "exchange:annex_a", "text": "Import or export the Annex A lists."}
        )
    if policy.can(user, "exchange.tokens"):
        panels.append(
            {"title": "API tokens", "url_name": "exchange:tokens", "text": "Tokens for agency systems using the API."}
        )
    return panels
