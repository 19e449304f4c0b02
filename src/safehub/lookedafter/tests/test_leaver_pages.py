"""Care leavers' pages (the SSDA903 pre-submission page is tested in returns/ssda903/tests)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safehub.core.models import AuditEvent
from safehub.lookedafter.models import PathwayPlan
from safehub.testing.care_leavers import care_leaver
from safehub.testing.factories import CareLeaverFactory, InvolvementFactory, PersonFactory, make_user


@pytest.fixture
def leaver(front_door):
    return care_leaver(front_door)


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


@pytest.mark.django_db
def test_care_leavers_are_paged_and_filtered_by_overdue_pathway_and_missing_adviser(client, leaver, front_door):
    """Sam Leaver's pathway plan (due three months after turning 16) is overdue; 51 more leavers page it."""
    young, sw = leaver
    now = timezone.now()
    for i in range(51):
        person = PersonFactory(given_name=f"Leaver{i:02d}", family_name="Paged", date_of_birth=date(2006, 1, 1))
        InvolvementFactory(person=person, agency=front_door, started_at=now - timedelta(days=400))
        CareLeaverFactory(person=person, personal_adviser=None if i == 50 else sw)
    client.force_login(sw)
    page = client.get(reverse("lookedafter:care_leavers")).content.decode()
    assert "<strong>52</strong> care leavers you can see" in page and "Page 1 of 2" in page
    assert "Sam Leaver" in page and "Leaver50 Paged" not in page
    overdue = client.get(reverse("lookedafter:care_leavers"), {"show": "overdue"}).content.decode()
    assert "<strong>1</strong> care leaver you can see: pathway plan or review overdue" in overdue
    assert "Sam Leaver" in overdue and "Leaver00 Paged" not in overdue
    alone = client.get(reverse("lookedafter:care_leavers"), {"show": "no_adviser"}).content.decode()
    assert "Leaver50 Paged" in alone and "Sam Leaver" not in alone and "Leaver00 Paged" not in alone
    by_due = client.get(reverse("lookedafter:care_leavers"), {"sort": "pathway"}).content.decode()
    assert "Sam Leaver" in by_due
