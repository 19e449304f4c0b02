"""Casework shares reach agency systems through the same signed webhooks."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safehub.casework import services
from safehub.exchange.models import WebhookDelivery
from safehub.people.models import Involvement
from safehub.testing.factories import WebhookSubscriptionFactory


@pytest.mark.django_db(transaction=True)
def test_approved_strategy_record_queues_a_webhook_for_the_invited_agency(
    mash_manager, police, police_officer, child, front_door
):
    now = timezone.now()
    Involvement.objects.create(person=child, agency=front_door, kind="CASE_HOLDER", started_at=now)
    WebhookSubscriptionFactory(
        agency=police,
        url="http://127.0.0.1:9/hook",
        created_at=now,
        created_by=police_officer,
    )
    meeting = services.meeting_convene(
        person=child, by=mash_manager, now=now, scheduled_at=now, chair=mash_manager, agencies=[police]
    )
    services.meeting_hold(
        meeting=meeting, held_at=now - timedelta(minutes=5), decision="NO_SECTION_47", by=mash_manager, now=now
    )
    meeting.refresh_from_db()
    services.record_draft(meeting=meeting, text="Record", by=mash_manager, now=now, expected_version=meeting.version)
    meeting.refresh_from_db()
    services.record_approve(meeting=meeting, by=mash_manager, now=now)
    delivery = WebhookDelivery.objects.get(event="record.shared")
    assert delivery.subscription.agency == police
    assert delivery.payload["kind"] == "strategy_record"
