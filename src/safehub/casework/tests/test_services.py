from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safehub.casework import selectors, services
from safehub.casework.models import CaseOutcomeShare, MeetingStatus, RecordShare
from safehub.core.calendar import UK
from safehub.core.errors import StaleEdit
from safehub.testing.factories import (
    AgencyFactory,
    CaseOutcomeShareFactory,
    InvolvementFactory,
    PersonFactory,
    ReferralFactory,
    make_user,
)

NOW = datetime(2025, 4, 16, 10, 0, tzinfo=UTC)  # Wednesday before Easter


@pytest.fixture
def social_worker(front_door):
    return make_user("sw", "SOCIAL_WORKER", front_door)


@pytest.fixture
def case(front_door, child):
    InvolvementFactory(person=child, agency=front_door, started_at=NOW - timedelta(days=9))
    return child


def convene(case, by, chair, agencies):
    return services.meeting_convene(
        person=case, by=by, now=NOW, scheduled_at=NOW + timedelta(hours=2), chair=chair, agencies=agencies
    )


@pytest.mark.django_db
def test_invited_agency_gains_access_uninvited_does_not(
    case, social_worker, mash_manager, police, police_officer, nurse
):
    from safehub.people import policy

    assert not policy.person_access(police_officer, case, now=NOW).allowed
    convene(case, social_worker, mash_manager, [police])
    assert policy.person_access(police_officer, case, now=NOW).allowed
    assert not policy.person_access(nurse, case, now=NOW).allowed


@pytest.mark.django_db
def test_record_shared_with_every_invited_agency_due_one_working_day_after_easter(
    case, social_worker, mash_manager, police, hospital, school, police_officer
):
    meeting = convene(case, social_worker, mash_manager, [police, hospital, school])
    services.attendance_record(
        meeting=meeting,
        agency=police,
        attendance="ATTENDED",
        by=social_worker,
        now=NOW,
        information_shared="Two call-outs this month",
    )
    with pytest.raises(ValidationError):
        services.attendance_record(meeting=meeting, agency=hospital, attendance="APOLOGIES", by=social_worker, now=NOW)
    held = datetime(2025, 4, 17, 15, 0, tzinfo=UK)  # Thursday; Good Friday and Easter Monday follow
    services.meeting_hold(meeting=meeting, held_at=held, decision="SECTION_47", by=social_worker, now=held)
    meeting.refresh_from_db()
    assert meeting.record_share_due_at.astimezone(UK).date() == date(2025, 4, 22)
    assert meeting.section47.icpc_due_date == date(2025, 5, 13)  # 15 working days; Easter and early May excluded
    services.record_draft(
        meeting=meeting, text="Agreed s47.", by=social_worker, now=held, expected_version=meeting.version
    )
    with pytest.raises(StaleEdit):
        services.record_draft(meeting=meeting, text="Old tab", by=social_worker, now=held, expected_version=1)
    with pytest.raises(PermissionDenied):
        services.record_approve(meeting=meeting, by=social_worker, now=held)  # not the chair
    shares = services.record_approve(meeting=meeting, by=mash_manager, now=held + timedelta(hours=1))
    assert {s.agency for s in shares} == {police, hospital, school}
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.RECORD_SHARED
    # The police officer can read the shared record; the read receipt is recorded once.
    view = selectors.meeting_get_for_user(user=police_officer, meeting_id=meeting.pk, now=NOW)
    assert not view.full and view.share is not None
    services.record_read(share=view.share, by=police_officer, now=held + timedelta(hours=3))
    assert RecordShare.objects.get(agency=police).read_by == police_officer
    attention = selectors.records_needing_attention(user=mash_manager, now=held + timedelta(days=3))
    assert {s.agency for s in attention["unread"]} == {hospital, school}


