"""Webhook targets: public https endpoints only, checked with a real URL parser and DNS (issue 24.7)."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safehub.exchange import webhooks
from safehub.exchange.models import DeliveryStatus
from safehub.exchange.webhook_targets import WebhookTargetRefused, webhook_target_check
from safehub.testing.factories import WebhookDeliveryFactory, WebhookSubscriptionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:@evil.example/hook",  # passed the old prefix check: user "localhost", host evil.example
        "https://localhost:@evil.example/hook",
        "https://user:pw@93.184.215.14/hook",
        "http://93.184.215.14/hook",  # not https
        "https://127.0.0.1/hook",
        "https://localhost/hook",  # resolves (from /etc/hosts) to loopback
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://172.16.5.5/hook",
        "https://169.254.169.254/latest/meta-data",  # cloud metadata, link-local
        "https://[::1]/hook",
        "https://[fe80::1]/hook",
        "https://[fd00::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://100.64.0.1/hook",  # shared address space
        "https://0.0.0.0/hook",
        "https:///hook",
        "ftp://93.184.215.14/hook",
    ],
)
def test_private_loopback_link_local_and_non_https_targets_are_refused(url):
    with pytest.raises(WebhookTargetRefused):
        webhook_target_check(url)


def test_a_public_https_address_is_accepted():
    assert webhook_target_check("https://93.184.215.14/hook") == "https://93.184.215.14/hook"


def test_a_name_that_resolves_to_a_private_address_is_refused(monkeypatch):
    # The resolver is the one thing replaced: no network here, and the rule is about its answer.
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", 443))]
    )
    with pytest.raises(WebhookTargetRefused, match="private"):
        webhook_target_check("https://hooks.partner.example/hook")


def test_an_unresolvable_host_is_refused():
    with pytest.raises(WebhookTargetRefused, match="could not be found"):
        webhook_target_check("https://no-such-host.invalid/hook")


def test_subscribe_refuses_the_userinfo_trick(police, police_officer):
    with pytest.raises(ValidationError) as caught:
        webhooks.webhook_subscribe(
            agency=police,
            url="http://localhost:@evil.example/hook",
            events=["record.shared"],
            by=police_officer,
            now=timezone.now(),
        )
    assert "url" in caught.value.message_dict


def test_delivery_rechecks_the_target_and_never_follows_a_redirect(settings, police, police_officer):
    settings.SAFEHUB_WEBHOOK_ALLOW_LOOPBACK = True
    hits: list[str] = []

    class Redirecting(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            hits.append(self.path)
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Redirecting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        now = timezone.now()
        subscription = WebhookSubscriptionFactory(
            agency=police,
            url=f"http://127.0.0.1:{server.server_port}/hook",
            created_at=now,
            created_by=police_officer,
        )
        delivery = WebhookDeliveryFactory(subscription=subscription, payload={}, created_at=now)
        webhooks.webhook_delivery_attempt(delivery=delivery, now=now)
        assert hits == ["/hook"]  # one request, the redirect not followed
        assert delivery.status == DeliveryStatus.PENDING and delivery.last_response_code == 302
        # A target that is no longer allowed (the test switch off = a deployment) is not contacted.
        settings.SAFEHUB_WEBHOOK_ALLOW_LOOPBACK = False
        delivery.status = DeliveryStatus.PENDING
        webhooks.webhook_delivery_attempt(delivery=delivery, now=now)
        assert hits == ["/hook"]
        assert "https" in delivery.last_error or "loopback" in delivery.last_error
    finally:
        server.shutdown()
