"""Front-door timeliness reads: police referral timeliness (with the red PPN same-day standard), PPN to
strategy discussion, and health information request capacity (split from selectors.py; re-exported there)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from safehub.core import policy
from safehub.core.calendar import UK, uk_date
from safehub.core.codes import ReferralSource
from safehub.frontdoor.models import Contact, InformationRequest, LateFlag
from safehub.frontdoor.rules import (
    police_limit_applies,
    ppn_first_strategy,
    ppn_strategy_on_time,
    ppn_strategy_working_days,
    red_ppn_decided_on_time,
    red_ppn_decision_days,
    red_ppn_standard_applies,
)


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants from the start of `start` to the start of the day after `end`, UK time.

    Filtering `received_at >= a AND received_at < b` keeps exactly the rows `received_at__date`
    between the two dates would (both read the date in the UK), but lets the database use an index
    on the column rather than work out every row's local date (a full scan of millions of contacts).
    """
    first = datetime.combine(start, time.min, tzinfo=UK)
    after = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UK)
    return first, after


TIMELINESS_PAGE_SIZE = 50


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


_POLICE_COLUMNS = (
    "pk",
    "person_id",
    "police_reference",
    "incident_recorded_at",
    "received_at",
    "police_limit_hours",
    "high_risk",
    "police_grade",
    "current_rag",
    "decision__decided_at",
)


def _police_contacts(start: date, end: date):
    """The police contacts received in the period with the incident's time recorded, latest first."""
    from_at, to_at = _day_bounds(start, end)
    return Contact.objects.filter(
        source=ReferralSource.POLICE,
        received_at__gte=from_at,
        received_at__lt=to_at,
        incident_recorded_at__isnull=False,
    ).order_by("-received_at", "-pk")


def _late_flags(contact_ids) -> defaultdict[int, list[dict[str, Any]]]:
    flags: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for contact_id, agency, reason, response, flag_id in (
        LateFlag.objects.filter(contact_id__in=contact_ids)
        .order_by("-raised_at")
        .values_list("contact_id", "agency__name", "reason", "police_response", "pk")
    ):
        flags[contact_id].append({"agency": agency, "reason": reason, "response": response, "id": flag_id})
    return flags


def _timeliness_row(values: tuple, flags: list[dict[str, Any]], *, now: datetime, red_days: int) -> dict[str, Any]:
    """One police contact against the receipt limit and the red PPN same-day standard (frontdoor.rules)."""
    pk, person_id, reference, incident_at, received_at, limit, high_risk, grade, rag, decided_at = values
    assert incident_at is not None  # filtered on incident_recorded_at__isnull=False
    hours = (received_at - incident_at).total_seconds() / 3600
    red = police_limit_applies(high_risk=high_risk, police_grade=grade, mash_rag=rag)
    red_ppn = red_ppn_standard_applies(from_police=True, police_grade=grade, mash_rag=rag)
    same_day = red_ppn_decided_on_time(received_at, decided_at, as_of=now, days=red_days) if red_ppn else None
    return {
        "id": pk,
        "person_id": person_id,
        "police_reference": reference,
        "incident_at": incident_at,
        "received_at": received_at,
        "hours": round(hours, 1),
        "high_risk": red,
        "police_grade": grade,
        "mash_rag": rag,
        "limit": limit,
        "within": None if not red else hours <= (limit or 24),
        "flags": flags,
        "red_ppn": red_ppn,
        "decided_at": decided_at,
        "same_day": same_day,
        "overdue": red_ppn and decided_at is None and same_day is False,
    }


def _week() -> dict[str, int]:
    return {"high_risk": 0, "within": 0, "flagged": 0, "all": 0}


def _count_high_risk(weeks: dict[date, dict[str, int]], rows: list[dict[str, Any]]) -> None:
    """Add the high-risk referrals among ``rows``, and those within the limit, to their UK weeks."""
    for r in rows:
        if r["high_risk"]:
            w = weeks[_week_start(uk_date(r["received_at"]))]
            w["high_risk"] += 1
            w["within"] += 1 if r["within"] else 0


def _figures(weeks: dict[date, dict[str, int]], red_rows: list[dict[str, Any]], *, red_ppn_total: int,
             flagged_total: int) -> dict[str, Any]:  # fmt: skip
    """The page's figures from the weekly counts and the rows a limit or standard applies to."""
    trend = []
    for week in sorted(weeks):
        w = weeks[week]
        trend.append(
            {"week": week, **w, "within_pct": round(100 * w["within"] / w["high_risk"], 1) if w["high_risk"] else None}
        )
    high = [r for r in red_rows if r["high_risk"]]
    judged = [r for r in red_rows if r["red_ppn"] and r["same_day"] is not None]
    return {
        "red_ppn_total": red_ppn_total,
        "red_same_day_pct": round(100 * sum(1 for r in judged if r["same_day"]) / len(judged), 1) if judged else None,
        "red_overdue_total": sum(1 for r in red_rows if r["overdue"]),
        "trend": trend,
        "high_risk_total": len(high),
        "within_pct": round(100 * sum(1 for r in high if r["within"]) / len(high), 1) if high else None,
        "flagged_total": flagged_total,
        "median_hours_high_risk": round(statistics.median([r["hours"] for r in high]), 1) if high else None,
    }


