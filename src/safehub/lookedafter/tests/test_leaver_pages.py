"""Care leavers' pages (the SSDA903 pre-submission page is tested in returns/ssda903/tests)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from safehub.core.models import AuditEvent
from safehub.lookedafter.models import PathwayPlan
from safehub.testing.care_leavers import care_leaver
from safehub.testing.factories import make_user


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
