"""CP-IS style flags: the flag rule, who may look, what is audited, and the social worker told at once."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from safehub.casework.models import ChildProtectionPlan
from safehub.core import exports
from safehub.core.models import AuditEvent, OutboxEvent
from safehub.pathways import cpis_selectors, cpis_services, rules
from safehub.pathways.models import CpisAttendance
from safehub.testing.factories import (
    AgencyFactory,
    CaseEpisodeFactory,
    ChildProtectionPlanFactory,
    InvolvementFactory,
    LookedAfterEpisodeFactory,
    PersonFactory,
    SealedAccessFactory,
    TeamFactory,
    make_user,
)

pytestmark = pytest.mark.django_db

NHS = "9434765919"


@pytest.fixture
def child_worker(front_door):
    team = TeamFactory(agency=front_door, name="Child protection team 1")
    user = make_user("cp.worker", "SOCIAL_WORKER", front_door, last_name="Osei", email="k.osei@example.gov.uk")
    user.membership.team, user.membership.job_title = team, "Social worker"
    user.membership.save()
    return user


@pytest.fixture
def flagged_child(child_worker, front_door, now):
    child = PersonFactory(given_name="Lily", family_name="Marsh", date_of_birth=date(2019, 4, 2), nhs_number=NHS)
    ChildProtectionPlanFactory(
        person=child, start_date=date(2025, 1, 10), initial_category="NEGLECT", latest_category="NEGLECT"
    )
    CaseEpisodeFactory(
        person=child,
        referral_date=date(2024, 12, 1),
        referral_source="1B",
        stage="CHILD_PROTECTION",
        team=child_worker.membership.team,
        worker=child_worker,
        opened_by=child_worker,
        opened_at=now,
    )
    InvolvementFactory(person=child, agency=front_door, started_at=now - timedelta(days=90))
    return child


# --- the rule ----------------------------------------------------------------------------------------
def test_the_flag_is_a_plan_then_looked_after_and_unborn_plans_are_their_own():
    assert rules.cpis_flag(on_cp_plan=True, unborn=False, looked_after=True) == "CPP"
    assert rules.cpis_flag(on_cp_plan=True, unborn=True, looked_after=False) == "UNBORN_CPP"
    assert rules.cpis_flag(on_cp_plan=False, unborn=False, looked_after=True) == "LAC"
    assert rules.cpis_flag(on_cp_plan=False, unborn=True, looked_after=False) is None


# --- the lookup --------------------------------------------------------------------------------------
def test_an_emergency_department_sees_the_flag_and_the_worker_and_the_read_is_audited(nurse, flagged_child, now):
    result = cpis_selectors.cpis_lookup(user=nurse, nhs_number="943 476 5919", date_of_birth=None, now=now)
    assert result["state"] == "flagged" and result["flag"] == "CPP"
    assert (
        result["worker"]["email"] == "k.osei@example.gov.uk" and result["worker"]["team"] == "Child protection team 1"
    )
    assert result["may_open"] is False  # the flag, not the record
    assert AuditEvent.objects.filter(actor=nurse, person_id=flagged_child.pk, action="VIEW").count() == 1


def test_a_looked_after_child_and_an_unborn_child_on_a_plan_are_flagged(nurse, now):
    looked_after = PersonFactory(nhs_number="9000000009")
    LookedAfterEpisodeFactory(person=looked_after, start_date=date(2024, 6, 1), legal_status="C2")
    unborn = PersonFactory(date_of_birth=None, expected_date_of_birth=date(2025, 5, 1), nhs_number="9000000017")
    ChildProtectionPlanFactory(
        person=unborn,
        start_date=date(2025, 2, 1),
        initial_category="NEGLECT",
        latest_category="NEGLECT",
        unborn_at_start=True,
    )
    assert cpis_selectors.cpis_lookup(user=nurse, nhs_number="9000000009", date_of_birth=None, now=now)["flag"] == "LAC"
    assert (
        cpis_selectors.cpis_lookup(user=nurse, nhs_number="9000000017", date_of_birth=None, now=now)["flag"]
        == "UNBORN_CPP"
    )


def test_an_ended_plan_no_record_a_wrong_birth_date_and_a_sealed_record(nurse, flagged_child, now):
    ChildProtectionPlan.objects.filter(person=flagged_child).update(end_date=date(2025, 3, 1))
    assert cpis_selectors.cpis_lookup(user=nurse, nhs_number=NHS, date_of_birth=None, now=now)["state"] == "no_flag"
    assert cpis_selectors.cpis_lookup(user=nurse, nhs_number="9000000009", date_of_birth=None, now=now)["state"] == (
        "unknown"
    )
    assert (
        cpis_selectors.cpis_lookup(user=nurse, nhs_number=NHS, date_of_birth=date(2019, 4, 3), now=now)["state"]
        == "unknown"
    )
    assert cpis_selectors.cpis_lookup(user=nurse, nhs_number="123", date_of_birth=None, now=now)["state"] == "invalid"
    flagged_child.sealed = True
    flagged_child.save()
    result = cpis_selectors.cpis_lookup(user=nurse, nhs_number=NHS, date_of_birth=None, now=now)
    assert result == {"state": "restricted"}


def test_only_unscheduled_care_settings_use_cp_is(dsl, mash_worker, flagged_child, now):
    commissioner = make_user("icb.navigator", "HEALTH_NAVIGATOR", AgencyFactory(kind="ICB", code="ICB1"))
    for outsider in (dsl, mash_worker, commissioner):
        with pytest.raises(PermissionDenied):
            cpis_selectors.cpis_lookup(user=outsider, nhs_number=NHS, date_of_birth=None, now=now)
        with pytest.raises(PermissionDenied):
            _attend(outsider, now)
    assert not AuditEvent.objects.filter(person_id=flagged_child.pk).exists()


# --- attendance and the worker told at once ----------------------------------------------------------
def _attend(by, now, nhs=NHS, **over):
    fields = {
        "setting_kind": "ED",
        "attended_at": now - timedelta(hours=1),
        "reason": "Head injury, fall at home",
        "date_of_birth": None,
    }
    fields.update(over)
    return cpis_services.cpis_attendance_record(by=by, now=now, nhs_number=nhs, **fields)


def test_an_attendance_notifies_the_allocated_social_worker_at_once(
    nurse, flagged_child, child_worker, now, django_capture_on_commit_callbacks
):
    with time_machine.travel(now, tick=False), django_capture_on_commit_callbacks(execute=True):
        attendance = _attend(nurse, now)
        assert attendance.notified_at is None  # written now, delivered by the outbox worker after commit
        assert cpis_selectors.cpis_attendances_for_worker(user=child_worker, now=now)["rows"] == []
    attendance.refresh_from_db()
    assert attendance.notified_worker == child_worker and attendance.notified_at == now
    listed = cpis_selectors.cpis_attendances_for_worker(user=child_worker, now=now)["rows"]
    assert [r["id"] for r in listed] == [attendance.pk]
    # The worker's agency is told through the event outbox, written with the attendance.
    assert [(e.name, e.payload) for e in OutboxEvent.objects.all()] == [
        (
            "notification.created",
            {
                "agency_id": child_worker.membership.agency_id,
                "kind": "cpis_attendance",
                "id": attendance.pk,
                "url": f"/pathways/cp-is/attendances/?id={attendance.pk}",
            },
        )
    ]
    mine = cpis_selectors.cpis_attendances_for_worker(user=child_worker, now=now)
    assert mine["unseen"] == 1 and mine["rows"][0]["child"] == "Lily Marsh"
    cpis_services.cpis_attendance_seen(attendance=attendance, by=child_worker, now=now)
    assert cpis_selectors.cpis_attendances_for_worker(user=child_worker, now=now)["unseen"] == 0
    assert cpis_selectors.cpis_attendances_for_setting(user=nurse, now=now)["rows"][0]["seen"] is True


def test_another_social_worker_neither_sees_nor_marks_the_attendance(nurse, flagged_child, front_door, now):
    attendance = _attend(nurse, now)
    other = make_user("sw.elsewhere", "SOCIAL_WORKER", front_door)
    assert cpis_selectors.cpis_attendances_for_worker(user=other, now=now)["total"] == 0
    with pytest.raises(PermissionDenied):
        cpis_services.cpis_attendance_seen(attendance=attendance, by=other, now=now)
    assert CpisAttendance.objects.get().seen_at is None


def test_an_attendance_is_refused_for_an_unflagged_child_the_future_or_a_week_late(nurse, flagged_child, now):
    PersonFactory(nhs_number="9000000009")
    with pytest.raises(ValidationError) as caught:
        _attend(nurse, now, nhs="9000000009")
    assert "no CP-IS flag" in caught.value.message_dict["nhs_number"][0]
    with pytest.raises(ValidationError):
        _attend(nurse, now, attended_at=now + timedelta(hours=1))
    with pytest.raises(ValidationError):
        _attend(nurse, now, attended_at=now - timedelta(days=8))
    assert not CpisAttendance.objects.exists()


def test_a_sealed_child_s_attendance_needs_the_named(nurse, flagged_child, now):
    flagged_child.sealed = True
    flagged_child.save()
    with pytest.raises(PermissionDenied):
        _attend(nurse, now)
    SealedAccessFactory(person=flagged_child, user=nurse)
    assert _attend(nurse, now).flag_kind == "CPP"


# --- the export --------------------------------------------------------------------------------------
def test_the_cp_is_export_has_the_national_fields_and_leaves_out_children_without_nhs_numbers(
    mash_manager, flagged_child, nurse, now
):
    LookedAfterEpisodeFactory(person=PersonFactory(nhs_number=""), start_date=date(2024, 6, 1))
    made = cpis_selectors.cpis_export_file(user=mash_manager, parameters={}, now=now)
    rows = list(csv.DictReader(io.StringIO(made.content)))
    assert made.rows == 1 and made.notes == ["1 flagged child left out: no NHS number"]
    assert made.person_ids == [flagged_child.pk]
    assert rows[0]["NHSNumber"] == NHS and rows[0]["PlanType"] == "CPP" and rows[0]["PlanStartDate"] == "2025-01-10"
    with pytest.raises(PermissionDenied):
        cpis_selectors.cpis_export_file(user=nurse, parameters={}, now=now)


def test_the_cp_is_file_is_prepared_in_the_background_and_audited(mash_manager, flagged_child, nurse, now):
    export = exports.export_request(user=mash_manager, kind=cpis_selectors.CPIS_EXPORT, parameters={}, now=now)
    exports.export_prepare(export_id=export.pk, now=now)
    export.refresh_from_db()
    assert export.status == "READY" and export.rows == 1 and export.file_name == "cp-is-20250312.csv"
    assert AuditEvent.objects.filter(actor=mash_manager, person_id=flagged_child.pk, action="EXPORT").exists()
    with pytest.raises(PermissionDenied):
        exports.export_request(user=nurse, kind=cpis_selectors.CPIS_EXPORT, parameters={}, now=now)
