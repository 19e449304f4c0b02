"""CP-IS style actions: an unscheduled care setting records a flagged child's attendance."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safehub.agencies.selectors import membership_for_user
from safehub.core import audit, events, outbox
from safehub.core.calendar import uk_date
from safehub.core.models import AuditAction
from safehub.pathways.cpis_selectors import cpis_status, require_cpis
from safehub.pathways.models import CpisAttendance, UnscheduledCareSetting
from safehub.people import policy
from safehub.people.models import Person
from safehub.people.validators import normalise_nhs_number

ATTENDANCE_LOOKBACK = timedelta(days=7)


@transaction.atomic
def cpis_attendance_record(
    *,
    by,
    now: datetime,
    nhs_number: str,
    date_of_birth: date | None,
    setting_kind: str,
    attended_at: datetime,
    reason: str,
) -> CpisAttendance:
    """Record a flagged child's attendance, addressed to the allocated social worker (or their team).

    The attendance and its ``notification.created`` event are written in this transaction; the
    outbox worker delivers it straight after the commit (``pathways.subscribers``): it stamps
    ``notified_at`` and the worker sees it on their list, and the local authority's systems hear of
    it through their webhooks. Nothing waits for a batch; a failed delivery is retried and shown.
    """
    require_cpis(by)
    membership = membership_for_user(by)
    assert membership is not None  # require_cpis checked it
    errors: dict[str, list[str]] = {}
    if setting_kind not in UnscheduledCareSetting.values:
        errors["setting_kind"] = ["Choose the kind of unscheduled care setting"]
    if not reason.strip():
        errors["reason"] = ["Give the reason for attending, in brief"]
    if attended_at > now:
        errors["attended_at"] = ["The attendance cannot be in the future"]
    elif attended_at < now - ATTENDANCE_LOOKBACK:
        errors["attended_at"] = ["Record attendances within 7 days of them"]
    nhs = normalise_nhs_number(nhs_number)
    person = Person.objects.filter(nhs_number=nhs, merged_into__isnull=True).first() if len(nhs) == 10 else None
    if (
        person is not None
        and date_of_birth
        and date_of_birth not in (person.date_of_birth, person.expected_date_of_birth)
    ):
        person = None
    if person is None:
        errors["nhs_number"] = ["No child with that NHS number (and date of birth)"]
    if errors:
        raise ValidationError(errors)
    assert person is not None
    if person.sealed and not policy.person_access(by, person, now=now).allowed:
        raise PermissionDenied("A restricted record: call the children's services duty team")
    status = cpis_status(person, today=uk_date(attended_at))
    if status.flag is None:
        raise ValidationError({"nhs_number": ["This child has no CP-IS flag: follow your usual safeguarding policy"]})
    attendance = CpisAttendance(
        person=person,
        agency=membership.agency,
        setting_kind=setting_kind,
        attended_at=attended_at,
        reason=reason.strip()[:300],
        flag_kind=status.flag,
        recorded_by=by,
        recorded_at=now,
        notified_worker=status.worker,
        notified_team=status.team,
        notified_at=None,  # stamped when the outbox worker delivers it (cpis_attendance_deliver)
    )
    attendance.full_clean(exclude=["person", "agency", "recorded_by", "notified_worker", "notified_team"])
    attendance.save()
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        subject=attendance,
        at=now,
        details={"flag": status.flag, "notified": getattr(status.worker, "pk", None)},
        reason="CP-IS attendance",
    )
    worker_membership = membership_for_user(status.worker) if status.worker else None
    agency_id = worker_membership.agency_id if worker_membership else (status.team.agency_id if status.team else None)
    if agency_id is not None:
        events.publish(
            "notification.created",
            agency_id=agency_id,
            kind="cpis_attendance",
            id=attendance.pk,
            url=f"/pathways/cp-is/attendances/?id={attendance.pk}",
        )
    elif status.worker is not None:
        # A worker with no agency and no team: no agency to address an event to. The attendance must
        # still reach them, so it is put on their list now rather than wait for a delivery that
        # would never be made.
        attendance.notified_at = now
        attendance.save(update_fields=["notified_at"])
    return attendance


def cpis_attendance_deliver(*, attendance_id: int, now: datetime) -> CpisAttendance:
    """Deliver a recorded attendance to its social worker or team (the outbox subscriber's work; idempotent)."""
    attendance = CpisAttendance.objects.filter(pk=attendance_id).first()
    if attendance is not None and attendance.notified_worker_id is None and attendance.notified_team_id is None:
        raise LookupError(f"CP-IS attendance {attendance_id} has no social worker or team to notify")
    return outbox.mark_delivered(CpisAttendance, attendance_id, field="notified_at", now=now, what="CP-IS attendance")


@transaction.atomic
def cpis_attendance_seen(*, attendance: CpisAttendance, by, now: datetime) -> CpisAttendance:
    """The social worker (or their team) has seen the attendance."""
    policy.require(by, "casework.record")
    membership = membership_for_user(by)
    mine = attendance.notified_worker_id == by.pk or (
        membership is not None and membership.team_id and attendance.notified_team_id == membership.team_id
    )
    if not mine or not policy.person_access(by, attendance.person, now=now).allowed:
        raise PermissionDenied("This attendance was notified to someone else")
    if attendance.seen_at is None:
        attendance.seen_at, attendance.seen_by = now, by
        attendance.save(update_fields=["seen_at", "seen_by"])
        audit.record(actor=by, action=AuditAction.UPDATE, subject=attendance, at=now, details={"step": "seen"})
    return attendance