@pytest.mark.django_db
def test_partner_without_a_share_cannot_open_the_meeting(case, social_worker, mash_manager, police, police_officer):
    meeting = convene(case, social_worker, mash_manager, [police])
    with pytest.raises(PermissionDenied):
        selectors.meeting_get_for_user(user=police_officer, meeting_id=meeting.pk, now=NOW)  # not yet approved
    outsider = make_user("outsider", "AGENCY_PRACTITIONER", AgencyFactory(kind="HOUSING", code="HOU"))
    with pytest.raises(PermissionDenied):
        selectors.meeting_get_for_user(user=outsider, meeting_id=meeting.pk, now=NOW)


@pytest.mark.django_db
def test_record_overdue_when_not_approved_in_time(case, social_worker, mash_manager, police):
    meeting = convene(case, social_worker, mash_manager, [police])
    services.meeting_hold(meeting=meeting, held_at=NOW, decision="NO_SECTION_47", by=social_worker, now=NOW)
    attention = selectors.records_needing_attention(user=mash_manager, now=NOW + timedelta(days=2))
    assert [m.pk for m in attention["overdue"]] == [meeting.pk]
    tasks = selectors.tasks_for_user(user=mash_manager, now=NOW + timedelta(days=2))
    assert tasks[0]["kind"] == "Strategy record to approve and share" and tasks[0]["overdue"]


@pytest.mark.django_db
def test_s47_outcome_shared_with_involved_partners(case, social_worker, mash_manager, police, hospital):
    meeting = convene(case, social_worker, mash_manager, [police])
    services.meeting_hold(meeting=meeting, held_at=NOW, decision="SECTION_47", by=social_worker, now=NOW)
    s47 = meeting.section47
    with pytest.raises(ValidationError):
        services.section47_complete(
            s47=s47, outcome="NOT_SUBSTANTIATED", completed_date=date(2025, 4, 1), by=social_worker, now=NOW
        )
    services.section47_complete(
        s47=s47, outcome="SUBSTANTIATED_ICPC", completed_date=date(2025, 4, 25), by=social_worker, now=NOW
    )
    assert set(CaseOutcomeShare.objects.values_list("agency__code", flat=True)) == {police.code}
    services.icpc_record(s47=s47, icpc_date=date(2025, 5, 9), plan_category="NEGLECT", by=social_worker, now=NOW)
    plan = case.cp_plans.get()
    assert plan.initial_category == "NEGLECT" and not plan.unborn_at_start
    page = selectors.child_casework(person=case, now=NOW)
    assert page["section47s"][0].icpc_working_days == 14 and page["section47s"][0].icpc_in_time


@pytest.mark.django_db
def test_assessment_due_45_working_days_from_referral(case, social_worker):
    referral = ReferralFactory(person=case, referral_date=date(2024, 11, 20), source="2A")
    assessment = services.assessment_start(
        person=case, start_date=date(2024, 11, 21), referral=referral, by=social_worker, now=NOW
    )
    assert assessment.due_date == date(2025, 1, 27)  # Christmas, Boxing Day and New Year excluded
    with pytest.raises(ValidationError):
        services.assessment_authorise(
            assessment=assessment,
            authorised_date=date(2025, 1, 20),
            factors=["99Z"],
            outcome="CIN_PLAN",
            summary="",
            by=social_worker,
            now=NOW,
        )


@pytest.mark.django_db
def test_unborn_child_plan(front_door, social_worker):
    unborn = PersonFactory(date_of_birth=None, expected_date_of_birth=date(2025, 7, 1), given_name="")
    InvolvementFactory(person=unborn, agency=front_door, started_at=NOW)
    plan = services.cp_plan_start(
        person=unborn, start_date=date(2025, 4, 10), category="NEGLECT", by=social_worker, now=NOW
    )
    assert plan.unborn_at_start
    with pytest.raises(ValidationError):
        services.cp_plan_start(
            person=unborn, start_date=date(2025, 4, 11), category="NEGLECT", by=social_worker, now=NOW
        )


