"""Deliver the outbox: the task worker runs each subscriber of each event, retrying, then dead-lettering.

``core.events.publish`` writes the rows in the publisher's transaction; after the commit
``deliveries_enqueue`` hands each delivery to the task worker (``deliver_outbox``). An attempt runs
the subscriber in a savepoint: if it raises, its writes roll back, the error is stored on the row
and logged, and the next attempt is scheduled after 1, 4, 16, 64 minutes; after ``MAX_ATTEMPTS``
the delivery is a dead letter. The administrator retries failed and dead-lettered deliveries from
the outbox page or with ``safehub outbox_retry`` (both audited).

An app whose own delivery gives up (the exchange's webhook POSTs, with their own retries) puts it on
the same dead-letter list with ``outbox_dead_letter_record``: one list of failures.

Delivered events are kept ``SAFEHUB_OUTBOX_RETENTION_DAYS`` (30) after their last delivery, then
removed by ``outbox_prune`` (``safehub outbox_prune``, run daily); anything not delivered stays.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django_tasks import task

from safehub.core import audit, policy
from safehub.core.models import AuditAction
from safehub.core.outbox_models import OutboxDelivery, OutboxEvent, OutboxStatus
from safehub.core.outbox_registry import Event, handler_for

MAX_ATTEMPTS = 5
ERROR_CHARS = 2000
RETRY_PERMISSION = policy.Perm.CORE_OUTBOX
RETRYABLE = (OutboxStatus.FAILED, OutboxStatus.DEAD)
DUE = (OutboxStatus.PENDING, OutboxStatus.FAILED)

log = logging.getLogger("safehub.events")


class OutboxRetryRefused(ValueError):
    """A retry asked for a delivery that does not exist or is not failed or dead-lettered."""


def backoff(attempts: int) -> timedelta:
    """The wait before the next attempt after ``attempts`` failures: 1, 4, 16, 64 minutes."""
    return timedelta(minutes=4 ** (attempts - 1))


def outbox_write(*, event: Event, handlers: Iterable[str], now: datetime) -> tuple[OutboxEvent, list[OutboxDelivery]]:
    """Write the event and one delivery per subscriber (in the caller's transaction)."""
    row = OutboxEvent.objects.create(name=event.name, payload=event.as_row(), created_at=now)
    deliveries = OutboxDelivery.objects.bulk_create(
        [OutboxDelivery(event=row, handler=name, next_attempt_at=now) for name in handlers]
    )
    if deliveries and deliveries[0].pk is None:  # backends that return no keys from bulk_create
        deliveries = list(OutboxDelivery.objects.filter(event=row).order_by("pk"))
    return row, deliveries


def deliveries_enqueue(delivery_ids: Iterable[int], run_after: datetime | None = None) -> None:
    """Hand deliveries to the task worker (``run_after`` for a retry, where the backend can defer)."""
    job = deliver_outbox
    if run_after is not None:
        if not job.get_backend().supports_defer:
            return  # this backend runs tasks at once: ``safehub outbox_retry --due`` picks the retry up
        job = job.using(run_after=run_after)
    for delivery_id in delivery_ids:
        job.enqueue(delivery_id)


@task()
def deliver_outbox(delivery_id: int) -> None:
    outbox_delivery_attempt(delivery_id=delivery_id, now=timezone.now())


def mark_delivered(model, pk: int, *, field: str, now: datetime, what: str):
    """A subscriber's delivery of a record written in the publisher's transaction: stamp ``field``
    with when it was delivered, once (a retried delivery changes nothing). A record that is gone is
    an error the outbox keeps and shows (``LookupError``), never a silent success."""
    record = model.objects.filter(pk=pk).first()
    if record is None:
        raise LookupError(f"there is no {what} {pk}")
    if getattr(record, field) is None:
        setattr(record, field, now)
        record.save(update_fields=[field])
    return record


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:ERROR_CHARS]


def outbox_delivery_attempt(*, delivery_id: int, now: datetime) -> OutboxDelivery | None:
    """Run one subscriber for one event, if it is due; record the outcome on the delivery row."""
    with transaction.atomic():
        delivery = OutboxDelivery.objects.select_for_update().select_related("event").filter(pk=delivery_id).first()
        if delivery is None or delivery.status not in DUE:
            return delivery
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return delivery  # an earlier schedule, overtaken by a retry: its own task comes later
        delivery.attempts += 1
        delivery.last_attempt_at = now
        try:
            handler = handler_for(delivery.event.name, delivery.handler)
            if handler is None:
                raise LookupError(f"no subscriber named {delivery.handler!r} for {delivery.event.name!r}")
            with transaction.atomic():  # a failing subscriber's writes roll back with it
                handler(Event.from_row(delivery.event.name, delivery.event.payload))
        except Exception as exc:  # stored on the row, logged and shown to the administrator: never swallowed
            log.exception("event %s delivery %s to %s failed", delivery.event_id, delivery.pk, delivery.handler)
            delivery.last_error = _error_text(exc)
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status, delivery.next_attempt_at = OutboxStatus.DEAD, None
            else:
                delivery.status, delivery.next_attempt_at = OutboxStatus.FAILED, now + backoff(delivery.attempts)
        else:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = OutboxStatus.DELIVERED, now, None
            delivery.last_error = ""
        delivery.save()
        if delivery.status == OutboxStatus.FAILED:
            retry_at = delivery.next_attempt_at
            transaction.on_commit(lambda: deliveries_enqueue([delivery_id], run_after=retry_at), robust=True)
    return delivery


