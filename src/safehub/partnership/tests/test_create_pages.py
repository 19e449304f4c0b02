"""The partnership manager's pages for creating audits, training, briefings, cycles, inspections and
self-assessment recommendations: each works for the manager, is refused to others, and a bad form
keeps what was typed, shows the error at the field and saves nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safehub.partnership.audits import services as audits_services
from safehub.partnership.learning import services as learning_services
from safehub.partnership.models import (
    AuditStatus,
    Briefing,
    Inspection,
    MultiAgencyAudit,
    Recommendation,
    SelfAssessmentCycle,
    TrainingAttendance,
    TrainingCourse,
    TrainingEvent,
    TrainingQualityCheck,
)
from safehub.partnership.self_assessment import services as self_assessment_services
from safehub.testing.factories import InvolvementFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _error_at(response, field: str) -> bool:
    """The GOV.UK error message sits at the field (and the summary links to it)."""
    body = response.content.decode()
    return f'id="id_{field}-error"' in body and f'href="#id_{field}"' in body


def _day(d: date) -> str:
    return d.strftime("%d/%m/%Y")


@pytest.fixture
def course(manager, now):
    return learning_services.course_create(by=manager, now=now, title="Neglect toolkit", theme="NEGLECT")


@pytest.fixture
def event(manager, course, now):
    return learning_services.event_schedule(
        course=course, starts_at=timezone.now() + timedelta(days=7), by=manager, now=now
    )


@pytest.fixture
def submitted_return(manager, police, police_officer, now):
    cycle = self_assessment_services.cycle_open(
        kind="SECTION_11",
        year="2025-26",
        cycle_year=1,
        opens_date=date(2025, 4, 1),
        due_date=date(2025, 6, 30),
        agencies=[police],
        by=manager,
        now=now,
    )
    sa_return = cycle.returns.get()
    ratings = {code: ("MET", "") for code, _ in cycle.standards}
    ratings["S5"] = ("NOT_MET", "Only half of officers trained")
    self_assessment_services.self_assessment_submit(sa_return=sa_return, ratings=ratings, by=police_officer, now=now)
    return sa_return


# --- Buttons on the list pages -----------------------------------------------------------------

LIST_BUTTONS = [
    ("partnership:audits", "partnership:audit_plan"),
    ("partnership:training", "partnership:course_create"),
    ("partnership:training", "partnership:event_schedule"),
    ("partnership:briefings", "partnership:briefing_publish"),
    ("partnership:cycles", "partnership:cycle_open"),
    ("partnership:inspections", "partnership:inspection_record"),
]


@pytest.mark.parametrize(("page", "target"), LIST_BUTTONS)
def test_create_buttons_are_shown_to_the_manager_only(client, manager, police_officer, page, target):
    client.force_login(manager)
    assert f'href="{reverse(target)}"' in client.get(reverse(page)).content.decode()
    client.force_login(police_officer)
    assert f'href="{reverse(target)}"' not in client.get(reverse(page)).content.decode()


@pytest.mark.parametrize(
    "name", ["audit_plan", "course_create", "event_schedule", "briefing_publish", "cycle_open", "inspection_record"]
)
def test_create_pages_are_refused_to_a_non_manager(client, police_officer, course, name):
    client.force_login(police_officer)
    url = reverse(f"partnership:{name}")
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "Anything"}).status_code == 403


def test_create_pages_render_for_the_manager(client, manager, course):
    client.force_login(manager)
    for name in ("audit_plan", "course_create", "event_schedule", "briefing_publish", "cycle_open"):
        assert client.get(reverse(f"partnership:{name}")).status_code == 200, name
    assert "Neglect toolkit (Neglect)</option>" in client.get(reverse("partnership:event_schedule")).content.decode()
    assert client.get(reverse("partnership:inspection_record")).status_code == 200
    assert client.get(reverse("partnership:quality_check", args=[course.pk])).status_code == 200


# --- Audits ------------------------------------------------------------------------------------


def test_manager_plans_an_audit(client, manager, police, hospital):
    client.force_login(manager)
    response = client.post(
        reverse("partnership:audit_plan"),
        {
            "title": "Exploitation deep dive",
            "tool": "CERAF",
            "priority": "CSA_EXPLOITATION",
            "planned_date": "01/09/2025",
            "agencies": [police.pk, hospital.pk],
        },
    )
    item = MultiAgencyAudit.objects.get(title="Exploitation deep dive")
    assert response.status_code == 302 and response.url == reverse("partnership:audit_detail", args=[item.pk])
    assert item.planned_date == date(2025, 9, 1) and item.created_by == manager
    assert set(item.agencies.values_list("pk", flat=True)) == {police.pk, hospital.pk}
    detail = client.get(response.url).content.decode()
    assert reverse("partnership:audit_sample", args=[item.pk]) in detail


def test_bad_audit_plan_keeps_what_was_typed_and_saves_nothing(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("partnership:audit_plan"), {"title": "Neglect audit", "tool": "", "planned_date": "31/02/2025"}
    )
    assert response.status_code == 200
    assert _error_at(response, "tool") and _error_at(response, "planned_date")
    body = response.content.decode()
    assert "Choose the audit tool" in body and "Enter a real date, like 27/03/2019" in body
    assert 'value="Neglect audit"' in body
    assert not MultiAgencyAudit.objects.exists()


@pytest.fixture
def planned_audit(manager, now):
    return audits_services.audit_plan(
        title="Referrals audit", tool="REFERRALS", planned_date=date(2025, 5, 1), by=manager, now=now
    )


def test_manager_draws_the_sample_by_criteria(client, manager, police, hospital, planned_audit, now):
    matching = [PersonFactory() for _ in range(4)]
    for person in matching:
        InvolvementFactory(person=person, agency=police, kind="REFERRER", started_at=now - timedelta(days=30))
    other = PersonFactory()
    InvolvementFactory(person=other, agency=hospital, kind="REFERRER", started_at=now - timedelta(days=30))
    client.force_login(manager)
    url = reverse("partnership:audit_sample", args=[planned_audit.pk])
    response = client.post(
        url,
        {
            "involvement_kind": "REFERRER",
            "agency": police.pk,
            "started_from": _day(now.date() - timedelta(days=60)),
            "started_to": _day(now.date()),
            "size": "3",
            "seed": "42",
        },
    )
    assert response.status_code == 302
    planned_audit.refresh_from_db()
    assert planned_audit.status == AuditStatus.SAMPLED
    sampled = set(planned_audit.cases.values_list("person_id", flat=True))
    assert len(sampled) == 3 and sampled <= {p.pk for p in matching}
    assert planned_audit.sample_criteria["seed"] == 42 and planned_audit.sample_criteria["agency_id"] == police.pk
    detail = client.get(response.url).content.decode()
    assert "3 cases sampled (draw number 42)" in detail and "Case 3" in detail
    assert url not in detail  # the sample is drawn once


def test_sample_with_no_matches_shows_the_error_and_keeps_the_criteria(client, manager, planned_audit):
    client.force_login(manager)
    url = reverse("partnership:audit_sample", args=[planned_audit.pk])
    response = client.post(url, {"involvement_kind": "ENQUIRY", "size": "10", "seed": "7"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "No records match these criteria" in body and 'value="ENQUIRY" selected' in body
    assert not planned_audit.cases.exists()


def test_bad_sample_form_shows_errors_at_the_fields(client, manager, planned_audit):
    client.force_login(manager)
    url = reverse("partnership:audit_sample", args=[planned_audit.pk])
    response = client.post(url, {"size": "0", "started_from": "01/05/2025", "started_to": "01/04/2025"})
    assert response.status_code == 200
    assert _error_at(response, "size") and _error_at(response, "started_to")
    assert not planned_audit.cases.exists()


def test_sample_is_refused_to_a_non_manager(client, police_officer, planned_audit):
    client.force_login(police_officer)
    url = reverse("partnership:audit_sample", args=[planned_audit.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"size": "5"}).status_code == 403
    assert not planned_audit.cases.exists()


# --- Training ----------------------------------------------------------------------------------


def test_manager_adds_a_course(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("partnership:course_create"),
        {"title": "Transitions to adulthood", "theme": "TRANSITIONS", "priority": "", "provider": "LSP"},
    )
    assert response.status_code == 302
    course = TrainingCourse.objects.get(title="Transitions to adulthood")
    assert course.provider == "LSP" and course.priority == ""
    assert "Transitions to adulthood" in client.get(reverse("partnership:training")).content.decode()


def test_bad_course_form_shows_the_error_and_saves_nothing(client, manager):
    client.force_login(manager)
    response = client.post(reverse("partnership:course_create"), {"title": "", "theme": "", "provider": "LSP"})
    assert response.status_code == 200
    assert _error_at(response, "title") and _error_at(response, "theme") and 'value="LSP"' in response.content.decode()
    assert not TrainingCourse.objects.exists()


def test_manager_schedules_an_event(client, manager, course):
    client.force_login(manager)
    day = timezone.localdate() + timedelta(days=14)
    response = client.post(
        reverse("partnership:event_schedule"),
        {"course": course.pk, "starts_on": _day(day), "starts_time": "09:30", "venue": "Town Hall", "capacity": "25"},
    )
    event = TrainingEvent.objects.get()
    assert response.status_code == 302 and response.url == reverse("partnership:event_detail", args=[event.pk])
    from safehub.core.calendar import UK

    local = event.starts_at.astimezone(UK)
    assert (local.date(), local.hour, local.minute) == (day, 9, 30)
    assert event.capacity == 25 and event.venue == "Town Hall"
    training = client.get(reverse("partnership:training")).content.decode()
    assert "Coming up" in training and reverse("partnership:event_detail", args=[event.pk]) in training


def test_bad_event_form_shows_errors_and_saves_nothing(client, manager, course):
    client.force_login(manager)
    response = client.post(
        reverse("partnership:event_schedule"),
        {"course": course.pk, "starts_on": "", "starts_time": "25:99", "venue": "Town Hall", "capacity": "0"},
    )
    assert response.status_code == 200
    assert _error_at(response, "starts_on") and _error_at(response, "starts_time") and _error_at(response, "capacity")
    assert 'value="Town Hall"' in response.content.decode()
    assert not TrainingEvent.objects.exists()


def test_manager_records_a_quality_check(client, manager, course):
    client.force_login(manager)
    response = client.post(
        reverse("partnership:quality_check", args=[course.pk]),
        {
            "reflects_legislation": "yes",
            "reflects_local_policy": "yes",
            "includes_review_learning": "no",
            "note": "Add learning from Lily",
        },
    )
    assert response.status_code == 302
    check = TrainingQualityCheck.objects.get(course=course)
    assert not check.passed and check.checked_by == manager and check.note == "Add learning from Lily"
    assert "Needs updating" in client.get(reverse("partnership:training")).content.decode()


def test_quality_check_is_refused_to_a_non_manager_and_needs_every_answer(client, manager, police_officer, course):
    url = reverse("partnership:quality_check", args=[course.pk])
    client.force_login(police_officer)
    assert client.get(url).status_code == 403
    assert client.post(url, {"reflects_legislation": "yes"}).status_code == 403
    client.force_login(manager)
    response = client.post(url, {"reflects_legislation": "yes", "note": "Half done"})
    assert response.status_code == 200
    assert _error_at(response, "reflects_local_policy") and _error_at(response, "includes_review_learning")
    assert "Half done" in response.content.decode()
    assert not TrainingQualityCheck.objects.exists()


def test_manager_records_attendance_for_any_agency(client, manager, police, event):
    client.force_login(manager)
    url = reverse("partnership:event_detail", args=[event.pk])
    assert 'id="id_agency"' in client.get(url).content.decode()
    response = client.post(
        url, {"attendee_name": "PC Amy Lee", "agency": police.pk, "job_role": "Constable", "usefulness": "5"}
    )
    assert response.status_code == 302
    attendance = TrainingAttendance.objects.get()
    assert attendance.agency == police and attendance.usefulness == 5


def test_attendance_form_errors_stay_at_the_field(client, manager, event):
    client.force_login(manager)
    url = reverse("partnership:event_detail", args=[event.pk])
    response = client.post(url, {"attendee_name": "PC Amy Lee", "job_role": ""})
    assert response.status_code == 200
    assert _error_at(response, "agency") and _error_at(response, "job_role")
    assert 'value="PC Amy Lee"' in response.content.decode()
    assert not TrainingAttendance.objects.exists()


def test_members_record_only_their_own_agency_and_others_are_refused(
    client, police_officer, police, hospital, administrator, event
):
    url = reverse("partnership:event_detail", args=[event.pk])
    client.force_login(police_officer)
    assert 'id="id_agency"' not in client.get(url).content.decode()
    client.post(url, {"attendee_name": "DC Ray", "agency": hospital.pk, "job_role": "Detective"})
    assert TrainingAttendance.objects.get().agency == police  # the agency choice is the manager's only
    client.force_login(administrator)
    assert client.post(url, {"attendee_name": "Admin", "job_role": "Admin"}).status_code == 403
    assert TrainingAttendance.objects.count() == 1


# --- Briefings, cycles, inspections ------------------------------------------------------------


def test_manager_publishes_a_briefing(client, manager, child_referral):
    client.force_login(manager)
    response = client.post(
        reverse("partnership:briefing_publish"),
        {
            "title": "Lily: seven things",
            "kind": "SEVEN_MINUTE",
            "theme": "NEGLECT",
            "review": child_referral.pk,
            "body": "1. Background",
        },
    )
    briefing = Briefing.objects.get()
    assert response.status_code == 302 and response.url == reverse("partnership:briefing_detail", args=[briefing.pk])
    assert briefing.review == child_referral


def test_bad_briefing_shows_the_error_and_saves_nothing(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("partnership:briefing_publish"), {"title": "Half", "kind": "SEVEN_MINUTE", "theme": "NEGLECT"}
    )
    assert response.status_code == 200 and _error_at(response, "body")
    assert 'value="Half"' in response.content.decode()
    assert not Briefing.objects.exists()


def test_manager_opens_a_cycle(client, manager, police, school):
    client.force_login(manager)
    response = client.post(
        reverse("partnership:cycle_open"),
        {
            "kind": "SECTION_175",
            "year": "2025-26",
            "cycle_year": "1",
            "opens_date": "01/09/2025",
            "due_date": "31/10/2025",
            "agencies": [school.pk],
        },
    )
    cycle = SelfAssessmentCycle.objects.get()
    assert response.status_code == 302 and response.url == reverse("partnership:cycle_detail", args=[cycle.pk])
    assert list(cycle.returns.values_list("agency_id", flat=True)) == [school.pk]


def test_bad_cycle_shows_errors_at_the_fields_and_saves_nothing(client, manager, police):
    client.force_login(manager)
    response = client.post(
        reverse("partnership:cycle_open"),
        {
            "kind": "SECTION_11",
            "year": "2025-27",
            "cycle_year": "1",
            "opens_date": "01/09/2025",
            "due_date": "01/08/2025",
        },
    )
    assert response.status_code == 200
    assert _error_at(response, "year") and _error_at(response, "due_date") and _error_at(response, "agencies")
    assert 'value="2025-27"' in response.content.decode()
    assert not SelfAssessmentCycle.objects.exists()


def test_duplicate_cycle_is_refused_by_the_service_without_losing_the_form(client, manager, police, now):
    self_assessment_services.cycle_open(
        kind="SECTION_11",
        year="2025-26",
        cycle_year=1,
        opens_date=date(2025, 4, 1),
        due_date=date(2025, 6, 30),
        agencies=[police],
        by=manager,
        now=now,
    )
    client.force_login(manager)
    response = client.post(
        reverse("partnership:cycle_open"),
        {
            "kind": "SECTION_11",
            "year": "2025-26",
            "cycle_year": "2",
            "opens_date": "01/09/2025",
            "due_date": "31/10/2025",
            "agencies": [police.pk],
        },
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert SelfAssessmentCycle.objects.count() == 1


def test_manager_records_an_inspection(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("partnership:inspection_record"),
        {
            "title": "JTAI: domestic abuse",
            "kind": "JTAI",
            "inspectorates": "Ofsted, CQC, HMICFRS",
            "started_date": "03/03/2025",
            "ended_date": "07/03/2025",
            "action_plan_due_date": "30/06/2025",
        },
    )
    assert response.status_code == 302 and response.url == reverse("partnership:inspections")
    inspection = Inspection.objects.get()
    assert inspection.action_plan_due_date == date(2025, 6, 30) and inspection.letter_published_date is None
    assert "JTAI: domestic abuse" in client.get(response.url).content.decode()


def test_bad_inspection_shows_the_error_at_the_field_and_saves_nothing(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("partnership:inspection_record"),
        {
            "title": "JTAI",
            "kind": "JTAI",
            "inspectorates": "Ofsted",
            "started_date": "07/03/2025",
            "ended_date": "03/03/2025",
        },
    )
    assert response.status_code == 200 and _error_at(response, "ended_date")
    assert not Inspection.objects.exists()


# --- A self-assessment return's weaknesses into the action plan --------------------------------


def test_manager_adds_a_recommendation_from_a_return(client, manager, police, submitted_return):
    client.force_login(manager)
    cycle_url = reverse("partnership:cycle_detail", args=[submitted_return.cycle_id])
    add_url = reverse("partnership:recommendation_add", args=["return", submitted_return.pk])
    assert add_url in client.get(cycle_url).content.decode()
    page = client.get(add_url).content.decode()
    assert "S5 Training on safeguarding for all staff working with children: Not met" in page
    assert "Only half of officers trained" in page
    response = client.post(
        add_url,
        {"kind": "AREA_FOR_IMPROVEMENT", "text": "Train every officer by March", "lead_agency": police.pk},
    )
    assert response.status_code == 302 and response.url == cycle_url
    rec = Recommendation.objects.get()
    assert rec.self_assessment == submitted_return and rec.number == 1
    assert rec.source_label == "Self-assessment: Police"
    detail = client.get(cycle_url).content.decode()
    assert "Action plan: Police" in detail and "Train every officer by March" in detail

    action = client.post(
        reverse("partnership:action_add", args=[rec.pk]),
        {"description": "Book sessions", "agency": police.pk, "owner_name": "Insp Cole", "due_date": "31/03/2026"},
    )
    assert action.status_code == 302 and action.url == cycle_url


def test_return_recommendation_is_refused_to_others_and_a_bad_form_saves_nothing(
    client, manager, police_officer, submitted_return
):
    add_url = reverse("partnership:recommendation_add", args=["return", submitted_return.pk])
    client.force_login(police_officer)
    assert (
        reverse("partnership:recommendation_add", args=["return", submitted_return.pk])
        not in client.get(reverse("partnership:cycle_detail", args=[submitted_return.cycle_id])).content.decode()
    )
    assert client.get(add_url).status_code == 403
    assert client.post(add_url, {"kind": "RECOMMENDATION", "text": "x"}).status_code == 403
    client.force_login(manager)
    response = client.post(add_url, {"kind": "AREA_FOR_IMPROVEMENT", "text": "", "made_by": "Return"})
    assert response.status_code == 200 and _error_at(response, "text")
    assert not Recommendation.objects.exists()