@pytest.mark.django_db
def test_exploitation_downgrade_needs_multi_agency_agreement(case, social_worker, police, front_door):
    services.exploitation_assessment_record(
        person=case, level="SIGNIFICANT", rationale="County lines", kinds=["criminal"], by=social_worker, now=NOW
    )
    with pytest.raises(ValidationError):
        services.exploitation_assessment_record(
            person=case, level="LOW", rationale="Better", kinds=[], by=social_worker, now=NOW + timedelta(days=30)
        )
    with pytest.raises(ValidationError):  # only children's social care agreeing is not multi-agency
        services.exploitation_assessment_record(
            person=case,
            level="LOW",
            rationale="Better",
            kinds=[],
            by=social_worker,
            now=NOW + timedelta(days=30),
            downgrade_agreed_by=[front_door.pk],
            downgrade_agreement_note="x",
        )
    era = services.exploitation_assessment_record(
        person=case,
        level="LOW",
        rationale="Engaging with youth worker",
        kinds=[],
        by=social_worker,
        now=NOW + timedelta(days=30),
        downgrade_agreed_by=[front_door.pk, police.pk],
        downgrade_agreement_note="Agreed at the exploitation panel on 14 May",
    )
    assert era.previous_level == "SIGNIFICANT"


@pytest.mark.django_db
def test_transitions_view_lists_16_to_25_known_to_childrens_services(front_door, social_worker):
    teen = PersonFactory(date_of_birth=date(2008, 1, 1))
    young = PersonFactory(date_of_birth=date(2015, 1, 1))
    for p in (teen, young):
        InvolvementFactory(person=p, agency=front_door, started_at=NOW)
    rows = selectors.transitions(user=social_worker, as_of=date(2025, 6, 1))
    assert [r["person"] for r in rows] == [teen]
    assert rows[0]["needs_plan"] and rows[0]["age"] == 17


@pytest.mark.django_db
def test_coming_into_care_from_the_case_records_the_903_episode_and_one_timetable(case, social_worker):
    from safehub.lookedafter.models import CareEpisode, HealthKind, ItemStatus, LAHealthCheck, LAReview

    period = services.cla_start(
        person=case, start_date=date(2025, 1, 6), legal_status="C2", category_of_need="N1", place="P1",
        home_postcode="so14 7du", by=social_worker, now=NOW,
    )  # fmt: skip
    with pytest.raises(ValidationError):
        services.cla_start(
            person=case, start_date=date(2025, 1, 7), legal_status="C2", category_of_need="N1", place="P1",
            home_postcode="SO14 7DU", by=social_worker, now=NOW,
        )  # fmt: skip

    first = CareEpisode.objects.get(period=period)
    assert (first.decom, first.rne, first.ls, first.place, first.pl_post) == (
        date(2025, 1, 6), "S", "C2", "P1", "SO14 7DU"
    )  # fmt: skip
    # 20 working days from Monday 6 January 2025: Monday 3 February; the IHA by the same day.
    assert LAReview.objects.get(period=period).due_date == date(2025, 2, 3)
    assert LAHealthCheck.objects.get(period=period, kind=HealthKind.INITIAL).due_date == date(2025, 2, 3)
    services.cla_review_held(person=case, held_date=date(2025, 1, 24), participation="PN1", by=social_worker, now=NOW)
    assert LAReview.objects.get(period=period, status=ItemStatus.DUE).due_date == date(2025, 4, 24)
    services.health_assessment_done(person=case, completed_date=date(2025, 2, 10), by=social_worker, now=NOW)
    assert LAHealthCheck.objects.get(period=period, status=ItemStatus.DUE).due_date == date(2026, 2, 10)

    services.cla_end(person=case, end_date=date(2025, 3, 1), reason="E4A", by=social_worker, now=NOW)

    assert case.cla_episodes.get().end_date == date(2025, 3, 1)
    assert CareEpisode.objects.filter(period=period).values_list("dec", "rec").get() == (date(2025, 3, 1), "E4A")
    assert not LAReview.objects.filter(period=period, status=ItemStatus.DUE).exists()
    assert not LAHealthCheck.objects.filter(period=period, status=ItemStatus.DUE).exists()