def outbox_dead_letter_record(
    *, event: Event, handler: str, attempts: int, error: str, now: datetime
) -> OutboxDelivery:
    """Put a delivery an app gave up on (after its own retries) on the dead-letter list.

    ``handler`` is ``<prefix>:<key>`` for a redeliverer the app registered
    (``events.redeliverer_register``), so the administrator can retry it from the outbox page. The
    row hangs off the event that caused it when that is still in the outbox; recording the same
    give-up again updates the row.
    """
    row = (
        OutboxEvent.objects.filter(
            name=event.name,
            payload__agency_id=event.agency_id,
            payload__kind=event.kind,
            payload__id=event.id,
        )
        .order_by("-pk")
        .first()
    )
    if row is None:
        row = OutboxEvent.objects.create(name=event.name, payload=event.as_row(), created_at=now)
    delivery, _ = OutboxDelivery.objects.update_or_create(
        event=row,
        handler=handler,
        defaults={
            "status": OutboxStatus.DEAD,
            "attempts": attempts,
            "last_attempt_at": now,
            "next_attempt_at": None,
            "last_error": error[:ERROR_CHARS],
        },
    )
    log.error("event %s delivery %s to %s gave up: %s", row.pk, delivery.pk, handler, error)
    return delivery


def outbox_deliveries_due(*, now: datetime) -> int:
    """Attempt every waiting or failed delivery whose time has come; return how many were tried."""
    due = OutboxDelivery.objects.filter(status__in=DUE).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    ids = list(due.order_by("pk").values_list("pk", flat=True))
    for delivery_id in ids:
        outbox_delivery_attempt(delivery_id=delivery_id, now=now)
    return len(ids)


@transaction.atomic
def outbox_delivery_retry(*, delivery_id: int, by, now: datetime) -> OutboxDelivery:
    """Give a failed or dead-lettered delivery a fresh round of attempts, starting now (audited)."""
    policy.require(by, RETRY_PERMISSION)
    delivery = OutboxDelivery.objects.select_for_update().select_related("event").filter(pk=delivery_id).first()
    if delivery is None:
        raise OutboxRetryRefused(f"there is no event delivery {delivery_id}")
    if delivery.status not in RETRYABLE:
        raise OutboxRetryRefused(
            f"event delivery {delivery_id} is {delivery.get_status_display().lower()}: "
            "only failed or dead-lettered deliveries can be retried"
        )
    was = delivery.status
    delivery.status, delivery.attempts, delivery.next_attempt_at = OutboxStatus.PENDING, 0, now
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        subject=delivery,
        at=now,
        details={"retry": True, "was": was, "event": delivery.event.name, "handler": delivery.handler},
    )
    transaction.on_commit(lambda: deliveries_enqueue([delivery_id]), robust=True)
    return delivery


def outbox_problems_for_user(*, user) -> QuerySet[OutboxDelivery]:
    """Failed and dead-lettered deliveries, for the administrator (others are refused)."""
    policy.require(user, RETRY_PERMISSION)
    return OutboxDelivery.objects.filter(status__in=RETRYABLE).select_related("event")


def outbox_counts_for_user(*, user) -> dict[str, int]:
    """How many deliveries are in each state (for the page's summary)."""
    policy.require(user, RETRY_PERMISSION)
    counts = dict(OutboxDelivery.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {status: counts.get(status, 0) for status in OutboxStatus.values}


def retention_days() -> int:
    """How many days delivered events are kept (``SAFEHUB_OUTBOX_RETENTION_DAYS``, read when used)."""
    return int(getattr(settings, "SAFEHUB_OUTBOX_RETENTION_DAYS", 30))


@transaction.atomic
def outbox_prune(*, now: datetime, days: int) -> int:
    """Remove events delivered to every subscriber more than ``days`` days ago; return how many.

    An event goes only when each of its deliveries was delivered before the cut-off (an event no one
    subscribed to, when it was raised before it). Waiting, failed and dead-lettered deliveries keep
    their event until they are delivered: a failure leaves the list only by being resolved.
    """
    if days < 1:
        raise ValueError("keep delivered events at least a day")
    cutoff = now - timedelta(days=days)
    kept = OutboxDelivery.objects.filter(
        ~Q(status=OutboxStatus.DELIVERED) | Q(delivered_at__isnull=True) | Q(delivered_at__gte=cutoff)
    ).values("event_id")
    old = OutboxEvent.objects.filter(created_at__lt=cutoff).exclude(pk__in=kept)
    ids = list(old.values_list("pk", flat=True))
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        OutboxDelivery.objects.filter(event_id__in=chunk).delete()
        OutboxEvent.objects.filter(pk__in=chunk).delete()
    if ids:
        log.info("outbox: removed %s events delivered before %s", len(ids), cutoff.isoformat())
    return len(ids)


@task()
def outbox_prune_task() -> int:
    """The daily clean-up: remove events delivered longer ago than the retention period."""
    return outbox_prune(now=timezone.now(), days=retention_days())
