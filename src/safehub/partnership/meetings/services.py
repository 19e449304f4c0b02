"""Actions that change sub-group meetings; each checks access and writes its audit row."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safehub.agencies.models import Agency
from safehub.core import audit, policy
from safehub.core.calendar import uk_date
from safehub.core.models import AuditAction
from safehub.partnership.models import (
    Attendance,
    MeetingAction,
    MeetingAttendance,
    SubGroupMeeting,
)


@transaction.atomic
def meeting_record(
    *,
    group: str,
    held_at: datetime,
    chair_name: str,
    summary: str,
    decisions: str,
    present: Iterable[Agency],
    apologies: Iterable[Agency] = (),
    absent: Iterable[Agency] = (),
    by,
    now: datetime,
) -> SubGroupMeeting:
    """Record a sub-group meeting with who came, who sent apologies and what it decided."""
    policy.require(by, "partnership.manage")
    if held_at > now:
        raise ValidationError({"held_at": "A meeting is recorded once it has been held"})
    meeting = SubGroupMeeting(group=group, held_at=held_at, chair_name=chair_name.strip(), summary=summary.strip(),
                              decisions=decisions.strip(), recorded_at=now, recorded_by=by)  # fmt: skip
    meeting.full_clean()
    meeting.save()
    seen: set[int] = set()
    rows = []
    for status, agencies in ((Attendance.PRESENT, present), (Attendance.APOLOGIES, apologies),
                             (Attendance.ABSENT, absent)):  # fmt: skip
        for agency in agencies:
            if agency.pk in seen:
                raise ValidationError({"apologies": f"{agency.name} is listed twice"})
            seen.add(agency.pk)
            rows.append(MeetingAttendance(meeting=meeting, agency=agency, status=status))
    if not any(r.status == Attendance.PRESENT for r in rows):
        raise ValidationError({"present": "Say which agencies were present"})
    MeetingAttendance.objects.bulk_create(rows)
    audit.record(actor=by, action=AuditAction.CREATE, subject=meeting, at=now,
                 details={"group": group, "present": sum(r.status == Attendance.PRESENT for r in rows)})  # fmt: skip
    return meeting


@transaction.atomic
def meeting_action_add(
    *, meeting: SubGroupMeeting, description: str, agency: Agency, owner_name: str, due_date: date, by, now: datetime
) -> MeetingAction:
    """Give an agency an action from a meeting."""
    policy.require(by, "partnership.manage")
    if due_date < uk_date(meeting.held_at):
        raise ValidationError({"due_date": "An action cannot be due before the meeting that set it"})
    action = MeetingAction(meeting=meeting, description=description.strip(), agency=agency,
                           owner_name=owner_name.strip(), due_date=due_date)  # fmt: skip
    action.full_clean()
    action.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=action, at=now, details={"meeting": meeting.pk})
    return action


@transaction.atomic
def meeting_action_complete(*, action: MeetingAction, by, now: datetime) -> MeetingAction:
    """Mark a meeting's action done (the partnership team, or the agency that holds it)."""
    membership = policy.membership_for_user(by)
    own = membership is not None and membership.agency_id == action.agency_id
    if not (policy.can(by, "partnership.manage") or (own and policy.can(by, "partnership.contribute"))):
        raise PermissionDenied
    if action.completed_date is not None:
        raise ValidationError("This action is already complete")
    action.completed_date = uk_date(now)
    action.save(update_fields=["completed_date"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=action, at=now, details={"completed": True})
    return action
