"""Pages: a LADO case is 'not found' to anyone not in the team or named; every page renders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safehub.pathways import services

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def case(dsl):
    now = timezone.now()
    return services.lado_refer(
        by=dsl, now=now, referred_at=now - timedelta(minutes=5), subject_name="Sam Coach", subject_role="Football coach",
        employer=None, employer_name="City Juniors FC", sector="SPORT", category="SEXUAL", summary="Messages to a player",
    )  # fmt: skip


def test_a_lado_case_is_not_found_for_someone_not_named(case, social_worker, mash_manager, analyst):
    for user in (social_worker, mash_manager, analyst):
        client = _client(user)
        assert client.get(reverse("pathways:lado_case", args=[case.pk])).status_code == 404
        assert client.post(reverse("pathways:lado_action", args=[case.pk, "consider"])).status_code == 404
        listing = client.get(reverse("pathways:lado_list"))
        assert listing.status_code == 200
        assert b"Sam Coach" not in listing.content and b"0 cases" in listing.content


def test_a_missing_case_and_a_hidden_case_answer_alike(case, social_worker):
    client = _client(social_worker)
    assert client.get(reverse("pathways:lado_case", args=[case.pk + 1000])).status_code == 404


def test_the_referrer_and_the_team_open_the_case(case, dsl, lado_officer):
    page = _client(dsl).get(reverse("pathways:lado_case", args=[case.pk]))
    assert page.status_code == 200 and b"Sam Coach" in page.content
    assert b"Record the initial consideration" not in page.content
    team_page = _client(lado_officer).get(reverse("pathways:lado_case", args=[case.pk]))
    assert b"Record the initial consideration" in team_page.content


def test_the_team_records_the_consideration_through_the_page(case, lado_officer):
    client = _client(lado_officer)
    now = timezone.localtime()
    response = client.post(
        reverse("pathways:lado_action", args=[case.pk, "consider"]),
        {
            "consider-considered_at": now.strftime("%d/%m/%Y %H:%M"),
            "consider-decision": "MEETING",
            "consider-rationale": "Met",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.decision == "MEETING"


def test_refer_form_creates_a_case(dsl):
    client = _client(dsl)
    response = client.post(
        reverse("pathways:lado_new"),
        {
            "referred_at": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
            "subject_name": "Pat Driver",
            "subject_role": "Escort",
            "employer_name": "Taxi firm",
            "sector": "TRANSPORT",
            "category": "EMOTIONAL",
            "summary": "Shouted at a child",
        },  # fmt: skip
    )
    assert response.status_code == 302


def test_pages_render_for_a_front_door_worker(mash_worker, fostered_child):
    now = timezone.now()
    arrangement = services.private_fostering_notify(
        person=fostered_child, by=mash_worker, now=now, notified_date=timezone.localdate(), notified_by_kind="CARER",
        carer_name="Grace", carer_relationship="Friend",
    )  # fmt: skip
    entry = services.education_register_add(
        person=fostered_child,
        by=mash_worker,
        now=now,
        kind="CME",
        reason="NOT_ON_ROLL",
        reported_date=timezone.localdate(),
    )
    link = services.marac_link_record(
        person=fostered_child, by=mash_worker, now=now, referred_date=timezone.localdate(), dash_score=15,
        professional_judgement=False,
    )  # fmt: skip
    client = _client(mash_worker)
    for url in [
        reverse("pathways:home"),
        reverse("pathways:pf_list"),
        reverse("pathways:pf", args=[arrangement.pk]),
        reverse("pathways:pf_new"),
        reverse("pathways:edu_list"),
        reverse("pathways:edu", args=[entry.pk]),
        reverse("pathways:edu_new"),
        reverse("pathways:marac_list"),
        reverse("pathways:marac", args=[link.pk]),
        reverse("pathways:marac_new"),
        reverse("pathways:lado_list"),
    ]:
        assert client.get(url).status_code == 200, url


def test_a_record_about_a_child_the_user_cannot_open_is_refused(mash_worker, dsl, fostered_child):
    arrangement = services.private_fostering_notify(
        person=fostered_child, by=mash_worker, now=timezone.now(), notified_date=timezone.localdate(),
        notified_by_kind="CARER", carer_name="Grace", carer_relationship="Friend",
    )  # fmt: skip
    response = _client(dsl).get(reverse("pathways:pf", args=[arrangement.pk]))
    assert response.status_code in (302, 403)  # break-glass offer or refusal, never the record


def test_measures_for_the_analyst_only(analyst, dsl):
    assert _client(analyst).get(reverse("pathways:measures")).status_code == 200
    assert _client(analyst).get(reverse("pathways:measures") + "?year=nonsense").status_code == 200
    assert _client(dsl).get(reverse("pathways:measures")).status_code == 403


def test_the_home_page_links_only_what_the_user_may_open(analyst):
    page = _client(analyst).get(reverse("pathways:home"))
    assert reverse("pathways:pf_list").encode() not in page.content
    assert reverse("pathways:lado_new").encode() not in page.content
    assert reverse("pathways:measures").encode() in page.content
