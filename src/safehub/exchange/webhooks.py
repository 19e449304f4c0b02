"""Signed webhooks to agency systems, fed by the event outbox (``core.events``).

The exchange app subscribes ``webhook_event_announce`` to every event (``ExchangeConfig.ready``):
the outbox worker calls it after the publishing change has committed, and it writes one
``WebhookDelivery`` per matching subscription. Each delivery is POSTed by the task worker, signed
with HMAC-SHA256 over the body, to a URL checked against private and internal addresses before
every attempt (``webhook_targets``), retried with back-off and given up after
``WEBHOOK_MAX_ATTEMPTS``.

A delivery that gives up is put on the outbox's dead-letter list (``/events/outbox/``, one list of
failures) as ``exchange.webhook:<delivery id>``; retrying it there (``webhook_redeliverer``) gives the
POST a fresh round of attempts, and a second give-up puts it back on the list. The delivery row
itself stays as it was for the exchange's own tracking (``FAILED``, its attempts and last error).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from safehub.agencies.models import Agency
from safehub.core import audit, outbox, policy
from safehub.core.events import Event, Handler
from safehub.core.models import AuditAction
from safehub.exchange.models import DeliveryStatus, WebhookDelivery, WebhookEvent, WebhookSubscription
from safehub.exchange.webhook_targets import WebhookTargetRefused, webhook_target_check
from safehub.exchange.webhook_targets import opener as webhook_opener

WEBHOOK_MAX_ATTEMPTS = 5
WEBHOOK_TIMEOUT_SECONDS = 10
OUTBOX_SUBSCRIBER = "exchange.webhooks"
REDELIVERY_PREFIX = "exchange.webhook"  # dead letters named exchange.webhook:<WebhookDelivery id>


def webhook_event_announce(event: Event) -> None:
    """The outbox subscriber: queue a delivery to each of the agency's subscriptions to this event."""
    webhook_event_emit(agency_id=event.agency_id, event=event.name, payload=event.as_payload(), now=timezone.now())


@transaction.atomic
def webhook_subscribe(
    *, agency: Agency, url: str, events: list[str], by, now: datetime
) -> tuple[WebhookSubscription, str]:
    """Subscribe an agency system's URL to events; return the subscription and its signing secret."""
    if policy.agency_id_of(by) != agency.pk:
        raise PermissionDenied("Subscriptions are for your own agency")
    unknown = [e for e in events if e not in WebhookEvent.values]
    if unknown or not events:
        raise ValidationError({"events": f"Choose events from: {', '.join(WebhookEvent.values)}"})
    try:
        url = webhook_target_check(url)
    except WebhookTargetRefused as exc:
        raise ValidationError({"url": str(exc)}) from exc
    secret = WebhookSubscription.new_secret()
    subscription = WebhookSubscription(
        agency=agency, url=url, secret=secret, events=sorted(set(events)), created_by=by, created_at=now
    )
    subscription.full_clean()
    subscription.save()
    audit.record(
        actor=by, action=AuditAction.CREATE, subject=subscription, at=now, details={"events": subscription.events}
    )
    return subscription, secret


def webhook_event_emit(*, agency_id: int, event: str, payload: dict, now: datetime) -> list[WebhookDelivery]:
    """Queue a delivery to each of the agency's subscriptions for the event (sent after commit).

    Payloads carry identifiers and links only, never personal details: the agency system fetches
    the record through the API with its token.
    """
    subscriptions = WebhookSubscription.objects.filter(agency_id=agency_id, is_active=True)
    deliveries = [
        WebhookDelivery.objects.create(
            subscription=s, event=event, payload=payload, created_at=now, next_attempt_at=now
        )
        for s in subscriptions
        if event in s.events
    ]
    for delivery in deliveries:
        transaction.on_commit(partial(_enqueue_delivery, delivery.pk))
    return deliveries


@task()
def deliver_webhook(delivery_id: int) -> None:
    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is not None:
        webhook_delivery_attempt(delivery=delivery, now=timezone.now())


