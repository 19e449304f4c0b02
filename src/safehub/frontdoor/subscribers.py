"""The front door's outbox subscribers: Operation Encompass notifications delivered after commit.

Registered in ``FrontdoorConfig.ready()``; the outbox worker runs them once the match that wrote the
notification has committed, retrying and dead-lettering as for every subscriber (``core.events``).
"""

from __future__ import annotations

from django.utils import timezone

from safehub.core.events import Event
from safehub.frontdoor.services_notifications import education_notification_deliver, health_visiting_notice_deliver

EDUCATION_NOTIFICATIONS = "frontdoor.education_notifications"
HEALTH_VISITING_NOTICES = "frontdoor.health_visiting_notices"


def education_notification_announce(event: Event) -> None:
    """Deliver an Operation Encompass notification to the child's school or early-years setting."""
    education_notification_deliver(notification_id=event.id, now=timezone.now())


def health_visiting_notice_announce(event: Event) -> None:
    """Deliver a domestic abuse notice to the health visiting team of a child under 5 with no setting."""
    health_visiting_notice_deliver(notice_id=event.id, now=timezone.now())
