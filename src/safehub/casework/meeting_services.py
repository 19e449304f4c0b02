"""Strategy meetings: convene, invite, attend, hold, the written record and its shares, and the s47 they start.

Split from ``casework.services`` (which re-exports these names); each action checks access,
validates, and audits in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from safehub.agencies.models import Agency
from safehub.casework import case_services, rules
from safehub.casework.models import (
    Attendance,
    CaseOutcomeShare,
    MeetingDecision,
    MeetingInvite,
    MeetingStatus,
    RecordShare,
    Section47,
    StrategyMeeting,
)
from safehub.core import audit, events
from safehub.core.calendar import due_after_working_days, uk_date
from safehub.core.errors import StaleEdit
from safehub.core.models import AuditAction
from safehub.core.shares import share_read
from safehub.core.timescales import timescale
from safehub.people import policy
from safehub.people.models import Person
from safehub.people.services import involvement_record


def _require_person(by, person: Person, now: datetime, permission: str) -> None:
    policy.require(by, permission)
    if not policy.person_access(by, person, now=now).allowed:
        raise PermissionDenied("You do not have access to this child's record")


@transaction.atomic
def meeting_convene(
    *,
    person: Person,
    by,
    now: datetime,
    scheduled_at: datetime,
    chair,
    agencies: list[Agency],
    reason: str = "REFERRAL",
    referral=None,
) -> StrategyMeeting:
    """Convene a strategy meeting and invite agencies (each gets access to the child's record)."""
    _require_person(by, person, now, "casework.convene")
    if not policy.can(chair, "casework.chair"):
        raise ValidationError({"chair": "The chair must be a social work manager or front-door manager"})
    meeting = StrategyMeeting(
        person=person,
        referral=referral,
        reason=reason,
        convened_by=by,
        chair=chair,
        convened_at=now,
        scheduled_at=scheduled_at,
    )
    meeting.full_clean()
    meeting.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=meeting, at=now)
    for agency in agencies:
        meeting_invite(meeting=meeting, agency=agency, by=by, now=now)
    return meeting


@transaction.atomic
def meeting_invite(
    *, meeting: StrategyMeeting, agency: Agency, by, now: datetime, invitee_name: str = ""
) -> MeetingInvite:
    policy.require(by, "casework.convene")
    invite, created = MeetingInvite.objects.get_or_create(
        meeting=meeting, agency=agency, defaults={"invited_at": now, "invitee_name": invitee_name}
    )
    if created:
        involvement_record(
            person=meeting.person,
            agency_id=agency.pk,
            kind="MEETING_INVITEE",
            now=now,
            source=f"casework.StrategyMeeting:{meeting.pk}",
            by=by,
        )
        audit.record(actor=by, action=AuditAction.UPDATE, subject=meeting, at=now, details={"invited": agency.pk})
    return invite


