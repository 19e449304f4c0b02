"""Reads of recommendations and actions (access-checked, plain data for pages), and actions counted for
the yearly report.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404

from safehub.core import policy
from safehub.core.calendar import UK, uk_date
from safehub.partnership.models import (
    Action,
    ActionStatus,
    Notification,
    Recommendation,
)
from safehub.partnership.periods import dates_in_year, year_end


def recommendation_rows(recs: QuerySet[Recommendation], *, user, today: date) -> list[dict]:
    membership = policy.membership_for_user(user)
    manager = policy.can(user, "partnership.manage")
    out = []
    for rec in recs.select_related("lead_agency").prefetch_related("actions__agency"):
        actions = [
            {
                "id": a.pk,
                "description": a.description,
                "agency": a.agency.name,
                "owner": a.owner_name,
                "due": a.due_date,
                "status": a.status_label(today),
                "overdue": a.is_overdue(today),
                "complete": a.status == ActionStatus.COMPLETE,
                "evidence": a.evidence,
                "can_update": manager or (membership is not None and membership.agency_id == a.agency_id),
            }
            for a in rec.actions.all()
        ]
        out.append(
            {
                "id": rec.pk,
                "number": rec.number,
                "kind": rec.get_kind_display(),
                "text": rec.text,
                "made_by": rec.made_by,
                "lead_agency": rec.lead_agency.name if rec.lead_agency else "",
                "actions": actions,
                "complete": bool(actions) and all(a["complete"] for a in actions),
            }
        )
    return out


def action_get(*, user, action_id: int) -> Action:
    policy.require(user, "partnership.view")
    action = (
        Action.objects.select_related(
            "agency",
            "recommendation__review",
            "recommendation__audit",
            "recommendation__inspection",
            "recommendation__self_assessment__agency",
        )
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise Http404
    return action


def action_plan(*, user, now: datetime, agency_id: int | None = None, overdue_only: bool = False) -> list[dict]:
    """Every action with its source, for the action-plan tracker (filterable by agency)."""
    policy.require(user, "partnership.view")
    today = uk_date(now)
    membership = policy.membership_for_user(user)
    manager = policy.can(user, "partnership.manage")
    qs = Action.objects.select_related(
        "agency",
        "recommendation__review",
        "recommendation__audit",
        "recommendation__inspection",
        "recommendation__self_assessment__agency",
    ).order_by("due_date", "pk")
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    if overdue_only:
        qs = qs.filter(due_date__lt=today).exclude(status=ActionStatus.COMPLETE)
    return [
        {
            "id": a.pk,
            "description": a.description,
            "source": a.recommendation.source_label,
            "recommendation": a.recommendation.text,
            "agency": a.agency.name,
            "owner": a.owner_name,
            "due": a.due_date,
            "status": a.status_label(today),
            "overdue": a.is_overdue(today),
            "can_update": manager or (membership is not None and membership.agency_id == a.agency_id),
        }
        for a in qs
    ]


def inspection_list(*, user, now: datetime) -> list[dict]:
    from safehub.partnership.models import Inspection

    policy.require(user, "partnership.view")
    today = uk_date(now)
    return [
        {
            "inspection": i,
            "recommendations": recommendation_rows(i.recommendations.all(), user=user, today=today),
        }
        for i in Inspection.objects.all()
    ]


def notifications_for_user(*, user, unread_only: bool = False, limit: int = 100) -> list[Notification]:
    """The user's agency's notifications (the partnership manager sees every agency's)."""
    policy.require(user, "partnership.view")
    qs = Notification.objects.filter(awaiting_delivery=False).select_related("recipient_agency")  # delivered
    if not policy.can(user, "partnership.manage"):
        qs = qs.filter(recipient_agency_id=policy.agency_id_of(user))
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return list(qs[:limit])


def notification_get(*, user, notification_id: int) -> Notification:
    policy.require(user, "partnership.view")
    found = Notification.objects.filter(pk=notification_id).first()
    if found is None:
        raise Http404
    return found


def overdue_actions_count(*, now: datetime, agency_id: int | None = None) -> int:
    qs = Action.objects.filter(due_date__lt=uk_date(now)).exclude(status=ActionStatus.COMPLETE)
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    return qs.count()


def actions_summary(*, year: str, as_of: date, source: str = "") -> dict[str, int]:
    """Count action-plan actions for the year: completed in it, open and overdue at its end.

    Open at the year's end: agreed by then (its recommendation made) and not completed by then.
    Overdue: open and past its due date. ``source``: only actions answering reviews ("review"),
    audits ("audit"), inspections or self-assessments; blank for all.
    """
    snapshot = year_end(year, as_of)
    cutoff = datetime.combine(snapshot + timedelta(days=1), time.min, tzinfo=UK)
    qs = Action.objects.all()
    if source:
        qs = qs.filter(**{f"recommendation__{source}__isnull": False})
    agreed = qs.filter(recommendation__created_at__lt=cutoff)
    open_q = Q(completed_date__isnull=True) | Q(completed_date__gt=snapshot)
    return {
        "completed": qs.filter(dates_in_year(year, "completed_date"), status=ActionStatus.COMPLETE).count(),
        "open": agreed.filter(open_q).count(),
        "overdue": agreed.filter(open_q, due_date__lt=snapshot).count(),
    }
