"""The register's panels on the home page: finding a person, and pairs awaiting a decision."""

from __future__ import annotations

from datetime import datetime

from safehub.core import policy
from safehub.people.models import DuplicateCandidate


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
    if policy.can(user, "people.merge"):
        panels.append(
            {
                "title": "Possible duplicate records",
                "url_name": "people:duplicates",
                "figure": DuplicateCandidate.objects.filter(status="PENDING").count(),
                "text": "Pairs the matching engine could not decide: same person or not?",
            }
        )
    return panels
