from datetime import timedelta

import pytest
from django.utils import timezone

from safehub.casework import services
from safehub.testing.factories import InvolvementFactory


@pytest.mark.django_db
def test_stale_record_save_keeps_the_users_text(client, mash_manager, police, child, front_door):
    now = timezone.now()
    InvolvementFactory(person=child, agency=front_door, started_at=now)
    meeting = services.meeting_convene(
        person=child, by=mash_manager, now=now, scheduled_at=now, chair=mash_manager, agencies=[police]
    )
    services.meeting_hold(
        meeting=meeting, held_at=now - timedelta(minutes=1), decision="NO_SECTION_47", by=mash_manager, now=now
    )
    meeting.refresh_from_db()
    opened_version = meeting.version
    services.record_draft(
        meeting=meeting, text="Colleague's version", by=mash_manager, now=now, expected_version=opened_version
    )
    client.force_login(mash_manager)
    response = client.post(
        f"/casework/meetings/{meeting.pk}/record/",
        {"record_text": "My careful notes", "version": opened_version},
        follow=True,
    )
    page = response.content.decode()
    assert "Someone changed this record" in page
    assert "My careful notes" in page and "Colleague&#x27;s version" in page
    meeting.refresh_from_db()
    assert meeting.record_text == "Colleague's version"
