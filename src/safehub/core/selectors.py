from __future__ import annotations

from datetime import datetime, time

from django.db.models import QuerySet

from safehub.core import policy
from safehub.core.calendar import UK
from safehub.core.models import AuditEvent, SecurityAlert


def audit_search(
    *,
    user,
    username: str = "",
    action: str = "",
    person_id: int | None = None,
    date_from=None,
    date_to=None,
    flagged: bool = False,
) -> QuerySet[AuditEvent]:
    """Search the audit trail (administrators only)."""
    policy.require(user, "audit.search")
    qs = AuditEvent.objects.select_related("agency").all()
    if username:
        qs = qs.filter(actor_username__iexact=username)
    if action:
        qs = qs.filter(action=action)
    if person_id:
        qs = qs.filter(person_id=person_id)
    if date_from:
        qs = qs.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=UK))
    if date_to:
        qs = qs.filter(at__lte=datetime.combine(date_to, time.max, tzinfo=UK))
    if flagged:
        qs = qs.filter(flagged=True)
    return qs.order_by("-at", "-id")


def security_alerts(*, user) -> QuerySet[SecurityAlert]:
    policy.require(user, "security.review")
    return SecurityAlert.objects.select_related("user", "reviewed_by").order_by("reviewed_at", "-raised_at")
