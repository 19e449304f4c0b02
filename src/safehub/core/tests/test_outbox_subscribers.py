"""Notifications delivered through the outbox, webhook give-ups on its dead-letter list, and retention."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from safehub.core import events, outbox
from safehub.core.models import AuditEvent, OutboxDelivery, OutboxEvent, OutboxStatus
from safehub.exchange import webhooks
from safehub.exchange.models import DeliveryStatus, WebhookDelivery
from safehub.exchange.tests.test_webhooks import _loopback_receiver_allowed, receiver  # noqa: F401 - fixtures
from safehub.frontdoor import selectors as frontdoor_selectors
from safehub.frontdoor import services as frontdoor_services
from safehub.frontdoor import subscribers as frontdoor_subscribers
from safehub.frontdoor.models import EducationNotification
from safehub.people.models import EducationPlacement, Involvement
from safehub.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

ENCOMPASS = frontdoor_subscribers.EDUCATION_NOTIFICATIONS


def _domestic_abuse_at_school(officer, school) -> None:
    """A police contact about a domestic abuse incident, for a child at ``school``: Encompass notifies it."""
    now = timezone.now()
    child = PersonFactory(date_of_birth=date(2016, 5, 1))
    EducationPlacement.objects.create(person=child, setting=school, started_date=date(2024, 9, 1))
    Involvement.objects.create(person=child, agency=officer.membership.agency, kind="PROFESSIONAL", started_at=now)
    frontdoor_services.contact_record(
        by=officer,
        now=now,
        children=[
            frontdoor_services.ChildEntry(family_name=child.family_name, person_id=child.pk, child_voice="Quiet")
        ],
        source="6",
        received_at=now - timedelta(hours=1),
        incident_recorded_at=now - timedelta(hours=3),
        summary="Police attended a domestic incident",
        consent="NOT_SOUGHT",
        lawful_basis="SAFEGUARDING",
        domestic_abuse_incident=True,
        police_reference="DA-9",
    )


# --- who subscribes to what -------------------------------------------------------------------------
def test_each_notification_kind_has_its_named_delivery_subscriber():
    assert sorted(events.subscribers("notification.created", "education_notification")) == [
        "exchange.webhooks",
        "frontdoor.education_notifications",
    ]
    assert sorted(events.subscribers("notification.created", "health_visiting_notice")) == [
        "exchange.webhooks",
        "frontdoor.health_visiting_notices",
    ]
    assert sorted(events.subscribers("notification.created", "cpis_attendance")) == [
        "exchange.webhooks",
        "pathways.cpis_attendances",
    ]
    assert sorted(events.subscribers("notification.created", "partnership_message")) == [
        "exchange.webhooks",
        "partnership.messages",
    ]
    assert events.subscribers("record.shared", "outcome") == ["exchange.webhooks"]


def test_a_subscriber_name_cannot_look_like_a_redelivery():
    with pytest.raises(ValueError, match="cannot contain"):
        events.subscribe("record.shared", lambda event: None, name="app:thing")
    assert events.handler_for("record.shared", "nobody.registered:12") is None


# --- delivered after commit only ----------------------------------------------------------------------
def test_a_notification_reaches_the_setting_only_after_the_commit(
    police_officer, school, dsl, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _domestic_abuse_at_school(police_officer, school)
    notification = EducationNotification.objects.get()
    assert notification.delivered_at is None
    delivery = OutboxDelivery.objects.get(handler=ENCOMPASS)
    assert (delivery.status, delivery.event.payload["id"]) == (OutboxStatus.PENDING, notification.pk)
    assert frontdoor_selectors.notifications_for_setting(user=dsl, now=timezone.now()) == []

    for callback in callbacks:  # the commit: the worker (immediate in tests) runs the subscribers
        callback()

    notification.refresh_from_db()
    assert notification.delivered_at is not None
    delivery.refresh_from_db()
    assert delivery.status == OutboxStatus.DELIVERED
    listed = frontdoor_selectors.notifications_for_setting(user=dsl, now=timezone.now())
    assert [row["id"] for row in listed] == [notification.pk]


def test_a_rolled_back_match_notifies_no_one(police_officer, school, django_capture_on_commit_callbacks):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),  # noqa: PT012 - the change and its failure, in one transaction
        transaction.atomic(),
    ):
        _domestic_abuse_at_school(police_officer, school)
        raise RuntimeError("the contact fails after the notification was written")
    assert callbacks == []
    assert not EducationNotification.objects.exists() and not OutboxDelivery.objects.exists()


# --- retried, then a dead letter on the outbox page -----------------------------------------------------
def test_a_failing_notification_delivery_is_retried_then_shown_as_a_dead_letter(
    police_officer, school, dsl, administrator, client, monkeypatch, django_capture_on_commit_callbacks
):
    def unreachable(**kwargs):
        raise ConnectionError("setting's inbox unreachable")

    monkeypatch.setattr(frontdoor_subscribers, "education_notification_deliver", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        _domestic_abuse_at_school(police_officer, school)
    delivery = OutboxDelivery.objects.get(handler=ENCOMPASS)
    assert (delivery.status, delivery.attempts) == (OutboxStatus.FAILED, 1)
    while delivery.status == OutboxStatus.FAILED:
        outbox.outbox_delivery_attempt(delivery_id=delivery.pk, now=delivery.next_attempt_at)
        delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (OutboxStatus.DEAD, outbox.MAX_ATTEMPTS)
    assert EducationNotification.objects.get().delivered_at is None
    assert frontdoor_selectors.notifications_for_setting(user=dsl, now=timezone.now()) == []

    client.force_login(administrator)
    page = client.get(reverse("core:outbox")).content.decode()
    assert ENCOMPASS in page and "ConnectionError: setting&#x27;s inbox unreachable" in page

    monkeypatch.undo()  # the inbox is back: the administrator retries from the page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:outbox"), {"delivery": str(delivery.pk)})
    delivery.refresh_from_db()
    assert delivery.status == OutboxStatus.DELIVERED
    assert [row["id"] for row in frontdoor_selectors.notifications_for_setting(user=dsl, now=timezone.now())] == [
        EducationNotification.objects.get().pk
    ]


# --- a webhook that gives up is on the same list --------------------------------------------------------
def _give_up(delivery: WebhookDelivery) -> WebhookDelivery:
    while delivery.status == DeliveryStatus.PENDING:
        webhooks.webhook_delivery_attempt(delivery=delivery, now=timezone.now())
    return delivery


def test_a_webhook_that_gives_up_is_a_dead_letter_and_is_retried_from_the_outbox_page(
    police,
    police_officer,
    administrator,
    client,
    receiver,  # noqa: F811 - the fixture imported above
    django_capture_on_commit_callbacks,
):
    url, received = receiver
    subscription, _ = webhooks.webhook_subscribe(
        agency=police, url="http://127.0.0.1:9/closed", events=["record.shared"], by=police_officer, now=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        events.publish("record.shared", agency_id=police.pk, kind="outcome", id=41, url="/api/outcomes/?id=41")
    announced = OutboxDelivery.objects.get(handler=webhooks.OUTBOX_SUBSCRIBER)
    assert announced.status == OutboxStatus.DELIVERED  # the webhooks were queued: the subscriber's part is done
    webhook = _give_up(WebhookDelivery.objects.get())
    assert (webhook.status, webhook.attempts) == (DeliveryStatus.FAILED, webhooks.WEBHOOK_MAX_ATTEMPTS)

    dead = OutboxDelivery.objects.get(status=OutboxStatus.DEAD)
    assert dead.handler == f"exchange.webhook:{webhook.pk}" and dead.event_id == announced.event_id  # one event
    assert dead.attempts == webhooks.WEBHOOK_MAX_ATTEMPTS
    assert dead.last_error.startswith(f"webhook to subscription {subscription.pk} (127.0.0.1) gave up: ")
    client.force_login(administrator)
    assert f"exchange.webhook:{webhook.pk}" in client.get(reverse("core:outbox")).content.decode()
    call_command("outbox_retry", "--list")  # the command's list reads the same rows

    subscription.url = url  # the agency's system is back
    subscription.save(update_fields=["url"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:outbox"), {"delivery": str(dead.pk)})
    dead.refresh_from_db()
    webhook.refresh_from_db()
    assert dead.status == OutboxStatus.DELIVERED
    # The receiver fails its first request: the webhook's own retry is queued, then delivered when due.
    assert (webhook.status, webhook.attempts) == (DeliveryStatus.PENDING, 1)
    webhooks.webhook_deliveries_retry(now=webhook.next_attempt_at)
    webhook.refresh_from_db()
    assert webhook.status == DeliveryStatus.DELIVERED and len(received) == 1
    assert AuditEvent.objects.filter(object_type="core.OutboxDelivery", object_id=str(dead.pk)).exists()


def test_a_webhook_giving_up_twice_updates_its_one_dead_letter(police, police_officer):
    subscription, _ = webhooks.webhook_subscribe(
        agency=police, url="http://127.0.0.1:9/closed", events=["record.shared"], by=police_officer, now=timezone.now()
    )
    webhook = WebhookDelivery.objects.create(
        subscription=subscription,
        event="record.shared",
        payload={"kind": "outcome", "id": 5, "url": ""},
        created_at=timezone.now(),
    )
    _give_up(webhook)
    webhooks.webhook_delivery_requeue(delivery_id=webhook.pk, now=timezone.now())
    webhook.refresh_from_db()
    assert (webhook.status, webhook.attempts) == (DeliveryStatus.PENDING, 0)
    _give_up(webhook)
    [dead] = OutboxDelivery.objects.filter(status=OutboxStatus.DEAD)
    assert dead.handler == f"exchange.webhook:{webhook.pk}"
    # No outbox event was left for it (published before the outbox): the dead letter carries its own.
    assert dead.event.payload == {"agency_id": police.pk, "kind": "outcome", "id": 5, "url": ""}


def test_retrying_a_webhook_dead_letter_whose_delivery_is_gone_fails_visibly(police, police_officer):
    subscription, _ = webhooks.webhook_subscribe(
        agency=police, url="http://127.0.0.1:9/closed", events=["record.shared"], by=police_officer, now=timezone.now()
    )
    webhook = _give_up(
        WebhookDelivery.objects.create(
            subscription=subscription, event="record.shared", payload={}, created_at=timezone.now()
        )
    )
    dead = OutboxDelivery.objects.get(status=OutboxStatus.DEAD)
    gone = webhook.pk
    webhook.delete()
    dead.status, dead.attempts = OutboxStatus.PENDING, 0  # as a retry from the page leaves it
    dead.save(update_fields=["status", "attempts"])
    outbox.outbox_delivery_attempt(delivery_id=dead.pk, now=timezone.now())
    dead.refresh_from_db()
    assert dead.status == OutboxStatus.FAILED
    assert dead.last_error == f"LookupError: webhook delivery {gone} no longer exists"


# --- retention -----------------------------------------------------------------------------------------
def _event(*, delivered_at, status=OutboxStatus.DELIVERED, created_days_before: int = 0) -> OutboxEvent:
    created = (delivered_at or timezone.now()) - timedelta(days=created_days_before)
    row = OutboxEvent.objects.create(
        name="record.shared", payload={"agency_id": 1, "kind": "outcome", "id": 1, "url": ""}, created_at=created
    )
    OutboxDelivery.objects.create(
        event=row, handler="exchange.webhooks", status=status, delivered_at=delivered_at, attempts=1
    )
    return row


def test_retention_removes_events_delivered_before_the_boundary_day_and_keeps_every_failure(settings):
    from datetime import UTC, datetime

    now = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
    days = 30
    boundary = now - timedelta(days=days)
    older = _event(delivered_at=boundary - timedelta(seconds=1), created_days_before=1)
    on_boundary = _event(delivered_at=boundary, created_days_before=1)  # exactly 30 days: kept
    recent = _event(delivered_at=now - timedelta(days=1), created_days_before=1)
    dead = _event(delivered_at=None, status=OutboxStatus.DEAD, created_days_before=400)
    failed = _event(delivered_at=None, status=OutboxStatus.FAILED, created_days_before=400)
    waiting = _event(delivered_at=None, status=OutboxStatus.PENDING, created_days_before=400)
    # An old event whose late delivery (retried last week) is recent, and one half dead-lettered.
    retried = _event(delivered_at=now - timedelta(days=7), created_days_before=90)
    half = _event(delivered_at=boundary - timedelta(days=5), created_days_before=1)
    OutboxDelivery.objects.create(event=half, handler="frontdoor.education_notifications", status=OutboxStatus.DEAD)

    assert outbox.outbox_prune(now=now, days=days) == 1

    kept = set(OutboxEvent.objects.values_list("pk", flat=True))
    assert older.pk not in kept and not OutboxDelivery.objects.filter(event_id=older.pk).exists()
    assert {on_boundary.pk, recent.pk, dead.pk, failed.pk, waiting.pk, retried.pk, half.pk} == kept
    assert outbox.outbox_prune(now=now, days=days) == 0  # re-runnable


def test_retention_days_come_from_settings_and_a_zero_is_refused(settings):
    settings.SAFEHUB_OUTBOX_RETENTION_DAYS = 7
    with time_machine.travel(timezone.now(), tick=False):
        eight_days = _event(delivered_at=timezone.now() - timedelta(days=8))
        six_days = _event(delivered_at=timezone.now() - timedelta(days=6))
        assert outbox.outbox_prune_task.enqueue().return_value == 1  # the daily task (immediate in tests)
    assert set(OutboxEvent.objects.values_list("pk", flat=True)) == {six_days.pk}
    assert eight_days.pk
    with pytest.raises(ValueError, match="at least a day"):
        outbox.outbox_prune(now=timezone.now(), days=0)


def test_the_prune_command_reports_and_takes_days(capsys):
    _event(delivered_at=timezone.now() - timedelta(days=40))
    _event(delivered_at=timezone.now() - timedelta(days=20))
    call_command("outbox_prune")
    assert capsys.readouterr().out == "1 delivered events older than 30 days removed\n"
    call_command("outbox_prune", "--days", "10")
    assert capsys.readouterr().out == "1 delivered events older than 10 days removed\n"
    assert not OutboxEvent.objects.exists()


# --- the task worker of the database backend (what `make run` and production run) --------------------
@pytest.mark.django_db(transaction=True)
def test_the_task_worker_delivers_a_notification_after_the_commit(settings, monkeypatch, police_officer, school, dsl):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker runs in this process: its drop to background priority must not outlive the test.
    monkeypatch.setattr(os, "setpriority", lambda *args: None)
    _domestic_abuse_at_school(police_officer, school)  # committed: the deliveries are queued, not run
    notification = EducationNotification.objects.get()
    assert notification.delivered_at is None
    assert set(OutboxDelivery.objects.values_list("status", flat=True)) == {OutboxStatus.PENDING}

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    notification.refresh_from_db()
    assert notification.delivered_at is not None
    assert OutboxDelivery.objects.get(handler=ENCOMPASS).status == OutboxStatus.DELIVERED
    listed = frontdoor_selectors.notifications_for_setting(user=dsl, now=timezone.now())
    assert [row["id"] for row in listed] == [notification.pk]


def test_a_settings_notifications_page_50_at_a_time_not_yet_acknowledged_first(client, school, dsl):
    """On both databases: the unacknowledged come first (PostgreSQL puts empty dates last going up)."""
    from datetime import timedelta

    from safehub.core.models import AuditEvent
    from safehub.testing.factories import ContactFactory, PersonFactory

    now = timezone.now()
    made = []
    for n in range(53):
        child = PersonFactory()
        made.append(
            EducationNotification.objects.create(
                contact=ContactFactory(person=child), person=child, setting=school,
                incident_at=now - timedelta(days=n + 1), due_at=now - timedelta(days=n), delivered_at=now - timedelta(days=n),
                acknowledged_at=None if n in (40, 52) else now - timedelta(days=n), summary="Police attended",
            )
        )  # fmt: skip
    client.force_login(dsl)
    first = client.get(reverse("frontdoor:notifications"))
    assert first.context["mine_total"] == 53
    ids = [row["id"] for row in first.context["mine"]]
    assert len(ids) == 50 and ids[:2] == [made[40].pk, made[52].pk]  # not acknowledged, latest incident first
    assert ids[2:5] == [made[0].pk, made[1].pk, made[2].pk]
    assert AuditEvent.objects.filter(actor=dsl, details__list="notifications").count() == 50
    last = client.get(reverse("frontdoor:notifications"), {"page": "2"})
    assert [row["id"] for row in last.context["mine"]] == [made[49].pk, made[50].pk, made[51].pk]
