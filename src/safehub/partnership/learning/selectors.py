"""Reads of training and briefings, access-checked, as plain data for pages (CONVENTIONS 4, 5)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.http import Http404

from safehub.core import policy
from safehub.core.calendar import UK, uk_date
from safehub.partnership.models import (
    Briefing,
    TrainingAttendance,
    TrainingCourse,
    TrainingEvent,
)


def training_overview(*, user, now: datetime, days: int = 365) -> dict:
    policy.require(user, "partnership.view")
    since = now - timedelta(days=days)
    events = (
        TrainingEvent.objects.filter(starts_at__gte=since, starts_at__lte=now)
        .select_related("course")
        .annotate(
            n=Count("attendances", filter=Q(attendances__attended=True)),
            useful=Count("attendances", filter=Q(attendances__usefulness__gte=4)),
            rated=Count("attendances", filter=Q(attendances__usefulness__isnull=False)),
        )
        .order_by("-starts_at")
    )
    attendances = TrainingAttendance.objects.filter(
        event__starts_at__gte=since, event__starts_at__lte=now, attended=True
    )
    by_kind = (
        attendances.values("agency__kind")
        .annotate(n=Count("pk"), agencies=Count("agency", distinct=True))
        .order_by("-n")
    )
    from safehub.agencies.models import AgencyKind

    rated = attendances.filter(usefulness__isnull=False)
    n_rated = rated.count()
    courses = []
    for course in TrainingCourse.objects.prefetch_related("quality_checks"):
        last = next(iter(course.quality_checks.all()), None)
        courses.append(
            {
                "id": course.pk,
                "title": course.title,
                "theme": course.get_theme_display(),
                "priority": course.get_priority_display() if course.priority else "",
                "last_check": last.checked_date if last else None,
                "passed": last.passed if last else None,
                "check_due": last is None or last.checked_date < uk_date(now) - timedelta(days=365),
            }
        )
    upcoming = TrainingEvent.objects.filter(starts_at__gt=now).select_related("course").order_by("starts_at")
    return {
        "upcoming": [
            {
                "id": e.pk,
                "title": e.course.title,
                "starts": e.starts_at.astimezone(UK),
                "venue": e.venue or "Online",
                "capacity": e.capacity,
            }
            for e in upcoming
        ],
        "events": [
            {
                "id": e.pk,
                "title": e.course.title,
                "starts": e.starts_at.astimezone(UK),
                "venue": e.venue or "Online",
                "attended": e.n,
                "useful_pct": round(100 * e.useful / e.rated) if e.rated else None,
            }
            for e in events
        ],
        "attendance": attendances.count(),
        "agencies_reached": attendances.values("agency").distinct().count(),
        "by_kind": [
            {"kind": AgencyKind(row["agency__kind"]).label, "attended": row["n"], "agencies": row["agencies"]}
            for row in by_kind
        ],
        "useful_pct": round(100 * rated.filter(usefulness__gte=4).count() / n_rated) if n_rated else None,
        "courses": courses,
        "can_manage": policy.can(user, "partnership.manage"),
    }


def course_get(*, user, course_id: int) -> TrainingCourse:
    policy.require(user, "partnership.view")
    found = TrainingCourse.objects.filter(pk=course_id).first()
    if found is None:
        raise Http404
    return found


def event_get(*, user, event_id: int) -> TrainingEvent:
    policy.require(user, "partnership.view")
    found = TrainingEvent.objects.select_related("course").filter(pk=event_id).first()
    if found is None:
        raise Http404
    return found


def event_detail(*, user, event: TrainingEvent) -> dict:
    policy.require(user, "partnership.view")
    rows = list(event.attendances.select_related("agency").order_by("agency__name", "attendee_name"))
    manager = policy.can(user, "partnership.manage")
    my_agency = policy.agency_id_of(user)
    roles = Counter(a.job_role for a in rows if a.attended)
    return {
        "event": event,
        # Names of attendees are the agency's own business; the partnership sees them all.
        "attendances": [a for a in rows if manager or a.agency_id == my_agency],
        "by_agency": Counter(a.agency.name for a in rows if a.attended).most_common(),
        "by_role": roles.most_common(),
        "places_left": max(0, event.capacity - len(rows)),
    }


def briefing_list(*, user) -> list[dict]:
    policy.require(user, "partnership.view")
    read_ids = set(Briefing.objects.filter(reads__user=user).values_list("pk", flat=True))
    qs = Briefing.objects.annotate(n_reads=Count("reads")).select_related("review")
    return [
        {
            "id": b.pk,
            "title": b.title,
            "kind": b.get_kind_display(),
            "theme": b.get_theme_display(),
            "published": b.published_at,
            "reads": b.n_reads,
            "read_by_me": b.pk in read_ids,
            "review": b.review.reference if b.review else "",
        }
        for b in qs
    ]


def briefing_get(*, user, briefing_id: int) -> Briefing:
    policy.require(user, "partnership.view")
    found = Briefing.objects.filter(pk=briefing_id).first()
    if found is None:
        raise Http404
    return found


def briefing_reads_by_agency(*, briefing: Briefing) -> list[tuple[str, int]]:
    return [
        (row["agency__name"] or "No agency", row["n"])
        for row in briefing.reads.values("agency__name").annotate(n=Count("pk")).order_by("-n")
    ]
