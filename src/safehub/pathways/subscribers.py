"""The pathways' outbox subscribers: CP-IS attendances delivered to the social worker after commit.

Registered in ``PathwaysConfig.ready()``; the outbox worker runs them once the recording setting's
transaction has committed, retrying and dead-lettering as for every subscriber (``core.events``).
"""

from __future__ import annotations

from django.utils import timezone

from safehub.core.events import Event
from safehub.pathways.cpis_services import cpis_attendance_deliver

CPIS_ATTENDANCES = "pathways.cpis_attendances"


def cpis_attendance_announce(event: Event) -> None:
    """Put a flagged child's unscheduled care attendance on their social worker's (and team's) list."""
    cpis_attendance_deliver(attendance_id=event.id, now=timezone.now())
