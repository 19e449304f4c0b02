"""Pages: the caseload and the episode answer through the one access policy; actions fit the stage."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safehub.core.models import AuditEvent
from safehub.earlyhelp import services
from safehub.earlyhelp.models import EarlyHelpEpisode

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def episode(family, mash_worker, dsl, eh_team):
    return services.episode_open(
        child=family["child"], by=mash_worker, now=timezone.now(), origin="FRONT_DOOR",
        assessment_start_date=timezone.localdate() - timezone.timedelta(days=10), lead_professional=dsl,
        family=[(family["mother"], "PARENT")],
    )  # fmt: skip


def test_someone_with_no_involvement_cannot_open_the_episode_or_see_it_listed(episode, outsider, analyst):
    client = _client(outsider)
    page = client.get(reverse("earlyhelp:episode", args=[episode.pk]))
    assert page.status_code == 302 and "break-glass" in page.url.replace("_", "-") or page.status_code == 403
    listing = client.get(reverse("earlyhelp:home") + "?scope=all")
    assert listing.status_code == 200 and b"Mia" not in listing.content and b"0 families" in listing.content
    before = episode.meetings.count()
    client.post(reverse("earlyhelp:action", args=[episode.pk, "meeting"]),
                {"meeting-kind": "TAF", "meeting-held_date": timezone.localdate().strftime("%d/%m/%Y")})  # fmt: skip
    assert episode.meetings.count() == before
    assert _client(analyst).get(reverse("earlyhelp:home")).status_code == 403


def test_a_missing_episode_is_not_found(episode, eh_worker):
    assert _client(eh_worker).get(reverse("earlyhelp:episode", args=[episode.pk + 100])).status_code == 404


def test_the_lead_professionals_agency_and_the_team_open_it(episode, dsl, eh_worker):
    page = _client(dsl).get(reverse("earlyhelp:episode", args=[episode.pk]))
    assert page.status_code == 200 and b"Complete the assessment" in page.content
    assert b"Step up to children" not in page.content  # a school cannot refer on social care's behalf
    team = _client(eh_worker).get(reverse("earlyhelp:home"))
    assert team.status_code == 200 and b"Mia" in team.content
    assert AuditEvent.objects.filter(person_id=episode.person_id, actor=eh_worker, action="VIEW").exists()


def test_actions_follow_the_stage(episode, dsl, eh_manager):
    client = _client(dsl)
    today = timezone.localdate().strftime("%d/%m/%Y")
    client.post(reverse("earlyhelp:action", args=[episode.pk, "assessment"]), {
        "assessment-completed_date": today, "assessment-summary": "Needs", "assessment-plan_outcomes": "Plan",
    })  # fmt: skip
    episode.refresh_from_db()
    assert episode.assessment_completed_date == timezone.localdate()
    page = _client(eh_manager).get(reverse("earlyhelp:episode", args=[episode.pk]))
    assert b"Complete the assessment" not in page.content and b"Step up to children" in page.content


def test_step_down_page_is_for_social_care_only(dsl, eh_manager):
    assert _client(dsl).get(reverse("earlyhelp:step_down")).status_code == 403
    assert _client(eh_manager).get(reverse("earlyhelp:step_down")).status_code == 200


def test_every_demo_role_page_answers_without_error(episode, mash_manager, police_officer, nurse, administrator):
    for user in (mash_manager, police_officer, nurse, administrator):
        client = _client(user)
        for url in (reverse("earlyhelp:home"), reverse("earlyhelp:new"), reverse("earlyhelp:step_down"),
                    reverse("earlyhelp:episode", args=[episode.pk])):  # fmt: skip
            assert client.get(url).status_code in {200, 302, 403, 404}
    assert EarlyHelpEpisode.objects.count() == 1
