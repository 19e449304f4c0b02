"""The one route for integration events: a transactional outbox.

An app that shares something publishes an event inside the transaction of the change::

    events.publish("record.shared", agency_id=..., kind="outcome", id=share.pk, url="/api/outcomes/?id=...")

``publish`` writes an ``OutboxEvent`` row and one ``OutboxDelivery`` row per subscriber, in the
caller's transaction: a change that rolls back sends nothing, and a change that commits cannot lose
its event. After the commit the task worker delivers each row (``core.outbox``), retrying a failing
subscriber with back-off and dead-lettering it after ``outbox.MAX_ATTEMPTS``; the administrator sees
failures on the outbox page. No subscriber runs inside the publisher's transaction, and no error is
swallowed: it is stored on the delivery row, logged, and shown.

Subscribers are registered by the apps that own them, in ``AppConfig.ready()`` (``subscribe``):
core names no app. A subscriber has a stable ``name``, stored on its delivery rows, and may ask for
some ``kinds`` of an event only (a delivery row is written only for a subscriber that wants it).

Every delivery to a recipient goes this way. The change writes its record (the notification, the
share) and publishes; the subscribers deliver it after the commit:

- ``exchange.webhooks`` (exchange): every event, every kind; signed webhooks to the agency's
  subscribed systems (``exchange.webhooks``).
- ``frontdoor.education_notifications`` (front door): ``notification.created`` of kind
  ``education_notification``; Operation Encompass to the school or early-years setting: stamps
  ``delivered_at``, and the setting sees it on its list and through the API from then on.
- ``frontdoor.health_visiting_notices`` (front door): kind ``health_visiting_notice``; the notice
  to the health visiting team of a child under 5 with no setting (``delivered_at``).
- ``pathways.cpis_attendances`` (pathways): kind ``cpis_attendance``; a flagged child's
  unscheduled care attendance to the allocated social worker and team (``notified_at``; their
  list shows it).
- ``partnership.messages`` (partnership): kind ``partnership_message``; a message to an agency
  written by the daily sweeps (an action overdue, an assurance check due) goes on its
  notifications list and dashboard (``awaiting_delivery`` cleared).

Outcome shares (front door decisions, case outcomes, strategy records) are the change itself: the
share row is written, audited and announced in the transaction, and the receiving agency reads it
from its list or the API; agency systems hear of it through ``exchange.webhooks``.

One list of failures: a subscriber that raises is retried and then dead-lettered; an app whose own
delivery gives up after its own retries (the exchange's webhook POSTs) records it with
``outbox.outbox_dead_letter_record`` under ``<prefix>:<key>``, and the handler it registered with
``redeliverer_register`` runs when the administrator retries it. Both show on ``/events/outbox/``
and in ``safehub outbox_retry --list``.

Retention: an event is removed once every delivery of it was delivered more than
``SAFEHUB_OUTBOX_RETENTION_DAYS`` days ago (default 30; ``outbox.outbox_prune``, run daily by
``safehub outbox_prune`` or the ``outbox_prune_task`` task). An event with a waiting, failed or
dead-lettered delivery is kept until that delivery is delivered: a failure leaves the list only by
being resolved.

Payloads, one shape per event (identifiers and links only, never personal details; the receiving
agency fetches the record through the API with its own token):

==========================  ==================================================================
event                       payload
==========================  ==================================================================
``record.shared``           ``{"agency_id": int, "kind": str, "id": int, "url": str}``: a record
                            or outcome was shared with the agency. ``kind`` is ``outcome`` (front
                            door decision), ``strategy_record`` (strategy discussion record), or a
                            case outcome (``SECTION_47``, ``ICPC``, ``ASSESSMENT``); ``id`` is
                            the share. ``url`` is empty where the share has no API link of its own.
``notification.created``    ``{"agency_id": int, "kind": str, "id": int, "url": str}``: a
                            notification was made for the agency or setting. ``kind`` is
                            ``education_notification``, ``health_visiting_notice``,
                            ``cpis_attendance`` or ``partnership_message``; ``id`` is the
                            notification.
==========================  ==================================================================
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils import timezone

from safehub.core import outbox
from safehub.core.outbox_models import OutboxEvent
from safehub.core.outbox_registry import (
    EVENTS,
    Event,
    Handler,
    handler_for,
    redeliverer_register,
    subscribe,
    subscribers,
    unsubscribe,
)

__all__ = [
    "EVENTS",
    "Event",
    "Handler",
    "handler_for",
    "publish",
    "redeliverer_register",
    "subscribe",
    "subscribers",
    "unsubscribe",
]


def publish(
    event: str,
    *,
    agency_id: int,
    kind: str,
    id: int,  # noqa: A002 - the payload's name
    url: str = "",
) -> OutboxEvent:
    """Write the event to the outbox in the caller's transaction; the worker delivers it after commit."""
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
    if agency_id is None or id is None or not kind:
        raise ValueError("an event needs agency_id, kind and id")
    message = Event(name=event, agency_id=agency_id, kind=kind, id=id, url=url)
    row, deliveries = outbox.outbox_write(event=message, handlers=subscribers(event, kind), now=timezone.now())
    transaction.on_commit(partial(outbox.deliveries_enqueue, [d.pk for d in deliveries]), robust=True)
    return row
