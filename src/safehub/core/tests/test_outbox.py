"""The event outbox: written with the change, delivered after commit, retried, dead-lettered, shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safehub.core import events, outbox
from safehub.core.models import AuditEvent, OutboxDelivery, OutboxEvent, OutboxStatus
from safehub.exchange.tests.test_webhooks import _signed_off_police_contact
from safehub.frontdoor.models import OutcomeShare

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscriber():
    """A test subscriber to record.shared: records what it hears, fails while ``fail`` says so."""
    heard: list[events.Event] = []
    state = {"fail": 0, "write": False}

    def handler(event: events.Event) -> None:
        if state["write"]:  # a write the subscriber makes before it fails must roll back with it
            OutboxEvent.objects.create(name="written.by.handler", payload={}, created_at=timezone.now())
        if state["fail"]:
            state["fail"] -= 1
            raise ConnectionError("notifier unreachable")
        heard.append(event)

    events.subscribe("record.shared", handler, name="test.subscriber")
    yield heard, state
    events.unsubscribe("record.shared", "test.subscriber")


def _dead_letter(*, error: str = "ConnectionError: notifier unreachable") -> OutboxDelivery:
    event = OutboxEvent.objects.create(
        name="record.shared",
        payload={"agency_id": 1, "kind": "outcome", "id": 7, "url": "/api/outcomes/?id=7"},
        created_at=timezone.now(),
    )
    return OutboxDelivery.objects.create(
        event=event,
        handler="test.subscriber",
        status=OutboxStatus.DEAD,
        attempts=outbox.MAX_ATTEMPTS,
        last_attempt_at=timezone.now(),
        last_error=error,
    )


# --- written in the transaction of the change ---------------------------------------------------------
def test_a_rolled_back_change_leaves_no_event_and_queues_nothing(
    police_officer, mash_worker, mash_manager, subscriber, django_capture_on_commit_callbacks
):
    heard, _ = subscriber
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),  # noqa: PT012 - the change and its failure, in one transaction
        transaction.atomic(),
    ):
        _signed_off_police_contact(police_officer, mash_worker, mash_manager)
        assert OutboxEvent.objects.filter(name="record.shared").count() == 1  # written with the share
        raise RuntimeError("the change fails after the share was made")

    assert not OutcomeShare.objects.exists()
    assert not OutboxEvent.objects.exists() and not OutboxDelivery.objects.exists()
    assert callbacks == [] and heard == []


def test_a_committed_change_is_delivered_to_each_subscriber_after_commit(
    police_officer, mash_worker, mash_manager, subscriber, django_capture_on_commit_callbacks
):
    heard, _ = subscriber
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        share = _signed_off_police_contact(police_officer, mash_worker, mash_manager)
    event = OutboxEvent.objects.get()
    assert event.name == "record.shared"
    assert event.payload == {"agency_id": share.agency_id, "kind": "outcome", "id": share.pk, "url": share_url(share)}
    assert sorted(event.deliveries.values_list("handler", "status")) == [
        ("exchange.webhooks", OutboxStatus.PENDING),
        ("test.subscriber", OutboxStatus.PENDING),
    ]
    assert heard == []  # nothing runs inside the publisher's transaction

    for callback in callbacks:  # the commit: the worker (immediate in tests) delivers
        callback()

    assert heard == [events.Event("record.shared", share.agency_id, "outcome", share.pk, share_url(share))]
    assert set(event.deliveries.values_list("status", flat=True)) == {OutboxStatus.DELIVERED}


def share_url(share) -> str:
    return f"/api/outcomes/?id={share.pk}"


@pytest.mark.django_db(transaction=True)
def test_in_a_real_transaction_commit_delivers_and_rollback_sends_nothing(subscriber):
    heard, _ = subscriber
    with pytest.raises(RuntimeError), transaction.atomic():
        events.publish("record.shared", agency_id=1, kind="outcome", id=1)
        raise RuntimeError("rolled back")
    assert not OutboxEvent.objects.exists() and heard == []

    with transaction.atomic():
        events.publish("record.shared", agency_id=1, kind="outcome", id=2)
        assert heard == []
    assert [e.id for e in heard] == [2]
    assert OutboxDelivery.objects.get(handler="test.subscriber").status == OutboxStatus.DELIVERED


def test_an_unknown_event_or_a_missing_field_is_refused():
    with pytest.raises(ValueError, match="unknown event"):
        events.publish("record.deleted", agency_id=1, kind="outcome", id=1)
    with pytest.raises(ValueError, match="needs agency_id"):
        events.publish("record.shared", agency_id=1, kind="", id=1)


# --- retried with back-off, then dead-lettered ----------------------------------------------------------
def test_a_failing_subscriber_is_retried_with_backoff_then_dead_lettered(
    subscriber, django_capture_on_commit_callbacks
):
    heard, state = subscriber
    state["fail"], state["write"] = 99, True
    with django_capture_on_commit_callbacks(execute=True):
        events.publish("record.shared", agency_id=1, kind="outcome", id=3)
    delivery = OutboxDelivery.objects.get(handler="test.subscriber")
    waits = []
    for attempt in range(1, outbox.MAX_ATTEMPTS):
        assert delivery.status == OutboxStatus.FAILED and delivery.attempts == attempt
        assert delivery.last_error == "ConnectionError: notifier unreachable"
        waits.append(delivery.next_attempt_at - delivery.last_attempt_at)
        assert outbox.outbox_deliveries_due(now=delivery.next_attempt_at - timedelta(seconds=1)) == 0  # not yet
        assert outbox.outbox_deliveries_due(now=delivery.next_attempt_at) == 1
        delivery.refresh_from_db()

    assert waits == [timedelta(minutes=m) for m in (1, 4, 16, 64)]
    assert delivery.status == OutboxStatus.DEAD and delivery.attempts == outbox.MAX_ATTEMPTS
    assert delivery.next_attempt_at is None and delivery.last_error
    assert outbox.outbox_deliveries_due(now=timezone.now() + timedelta(days=1)) == 0  # dead letters wait for a person
    assert heard == []
    assert not OutboxEvent.objects.filter(name="written.by.handler").exists()  # each failed attempt rolled back
    # the other subscriber of the same event was delivered on its own
    assert OutboxDelivery.objects.get(handler="exchange.webhooks").status == OutboxStatus.DELIVERED


def test_a_subscriber_that_recovers_is_delivered_on_its_retry(subscriber, django_capture_on_commit_callbacks):
    heard, state = subscriber
    state["fail"] = 1
    with django_capture_on_commit_callbacks(execute=True):
        events.publish("record.shared", agency_id=1, kind="outcome", id=4)
    delivery = OutboxDelivery.objects.get(handler="test.subscriber")
    assert delivery.status == OutboxStatus.FAILED
    outbox.outbox_deliveries_due(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert delivery.status == OutboxStatus.DELIVERED and delivery.attempts == 2
    assert [e.id for e in heard] == [4]


def test_a_subscriber_no_longer_registered_fails_visibly(django_capture_on_commit_callbacks):
    events.subscribe("record.shared", lambda e: None, name="test.gone")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        events.publish("record.shared", agency_id=1, kind="outcome", id=5)
    events.unsubscribe("record.shared", "test.gone")
    for callback in callbacks:
        callback()
    delivery = OutboxDelivery.objects.get(handler="test.gone")
    assert delivery.status == OutboxStatus.FAILED and "no subscriber named 'test.gone'" in delivery.last_error


# --- the administrator's page ---------------------------------------------------------------------------
def test_the_page_shows_failures_to_the_administrator_and_retries_with_an_audit_row(
    client, administrator, subscriber, django_capture_on_commit_callbacks
):
    heard, _ = subscriber
    dead = _dead_letter()
    delivered = OutboxDelivery.objects.create(event=dead.event, handler="exchange.webhooks", status="DELIVERED")
    client.force_login(administrator)

    page = client.get(reverse("core:outbox"))

    assert page.status_code == 200
    body = page.content.decode()
    assert "ConnectionError: notifier unreachable" in body and "Dead letter" in body
    assert f'name="delivery" value="{dead.pk}"' in body
    assert f'name="delivery" value="{delivered.pk}"' not in body  # only failed and dead-lettered ones

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("core:outbox"), {"delivery": dead.pk})

    assert answer.status_code == 302
    dead.refresh_from_db()
    assert dead.status == OutboxStatus.DELIVERED and dead.attempts == 1  # a fresh round, delivered at once
    assert dead.last_error == ""
    assert [e.id for e in heard] == [7]
    row = AuditEvent.objects.get(object_type="core.OutboxDelivery", object_id=str(dead.pk))
    assert row.actor == administrator and row.details["retry"] is True and row.details["was"] == "DEAD"


def test_the_page_refuses_a_retry_of_a_delivered_event(client, administrator):
    dead = _dead_letter()
    OutboxDelivery.objects.filter(pk=dead.pk).update(status=OutboxStatus.DELIVERED)
    client.force_login(administrator)
    answer = client.post(reverse("core:outbox"), {"delivery": dead.pk}, follow=True)
    assert "only failed or dead-lettered deliveries" in answer.content.decode()
    assert not AuditEvent.objects.filter(object_type="core.OutboxDelivery").exists()


@pytest.mark.parametrize("who", ["mash_manager", "police_officer", "analyst"])
def test_the_page_and_its_retry_refuse_everyone_but_the_administrator(client, who, request):
    dead = _dead_letter()
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("core:outbox")).status_code == 403
    assert client.post(reverse("core:outbox"), {"delivery": dead.pk}).status_code == 403

    dead.refresh_from_db()
    assert dead.status == OutboxStatus.DEAD
    assert not AuditEvent.objects.filter(object_type="core.OutboxDelivery").exists()


def test_the_page_asks_a_signed_out_visitor_to_sign_in(client):
    answer = client.get(reverse("core:outbox"))
    assert answer.status_code == 302 and reverse("core:sign_in") in answer["Location"]


# --- the command ----------------------------------------------------------------------------------------
def test_the_command_retries_dead_letters_under_the_operators_name(subscriber, capsys):
    heard, _ = subscriber
    dead = _dead_letter()

    call_command("outbox_retry", "--dead")

    dead.refresh_from_db()
    assert dead.status == OutboxStatus.PENDING and dead.attempts == 0  # the worker takes it after commit
    assert "1 deliveries queued" in capsys.readouterr().out
    row = AuditEvent.objects.get(object_type="core.OutboxDelivery", object_id=str(dead.pk))
    assert row.actor is None and row.actor_username.startswith("command line")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["twelve"], "not a delivery id: 'twelve' (ids are whole numbers, see --list)"),
        (["999999"], "there is no event delivery 999999"),
        ([], "give delivery ids, or one of --dead, --due, --list"),
        (["1", "--dead"], "give delivery ids, or one of --dead, --due, --list"),
    ],
)
def test_the_command_answers_bad_input_in_one_line(args, message):
    with pytest.raises(CommandError) as refused:
        call_command("outbox_retry", *args)
    assert str(refused.value) == message and "\n" not in str(refused.value)


def test_the_command_refuses_a_delivered_event_and_retries_nothing(subscriber):
    dead = _dead_letter()
    delivered = OutboxDelivery.objects.create(event=dead.event, handler="exchange.webhooks", status="DELIVERED")
    with pytest.raises(CommandError, match=f"event delivery {delivered.pk} is delivered"):
        call_command("outbox_retry", str(dead.pk), str(delivered.pk))
    dead.refresh_from_db()
    assert dead.status == OutboxStatus.DEAD  # all or nothing


def test_the_command_lists_problems_one_a_line(capsys):
    dead = _dead_letter()
    call_command("outbox_retry", "--list")
    assert capsys.readouterr().out.splitlines() == [
        f"{dead.pk}\tDEAD\trecord.shared\ttest.subscriber\t5\tConnectionError: notifier unreachable"
    ]
