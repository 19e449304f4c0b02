"""The partnership's outbox subscriber: messages to agencies (overdue actions, assurance checks due).

Registered in ``PartnershipConfig.ready()``; the outbox worker runs it once the sweep that wrote the
message has committed, retrying and dead-lettering as for every subscriber (``core.events``).
"""

from __future__ import annotations

from safehub.core.events import Event
from safehub.partnership.actions.services import notification_deliver

MESSAGES = "partnership.messages"


def partnership_message_announce(event: Event) -> None:
    """Put a message to an agency on its notifications list and dashboard."""
    notification_deliver(notification_id=event.id)
