"""Reads of escalations, access-checked, as plain data for pages (CONVENTIONS 4, 5)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.http import Http404

from safehub.core import policy
from safehub.core.calendar import uk_date, working_days_between
from safehub.partnership.models import (
    Escalation,
)


def escalation_list(*, user, now: datetime) -> list[dict]:
    policy.require(user, "partnership.view")
    manager = policy.can(user, "partnership.manage")
    my_agency = policy.agency_id_of(user)
    qs = Escalation.objects.select_related("raised_by_agency", "raised_with_agency")
    if not manager:
        qs = qs.filter(Q(raised_by_agency_id=my_agency) | Q(raised_with_agency_id=my_agency))
    return [
        {
            "id": e.pk,
            "raised_by": f"{e.raised_by_name}, {e.raised_by_agency.name}",
            "raised_with": f"{e.raised_with_name + ', ' if e.raised_with_name else ''}{e.raised_with_agency.name}",
            "concern": e.concern,
            "stage": e.stage,
            "raised": uk_date(e.raised_at),
            "outcome": e.get_outcome_display() if e.outcome else "",
            "working_days": working_days_between(e.raised_at, e.resolved_at or now),
            "open": e.resolved_at is None,
        }
        for e in qs
    ]


def escalation_get(*, user, escalation_id: int) -> Escalation:
    """Return the escalation to the two agencies in it and the partnership team (404 to others)."""
    policy.require(user, "partnership.view")
    qs = Escalation.objects.select_related("raised_by_agency", "raised_with_agency").filter(pk=escalation_id)
    if not policy.can(user, "partnership.manage"):
        my_agency = policy.agency_id_of(user)
        qs = qs.filter(Q(raised_by_agency_id=my_agency) | Q(raised_with_agency_id=my_agency))
    found = qs.first()
    if found is None:
        raise Http404
    return found
