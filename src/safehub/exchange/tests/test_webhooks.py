from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from safehub.exchange import webhooks
from safehub.exchange.models import DeliveryStatus, WebhookDelivery
from safehub.frontdoor.models import OutcomeShare
from safehub.testing.factories import WebhookDeliveryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _loopback_receiver_allowed(settings):
    # The receiver below listens on 127.0.0.1 over plain http; only tests admit that.
    settings.SAFEHUB_WEBHOOK_ALLOW_LOOPBACK = True


@pytest.fixture
def receiver():
    """A local HTTP server on 127.0.0.1 that fails the first request, then records the rest."""
    received: list[dict] = []
    state = {"fail_next": True}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's method name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if state["fail_next"]:
                state["fail_next"] = False
                self.send_response(503)
                self.end_headers()
                return
            received.append(
                {
                    "body": body,
                    "signature": self.headers["X-Safehub-Signature"],
                    "event": self.headers["X-Safehub-Event"],
                }
            )
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()


def _signed_off_police_contact(police_officer, mash_worker, mash_manager) -> OutcomeShare:
    """A police contact through the front door to a signed-off decision: the service shares the outcome."""
    from datetime import timedelta

    from safehub.frontdoor import services as frontdoor
    from safehub.testing.factories import PersonFactory

    now = timezone.now()
    [contact] = frontdoor.contact_record(
        by=police_officer,
        now=now,
        children=[frontdoor.ChildEntry(family_name="Jones", given_name="Ava", child_voice="Scared")],
        source="6",
        received_at=now - timedelta(hours=1),
        incident_recorded_at=now - timedelta(hours=2),
        summary="Domestic abuse incident",
        consent="NOT_SOUGHT",
        lawful_basis="SAFEGUARDING",
    )
    frontdoor.contact_match_person(contact=contact, person=PersonFactory(), by=mash_worker, now=now)
    decision = frontdoor.decision_record(
        contact=contact, outcome="NFA", rationale="Advice given", by=mash_worker, now=now
    )
    frontdoor.decision_sign_off(decision=decision, by=mash_manager, now=now)
    return OutcomeShare.objects.get(contact=contact)


def test_outcome_share_is_delivered_signed_after_a_retry(
    receiver, police, police_officer, mash_worker, mash_manager, django_capture_on_commit_callbacks
):
    url, received = receiver
    subscription, secret = webhooks.webhook_subscribe(
        agency=police, url=url, events=["record.shared"], by=police_officer, now=timezone.now()
    )

    with django_capture_on_commit_callbacks(execute=True):
        share = _signed_off_police_contact(police_officer, mash_worker, mash_manager)

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1 and delivery.last_response_code == 503
    assert received == []

    assert webhooks.webhook_deliveries_retry(now=delivery.next_attempt_at) == 1

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2
    [got] = received
    expected = "sha256=" + hmac.new(secret.encode(), got["body"], hashlib.sha256).hexdigest()
    assert got["signature"] == expected and got["event"] == "record.shared"
    payload = json.loads(got["body"])
    assert payload["data"] == {"kind": "outcome", "id": share.pk, "url": f"/api/outcomes/?id={share.pk}"}


def test_other_agencies_and_other_events_get_nothing(
    receiver, police, police_officer, school, dsl, mash_worker, mash_manager
):
    url, _ = receiver
    webhooks.webhook_subscribe(
        agency=police, url=url, events=["notification.created"], by=police_officer, now=timezone.now()
    )
    webhooks.webhook_subscribe(agency=school, url=url, events=["record.shared"], by=dsl, now=timezone.now())

    _signed_off_police_contact(police_officer, mash_worker, mash_manager)  # shared with the police only

    assert WebhookDelivery.objects.count() == 0


def test_a_failing_subscriber_neither_fails_the_share_nor_stops_the_webhooks(
    receiver, police, police_officer, mash_worker, mash_manager, django_capture_on_commit_callbacks
):
    """The outbox delivers each subscriber on its own: one failing is kept for retry, with its error."""
    from safehub.core import events
    from safehub.core.models import OutboxDelivery, OutboxStatus

    url, received = receiver
    webhooks.webhook_subscribe(agency=police, url=url, events=["record.shared"], by=police_officer, now=timezone.now())

    def broken(event):
        raise RuntimeError("agency notifier unavailable")

    events.subscribe("record.shared", broken, name="test.broken")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            share = _signed_off_police_contact(police_officer, mash_worker, mash_manager)
    finally:
        events.unsubscribe("record.shared", "test.broken")

    assert OutcomeShare.objects.filter(pk=share.pk).exists()
    failed = OutboxDelivery.objects.get(handler="test.broken")
    assert failed.status == OutboxStatus.FAILED and failed.last_error == "RuntimeError: agency notifier unavailable"
    announced = OutboxDelivery.objects.get(handler=webhooks.OUTBOX_SUBSCRIBER)
    assert announced.status == OutboxStatus.DELIVERED and announced.event_id == failed.event_id
    assert WebhookDelivery.objects.get().payload == {
        "kind": "outcome",
        "id": share.pk,
        "url": f"/api/outcomes/?id={share.pk}",
    }


def test_gives_up_after_max_attempts(police, police_officer):
    subscription, _ = webhooks.webhook_subscribe(
        agency=police, url="http://127.0.0.1:9/closed", events=["record.shared"], by=police_officer, now=timezone.now()
    )
    delivery = WebhookDeliveryFactory(subscription=subscription, payload={}, created_at=timezone.now())

    for _ in range(webhooks.WEBHOOK_MAX_ATTEMPTS):
        webhooks.webhook_delivery_attempt(delivery=delivery, now=timezone.now())

    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == webhooks.WEBHOOK_MAX_ATTEMPTS


def test_subscriptions_must_be_https_and_for_own_agency(police, police_officer, school):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError):
        webhooks.webhook_subscribe(
            agency=police,
            url="http://example.org/hook",
            events=["record.shared"],
            by=police_officer,
            now=timezone.now(),
        )
    with pytest.raises(PermissionDenied):
        webhooks.webhook_subscribe(
            agency=school,
            url="https://example.org/hook",
            events=["record.shared"],
            by=police_officer,
            now=timezone.now(),
        )
