"""Webhooks for the events other apps publish (through ``core.events``, the one event route)."""

from __future__ import annotations

from django.utils import timezone

from safehub.core.events import Event


def _webhook(event: Event) -> None:
    """Queue a delivery to each of the agency's subscriptions (sent after commit)."""
    from safehub.exchange.services import webhook_event_emit

    webhook_event_emit(agency_id=event.agency_id, event=event.name, payload=event.as_payload(), now=timezone.now())


def connect_events() -> None:
    from safehub.core import events

    for name in events.EVENTS:
        events.subscribe(name, _webhook)
