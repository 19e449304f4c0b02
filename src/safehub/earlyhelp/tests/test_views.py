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


def test_a_specialist_joins_the_social_care_case_and_records_their_work(family, mash_worker, eh_manager, da_specialist):
    from safehub.casework.models import CaseEpisode
    from safehub.earlyhelp.models import SpecialistAttachment, SpecialistEntry
    from safehub.frontdoor.services import referral_create

    today = timezone.localdate()
    referral_create(contact=None, person=family["child"], referral_date=today, source="6", by=mash_worker,
                    now=timezone.now())  # fmt: skip
    case = CaseEpisode.objects.get(person=family["child"])
    url = reverse("earlyhelp:family_safeguarding", args=[family["child"].pk])
    response = _client(eh_manager).post(url, {
        "specialist-kind": "SUBSTANCE_MISUSE", "specialist-specialist": "da.specialist",
        "specialist-adult_id": family["mother"].pk, "specialist-started_date": today.strftime("%d/%m/%Y"),
    })  # fmt: skip
    assert response.status_code == 302
    attachment = SpecialistAttachment.objects.get()
    assert attachment.case_episode == case and attachment.early_help is None

    specialist = _client(da_specialist)
    assert specialist.get(url).status_code == 200  # the attachment gave their service the record
    done = specialist.post(reverse("earlyhelp:specialist_action", args=[attachment.pk, "entry"]), {
        "back": "family", "entry-kind": "TESTING", "entry-entry_date": today.strftime("%d/%m/%Y"),
        "entry-summary": "Hair strand test agreed with mum",
    })  # fmt: skip
    assert done.status_code == 302 and done.url == url
    assert SpecialistEntry.objects.get().kind == "TESTING"


def test_the_social_care_case_is_linked_only_for_those_who_may_open_it(family, mash_worker, eh_manager, dsl):
    """Found by the crawl: a nursery DSL's stepped-down episode linked to the case page she is refused."""
    from safehub.casework.models import CaseEpisode
    from safehub.frontdoor.services import referral_create

    today = timezone.localdate()
    referral_create(contact=None, person=family["child"], referral_date=today - timezone.timedelta(days=30),
                    source="6", by=mash_worker, now=timezone.now())  # fmt: skip
    CaseEpisode.objects.filter(person=family["child"]).update(primary_need="N1")
    services.step_down(
        case_episode=CaseEpisode.objects.get(person=family["child"]), by=eh_manager, now=timezone.now(),
        step_date=today, reasons="Needs met with support", lead_professional=dsl, close_case_reason="RC7",
    )  # fmt: skip
    episode = EarlyHelpEpisode.objects.get(person=family["child"])
    case_url = reverse("casework:case", args=[family["child"].pk]).encode()
    pages = [reverse("earlyhelp:episode", args=[episode.pk]),
             reverse("earlyhelp:family_safeguarding", args=[family["child"].pk])]  # fmt: skip
    for url in pages:
        dsl_page = _client(dsl).get(url)
        assert dsl_page.status_code == 200 and case_url not in dsl_page.content, url
    assert _client(dsl).get(case_url.decode()).status_code == 403
    manager_page = _client(eh_manager).get(pages[0])
    assert manager_page.status_code == 200 and case_url in manager_page.content
