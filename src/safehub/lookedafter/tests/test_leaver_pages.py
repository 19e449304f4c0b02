"""Care leavers' pages (the SSDA903 pre-submission page is tested in returns/ssda903/tests)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safehub.casework.models import LookedAfterEpisode
from safehub.core.models import AuditEvent
from safehub.lookedafter import permanence, services
from safehub.lookedafter.models import PathwayPlan
from safehub.people.models import Involvement
from safehub.testing.factories import PersonFactory, make_user


@pytest.fixture
def leaver(front_door):
    sw = make_user("sw", "SOCIAL_WORKER", front_door)
    now = timezone.now()
    young = PersonFactory(
        given_name="Sam", family_name="Leaver", date_of_birth=now.date() - timedelta(days=365 * 17 + 100)
    )
    Involvement.objects.create(
        person=young, agency=front_door, kind="CASE_HOLDER", started_at=now - timedelta(days=900)
    )
    carer = services.provider_register(name="Carers A", kind="FOSTER_CARER", place_provider="PR1",
                                       postcode="SO14 0BE", urn="SC058592", by=sw, now=now)  # fmt: skip
    period = LookedAfterEpisode.objects.create(person=young, start_date=now.date() - timedelta(days=700))
    services.care_start(period=period, legal_status="V2", category_of_need="N4", placement=services.Placement("U6", carer),
                        home_postcode="SO14 0HU", by=sw, now=now)  # fmt: skip
    services.care_end(period=period, on=now.date() - timedelta(days=30), reason="E13", by=sw, now=now)
    permanence.care_leaver_update(person=young, personal_adviser=sw, by=sw, now=now)
    return young, sw


@pytest.mark.django_db
def test_care_leavers_page_and_pathway_plan_action(client, leaver, front_door):
    young, sw = leaver
    client.force_login(sw)
    page = client.get(reverse("lookedafter:care_leavers")).content.decode()
    assert "Sam Leaver" in page and "Relevant" in page and "Overdue" in page  # the plan was due 3 months after 16
    assert AuditEvent.objects.filter(person_id=young.pk).exists()
    today = timezone.localdate()
    url = reverse("lookedafter:child_action", args=[young.pk, "pathway"])
    client.post(url, {"pathway-held_date": today.strftime("%d/%m/%Y")})
    assert PathwayPlan.objects.get(person=young).completed_date == today
    child = client.get(reverse("lookedafter:child", args=[young.pk])).content.decode()
    assert "Leaving care" in child and "Pathway plan" in child
    outsider = make_user("police", "POLICE_SAFEGUARDING_OFFICER", front_door)
    client.force_login(outsider)
    assert client.get(reverse("lookedafter:care_leavers")).status_code in (200, 403)
    if client.get(reverse("lookedafter:care_leavers")).status_code == 200:
        assert "Sam Leaver" not in client.get(reverse("lookedafter:care_leavers")).content.decode()
