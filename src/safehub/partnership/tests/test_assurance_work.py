"""Audits (sampling, answers, grading), training and briefings, self-assessments and escalations."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safehub.core.calendar import UK
from safehub.partnership.audits import selectors as audits_selectors
from safehub.partnership.audits import services as audits_services
from safehub.partnership.dashboard import selectors as dashboard_selectors
from safehub.partnership.escalations import selectors as escalations_selectors
from safehub.partnership.escalations import services as escalations_services
from safehub.partnership.learning import selectors as learning_selectors
from safehub.partnership.learning import services as learning_services
from safehub.partnership.models import AuditStatus, BriefingRead, Escalation, Rating, SelfAssessmentRating
from safehub.partnership.self_assessment import selectors as self_assessment_selectors
from safehub.partnership.self_assessment import services as self_assessment_services
from safehub.testing.factories import InvolvementFactory, PersonFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def involved_people(police):
    people = PersonFactory.create_batch(6)
    for i, person in enumerate(people):
        InvolvementFactory(
            person=person,
            agency=police,
            kind="PROFESSIONAL" if i < 5 else "REFERRER",
            started_at=datetime(2024, 11, 1 + i, tzinfo=UTC),
        )
    return people


def test_sampler_takes_any_queryset_and_is_reproducible(involved_people):
    from safehub.people.models import Person

    qs = Person.objects.all()
    first = audits_selectors.sample_cases(qs, size=3, rng=random.Random(7))
    again = audits_selectors.sample_cases(qs, size=3, rng=random.Random(7))
    assert first == again and len(first) == 3
    assert len(audits_selectors.sample_cases(qs, size=50, rng=random.Random(1))) == 6


def test_criteria_filter_by_kind_agency_and_period(involved_people, police, hospital):
    crit = audits_selectors.SampleCriteria(
        involvement_kind="PROFESSIONAL",
        agency_id=police.pk,
        started_from=date(2024, 11, 2),
        started_to=date(2024, 11, 4),
    )
    assert set(audits_selectors.people_matching(crit)) == set(involved_people[1:4])
    assert not audits_selectors.people_matching(audits_selectors.SampleCriteria(agency_id=hospital.pk)).exists()


def test_audit_sample_answers_and_grades(involved_people, manager, police, police_officer, nurse, hospital):
    item = audits_services.audit_plan(
        title="Exploitation risk assessments",
        tool="CERAF",
        planned_date=date(2024, 11, 1),
        by=manager,
        now=NOW,
        agencies=[police],
    )
    cases = audits_services.audit_draw_sample(
        audit_item=item,
        criteria=audits_selectors.SampleCriteria(involvement_kind="PROFESSIONAL", agency_id=police.pk),
        size=3,
        by=manager,
        now=NOW,
        seed=1,
    )
    assert len(cases) == 3 and item.status == AuditStatus.SAMPLED
    with pytest.raises(ValidationError):
        audits_services.audit_draw_sample(
            audit_item=item, criteria=audits_selectors.SampleCriteria(), size=3, by=manager, now=NOW
        )

    answers = {code: "Yes, recorded" for code, _ in item.questions}
    with pytest.raises(ValidationError):
        audits_services.audit_answer(
            case=cases[0], answers={**answers, "timely": ""}, grade="GOOD", by=police_officer, now=NOW
        )
    audits_services.audit_answer(case=cases[0], answers=answers, grade="GOOD", by=police_officer, now=NOW)
    audits_services.audit_answer(
        case=cases[0], answers=answers, grade="REQUIRES_IMPROVEMENT", by=police_officer, now=NOW
    )
    assert cases[0].returns.get().grade == "REQUIRES_IMPROVEMENT"  # answered again, replaced
    with pytest.raises(PermissionDenied):  # the hospital is not taking part
        audits_services.audit_answer(case=cases[0], answers=answers, grade="GOOD", by=nurse, now=NOW)

    audits_services.audit_finding_add(
        audit_item=item, kind="IMPROVEMENT", theme="EXPLOITATION", text="Silo working", by=manager, now=NOW
    )
    audits_services.audit_complete(
        audit_item=item, findings="Agencies worked in silos", learning="CERAF training", by=manager, now=NOW
    )
    data = dashboard_selectors.dashboard(user=manager, now=NOW)
    assert data["findings_by_theme"] == [{"theme": "Exploitation", "strength": 0, "improve": 1}]
    detail = audits_selectors.audit_detail(user=manager, audit_item=item, now=NOW)
    assert ("Requires improvement", 1) in detail["grades"]
    with pytest.raises(ValidationError):
        audits_services.audit_answer(case=cases[1], answers=answers, grade="GOOD", by=police_officer, now=NOW)


def test_agency_sees_only_its_own_audit_answers(involved_people, manager, police, hospital, police_officer, nurse):
    item = audits_services.audit_plan(
        title="Neglect", tool="NEGLECT", planned_date=date(2025, 1, 1), by=manager, now=NOW
    )
    [case] = audits_services.audit_draw_sample(
        audit_item=item, criteria=audits_selectors.SampleCriteria(agency_id=police.pk), size=1, by=manager, now=NOW
    )
    answers = {code: "Partly" for code, _ in item.questions}
    audits_services.audit_answer(case=case, answers=answers, grade="GOOD", by=police_officer, now=NOW)
    audits_services.audit_answer(case=case, answers=answers, grade="INADEQUATE", by=nurse, now=NOW)
    mine = audits_selectors.audit_detail(user=nurse, audit_item=item, now=NOW)["cases"][0]["returns"]
    assert [r["agency"] for r in mine] == [hospital.name]
    assert len(audits_selectors.audit_detail(user=manager, audit_item=item, now=NOW)["cases"][0]["returns"]) == 2


def test_training_attendance_evaluation_and_reach(manager, police_officer, nurse, police):
    course = learning_services.course_create(by=manager, now=NOW, title="CERAF completion", theme="EXPLOITATION")
    event = learning_services.event_schedule(
        course=course, starts_at=NOW - timedelta(days=3), by=manager, now=NOW, capacity=2
    )
    learning_services.attendance_record(
        event=event, attendee_name="PC Jones", job_role="Officer", usefulness=5, by=police_officer, now=NOW
    )
    with pytest.raises(PermissionDenied):
        learning_services.attendance_record(
            event=event, attendee_name="X", job_role="Officer", agency=police, by=nurse, now=NOW
        )
    learning_services.attendance_record(
        event=event, attendee_name="Nurse Ali", job_role="Nurse", usefulness=2, by=nurse, now=NOW
    )
    with pytest.raises(ValidationError):  # full
        learning_services.attendance_record(event=event, attendee_name="Late", job_role="Nurse", by=nurse, now=NOW)
    with pytest.raises(ValidationError):
        learning_services.attendance_record(
            event=event, attendee_name="Bad", job_role="x", usefulness=6, by=manager, now=NOW
        )
    data = learning_selectors.training_overview(user=manager, now=NOW)
    assert data["attendance"] == 2 and data["agencies_reached"] == 2
    assert data["useful_pct"] == 50
    assert data["courses"][0]["check_due"] is True
    learning_services.quality_check_record(
        course=course,
        reflects_legislation=True,
        reflects_local_policy=True,
        includes_review_learning=False,
        by=manager,
        now=NOW,
    )
    row = learning_selectors.training_overview(user=manager, now=NOW)["courses"][0]
    assert row["passed"] is False and row["check_due"] is False


def test_briefing_read_receipts_once_per_person(manager, police_officer):
    briefing = learning_services.briefing_publish(
        title="Private fostering", theme="VOICE", body="Seven things", by=manager, now=NOW
    )
    learning_services.briefing_mark_read(briefing=briefing, by=police_officer, now=NOW)
    learning_services.briefing_mark_read(briefing=briefing, by=police_officer, now=NOW + timedelta(hours=1))
    assert BriefingRead.objects.filter(briefing=briefing).count() == 1
    assert learning_selectors.briefing_reads_by_agency(briefing=briefing) == [("Police", 1)]
    with pytest.raises(PermissionDenied):
        learning_services.briefing_publish(title="x", theme="VOICE", body="x", by=police_officer, now=NOW)


def test_section_11_return_own_agency_and_themes_across_agencies(manager, police, hospital, police_officer, nurse):
    cycle = self_assessment_services.cycle_open(
        kind="SECTION_11",
        year="2025-26",
        cycle_year=1,
        opens_date=date(2025, 4, 1),
        due_date=date(2025, 6, 30),
        agencies=[police, hospital],
        by=manager,
        now=NOW,
    )
    police_return = cycle.returns.get(agency=police)
    ratings = {code: (Rating.MET, "") for code, _ in cycle.standards}
    with pytest.raises(PermissionDenied):
        self_assessment_services.self_assessment_submit(sa_return=police_return, ratings=ratings, by=nurse, now=NOW)
    with pytest.raises(ValidationError):  # partly met needs evidence of the gap
        self_assessment_services.self_assessment_submit(
            sa_return=police_return, ratings={**ratings, "S11": (Rating.PARTLY_MET, "")}, by=police_officer, now=NOW
        )
    self_assessment_services.self_assessment_submit(
        sa_return=police_return,
        ratings={**ratings, "S11": (Rating.NOT_MET, "Policy silent on disabled children")},
        by=police_officer,
        now=NOW,
    )
    assert SelfAssessmentRating.objects.filter(self_assessment=police_return).count() == 11
    s11 = {s["code"]: s for s in self_assessment_selectors.cycle_detail(user=manager, cycle=cycle)["standards"]}
    assert s11["S11"]["not_met"] == 1 and s11["S1"]["met"] == 1


def test_escalation_stages_and_working_days_to_resolve(
    police_officer, nurse, police, hospital, front_door, mash_worker
):
    raised = datetime(2025, 4, 17, 10, 0, tzinfo=UK)  # before Easter
    item = escalations_services.escalation_raise(
        raised_with_agency=hospital,
        raised_by_name="DC Smith",
        concern="No health information shared",
        by=police_officer,
        now=raised,
    )
    assert item.stage == 1
    with pytest.raises(PermissionDenied):  # not a party
        escalations_services.escalation_escalate(escalation=item, by=mash_worker, now=raised)
    for _ in range(3):
        escalations_services.escalation_escalate(escalation=item, by=nurse, now=raised)
    assert Escalation.objects.get(pk=item.pk).stage == 4
    with pytest.raises(ValidationError):
        escalations_services.escalation_escalate(escalation=item, by=nurse, now=raised)
    escalations_services.escalation_resolve(
        escalation=item,
        outcome="AGREED",
        note="Navigator capacity added",
        by=nurse,
        now=datetime(2025, 4, 24, 10, 0, tzinfo=UK),
    )
    [row] = escalations_selectors.escalation_list(user=police_officer, now=NOW)
    assert row["working_days"] == 3  # 22, 23 and 24 April: Good Friday and Easter Monday do not count
    assert escalations_selectors.escalation_list(user=mash_worker, now=NOW) == []


def test_escalation_cannot_be_raised_with_own_agency(police_officer, police):
    with pytest.raises(ValidationError):
        escalations_services.escalation_raise(
            raised_with_agency=police, raised_by_name="DC", concern="x", by=police_officer, now=NOW
        )
