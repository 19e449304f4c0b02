"""What each role sees first on the home page: links to its daily work, with live counts."""

from __future__ import annotations

from datetime import datetime
from importlib import import_module

from safehub.core import policy

# Each app may offer ``home_panels(user, now) -> list[dict]`` in ``<app>/home.py``.
PANEL_MODULES = [
    "safehub.frontdoor.home",
    "safehub.casework.home",
    "safehub.adults.home",
    "safehub.partnership.home",
    "safehub.insight.home",
    "safehub.exchange.home",
]


def home_panels(user, *, now: datetime) -> list[dict]:
    panels: list[dict] = []
    if policy.can(user, "people.search"):
        panels.append(
            {
                "title": "Find a person",
                "url_name": "people:search",
                "text": "Search by name, date of birth or NHS number.",
            }
        )
    for module_name in PANEL_MODULES:
        try:
            module = import_module(module_name)
        except ModuleNotFoundError:
            continue
        panels.extend(module.home_panels(user, now=now))
    if policy.can(user, "people.merge"):
        from safehub.people.models import DuplicateCandidate

        pending = DuplicateCandidate.objects.filter(status="PENDING").count()
        panels.append(
            {
                "title": "Possible duplicate records",
                "url_name": "people:duplicates",
                "figure": pending,
                "text": "Pairs the matching engine could not decide: same person or not?",
            }
        )
    if policy.can(user, "audit.search"):
        panels.append(
            {"title": "Audit trail", "url_name": "core:audit_search", "text": "Who read or changed what, when and why."}
        )
    if policy.can(user, "security.review"):
        panels.append(
            {
                "title": "Break-glass and alerts to review",
                "url_name": "core:security_review",
                "text": "Access without a recorded relationship, and bulk-reading alerts.",
            }
        )
    if policy.can(user, "security.enrolment_issue"):
        panels.append(
            {
                "title": "Two-factor enrolment links",
                "url_name": "core:enrolment_links",
                "text": "Issue a one-time link so a new colleague can set up their authenticator app.",
            }
        )
    return panels