def police_timeliness(*, user, start: date, end: date, now: datetime | None = None) -> dict:
    """Police referrals received between two dates: time from incident to receipt against the limit.

    A red PPN (graded red by the police or the MASH) also carries the same-day decision standard:
    ``same_day`` is True/False once decided or overdue, None while its day is not over. Every row of
    the period (``rows``, for the CSV download); the page reads ``police_timeliness_summary`` and
    ``police_timeliness_rows``.
    """
    policy.require(user, "frontdoor.police_timeliness")
    now = now or timezone.now()
    qs = _police_contacts(start, end)
    contacts = list(qs.values_list(*_POLICE_COLUMNS))
    flags_by_contact = _late_flags(qs.values("pk"))
    red_days = red_ppn_decision_days()  # the setting, read once for the whole period
    rows = [_timeliness_row(c, flags_by_contact.get(c[0], []), now=now, red_days=red_days) for c in contacts]
    weeks: defaultdict[date, dict[str, int]] = defaultdict(_week)
    for r in rows:
        w = weeks[_week_start(uk_date(r["received_at"]))]
        w["all"] += 1
        w["flagged"] += 1 if r["flags"] else 0
    _count_high_risk(weeks, rows)
    red_rows = [r for r in rows if r["high_risk"] or r["red_ppn"]]
    figures = _figures(weeks, red_rows, red_ppn_total=sum(1 for r in rows if r["red_ppn"]),
                       flagged_total=sum(1 for r in rows if r["flags"]))  # fmt: skip
    return {**figures, "rows": rows}


def police_timeliness_summary(*, user, start: date, end: date, now: datetime | None = None) -> dict:
    """``police_timeliness``'s figures and weekly trend without reading every contact of the period.

    The contacts are counted in the database by UK day and by the inputs of the rules (the police's
    high-risk flag and grade, the MASH's grade, whether a partner flagged it late); the rules are
    applied here to each combination. Only the contacts a limit or standard applies to (red) are read
    one by one, for their hours and decisions. At scale 5 the page read 8,200 contacts for a quarter
    to show 50; the red ones are about a quarter of them.
    """
    policy.require(user, "frontdoor.police_timeliness")
    now = now or timezone.now()
    qs = _police_contacts(start, end).order_by()
    flagged = Exists(LateFlag.objects.filter(contact_id=OuterRef("pk")))
    groups = (
        qs.annotate(day=TruncDate("received_at", tzinfo=UK), flagged=flagged)
        .values_list("day", "high_risk", "police_grade", "current_rag", "flagged")
        .annotate(n=Count("pk"))
    )
    weeks: defaultdict[date, dict[str, int]] = defaultdict(_week)
    red_kinds: set[tuple[bool, str, str]] = set()
    red_ppn_total = flagged_total = 0
    for day, high_risk, grade, rag, is_flagged, n in groups:
        w = weeks[_week_start(day)]
        w["all"] += n
        w["flagged"] += n if is_flagged else 0
        flagged_total += n if is_flagged else 0
        if red_ppn_standard_applies(from_police=True, police_grade=grade, mash_rag=rag):
            red_ppn_total += n
            red_kinds.add((high_risk, grade, rag))
        if police_limit_applies(high_risk=high_risk, police_grade=grade, mash_rag=rag):
            red_kinds.add((high_risk, grade, rag))
    red_rows: list[dict[str, Any]] = []
    if red_kinds:
        which = Q()
        for high_risk, grade, rag in red_kinds:
            which |= Q(high_risk=high_risk, police_grade=grade, current_rag=rag)
        red_days = red_ppn_decision_days()
        red_rows = [
            _timeliness_row(c, [], now=now, red_days=red_days) for c in qs.filter(which).values_list(*_POLICE_COLUMNS)
        ]
    _count_high_risk(weeks, red_rows)
    return _figures(weeks, red_rows, red_ppn_total=red_ppn_total, flagged_total=flagged_total)


def police_timeliness_rows(*, user, start: date, end: date, now: datetime | None = None, page: str | None = None):
    """One page (``TIMELINESS_PAGE_SIZE``) of the period's police contacts, latest first, paged in the
    database: a Django ``Page`` whose ``object_list`` holds ``police_timeliness``'s rows."""
    policy.require(user, "frontdoor.police_timeliness")
    now = now or timezone.now()
    listed = Paginator(_police_contacts(start, end).values_list(*_POLICE_COLUMNS), TIMELINESS_PAGE_SIZE).get_page(page)
    contacts = list(listed.object_list)
    flags = _late_flags([c[0] for c in contacts])
    red_days = red_ppn_decision_days()
    listed.object_list = [_timeliness_row(c, flags.get(c[0], []), now=now, red_days=red_days) for c in contacts]
    return listed


def uk_now_date(now: datetime) -> date:
    return now.astimezone(UK).date()


