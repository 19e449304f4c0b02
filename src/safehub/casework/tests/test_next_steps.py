"""An authorised assessment's outcome starts its next step: a CIN plan, a strategy discussion, or closure."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from safehub.casework import case_services, next_steps, services
from safehub.casework.models import CaseStage, CINPlan, StrategyMeeting
from safehub.core.models import AuditEvent
from safehub.testing.factories import InvolvementFactory, make_user

# Tuesday 6 May 2025, the day after the early May bank holiday.
NOW = datetime(2025, 5, 6, 10, 0, tzinfo=UTC)


@pytest.fixture
def social_worker(front_door):
    return make_user("sw.next", "SOCIAL_WORKER", front_door)


@pytest.fixture
def case_child(front_door, child):
    InvolvementFactory(person=child, agency=front_door, started_at=NOW - timedelta(days=90))
    return child


def _authorised(child, by, outcome, *, on=date(2025, 5, 5), need="N1"):
    episode = case_services.episode_open(person=child, referral_date=date(2025, 3, 20), source="6", by=by, now=NOW)
    assessment = services.assessment_start(person=child, start_date=date(2025, 3, 21), by=by, now=NOW)
    done = services.assessment_authorise(
        assessment=assessment, authorised_date=on, factors=["21"], outcome=outcome, summary="", primary_need=need,
        by=by, now=NOW,
    )  # fmt: skip
    episode.refresh_from_db()
    return episode, done


def _audited(assessment) -> list[str]:
    return [
        e.details.get("next_step")
        for e in AuditEvent.objects.filter(object_id=str(assessment.pk)).order_by("pk")
        if e.details.get("next_step")
    ]


@pytest.mark.django_db
def test_cin_plan_outcome_opens_the_plan_on_the_authorisation_day_a_bank_holiday(case_child, social_worker):
    episode, assessment = _authorised(case_child, social_worker, "CIN_PLAN", on=date(2025, 5, 5))

    plan = CINPlan.objects.get(episode=episode)
    assert assessment.next_step.action == next_steps.CIN_PLAN_OPENED and assessment.next_step.object_id == plan.pk
    assert plan.start_date == date(2025, 5, 5) and plan.next_review_date == date(2025, 8, 5)
    assert episode.stage == CaseStage.CHILD_IN_NEED
    assert _audited(assessment) == [next_steps.CIN_PLAN_OPENED]


@pytest.mark.django_db
def test_section_47_outcome_convenes_the_strategy_discussion_and_warns_of_missing_partners(
    case_child, social_worker, police
):
    episode, assessment = _authorised(case_child, social_worker, "SECTION_47")

    meeting = StrategyMeeting.objects.get(person=case_child)
    assert assessment.next_step.action == next_steps.STRATEGY_CONVENED and assessment.next_step.object_id == meeting.pk
    assert meeting.chair == social_worker and meeting.scheduled_at == NOW
    assert {i.agency.kind for i in meeting.invites.select_related("agency")} == {"POLICE"}  # the only force
    assert "Not invited yet: health" in assessment.next_step.message
    assert episode.closure_date is None  # the case stays open for the enquiry
    # Authorising another s47 outcome does not convene a second discussion.
    step = next_steps.assessment_next_step(assessment=assessment, by=social_worker, now=NOW)
    assert step.action == next_steps.STRATEGY_ALREADY_CONVENED and StrategyMeeting.objects.count() == 1


@pytest.mark.django_db
def test_section_47_outcome_is_offered_to_someone_who_may_not_chair(case_child, social_worker, mash_worker):
    _, assessment = _authorised(case_child, social_worker, "CIN_PLAN")
    assessment.outcome = "SECTION_47"
    step = next_steps.assessment_next_step(assessment=assessment, by=mash_worker, now=NOW)
    assert step.action == next_steps.STRATEGY_OFFERED and not StrategyMeeting.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("outcome", "reason"), [("NFA", "RC8"), ("EARLY_HELP", "RC9")])
def test_no_further_action_and_early_help_close_the_case_after_the_assessment(
    case_child, social_worker, outcome, reason
):
    episode, assessment = _authorised(case_child, social_worker, outcome, on=date(2025, 4, 22))  # after Easter

    assert assessment.next_step.action == next_steps.CASE_CLOSED
    assert (episode.closure_date, episode.closure_reason, episode.stage) == (date(2025, 4, 22), reason, "CLOSED")
    assert _audited(assessment) == [next_steps.CASE_CLOSED]


@pytest.mark.django_db
def test_closure_is_refused_while_other_work_is_open_and_the_authorisation_stands(case_child, social_worker):
    episode = case_services.episode_open(
        person=case_child, referral_date=date(2025, 3, 20), source="6", by=social_worker, now=NOW
    )
    first = services.assessment_start(person=case_child, start_date=date(2025, 3, 21), by=social_worker, now=NOW)
    services.assessment_start(person=case_child, start_date=date(2025, 3, 24), by=social_worker, now=NOW)
    done = services.assessment_authorise(
        assessment=first, authorised_date=date(2025, 4, 17), factors=["21"], outcome="NFA", summary="",
        primary_need="N4", by=social_worker, now=NOW,
    )  # fmt: skip

    episode.refresh_from_db()
    assert done.authorised_date == date(2025, 4, 17) and episode.closure_date is None
    assert done.next_step.action == next_steps.CLOSURE_REFUSED
    assert "while an assessment is open" in done.next_step.message
