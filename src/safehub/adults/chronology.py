"""Adult safeguarding events on the person's chronology, under the same sharing rules as the pages.

The council sees every event; the agency that raised a concern sees that concern and its decision;
an agency carrying out an enquiry sees that enquiry starting and concluding.
"""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Q
from django.urls import reverse

from safehub.adults.models import Enquiry, SafeguardingConcern
from safehub.core import policy
from safehub.core.calendar import UK
from safehub.core.chronology import ChronologyEvent


def _at(day) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UK)


def chronology(person, user) -> list[ChronologyEvent]:
    agency_id = policy.agency_id_of(user)
    if agency_id is None:
        return []
    events: list[ChronologyEvent] = []
    concerns = (
        SafeguardingConcern.objects.filter(person=person)
        .filter(Q(council_id=agency_id) | Q(source_agency_id=agency_id))
        .select_related("source_agency", "council")
    )
    for c in concerns:
        url = reverse("adults:concern", args=[c.pk])
        source = c.source_agency.name if c.source_agency else c.get_source_kind_display()
        events.append(
            ChronologyEvent(
                at=c.received_at,
                category="Adult concern",
                title="Safeguarding concern received",
                detail=c.what_happened[:200],
                agency=source,
                url=url,
            )
        )
        if c.decided_at:
            events.append(
                ChronologyEvent(
                    at=c.decided_at,
                    category="Adult concern",
                    title=f"Decision: {c.get_decision_display()}",
                    detail=c.decision_rationale[:200],
                    agency=c.council.name,
                    url=url,
                )
            )
    enquiries = (
        Enquiry.objects.filter(person=person)
        .filter(Q(council_id=agency_id) | Q(carried_out_by_id=agency_id))
        .select_related("carried_out_by", "council")
    )
    for e in enquiries:
        url = reverse("adults:enquiry", args=[e.pk])
        by = e.carried_out_by.name if e.carried_out_by else e.council.name
        events.append(
            ChronologyEvent(
                at=_at(e.started_date),
                category="Adult enquiry",
                title=f"{e.get_kind_display()} started",
                agency=by,
                url=url,
            )
        )
        if e.concluded_date:
            events.append(
                ChronologyEvent(
                    at=_at(e.concluded_date),
                    category="Adult enquiry",
                    title=f"{e.get_kind_display()} concluded",
                    detail=e.get_risk_outcome_display(),
                    agency=by,
                    url=url,
                )
            )
    return events
