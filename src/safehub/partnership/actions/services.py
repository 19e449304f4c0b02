"""Actions that change recommendations, action plans, inspections and notifications; each checks access
and writes its audit row.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from safehub.agencies.models import Agency
from safehub.core import audit, events, policy
from safehub.core.calendar import uk_date
from safehub.core.errors import StaleEdit
from safehub.core.models import AuditAction
from safehub.partnership.access import require_own_agency
from safehub.partnership.models import (
    Action,
    ActionStatus,
    CaseReview,
    Inspection,
    MultiAgencyAudit,
    Notification,
    Recommendation,
    SelfAssessmentReturn,
)


@transaction.atomic
def inspection_record(*, by, now: datetime, **fields) -> Inspection:
    policy.require(by, "partnership.manage")
    inspection = Inspection(**fields)
    inspection.full_clean()
    inspection.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=inspection, at=now)
    return inspection


@transaction.atomic
def recommendation_add(
    *,
    by,
    now: datetime,
    text: str,
    review: CaseReview | None = None,
    audit_record: MultiAgencyAudit | None = None,
    inspection: Inspection | None = None,
    self_assessment: SelfAssessmentReturn | None = None,
    kind: str = Recommendation.Kind.RECOMMENDATION,
    made_by: str = "",
    lead_agency: Agency | None = None,
) -> Recommendation:
    """Add a recommendation to exactly one source; it is numbered within that source."""
    policy.require(by, "partnership.manage")
    sources = {"review": review, "audit": audit_record, "inspection": inspection, "self_assessment": self_assessment}
    given = {k: v for k, v in sources.items() if v is not None}
    if len(given) != 1:
        raise ValidationError("A recommendation comes from exactly one review, audit, inspection or return")
    number = Recommendation.objects.filter(**given).count() + 1
    rec = Recommendation(
        **given, number=number, kind=kind, text=text.strip(), made_by=made_by, lead_agency=lead_agency, created_at=now
    )
    rec.full_clean()
    rec.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=rec, at=now)
    return rec


@transaction.atomic
def action_add(
    *,
    recommendation: Recommendation,
    description: str,
    agency: Agency,
    owner_name: str,
    due_date: date,
    by,
    now: datetime,
) -> Action:
    """Give an agency an action towards a recommendation."""
    policy.require(by, "partnership.manage")
    action = Action(
        recommendation=recommendation,
        description=description.strip(),
        agency=agency,
        owner_name=owner_name.strip(),
        due_date=due_date,
        updated_at=now,
    )
    action.full_clean()
    action.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=action, at=now)
    return action


@transaction.atomic
def action_update(
    *,
    action: Action,
    status: str,
    evidence: str,
    by,
    now: datetime,
    expected_version: int,
    owner_name: str | None = None,
    due_date: date | None = None,
) -> Action:
    """Update an action's status and evidence (its own agency, or the partnership manager).

    Only the partnership manager may move a due date: agencies report progress, they do not
    extend their own deadlines.
    """
    require_own_agency(by, action.agency_id)
    if due_date is not None and due_date != action.due_date:
        policy.require(by, "partnership.manage")
        action.due_date = due_date
    if status not in ActionStatus.values:
        raise ValidationError({"status": "Choose a status"})
    action.status = status
    action.evidence = (evidence or "").strip()
    if owner_name is not None:
        action.owner_name = owner_name.strip()
    if status == ActionStatus.COMPLETE:
        if not action.evidence:
            raise ValidationError({"evidence": "Give the evidence that the action is complete"})
        action.completed_date = action.completed_date or uk_date(now)
    else:
        action.completed_date = None
    action.updated_at = now
    action.full_clean()
    updated = Action.objects.filter(pk=action.pk, version=expected_version).update(
        version=F("version") + 1,
        status=action.status,
        evidence=action.evidence,
        owner_name=action.owner_name,
        due_date=action.due_date,
        completed_date=action.completed_date,
        updated_at=now,
    )
    if not updated:
        raise StaleEdit(Action.objects.values_list("version", flat=True).get(pk=action.pk))
    action.version = expected_version + 1
    audit.record(actor=by, action=AuditAction.UPDATE, subject=action, at=now, details={"status": status})
    return action


MESSAGE_KIND = "partnership_message"


def notify(agency: Agency, message: str, *, key: str, now: datetime, url: str = "") -> Notification | None:
    """Write the notification unless one with this key exists (returns None then).

    It is written and announced (``notification.created``, kind ``partnership_message``) in one
    transaction; the outbox worker delivers it to the agency's list after the commit
    (``partnership.subscribers``), retrying and dead-lettering it as every delivery.
    """
    if Notification.objects.filter(dedupe_key=key).exists():
        return None
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                recipient_agency=agency,
                message=message[:300],
                url=url,
                dedupe_key=key,
                created_at=now,
                awaiting_delivery=True,
            )
            events.publish("notification.created", agency_id=agency.pk, kind=MESSAGE_KIND, id=note.pk, url=url)
            return note
    except IntegrityError:  # a concurrent run created it first
        return None


def notification_deliver(*, notification_id: int) -> Notification:
    """Put a written notification on its agency's list (the outbox subscriber's work; idempotent)."""
    note = Notification.objects.filter(pk=notification_id).first()
    if note is None:
        raise LookupError(f"there is no partnership notification {notification_id}")
    if note.awaiting_delivery:
        note.awaiting_delivery = False
        note.save(update_fields=["awaiting_delivery"])
    return note


def actions_chase_overdue(*, now: datetime) -> list[Notification]:
    """Chase every overdue action: one notification to the owning agency per action per day."""
    today = uk_date(now)
    created: list[Notification] = []
    overdue = (
        Action.objects.filter(due_date__lt=today)
        .exclude(status=ActionStatus.COMPLETE)
        .select_related("agency", "recommendation")
    )
    for action in overdue:
        days = (today - action.due_date).days
        note = notify(
            action.agency,
            f"Action overdue by {days} day{'s' if days != 1 else ''}: {action.description[:180]}",
            key=f"action-overdue:{action.pk}:{today.isoformat()}",
            url=f"/partnership/actions/{action.pk}/",
            now=now,
        )
        if note is not None:
            created.append(note)
    if created:
        with transaction.atomic():
            audit.record(
                actor=None,
                action=AuditAction.CREATE,
                at=now,
                object_type="partnership.Notification",
                details={"chased": len(created)},
            )
    return created


@transaction.atomic
def notification_mark_read(*, notification: Notification, by, now: datetime) -> Notification:
    require_own_agency(by, notification.recipient_agency_id, "partnership.view")
    if notification.read_at is None:
        notification.read_at = now
        notification.save(update_fields=["read_at"])
    return notification
