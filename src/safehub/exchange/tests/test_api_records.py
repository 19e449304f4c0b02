"""Records shared with an agency can be pulled through the API; others' records cannot."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from safehub.casework import services as casework
from safehub.casework.models import RecordShare
from safehub.core.actors import command_line
from safehub.exchange import services
from safehub.people.models import Involvement
from safehub.testing.factories import AgencyFactory, make_user


def api_for(agency, username, scopes):
    user = make_user(username, "AGENCY_PRACTITIONER", agency)
    _, key = services.api_token_create(agency=agency, user=user, scopes=scopes, by=command_line(), now=timezone.now())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.mark.django_db
def test_police_system_pulls_the_strategy_record_and_the_read_is_receipted(mash_manager, police, child, front_door):
    now = timezone.now()
    Involvement.objects.create(person=child, agency=front_door, kind="CASE_HOLDER", started_at=now)
    meeting = casework.meeting_convene(
        person=child, by=mash_manager, now=now, scheduled_at=now, chair=mash_manager, agencies=[police]
    )
    casework.meeting_hold(
        meeting=meeting, held_at=now - timedelta(minutes=1), decision="SECTION_47", by=mash_manager, now=now
    )
    meeting.refresh_from_db()
    casework.record_draft(
        meeting=meeting, text="Section 47 agreed.", by=mash_manager, now=now, expected_version=meeting.version
    )
    meeting.refresh_from_db()
    casework.record_approve(meeting=meeting, by=mash_manager, now=now)

    other = api_for(AgencyFactory(kind="HOUSING", code="HSG"), "housing.system", ["records:read"])
    assert other.get("/api/shared-records/").json()["results"] == []
    no_scope = api_for(police, "police.system.outcomes", ["outcomes:read"])
    assert no_scope.get("/api/shared-records/").status_code == 403

    police_api = api_for(police, "police.system", ["records:read"])
    results = police_api.get("/api/shared-records/").json()["results"]
    assert [r["kind"] for r in results] == ["strategy_record"]
    assert results[0]["text"] == "Section 47 agreed." and results[0]["person_reference"] == str(child.reference)
    assert RecordShare.objects.get(agency=police).read_at is not None
