"""Unborn children: expected date, pre-birth assessment, and the record carried to the child at birth."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safehub.casework import case_services, services, unborn
from safehub.casework.models import Assessment, CaseEpisode, ChildProtectionPlan
from safehub.core.models import AuditEvent
from safehub.people.models import Merge
from safehub.testing.factories import InvolvementFactory, PersonFactory, make_user

# Tuesday 27 May 2025, the day after the spring bank holiday.
NOW = datetime(2025, 5, 27, 10, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture
def social_worker(front_door):
    return make_user("sw.unborn", "SOCIAL_WORKER", front_door)


@pytest.fixture
def baby(front_door):
    person = PersonFactory(date_of_birth=None, expected_date_of_birth=date(2025, 7, 21), given_name="")
    InvolvementFactory(person=person, agency=front_door, started_at=NOW - timedelta(60))
    return person


def test_pre_birth_assessment_is_on_the_one_45_working_day_clock_and_warns_after_the_due_date(
    baby, social_worker, front_door
):
    case_services.episode_open(person=baby, referral_date=date(2025, 5, 2), source="3A", by=social_worker, now=NOW)
    assessment = unborn.pre_birth_assessment_start(person=baby, start_date=date(2025, 5, 6), by=social_worker, now=NOW)

    assert assessment.pre_birth and assessment.episode is not None
    # 45 working days from Tue 6 May 2025, skipping the 26 May bank holiday.
    assert assessment.due_date == date(2025, 7, 9)
    assert not unborn.pre_birth_due_after_birth(due=assessment.due_date, expected=baby.expected_date_of_birth)
    assert unborn.pre_birth_due_after_birth(due=assessment.due_date, expected=date(2025, 7, 8))
    born = PersonFactory(date_of_birth=date(2024, 1, 1))
    InvolvementFactory(person=born, agency=front_door, started_at=NOW - timedelta(1))
    with pytest.raises(ValidationError, match="unborn child"):
        unborn.pre_birth_assessment_start(person=born, start_date=date(2025, 5, 6), by=social_worker, now=NOW)


def test_expected_date_is_recorded_and_audited_only_for_an_unborn_child(baby, social_worker):
    unborn.expected_date_record(person=baby, expected_date_of_birth=date(2025, 8, 4), by=social_worker, now=NOW)
    baby.refresh_from_db()
    assert baby.expected_date_of_birth == date(2025, 8, 4)
    event = AuditEvent.objects.filter(person_id=baby.pk, details__has_key="expected_date_of_birth").get()
    assert event.details["expected_date_of_birth"] == ["2025-07-21", "2025-08-04"]
    with pytest.raises(ValidationError, match="within a year"):
        unborn.expected_date_record(person=baby, expected_date_of_birth=date(2027, 1, 1), by=social_worker, now=NOW)


def test_birth_on_the_same_record_keeps_the_case_and_plan(baby, social_worker):
    episode = case_services.episode_open(
        person=baby, referral_date=date(2025, 4, 1), source="3A", by=social_worker, now=NOW
    )
    plan = services.cp_plan_start(person=baby, start_date=date(2025, 5, 6), category="NEGLECT", by=social_worker,
                                  now=NOW)  # fmt: skip
    assert plan.unborn_at_start

    child = unborn.birth_record(unborn=baby, date_of_birth=date(2025, 5, 26), given_name="Ava", sex="F",
                                by=social_worker, now=NOW)  # fmt: skip

    child.refresh_from_db()
    assert (child.date_of_birth, child.expected_date_of_birth, child.given_name) == (date(2025, 5, 26), None, "Ava")
    assert child.pk == baby.pk and episode.person_id == child.pk and plan.person_id == child.pk
    assert AuditEvent.objects.filter(person_id=child.pk, details__born="2025-05-26").exists()
    with pytest.raises(ValidationError, match="not an unborn child"):
        unborn.birth_record(unborn=child, date_of_birth=date(2025, 5, 26), by=social_worker, now=NOW)


def test_birth_into_the_childs_own_record_carries_the_casework_and_merges(
    baby, social_worker, mash_manager, front_door
):
    episode = case_services.episode_open(
        person=baby, referral_date=date(2025, 4, 1), source="3A", by=social_worker, now=NOW
    )
    assessment = unborn.pre_birth_assessment_start(person=baby, start_date=date(2025, 4, 2), by=social_worker, now=NOW)
    plan = services.cp_plan_start(person=baby, start_date=date(2025, 5, 6), category="NEGLECT", by=social_worker,
                                  now=NOW)  # fmt: skip
    born = PersonFactory(date_of_birth=None, expected_date_of_birth=None, family_name="Jones", given_name="Ava")
    InvolvementFactory(person=born, agency=front_door, started_at=NOW - timedelta(1))

    with pytest.raises(PermissionDenied, match="front-door manager"):
        unborn.birth_record(unborn=baby, born=born, date_of_birth=date(2025, 5, 26), by=social_worker, now=NOW)
    child = unborn.birth_record(unborn=baby, born=born, date_of_birth=date(2025, 5, 26), by=mash_manager, now=NOW)

    assert child.pk == born.pk and child.date_of_birth == date(2025, 5, 26)
    for record in (episode, assessment, plan):
        record.refresh_from_db()
        assert record.person_id == born.pk
    assert Merge.objects.get(merged=baby).survivor == born
    moved = AuditEvent.objects.filter(person_id=born.pk, details__has_key="carried_over_from").get().details["moved"]
    assert moved["casework.CaseEpisode"] == [episode.pk] and moved["casework.Assessment"] == [assessment.pk]
    assert CaseEpisode.objects.get(pk=episode.pk).stage == "CHILD_PROTECTION"
    assert ChildProtectionPlan.objects.get(pk=plan.pk).unborn_at_start
    assert Assessment.objects.get(pk=assessment.pk).pre_birth


def test_birth_refuses_to_give_the_child_two_open_cases(baby, social_worker, mash_manager, front_door):
    born = PersonFactory(date_of_birth=date(2025, 5, 26))
    InvolvementFactory(person=born, agency=front_door, started_at=NOW - timedelta(1))
    for person in (baby, born):
        case_services.episode_open(person=person, referral_date=date(2025, 5, 1), source="3A", by=social_worker,
                                   now=NOW)  # fmt: skip
    with pytest.raises(ValidationError, match="Both records have an open case"):
        unborn.birth_record(unborn=baby, born=born, date_of_birth=date(2025, 5, 26), by=mash_manager, now=NOW)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        unborn.birth_record(unborn=baby, date_of_birth=date(2025, 5, 28), by=social_worker, now=NOW)
    assert CaseEpisode.objects.filter(person=baby).count() == 1 and not Merge.objects.exists()


def test_the_case_page_offers_the_unborn_actions_and_records_the_birth(client, baby, social_worker):
    from django.urls import reverse
    from django.utils import timezone

    today = timezone.localdate()
    baby.expected_date_of_birth = today + timedelta(days=20)
    baby.save()
    case_services.episode_open(person=baby, referral_date=today - timedelta(days=3), source="3A", by=social_worker,
                               now=timezone.now())  # fmt: skip
    client.force_login(social_worker)
    url = reverse("casework:case", args=[baby.pk])

    page = client.get(url).content.decode()
    assert "Start a pre-birth assessment" in page and "Record the birth" in page and "Start an assessment" not in page
    response = client.post(
        reverse("casework:case_action", args=[baby.pk, "pre_birth_assessment"]),
        {"pre_birth_assessment-start_date": (today - timedelta(days=1)).strftime("%d/%m/%Y")},
    )
    assert response.status_code == 302 and Assessment.objects.get(person=baby).pre_birth
    response = client.post(
        reverse("casework:case_action", args=[baby.pk, "birth"]),
        {"birth-date_of_birth": today.strftime("%d/%m/%Y"), "birth-given_name": "Ava", "birth-sex": "F"},
    )
    baby.refresh_from_db()
    assert response.status_code == 302 and baby.date_of_birth == today and baby.expected_date_of_birth is None
    assert "Record the birth" not in client.get(url).content.decode()
    bad = client.post(reverse("casework:case_action", args=[baby.pk, "birth"]), {"birth-date_of_birth": "x"})
    assert bad.status_code == 302  # a plain error on the page, never a 500