@transaction.atomic
def attendance_record(
    *,
    meeting: StrategyMeeting,
    agency: Agency,
    attendance: str,
    by,
    now: datetime,
    apologies_from: str = "",
    information_shared: str = "",
) -> MeetingInvite:
    """Record who came, who sent apologies, and what each agency told the meeting."""
    _require_person(by, meeting.person, now, "casework.record")
    invite = MeetingInvite.objects.filter(meeting=meeting, agency=agency).first()
    if invite is None:
        invite = meeting_invite(meeting=meeting, agency=agency, by=by, now=now)
    if attendance not in Attendance.values:
        raise ValidationError({"attendance": "Choose attended, apologies or did not attend"})
    if attendance == Attendance.APOLOGIES and not apologies_from.strip():
        raise ValidationError({"apologies_from": "Say who sent apologies"})
    invite.attendance, invite.apologies_from = attendance, apologies_from.strip()
    invite.information_shared = information_shared.strip() or invite.information_shared
    invite.save(update_fields=["attendance", "apologies_from", "information_shared"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        subject=meeting,
        at=now,
        details={"attendance": attendance, "agency": agency.pk},
    )
    return invite


@transaction.atomic
def meeting_hold(
    *, meeting: StrategyMeeting, held_at: datetime, decision: str, by, now: datetime, immediate_safety_actions: str = ""
) -> StrategyMeeting:
    """Record that the meeting took place and what it decided; starts a section 47 if decided."""
    _require_person(by, meeting.person, now, "casework.record")
    if meeting.status != MeetingStatus.CONVENED:
        raise ValidationError("This meeting has already been recorded as held")
    if decision not in MeetingDecision.values:
        raise ValidationError({"decision": "Choose the meeting's decision"})
    if held_at > now:
        raise ValidationError({"held_at": "The meeting cannot be held in the future"})
    meeting.held_at, meeting.decision, meeting.status = held_at, decision, MeetingStatus.HELD
    meeting.immediate_safety_actions = immediate_safety_actions.strip()
    meeting.record_share_due_at = due_after_working_days(held_at, timescale("strategy_record_share_working_days"))
    meeting.version += 1
    meeting.save()
    audit.record(actor=by, action=AuditAction.UPDATE, subject=meeting, at=now, details={"decision": decision})
    if decision == MeetingDecision.SECTION_47:
        section47_start(meeting=meeting, by=by, now=now)
    return meeting


@transaction.atomic
def record_draft(*, meeting: StrategyMeeting, text: str, by, now: datetime, expected_version: int) -> StrategyMeeting:
    _require_person(by, meeting.person, now, "casework.record")
    if meeting.status not in (MeetingStatus.HELD, MeetingStatus.RECORD_DRAFTED):
        raise ValidationError("Record the meeting as held first; an approved record cannot be changed")
    if not text.strip():
        raise ValidationError({"record_text": "Write the record of the meeting"})
    updated = StrategyMeeting.objects.filter(pk=meeting.pk, version=expected_version).update(
        record_text=text.strip(), record_drafted_at=now, status=MeetingStatus.RECORD_DRAFTED, version=F("version") + 1
    )
    if not updated:
        raise StaleEdit(StrategyMeeting.objects.values_list("version", flat=True).get(pk=meeting.pk))
    meeting.refresh_from_db()
    audit.record(actor=by, action=AuditAction.UPDATE, subject=meeting, at=now, details={"record": "drafted"})
    return meeting


@transaction.atomic
def record_approve(*, meeting: StrategyMeeting, by, now: datetime) -> list[RecordShare]:
    """The chair approves the record; it is shared at once with every invited or attending agency."""
    if by.pk != meeting.chair_id:
        raise PermissionDenied("Only the chair can approve the record")
    if meeting.status != MeetingStatus.RECORD_DRAFTED:
        raise ValidationError("There is no drafted record to approve")
    meeting.record_approved_at, meeting.status = now, MeetingStatus.RECORD_SHARED
    meeting.version += 1
    meeting.save(update_fields=["record_approved_at", "status", "version"])
    audit.record(actor=by, action=AuditAction.SIGN_OFF, subject=meeting, at=now, details={"record": "approved"})
    shares = []
    for invite in meeting.invites.select_related("agency"):
        if invite.agency.kind == "LA_CHILDREN":
            continue  # the record is the local authority's own
        share, created = RecordShare.objects.get_or_create(
            meeting=meeting, agency=invite.agency, defaults={"shared_at": now}
        )
        if created:
            audit.record(
                actor=by,
                action=AuditAction.SHARE,
                subject=share,
                person_id=meeting.person_id,
                at=now,
                details={"agency": invite.agency_id, "what": "strategy record"},
            )
            shares.append(share)
            # Written to the outbox with the share: delivered to agency systems after the commit.
            events.publish("record.shared", agency_id=share.agency_id, kind="strategy_record", id=share.pk)
    return shares


@transaction.atomic
def record_read(*, share: RecordShare, by, now: datetime) -> RecordShare:
    return share_read(
        share, by=by, now=now, refusal="This record was shared with another agency",
        person_id=share.meeting.person_id, details={"what": "strategy record"},
    )  # fmt: skip


@transaction.atomic
def case_outcome_read(*, share: CaseOutcomeShare, by, now: datetime, via: str = "page") -> CaseOutcomeShare:
    """Record that the agency read an enquiry or assessment outcome (first read sets the receipt)."""
    return share_read(
        share, by=by, now=now, refusal="This outcome was shared with another agency", details={"via": via}
    )


@transaction.atomic
def section47_start(*, meeting: StrategyMeeting, by, now: datetime) -> Section47:
    strategy_date = uk_date(meeting.held_at or now)
    s47 = Section47.objects.create(
        person=meeting.person,
        strategy_meeting=meeting,
        strategy_date=strategy_date,
        icpc_due_date=rules.icpc_due(
            strategy_date, working_days=timescale("icpc_working_days", rules.ICPC_WORKING_DAYS)
        ),
        worker=by,
    )
    audit.record(actor=by, action=AuditAction.CREATE, subject=s47, at=now)
    case_services.link_to_open_episode(s47, by=by, now=now)
    return s47