def ppn_strategy_timeliness(*, user, start: date, end: date, now: datetime) -> dict:
    """PPNs received in the period that a strategy discussion followed, and how soon (aggregate only).

    Measured from the PPN's receipt to the first strategy discussion held about the child
    (frontdoor.rules: the partnership's standard in working days).
    """
    from safehub.casework.models import StrategyMeeting

    policy.require(user, "frontdoor.police_timeliness")
    from_at, to_at = _day_bounds(start, end)
    ppns = Contact.objects.filter(
        source=ReferralSource.POLICE, person__isnull=False, received_at__gte=from_at, received_at__lt=to_at
    ).order_by()
    # The first discussion convened at or after each PPN found by the database (most PPNs have none,
    # so only the few that do are read: a region's quarter is ~80,000 PPNs); the rule's 30-day window
    # is applied here, to that first one (any other is later still).
    following = StrategyMeeting.objects.filter(
        person_id=OuterRef("person_id"), convened_at__gte=OuterRef("received_at")
    ).order_by("convened_at", "pk")
    candidates = (
        ppns.filter(Exists(following))
        .annotate(
            first_convened=Subquery(following.values("convened_at")[:1]),
            first_held=Subquery(following.values("held_at")[:1]),
        )
        .values_list("received_at", "first_convened", "first_held")
    )
    followed = on_time = late = pending = 0
    hours: list[float] = []
    for received, convened, held in candidates:
        if ppn_first_strategy(received, [(convened, held)]) is None:
            continue
        followed += 1
        verdict = ppn_strategy_on_time(received, held, as_of=now)
        if held is not None:
            hours.append((held - received).total_seconds() / 3600)
        if verdict is None:
            pending += 1
        elif verdict:
            on_time += 1
        else:
            late += 1
    decided = on_time + late
    return {
        "ppns": ppns.count(),
        "followed": followed,
        "on_time": on_time,
        "late": late,
        "pending": pending,
        "on_time_pct": round(100 * on_time / decided, 1) if decided else None,
        "median_hours": round(statistics.median(hours), 1) if hours else None,
        "standard_days": ppn_strategy_working_days(),
    }


def information_capacity(*, agency_id: int | None, user, start: date, end: date, now: datetime) -> dict:
    """Weekly capacity figures: received, answered in time, late, unanswered, median hours to answer."""
    if not (
        policy.can(user, "frontdoor.health_request_answer")
        or policy.can(user, "frontdoor.queue")
        or policy.can(user, "insight.view")
    ):
        raise PermissionDenied
    from_at, to_at = _day_bounds(start, end)  # the UK days, as a range an index serves
    qs = InformationRequest.objects.filter(requested_at__gte=from_at, requested_at__lt=to_at)
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    weeks: dict[date, dict] = defaultdict(
        lambda: {"received": 0, "in_time": 0, "late": 0, "unanswered": 0, "hours": []}
    )
    # Counted by the database per UK day and state; only the answered requests' times to answer
    # are read one by one, for the medians (a navigator team's quarter is ~65,000 requests at
    # region scale: reading each whole row took over a second).
    by_day = (
        qs.order_by()
        .annotate(
            day=TruncDate("requested_at", tzinfo=UK),
            answered=Q(answered_at__isnull=False),
            on_time=Q(answered_at__lte=F("due_at")),
            overdue=Q(answered_at__isnull=True, due_at__lt=now),
        )
        .values_list("day", "answered", "on_time", "overdue")
        .annotate(n=Count("pk"))
    )
    for day, answered, on_time, overdue, n in by_day:
        w = weeks[_week_start(day)]
        w["received"] += n
        if not answered:
            w["unanswered"] += n
            w["late"] += n if overdue else 0
        elif on_time:
            w["in_time"] += n
        else:
            w["late"] += n
    took = ExpressionWrapper(F("answered_at") - F("requested_at"), output_field=DurationField())
    for day, duration in (
        qs.filter(answered_at__isnull=False)
        .order_by()
        .annotate(day=TruncDate("requested_at", tzinfo=UK), took=took)
        .values_list("day", "took")
    ):
        weeks[_week_start(day)]["hours"].append(duration.total_seconds() / 3600)
    out, all_hours = [], []
    for week in sorted(weeks):
        w = weeks[week]
        all_hours += w["hours"]
        out.append(
            {
                "week": week,
                "received": w["received"],
                "in_time": w["in_time"],
                "late": w["late"],
                "unanswered": w["unanswered"],
                "median_hours": round(statistics.median(w["hours"]), 1) if w["hours"] else None,
            }
        )
    total = sum(w["received"] for w in out)
    return {
        "weeks": out,
        "received": total,
        "in_time": sum(w["in_time"] for w in out),
        "late": sum(w["late"] for w in out),
        "unanswered": sum(w["unanswered"] for w in out),
        "in_time_pct": round(100 * sum(w["in_time"] for w in out) / total, 1) if total else None,
        "median_hours": round(statistics.median(all_hours), 1) if all_hours else None,
    }
