"""Reads of sub-group meetings, and each sub-group's meetings counted for the yearly report."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from safehub.core import policy
from safehub.partnership.models import (
    Attendance,
    MeetingAction,
    SubGroup,
    SubGroupMeeting,
)
from safehub.partnership.periods import in_year, year_end


def meeting_get(*, user, meeting_id: int) -> SubGroupMeeting:
    policy.require(user, "partnership.view")
    found = SubGroupMeeting.objects.filter(pk=meeting_id).first()
    if found is None:
        raise Http404
    return found


def meeting_detail(*, user, meeting: SubGroupMeeting, today: date) -> dict:
    """A meeting with its attendance by status and its actions (each marked overdue or done)."""
    attendance: dict[str, list[str]] = defaultdict(list)
    for row in meeting.attendance.select_related("agency").order_by("agency__name"):
        attendance[row.status].append(row.agency.name)
    membership = policy.membership_for_user(user)
    manage = policy.can(user, "partnership.manage")
    actions = [
        {"id": a.pk, "description": a.description, "agency": a.agency.name, "owner": a.owner_name,
         "due": a.due_date, "done": a.completed_date, "overdue": a.is_overdue(today),
         "can_complete": a.completed_date is None and (manage or (membership is not None
                                                                 and membership.agency_id == a.agency_id))}
        for a in meeting.actions.select_related("agency")
    ]  # fmt: skip
    return {
        "meeting": meeting,
        "present": attendance[Attendance.PRESENT],
        "apologies": attendance[Attendance.APOLOGIES],
        "absent": attendance[Attendance.ABSENT],
        "actions": actions,
        "can_manage": manage,
    }


def meeting_rows(*, group: str = "") -> QuerySet:
    """Meetings, newest first, annotated with attendance and action counts (for the paged list)."""
    qs = SubGroupMeeting.objects.annotate(
        invited=Count("attendance", distinct=True),
        present=Count("attendance", filter=Q(attendance__status=Attendance.PRESENT), distinct=True),
        action_count=Count("actions", distinct=True),
    )
    return qs.filter(group=group) if group else qs


def meetings_summary(*, year: str, as_of: date) -> dict[str, list[tuple[str, float | None]]]:
    """Per sub-group, the year's meetings: how many, attendance, decisions and the actions they set.

    Attendance is the share of member agencies present across the year's meetings; an action is
    completed when done by the year's end (``as_of`` for a year not yet over).
    """
    end = year_end(year, as_of)
    out: dict[str, list[tuple[str, float | None]]] = {}
    meetings = SubGroupMeeting.objects.filter(in_year(year, "held_at"))
    rows = {
        g: (n, present, invited)
        for g, n, present, invited in meetings.values_list("group").annotate(
            n=Count("pk", distinct=True),
            present=Count("attendance", filter=Q(attendance__status=Attendance.PRESENT)),
            invited=Count("attendance"),
        )
    }
    decisions: Counter = Counter()
    for group, text in meetings.values_list("group", "decisions"):
        decisions[group] += sum(1 for line in text.splitlines() if line.strip())
    actions = MeetingAction.objects.filter(meeting__in=meetings)
    agreed = dict(actions.values_list("meeting__group").annotate(n=Count("pk")))
    done = dict(
        actions.filter(completed_date__isnull=False, completed_date__lte=end)
        .values_list("meeting__group")
        .annotate(n=Count("pk"))
    )
    for code in SubGroup.values:
        n, present, invited = rows.get(code, (0, 0, 0))
        out[code] = [
            ("Meetings held", n),
            ("% of member agencies present", round(100 * present / invited, 1) if invited else None),
            ("Decisions recorded", decisions[code]),
            ("Meeting actions agreed", agreed.get(code, 0)),
            ("Meeting actions completed", done.get(code, 0)),
        ]
    return out