def _enqueue_delivery(delivery_id: int, run_after: datetime | None = None) -> None:
    job = deliver_webhook
    if run_after is not None and job.get_backend().supports_defer:
        job = job.using(run_after=run_after)
    elif run_after is not None:
        return  # no deferred runs on this backend: `safehub exchange_webhooks_retry` picks it up
    job.enqueue(delivery_id)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_delivery_attempt(*, delivery: WebhookDelivery, now: datetime) -> WebhookDelivery:
    """POST the event, signed with HMAC-SHA256 over the body; on failure back off (1, 4, 16... minutes)."""
    if delivery.status != DeliveryStatus.PENDING:
        return delivery
    subscription = delivery.subscription
    body = json.dumps(
        {
            "id": delivery.pk,
            "event": delivery.event,
            "created_at": delivery.created_at.isoformat(),
            "data": delivery.payload,
        },
        sort_keys=True,
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL is an agency's registered https (or local test) endpoint
        subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Safehub-Webhooks/1",
            "X-Safehub-Event": delivery.event,
            "X-Safehub-Delivery": str(delivery.pk),
            "X-Safehub-Signature": sign(subscription.secret, body),
        },
    )
    delivery.attempts += 1
    try:
        # Checked again before each attempt: the host may have been re-pointed since it was registered.
        webhook_target_check(subscription.url)
        with webhook_opener().open(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
            delivery.last_response_code = response.status
        delivery.status, delivery.delivered_at, delivery.last_error = DeliveryStatus.DELIVERED, now, ""
    except WebhookTargetRefused as exc:
        delivery.last_error = str(exc)[:300]
    except urllib.error.HTTPError as exc:
        delivery.last_response_code, delivery.last_error = exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        delivery.last_error = str(getattr(exc, "reason", exc))[:300]
    if delivery.status == DeliveryStatus.PENDING:
        if delivery.attempts >= WEBHOOK_MAX_ATTEMPTS:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        else:
            delivery.next_attempt_at = now + timedelta(minutes=4 ** (delivery.attempts - 1))
    with transaction.atomic():  # the give-up and its dead letter are one change
        delivery.save()
        if delivery.status == DeliveryStatus.FAILED:
            _dead_letter(delivery, now=now)
    if delivery.status == DeliveryStatus.PENDING:
        _enqueue_delivery(delivery.pk, run_after=delivery.next_attempt_at)
    return delivery


def _dead_letter(delivery: WebhookDelivery, *, now: datetime) -> None:
    """Show a webhook that gave up on the outbox's dead-letter list, beside every other failure."""
    subscription = delivery.subscription
    payload = delivery.payload if isinstance(delivery.payload, dict) else {}
    event = Event(
        name=delivery.event,
        agency_id=subscription.agency_id,
        kind=str(payload.get("kind", "")),
        id=payload.get("id", 0),
        url=str(payload.get("url", "")),
    )
    host = urllib.parse.urlsplit(subscription.url).hostname or "?"
    outbox.outbox_dead_letter_record(
        event=event,
        handler=f"{REDELIVERY_PREFIX}:{delivery.pk}",
        attempts=delivery.attempts,
        error=f"webhook to subscription {subscription.pk} ({host}) gave up: {delivery.last_error}",
        now=now,
    )


@transaction.atomic
def webhook_delivery_requeue(*, delivery_id: int, now: datetime) -> WebhookDelivery:
    """Give a webhook delivery that gave up a fresh round of attempts, starting now (after commit)."""
    delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
    if delivery is None:
        raise LookupError(f"webhook delivery {delivery_id} no longer exists")
    if delivery.status == DeliveryStatus.FAILED:
        delivery.status, delivery.attempts, delivery.next_attempt_at = DeliveryStatus.PENDING, 0, now
        delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
        transaction.on_commit(partial(_enqueue_delivery, delivery.pk), robust=True)
    return delivery


def webhook_redeliverer(key: str) -> Handler:
    """The outbox's retry of a dead-lettered webhook ``exchange.webhook:<key>``: requeue that delivery."""

    def redeliver(event: Event) -> None:
        if not key.isdigit():
            raise LookupError(f"not a webhook delivery: {key!r}")
        webhook_delivery_requeue(delivery_id=int(key), now=timezone.now())

    return redeliver


def webhook_deliveries_retry(*, now: datetime) -> int:
    """Attempt every pending delivery whose next attempt is due; return how many were tried."""
    due = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    count = 0
    for delivery in due.select_related("subscription"):
        webhook_delivery_attempt(delivery=delivery, now=now)
        count += 1
    return count
