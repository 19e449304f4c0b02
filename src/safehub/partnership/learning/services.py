"""Actions that change training and briefings; each checks access and writes its audit row."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.agencies.models import Agency
from safehub.core import audit, policy
from safehub.core.calendar import uk_date
from safehub.core.models import AuditAction
from safehub.partnership.access import agency_of, require_own_agency
from safehub.partnership.models import (
    Briefing,
    BriefingRead,
    TrainingAttendance,
    TrainingCourse,
    TrainingEvent,
    TrainingQualityCheck,
)


@transaction.atomic
def course_create(*, by, now: datetime, title: str, theme: str, priority: str = "", **fields) -> TrainingCourse:
    policy.require(by, "partnership.manage")
    course = TrainingCourse(title=title.strip(), theme=theme, priority=priority, **fields)
    course.full_clean()
    course.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=course, at=now)
    return course


@transaction.atomic
def event_schedule(
    *, course: TrainingCourse, starts_at: datetime, by, now: datetime, venue: str = "", capacity: int = 30
) -> TrainingEvent:
    policy.require(by, "partnership.manage")
    event = TrainingEvent(course=course, starts_at=starts_at, venue=venue, capacity=capacity)
    event.full_clean()
    event.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=event, at=now)
    return event


@transaction.atomic
def attendance_record(
    *,
    event: TrainingEvent,
    attendee_name: str,
    job_role: str,
    by,
    now: datetime,
    agency: Agency | None = None,
    usefulness: int | None = None,
    comment: str = "",
) -> TrainingAttendance:
    """Record an attendee and their evaluation; agencies record their own staff."""
    agency = agency or agency_of(by)
    require_own_agency(by, agency.pk)
    if event.attendances.count() >= event.capacity:
        raise ValidationError("The event is full")
    item = TrainingAttendance(
        event=event,
        agency=agency,
        attendee_name=attendee_name.strip(),
        job_role=job_role.strip(),
        usefulness=usefulness,
        comment=comment.strip(),
    )
    item.full_clean()
    item.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=item, at=now)
    return item


@transaction.atomic
def quality_check_record(
    *,
    course: TrainingCourse,
    reflects_legislation: bool,
    reflects_local_policy: bool,
    includes_review_learning: bool,
    by,
    now: datetime,
    note: str = "",
) -> TrainingQualityCheck:
    policy.require(by, "partnership.manage")
    check = TrainingQualityCheck(
        course=course,
        checked_date=uk_date(now),
        checked_by=by,
        reflects_legislation=reflects_legislation,
        reflects_local_policy=reflects_local_policy,
        includes_review_learning=includes_review_learning,
        note=note.strip(),
    )
    check.full_clean()
    check.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=check, at=now)
    return check


@transaction.atomic
def briefing_publish(
    *, title: str, theme: str, body: str, by, now: datetime, kind: str = Briefing.Kind.SEVEN_MINUTE, review=None
) -> Briefing:
    policy.require(by, "partnership.manage")
    briefing = Briefing(title=title.strip(), theme=theme, body=body.strip(), kind=kind, review=review, published_at=now)
    briefing.full_clean()
    briefing.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=briefing, at=now)
    return briefing


@transaction.atomic
def briefing_mark_read(*, briefing: Briefing, by, now: datetime) -> BriefingRead:
    """Record a read receipt (once per person)."""
    membership = policy.require(by, "partnership.view")
    receipt, created = BriefingRead.objects.get_or_create(
        briefing=briefing, user=by, defaults={"agency_id": membership.agency_id, "read_at": now}
    )
    if created:
        audit.record(actor=by, action=AuditAction.VIEW, subject=briefing, at=now)
    return receipt
