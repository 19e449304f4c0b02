from __future__ import annotations

from datetime import datetime

from safehub.core import policy
from safehub.frontdoor.models import Contact, ContactStatus, EducationNotification, InformationRequest, OutcomeShare


def home_panels(user, *, now: datetime) -> list[dict]:
    panels: list[dict] = []
    membership = policy.membership_for_user(user)
    if membership is None:  # policy.can() is False for everything below
        return panels
    if policy.can(user, "frontdoor.queue"):
        open_ = Contact.objects.filter(status__in=[s for s in ContactStatus.values if s != ContactStatus.CLOSED])
        overdue = open_.filter(decision_due_at__lt=now).count()
        panels.append(
            {
                "title": "MASH queue",
                "url_name": "frontdoor:queue",
                "figure": open_.count(),
                "text": f"Open contacts; {overdue} past their decision time.",
                "alert": overdue > 0,
            }
        )
    if policy.can(user, "frontdoor.health_request_answer"):
        waiting = InformationRequest.objects.filter(agency_id=membership.agency_id, answered_at__isnull=True)
        late = waiting.filter(due_at__lt=now).count()
        panels.append(
            {
                "title": "Information requests",
                "url_name": "frontdoor:health_queue",
                "figure": waiting.count(),
                "alert": late > 0,
                "text": f"Requests from the front door waiting for your answer; {late} overdue.",
            }
        )
    if policy.can(user, "frontdoor.notification_acknowledge"):
        unack = EducationNotification.objects.filter(
            setting_id=membership.agency_id, delivered_at__isnull=False, acknowledged_at__isnull=True
        )
        panels.append(
            {
                "title": "Domestic abuse notifications",
                "url_name": "frontdoor:notifications",
                "figure": unack.count(),
                "alert": unack.exists(),
                "text": "Children at your setting to support today: acknowledge each notification.",
            }
        )
    if policy.can(user, "frontdoor.police_timeliness"):
        panels.append(
            {
                "title": "Police referral timeliness",
                "url_name": "frontdoor:police_timeliness",
                "text": "High-risk referrals against the agreed limit, weekly trend and late flags.",
            }
        )
    if policy.can(user, "frontdoor.contact_create"):
        panels.append(
            {
                "title": "Record a contact",
                "url_name": "frontdoor:contact_new",
                "text": "Tell the front door about a worry for one child or a family of children.",
            }
        )
    if policy.can(user, "frontdoor.outcomes") and not policy.is_front_door(user):
        unread = OutcomeShare.objects.filter(agency_id=membership.agency_id, read_at__isnull=True).count()
        panels.append(
            {
                "title": "Outcomes of your contacts",
                "url_name": "frontdoor:outcomes",
                "figure": unread,
                "text": "Decisions on contacts your agency made, not yet read.",
            }
        )
    return panels
