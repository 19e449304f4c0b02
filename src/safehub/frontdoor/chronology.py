from __future__ import annotations

from django.urls import reverse

from safehub.core import policy
from safehub.core.chronology import ChronologyEvent
from safehub.frontdoor.models import Contact, EducationNotification, Referral


def chronology(person, user) -> list[ChronologyEvent]:
    front_door = policy.is_front_door(user)
    events = []
    for c in Contact.objects.filter(person=person).select_related("referrer_agency", "decision"):
        events.append(
            ChronologyEvent(
                at=c.received_at,
                category="Contact",
                title=f"Contact from {c.get_source_display()}",
                detail=c.summary[:200] if front_door else "",
                agency=c.referrer_agency.name if c.referrer_agency else "",
                url=reverse("frontdoor:contact", args=[c.pk]) if front_door else "",
            )
        )
        decision = getattr(c, "decision", None)
        if decision is not None:
            events.append(
                ChronologyEvent(
                    at=decision.decided_at,
                    category="Decision",
                    title=decision.get_outcome_display(),
                    detail=decision.rationale[:200] if front_door else "",
                )
            )
    for r in Referral.objects.filter(person=person):
        from datetime import datetime, time

        from safehub.core.calendar import UK

        events.append(
            ChronologyEvent(
                at=datetime.combine(r.referral_date, time(12), tzinfo=UK),
                category="Referral",
                title="Re-referral within 12 months" if r.is_re_referral else "Referral",
                detail=r.get_source_display(),
            )
        )
    for n in EducationNotification.objects.filter(person=person).select_related("setting"):
        events.append(
            ChronologyEvent(
                at=n.incident_at,
                category="Notification",
                title=f"Domestic abuse notification to {n.setting.name}",
                agency="Police",
            )
        )
    return events