@pytest.mark.django_db
def test_no_period_of_care_without_its_first_episode(case, social_worker):
    """A start the 903 refuses (before the child was born) leaves no period of care behind."""
    with pytest.raises(ValidationError):
        services.cla_start(
            person=case, start_date=date(2014, 1, 6), legal_status="C2", category_of_need="N1", place="P1",
            home_postcode="SO14 7DU", by=social_worker, now=NOW,
        )  # fmt: skip

    assert not case.cla_episodes.exists()


@pytest.mark.django_db
def test_child_protection_review_conferences_are_scheduled(case, social_worker):
    from safehub.casework.models import CPReview

    plan = services.cp_plan_start(
        person=case, start_date=date(2025, 1, 6), category="NEGLECT", by=social_worker, now=NOW
    )
    with pytest.raises(ValidationError):
        services.cp_review_held(person=case, held_date=date(2025, 1, 1), by=social_worker, now=NOW)
    services.cp_review_held(person=case, held_date=date(2025, 4, 1), by=social_worker, now=NOW)
    # Working Together 2023: after the first review, the next within 6 months (it was wrongly 3).
    assert list(CPReview.objects.filter(plan=plan, held_date__isnull=True).values_list("due_date", flat=True)) == [
        date(2025, 10, 1)
    ]


@pytest.mark.django_db
def test_outcome_read_receipt_is_set_once_and_only_by_the_agency_it_was_shared_with(
    case, social_worker, mash_manager, police, police_officer, nurse
):
    meeting = convene(case, social_worker, mash_manager, [police])
    services.meeting_hold(meeting=meeting, held_at=NOW, decision="SECTION_47", by=social_worker, now=NOW)
    services.section47_complete(
        s47=meeting.section47, outcome="NOT_SUBSTANTIATED", completed_date=date(2025, 4, 25), by=social_worker, now=NOW
    )
    share = CaseOutcomeShare.objects.get(agency=police)
    with pytest.raises(PermissionDenied):
        services.case_outcome_read(share=share, by=nurse, now=NOW)
    services.case_outcome_read(share=share, by=police_officer, now=NOW)
    services.case_outcome_read(share=share, by=police_officer, now=NOW + timedelta(days=1))
    share.refresh_from_db()
    assert share.read_by == police_officer and share.read_at == NOW


@pytest.mark.django_db
def test_outcomes_shared_with_an_agency_page_50_at_a_time_unread_first(police, client):
    officer = make_user("pso.shared", "POLICE_SAFEGUARDING_OFFICER", police)
    made = []
    for n in range(52):
        child = PersonFactory()
        InvolvementFactory(person=child, agency=police, kind="PROFESSIONAL", started_at=NOW - timedelta(days=90))
        made.append(CaseOutcomeShareFactory(
            person=child, agency=police, shared_at=NOW - timedelta(days=n),
            read_at=None if n == 30 else NOW - timedelta(days=n),
        ))  # fmt: skip
    data = selectors.shared_with_my_agency(user=officer, now=NOW)
    assert data["outcomes_pager"].paginator.count == 52
    assert [o.pk for o in data["outcomes"][:2]] == [made[30].pk, made[0].pk]  # unread, then the latest shared
    last = selectors.shared_with_my_agency(user=officer, now=NOW, outcomes_page="2")
    assert [o.pk for o in last["outcomes"]] == [made[50].pk, made[51].pk]
    client.force_login(officer)
    page = client.get("/casework/shared-with-us/").content.decode()
    assert "Enquiry and assessment outcomes (52)" in page and "outcomes_page=2" in page
