"""The new pages answer every role sensibly (200, 403 or 404, never 500) and open to the right people."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safehub.testing.factories import AgencyFactory, make_user

pytestmark = pytest.mark.django_db

PAGES = [
    "pathways:roll_list",
    "pathways:roll_review",
    "pathways:cpis_lookup",
    "pathways:cpis_recorded",
    "pathways:cpis_attendances",
    "pathways:missing_list",
    "frontdoor:health_visiting",
    "pathways:home",
]


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def everyone(dsl, mash_worker, mash_manager, nurse, police_officer, analyst, administrator, social_worker):
    navigator = make_user("icb.nav", "HEALTH_NAVIGATOR", AgencyFactory(kind="ICB", code="ICB9"))
    eydsl = make_user("ey.dsl", "DESIGNATED_SAFEGUARDING_LEAD", AgencyFactory(kind="EARLY_YEARS", code="EY9"))
    return {
        "dsl": dsl, "eydsl": eydsl, "mash_worker": mash_worker, "mash_manager": mash_manager, "nurse": nurse,
        "police": police_officer, "analyst": analyst, "admin": administrator, "social_worker": social_worker,
        "navigator": navigator,
    }  # fmt: skip


def test_every_new_page_answers_every_role_without_an_error(everyone):
    for name, user in everyone.items():
        client = _client(user)
        for page in PAGES:
            status = client.get(reverse(page)).status_code
            assert status in (200, 403, 404), (name, page, status)


def test_each_page_opens_to_those_it_is_for_and_no_one_else(everyone):
    expected = {
        "pathways:roll_list": {"dsl", "eydsl"},
        "pathways:roll_review": {"mash_worker", "mash_manager"},
        "pathways:cpis_lookup": {"nurse"},
        "pathways:cpis_attendances": {"mash_worker", "mash_manager", "social_worker"},
        "pathways:missing_list": {"mash_worker", "mash_manager", "social_worker"},
        "frontdoor:health_visiting": {"nurse", "navigator"},
    }
    for page, allowed in expected.items():
        opened = {name for name, user in everyone.items() if _client(user).get(reverse(page)).status_code == 200}
        assert opened == allowed, page


def test_a_setting_lead_sees_the_roll_link_on_the_pathways_page(everyone):
    body = _client(everyone["eydsl"]).get(reverse("pathways:home")).content.decode()
    assert reverse("pathways:roll_list") in body and reverse("pathways:cpis_lookup") not in body
    body = _client(everyone["nurse"]).get(reverse("pathways:home")).content.decode()
    assert reverse("pathways:cpis_lookup") in body and reverse("pathways:roll_list") not in body


def test_a_flag_lookup_is_posted_and_a_bad_upload_is_a_one_line_error(everyone):
    nurse = _client(everyone["nurse"])
    page = nurse.post(reverse("pathways:cpis_lookup"), {"nhs_number": "123"})
    assert page.status_code == 200 and b"not a valid NHS number" in page.content
    dsl = _client(everyone["dsl"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = dsl.post(reverse("pathways:roll_list"), {"file": SimpleUploadedFile("r.csv", b"\xff\xfe\x00junk")})
    assert page.status_code == 200 and b"There is a problem" in page.content


def test_the_front_door_convenes_the_strategy_discussion_a_missing_episode_prompts(everyone, police):
    from safehub.casework.models import MissingEpisode
    from safehub.pathways.models import MissingStrategyLink
    from safehub.testing.factories import PersonFactory

    episode = MissingEpisode.objects.create(
        person=PersonFactory(), started_at="2025-03-10T22:00:00Z", risk_level="HIGH"
    )
    url = reverse("pathways:missing_convene", args=[episode.pk])
    assert _client(everyone["nurse"]).get(url).status_code == 403  # health does not convene
    assert _client(everyone["social_worker"]).get(url).status_code == 302  # not involved: offered break-glass
    manager = everyone["mash_manager"]
    client = _client(manager)
    assert client.get(url).status_code == 200
    page = client.post(url, {"scheduled_at": "11/03/2025 10:00", "chair": manager.pk, "invite_police": "on"})
    assert page.status_code == 302
    link = MissingStrategyLink.objects.get()
    assert link.missing_episode == episode and link.meeting.chair == manager and link.meeting.reason == "MISSING"
    assert link.meeting.invites.get().agency == police


def test_only_the_front_door_manager_may_ask_for_the_cp_is_file(everyone):
    asked = {
        name
        for name, user in everyone.items()
        if _client(user).post(reverse("pathways:cpis_export")).status_code == 302
    }
    assert asked == {"mash_manager"}
    body = _client(everyone["mash_manager"]).get(reverse("pathways:home")).content.decode()
    assert f'action="{reverse("pathways:cpis_export")}"' in body
