"""Webhook events for records other apps create.

The front door makes outcome shares and education notifications in its own services; listening
for their creation here lets agency systems be told without the front door knowing about webhooks.
(Conventions keep business logic out of signals: this only queues a notification, after commit.)
"""

from __future__ import annotations

from django.db.models.signals import post_save
from django.utils import timezone


def _outcome_shared(sender, instance, created, **kwargs):
    if created:
        from safehub.exchange.services import webhook_event_emit

        webhook_event_emit(
            agency_id=instance.agency_id,
            event="record.shared",
            payload={"kind": "outcome", "id": instance.pk, "url": f"/api/outcomes/?id={instance.pk}"},
            now=timezone.now(),
        )


def _notification_created(sender, instance, created, **kwargs):
    if created:
        from safehub.exchange.services import webhook_event_emit

        webhook_event_emit(
            agency_id=instance.setting_id,
            event="notification.created",
            payload={
                "kind": "education_notification",
                "id": instance.pk,
                "url": f"/api/notifications/?id={instance.pk}",
            },
            now=timezone.now(),
        )


def connect() -> None:
    from safehub.frontdoor.models import EducationNotification, OutcomeShare

    post_save.connect(_outcome_shared, sender=OutcomeShare, dispatch_uid="exchange_outcome_shared")
    post_save.connect(_notification_created, sender=EducationNotification, dispatch_uid="exchange_notification_created")


def _casework_shared(payload: dict) -> None:
    """Strategy records and enquiry outcomes shared by casework (published after commit)."""
    from safehub.exchange.services import webhook_event_emit

    webhook_event_emit(
        agency_id=payload["agency_id"],
        event="record.shared",
        payload={"kind": payload["kind"], "id": payload["share_id"]},
        now=timezone.now(),
    )


def connect_events() -> None:
    from safehub.core import events

    events.subscribe("record.shared", _casework_shared)
