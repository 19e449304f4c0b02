"""Service tests: every timescale and every access rule of the pathways."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safehub.core.calendar import UK
from safehub.core.models import AuditAction, AuditEvent
from safehub.frontdoor.models import Contact
from safehub.pathways import selectors, services
from safehub.pathways.models import LadoCase, MaracLink
from safehub.pathways.services import LadoCaseHidden
from safehub.testing.factories import InvolvementFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _refer(by, now, **over) -> LadoCase:
    fields = {
        "referred_at": now - timedelta(hours=1),
        "subject_name": "Sam Teacher",
        "subject_role": "Teaching assistant",
        "employer": None,
        "employer_name": "Oak Primary School",
        "sector": "EDUCATION",
        "category": "PHYSICAL",
        "summary": "Grabbed a pupil by the arm in the playground",
    }
    fields.update(over)
    return services.lado_refer(by=by, now=now, **fields)


# --- LADO --------------------------------------------------------------------------------------------
def test_a_school_refers_an_allegation_and_the_initial_consideration_is_due_next_working_day(dsl, now):
    case = _refer(dsl, now)
    assert case.initial_consideration_due_at == datetime(2025, 3, 13, 23, 59, 59, tzinfo=UK)
    assert case.named.filter(user=dsl).exists()
    assert AuditEvent.objects.filter(object_type="pathways.LadoCase", object_id=str(case.pk), action="CREATE").exists()


def test_an_analyst_cannot_refer(analyst, now):
    with pytest.raises(PermissionDenied):
        _refer(analyst, now)


def test_a_referral_without_the_employer_is_refused(dsl, now):
    with pytest.raises(ValidationError) as exc:
        _refer(dsl, now, employer_name="")
    assert "employer_name" in exc.value.message_dict


def test_the_lado_team_records_the_initial_consideration_on_time(dsl, lado_officer, now):
    case = _refer(dsl, now)
    services.lado_initial_consideration(
        case=case, by=lado_officer, now=now, considered_at=now, decision="MEETING", rationale="Harm test met"
    )
    event = AuditEvent.objects.filter(object_type="pathways.LadoCase", action="UPDATE").get()
    assert event.details == {"step": "initial", "on_time": True}


def test_an_initial_consideration_after_the_working_day_is_late(dsl, lado_officer, now):
    case = _refer(dsl, now)
    later = datetime(2025, 3, 14, 9, 0, tzinfo=UK)
    services.lado_initial_consideration(
        case=case, by=lado_officer, now=later, considered_at=later, decision="ADVICE", rationale="Not met"
    )
    listed = selectors.lado_case_list(user=lado_officer, now=later)
    assert listed["rows"][0]["late"] is True


def test_a_social_worker_outside_the_lado_team_cannot_see_or_manage_a_case(dsl, social_worker, mash_manager, now):
    case = _refer(dsl, now)
    for outsider in (social_worker, mash_manager):
        assert selectors.lado_case_list(user=outsider, now=now)["total"] == 0
        with pytest.raises(LadoCaseHidden):
            selectors.lado_case_get(user=outsider, case_id=case.pk, now=now)
        with pytest.raises(LadoCaseHidden):
            services.lado_initial_consideration(
                case=case, by=outsider, now=now, considered_at=now, decision="MEETING", rationale="x"
            )


def test_the_named_referrer_sees_the_case_but_cannot_manage_it(dsl, now):
    case = _refer(dsl, now)
    assert selectors.lado_case_list(user=dsl, now=now)["total"] == 1
    assert selectors.lado_case_get(user=dsl, case_id=case.pk, now=now) == case
    with pytest.raises(PermissionDenied):
        services.lado_initial_consideration(
            case=case, by=dsl, now=now, considered_at=now, decision="MEETING", rationale="x"
        )


def test_another_dsl_of_the_same_school_is_not_named_and_cannot_see_it(dsl, school, now):
    from safehub.testing.factories import make_user

    colleague = make_user("school.head", "DESIGNATED_SAFEGUARDING_LEAD", school)
    case = _refer(dsl, now)
    assert selectors.lado_case_list(user=colleague, now=now)["total"] == 0
    with pytest.raises(LadoCaseHidden):
        selectors.lado_case_get(user=colleague, case_id=case.pk, now=now)


def test_naming_a_user_lets_them_see_the_case(dsl, lado_officer, social_worker, now):
    case = _refer(dsl, now)
    services.lado_name_user(
        case=case, by=lado_officer, now=now, username="sw.other", why="Allocated worker of the child"
    )
    assert selectors.lado_case_get(user=social_worker, case_id=case.pk, now=now) == case


def test_only_the_lado_team_names_users(dsl, now):
    case = _refer(dsl, now)
    with pytest.raises(PermissionDenied):
        services.lado_name_user(case=case, by=dsl, now=now, username="dsl", why="x")


def test_the_lado_team_sees_every_case(dsl, nurse, lado_officer, now):
    _refer(dsl, now)
    _refer(nurse, now, sector="HEALTH", employer_name="City Hospital")
    assert selectors.lado_case_list(user=lado_officer, now=now)["total"] == 2


def test_meeting_and_outcome_close_the_case(dsl, lado_officer, now):
    case = _refer(dsl, now)
    with pytest.raises(ValidationError):
        services.lado_outcome_record(
            case=case, by=lado_officer, now=now, outcome="UNFOUNDED", outcome_date=date(2025, 3, 12),
            employer_actions=["NONE"], note="",
        )  # fmt: skip
    services.lado_initial_consideration(
        case=case, by=lado_officer, now=now, considered_at=now, decision="MEETING", rationale="Met"
    )
    services.lado_meeting_record(case=case, by=lado_officer, now=now, kind="EVALUATION", meeting_at=now, note="")
    services.lado_outcome_record(
        case=case, by=lado_officer, now=now, outcome="SUBSTANTIATED", outcome_date=date(2025, 3, 12),
        employer_actions=["DISMISSED", "DBS"], note="Dismissed; DBS referral made",
    )  # fmt: skip
    case.refresh_from_db()
    assert case.closed_at == now and case.employer_actions == ["DISMISSED", "DBS"]
    assert selectors.lado_case_list(user=lado_officer, now=now, status="open")["total"] == 0


def test_no_action_cannot_go_with_another_employer_action(dsl, lado_officer, now):
    case = _refer(dsl, now)
    services.lado_initial_consideration(
        case=case, by=lado_officer, now=now, considered_at=now, decision="EMPLOYER", rationale="Met"
    )
    with pytest.raises(ValidationError):
        services.lado_outcome_record(
            case=case, by=lado_officer, now=now, outcome="UNFOUNDED", outcome_date=date(2025, 3, 12),
            employer_actions=["NONE", "WARNING"], note="",
        )  # fmt: skip


def test_lado_measures_count_by_sector_and_outcome_for_permitted_roles_only(dsl, nurse, analyst, lado_officer, now):
    case = _refer(dsl, now)
    _refer(nurse, now, sector="HEALTH", employer_name="City Hospital")
    services.lado_initial_consideration(
        case=case, by=lado_officer, now=now, considered_at=now, decision="ADVICE", rationale="Not met"
    )
    services.lado_outcome_record(
        case=case, by=lado_officer, now=now, outcome="UNFOUNDED", outcome_date=date(2025, 3, 12),
        employer_actions=["NONE"], note="",
    )  # fmt: skip
    figures = selectors.lado_measures(user=analyst, start=date(2024, 4, 1), end=date(2025, 3, 31), now=now)
    assert figures["total"] == 2
    assert dict(figures["by_sector"])["Education (schools and colleges)"] == 1
    assert dict(figures["by_sector"])["Health"] == 1
    assert dict(figures["by_outcome"])["Unfounded"] == 1
    assert (figures["considered"], figures["on_time"]) == (1, 1)
    with pytest.raises(PermissionDenied):
        selectors.lado_measures(user=dsl, start=date(2024, 4, 1), end=date(2025, 3, 31), now=now)


# --- Private fostering ---------------------------------------------------------------------------------
def _notify(by, child, now, **over):
    fields = {
        "notified_date": date(2025, 3, 3),
        "notified_by_kind": "SCHOOL",
        "carer_name": "Grace Owusu",
        "carer_relationship": "Family friend",
    }
    fields.update(over)
    return services.private_fostering_notify(person=child, by=by, now=now, **fields)


def test_private_fostering_notification_and_visits_on_the_regulations_timetable(mash_worker, fostered_child, now):
    arrangement = _notify(mash_worker, fostered_child, now)
    services.private_fostering_visit_record(
        arrangement=arrangement, by=mash_worker, now=now, visited_date=date(2025, 3, 11), child_seen_alone=True
    )
    detail = selectors.private_fostering_detail(arrangement=arrangement, now=now)
    assert detail["timing"]["initial_due"] == date(2025, 3, 12)
    assert detail["timing"]["initial_on_time"] is True
    assert detail["timing"]["next_due"] == date(2025, 4, 22)


def test_private_fostering_needs_access_to_the_child(dsl, fostered_child, now):
    with pytest.raises(PermissionDenied):
        _notify(dsl, fostered_child, now)


def test_private_fostering_refused_for_the_analyst(analyst, fostered_child, now):
    with pytest.raises(PermissionDenied):
        _notify(analyst, fostered_child, now)


def test_a_sixteen_year_old_is_not_privately_fostered(mash_worker, now):
    older = PersonFactory(date_of_birth=date(2008, 1, 1))
    with pytest.raises(ValidationError):
        _notify(mash_worker, older, now)


def test_private_fostering_list_shows_only_visible_children_and_audits_them(mash_worker, dsl, fostered_child, now):
    _notify(mash_worker, fostered_child, now)
    listed = selectors.private_fostering_list(user=mash_worker, now=now)
    assert [r["person_id"] for r in listed["rows"]] == [fostered_child.pk]
    assert AuditEvent.objects.filter(
        person_id=fostered_child.pk, action=AuditAction.VIEW, details__list="pathways.private_fostering"
    ).exists()
    assert selectors.private_fostering_list(user=dsl, now=now)["total"] == 0


def test_a_visit_cannot_be_before_the_notification(mash_worker, fostered_child, now):
    arrangement = _notify(mash_worker, fostered_child, now)
    with pytest.raises(ValidationError):
        services.private_fostering_visit_record(
            arrangement=arrangement, by=mash_worker, now=now, visited_date=date(2025, 3, 1), child_seen_alone=True
        )


def test_private_fostering_measures_count_initial_visits_on_time(mash_worker, analyst, fostered_child, now):
    arrangement = _notify(mash_worker, fostered_child, now, notified_date=date(2025, 2, 3))
    services.private_fostering_visit_record(
        arrangement=arrangement, by=mash_worker, now=now, visited_date=date(2025, 2, 14), child_seen_alone=True
    )  # due 12 February: late
    figures = selectors.private_fostering_measures(user=analyst, start=date(2024, 4, 1), end=date(2025, 3, 31), now=now)
    assert (figures["notified"], figures["initial_due"], figures["initial_on_time"]) == (1, 1, 0)


# --- Children missing education -------------------------------------------------------------------
def test_a_school_puts_a_pupil_on_the_cme_register_and_education_restarts(dsl, school, other_school, now):
    pupil = PersonFactory()
    InvolvementFactory(person=pupil, agency=school, kind="EDUCATION", started_at=now)
    entry = services.education_register_add(
        person=pupil, by=dsl, now=now, kind="CME", reason="ABSENT_20_DAYS", reported_date=date(2025, 3, 3),
        last_setting=school,
    )  # fmt: skip
    assert entry.reporting_agency == school
    listed = selectors.education_register_list(user=dsl, now=now)
    assert listed["rows"][0]["days_missing"] == 7
    services.education_register_restart(
        entry=entry, by=dsl, now=now, restarted_date=date(2025, 3, 10), setting=other_school
    )
    assert selectors.education_register_list(user=dsl, now=now)["total"] == 0


def test_a_home_education_entry_needs_a_home_education_reason(mash_worker, fostered_child, now):
    with pytest.raises(ValidationError):
        services.education_register_add(
            person=fostered_child, by=mash_worker, now=now, kind="EHE", reason="ABSENT_20_DAYS",
            reported_date=date(2025, 3, 3),
        )  # fmt: skip


def test_the_register_needs_access_to_the_child(dsl, fostered_child, now):
    with pytest.raises(PermissionDenied):
        services.education_register_add(
            person=fostered_child, by=dsl, now=now, kind="CME", reason="NOT_ON_ROLL", reported_date=date(2025, 3, 3)
        )


def test_a_safeguarding_concern_goes_to_the_front_door_as_a_contact(mash_worker, fostered_child, now):
    entry = services.education_register_add(
        person=fostered_child, by=mash_worker, now=now, kind="EHE", reason="EHE_AVOID_SANCTION",
        reported_date=date(2025, 3, 3),
    )  # fmt: skip
    contact = services.education_register_refer(entry=entry, by=mash_worker, now=now, concern="Not seen since March")
    assert Contact.objects.get(pk=contact.pk).person_id == fostered_child.pk
    entry.refresh_from_db()
    assert entry.contact_id == contact.pk and entry.safeguarding_concern
    with pytest.raises(ValidationError):
        services.education_register_refer(entry=entry, by=mash_worker, now=now, concern="Again")


def test_the_register_list_hides_children_the_user_cannot_open(mash_worker, dsl, fostered_child, now):
    services.education_register_add(
        person=fostered_child, by=mash_worker, now=now, kind="CME", reason="NOT_ON_ROLL", reported_date=date(2025, 3, 3)
    )
    assert selectors.education_register_list(user=mash_worker, now=now)["total"] == 1
    assert selectors.education_register_list(user=dsl, now=now)["total"] == 0


# --- MARAC ---------------------------------------------------------------------------------------------
def _marac(by, person, now, **over) -> MaracLink:
    fields = {"referred_date": date(2025, 3, 10), "dash_score": 16, "professional_judgement": False}
    fields.update(over)
    return services.marac_link_record(person=person, by=by, now=now, **fields)


def test_a_dash_score_below_fourteen_without_judgement_is_not_marac(mash_worker, fostered_child, now):
    with pytest.raises(ValidationError) as exc:
        _marac(mash_worker, fostered_child, now, dash_score=13)
    assert "dash_score" in exc.value.message_dict


def test_professional_judgement_needs_a_reason(mash_worker, fostered_child, now):
    with pytest.raises(ValidationError):
        _marac(mash_worker, fostered_child, now, dash_score=8, professional_judgement=True)
    link = _marac(
        mash_worker, fostered_child, now, dash_score=8, professional_judgement=True, judgement_reason="Strangulation"
    )
    assert link.professional_judgement


def test_a_second_referral_within_twelve_months_is_a_repeat(mash_worker, fostered_child, now):
    first = _marac(mash_worker, fostered_child, now, referred_date=date(2024, 6, 1))
    second = _marac(mash_worker, fostered_child, now)
    assert (first.repeat, second.repeat) == (False, True)


def test_marac_actions_come_from_the_meeting_and_only_the_agency_marks_them_done(
    mash_worker, police_officer, police, fostered_child, now
):
    link = _marac(mash_worker, fostered_child, now)
    with pytest.raises(ValidationError):
        services.marac_action_add(
            link=link, by=mash_worker, now=now, agency=police, action="Flag address", due_date=None
        )
    services.marac_meeting_set(
        link=link, by=mash_worker, now=now, meeting_date=date(2025, 3, 12), marac_reference="M-1"
    )
    item = services.marac_action_add(
        link=link, by=mash_worker, now=now, agency=police, action="Flag the address", due_date=date(2025, 3, 14)
    )
    # The action gave the police a legitimate relationship with the record: no other involvement.
    services.marac_action_complete(item=item, by=police_officer, now=now, completed_date=date(2025, 3, 12))
    item.refresh_from_db()
    assert item.completed_date == date(2025, 3, 12)


def test_another_agency_cannot_mark_a_marac_action_done(mash_worker, nurse, hospital, police, fostered_child, now):
    link = _marac(mash_worker, fostered_child, now)
    services.marac_meeting_set(link=link, by=mash_worker, now=now, meeting_date=date(2025, 3, 12), marac_reference="")
    item = services.marac_action_add(link=link, by=mash_worker, now=now, agency=police, action="Flag", due_date=None)
    InvolvementFactory(person=fostered_child, agency=hospital, kind="PROFESSIONAL", started_at=now)
    with pytest.raises(PermissionDenied):
        services.marac_action_complete(item=item, by=nurse, now=now, completed_date=date(2025, 3, 12))


def test_marac_list_is_filtered_and_audited(mash_worker, dsl, fostered_child, police, now):
    link = _marac(mash_worker, fostered_child, now)
    data = selectors.marac_list(user=mash_worker, now=now)
    assert data["total"] == 1 and data["rows"][0]["actions"] == 0
    services.marac_meeting_set(link=link, by=mash_worker, now=now, meeting_date=date(2025, 3, 12), marac_reference="")
    for action in ("Flag the address", "Share the bail conditions"):
        services.marac_action_add(link=link, by=mash_worker, now=now, agency=police, action=action, due_date=None)
    assert selectors.marac_list(user=mash_worker, now=now)["rows"][0]["actions"] == 2
    assert AuditEvent.objects.filter(person_id=fostered_child.pk, details__list="pathways.marac").exists()
    assert selectors.marac_list(user=dsl, now=now)["total"] == 0


def test_lado_search_finds_earlier_allegations_for_the_team_only(dsl, nurse, lado_officer, social_worker, now):
    _refer(dsl, now)
    _refer(nurse, now, subject_name="Sam Teacher", sector="HEALTH", employer_name="City Hospital")
    _refer(nurse, now, subject_name="Pat Other", sector="HEALTH", employer_name="City Hospital")
    assert selectors.lado_case_list(user=lado_officer, now=now, query="sam teacher")["total"] == 2
    assert selectors.lado_case_list(user=dsl, now=now, query="sam teacher")["total"] == 1  # only the one they made
    assert selectors.lado_case_list(user=social_worker, now=now, query="sam")["total"] == 0


def test_a_dsl_not_named_is_told_not_found_even_when_calling_the_service(dsl, nurse, now):
    case = _refer(nurse, now, sector="HEALTH", employer_name="City Hospital")
    with pytest.raises(LadoCaseHidden):
        services.lado_outcome_record(
            case=case, by=dsl, now=now, outcome="FALSE", outcome_date=date(2025, 3, 12), employer_actions=["NONE"],
            note="",
        )  # fmt: skip
