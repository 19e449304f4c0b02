"""What each role sees first on the home page: links to its daily work, with live counts.

Each app may offer ``home_panels(user, now) -> list[dict]`` in ``<app>/home.py`` (found by
``core.registry``, in settings order); the audit and security panels are core's own.
"""

from __future__ import annotations

from datetime import datetime

from safehub.core import policy
from safehub.core.registry import app_modules


def home_panels(user, *, now: datetime) -> list[dict]:
    """Return the home page's panels: each app's own (``<app>/home.py``), then core's."""
    panels: list[dict] = []
    for module in app_modules("home"):
        panels.extend(module.home_panels(user, now=now))
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
