"""Front-door notifications: Operation Encompass to schools and early-years settings, and health visiting.

Sent by Safehub itself when a police contact about a domestic abuse incident is matched to a child
(``services._after_match``); the setting or the health visiting team acknowledges what it received.

Two steps, as every notification in Safehub: the notification is written, audited and announced
(``notification.created``) in the transaction of the match; it is *delivered* after the commit by
the outbox worker, which runs the frontdoor's subscribers (``frontdoor.subscribers``): they stamp
``delivered_at``, and from then on the setting or team sees it on its list. A delivery that fails
is retried and, in the end, shown on the outbox's dead-letter list; the late list of the
notifications overview counts it late until it is delivered.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from safehub.agencies.models import HEALTH_KINDS, Team
from safehub.core import audit, events, outbox, policy
from safehub.core.actors import SystemActor
from safehub.core.calendar import next_school_day_start, uk_date
from safehub.core.models import AuditAction
from safehub.frontdoor.models import Contact, EducationNotification, HealthVisitingNotice
from safehub.frontdoor.rules import encompass_health_visiting_needed
from safehub.people.models import Person

# Operation Encompass notifications are sent by Safehub itself when a police contact is matched.
ENCOMPASS = SystemActor("Operation Encompass", frozenset())
HEALTH_VISITING_TEAM = "Health visiting"


def education_notifications_send(*, contact: Contact, now: datetime) -> list[EducationNotification]:
    """Notify the child's current school and early-years setting before the next school day."""
    person = contact.person
    assert person is not None  # sent only for a contact matched to a child (_after_match)
    incident = contact.incident_recorded_at or contact.received_at
    due = next_school_day_start(incident)
    made = []
    placements = list(person.education_placements.filter(ended_date__isnull=True).select_related("setting"))
    for placement in placements:
        notification, created = EducationNotification.objects.get_or_create(
            contact=contact,
            setting=placement.setting,
            defaults={
                "person": person,
                "incident_at": incident,
                "due_at": due,
                "delivered_at": None,  # stamped by the outbox worker (education_notification_deliver)
                "summary": f"Police attended a domestic abuse incident ({contact.police_reference or 'no ref'}). "
                "Please offer support to the child today.",
            },
        )
        if created:
            audit.record(
                actor=ENCOMPASS,
                action=AuditAction.SHARE,
                subject=notification,
                at=now,
                details={"setting": placement.setting_id},
                reason="Operation Encompass notification",
            )
            events.publish(
                "notification.created",
                agency_id=placement.setting_id,
                kind="education_notification",
                id=notification.pk,
                url=f"/api/notifications/?id={notification.pk}",
            )
            made.append(notification)
    if not placements:
        health_visiting_notice_send(contact=contact, person=person, incident=incident, now=now)
    return made


def health_visiting_team(person: Person) -> Team | None:
    """The health visiting team for a child: the one whose trust already works with them, else the area's."""
    teams = list(
        Team.objects.filter(name__iexact=HEALTH_VISITING_TEAM, agency__kind__in=HEALTH_KINDS, agency__is_active=True)
        .select_related("agency")
        .order_by("pk")
    )
    if not teams:
        return None
    involved = set(
        person.involvements.filter(ended_at__isnull=True, agency_id__in=[t.agency_id for t in teams]).values_list(
            "agency_id", flat=True
        )
    )
    return next((t for t in teams if t.agency_id in involved), teams[0])


def health_visiting_notice_send(
    *, contact: Contact, person: Person, incident: datetime, now: datetime
) -> HealthVisitingNotice | None:
    """Tell the health visiting team about a domestic abuse incident for a child under 5 with no setting."""
    if not encompass_health_visiting_needed(
        date_of_birth=person.date_of_birth, incident_date=uk_date(incident), has_setting=False
    ):
        return None
    team = health_visiting_team(person)
    if team is None:
        return None
    notice, created = HealthVisitingNotice.objects.get_or_create(
        contact=contact,
        agency=team.agency,
        defaults={
            "person": person,
            "team": team,
            "incident_at": incident,
            "delivered_at": None,  # stamped by the outbox worker (health_visiting_notice_deliver)
            "summary": f"Police attended a domestic abuse incident ({contact.police_reference or 'no ref'}). "
            "The child is under 5 and attends no known school or early-years setting: please offer a "
            "health visiting contact.",
        },
    )
    if not created:
        return notice
    audit.record(
        actor=ENCOMPASS,
        action=AuditAction.SHARE,
        subject=notice,
        at=now,
        details={"agency": team.agency_id, "team": team.pk},
        reason="Operation Encompass: child under 5 with no setting",
    )
    events.publish(
        "notification.created",
        agency_id=team.agency_id,
        kind="health_visiting_notice",
        id=notice.pk,
        url=f"/front-door/health-visiting/?id={notice.pk}",
    )
    return notice


def education_notification_deliver(*, notification_id: int, now: datetime) -> EducationNotification:
    """Deliver a written notification to its setting (the outbox subscriber's work; idempotent)."""
    return outbox.mark_delivered(
        EducationNotification, notification_id, field="delivered_at", now=now, what="education notification"
    )


def health_visiting_notice_deliver(*, notice_id: int, now: datetime) -> HealthVisitingNotice:
    """Deliver a written notice to its health visiting team (the outbox subscriber's work; idempotent)."""
    return outbox.mark_delivered(
        HealthVisitingNotice, notice_id, field="delivered_at", now=now, what="health visiting notice"
    )


@transaction.atomic
def health_visiting_notice_acknowledge(*, notice: HealthVisitingNotice, by, now: datetime) -> HealthVisitingNotice:
    """The health visiting team says it has the notice and will act on it."""
    membership = policy.require(by, "pathways.record")
    if membership.agency_id != notice.agency_id:
        raise PermissionDenied("This notice is for another agency")
    if notice.acknowledged_at is None:
        notice.acknowledged_at, notice.acknowledged_by = now, by
        notice.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit.record(actor=by, action=AuditAction.UPDATE, subject=notice, at=now, details={"step": "acknowledged"})
    return notice


@transaction.atomic
def notification_acknowledge(*, notification: EducationNotification, by, now: datetime) -> EducationNotification:
    membership = policy.require(by, "frontdoor.notification_acknowledge")
    if membership.agency_id != notification.setting_id:
        raise PermissionDenied("This notification is for another setting")
    if notification.acknowledged_at is None:
        notification.acknowledged_at, notification.acknowledged_by = now, by
        notification.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit.record(actor=by, action=AuditAction.UPDATE, subject=notification, at=now, details={"acknowledged": True})
    return notification
