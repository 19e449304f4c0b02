"""Front-door reads: the MASH queue, timeliness, capacity and what is shared with each agency."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone

from safehub.core import audit, policy
from safehub.core.calendar import UK, uk_date
from safehub.core.codes import ReferralSource
from safehub.core.models import AuditAction
from safehub.frontdoor.models import (
    Consultation,
    Contact,
    ContactStatus,
    EducationNotification,
    InformationRequest,
    LateFlag,
    OutcomeShare,
    Urgency,
)
from safehub.frontdoor.rules import (
    police_limit_applies,
    police_under_graded,
    red_ppn_decided_on_time,
    red_ppn_standard_applies,
)
from safehub.people.models import Person

THRESHOLD_CONTACTS = 2
THRESHOLD_DAYS = 7


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants from the start of `start` to the start of the day after `end`, UK time.

    Filtering `received_at >= a AND received_at < b` keeps exactly the rows `received_at__date`
    between the two dates would (both read the date in the UK), but lets the database use an index
    on the column rather than work out every row's local date (a full scan of millions of contacts).
    """
    first = datetime.combine(start, time.min, tzinfo=UK)
    after = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UK)
    return first, after


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


QUEUE_PAGE_SIZE = 50
# Most urgent first: overdue, then red, amber, unrated, green; then the earliest due.
_RAG_RANK = Case(
    When(current_rag="RED", then=Value(0)),
    When(current_rag="AMBER", then=Value(1)),
    When(current_rag="", then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def _open_contacts(*, user, now: datetime, status: str = "") -> QuerySet[Contact]:
    """Open contacts in queue order, ordered by the database (the queue can hold thousands).

    Contacts about a person the user may not open (a sealed child not named to them) never reach
    the queue: the same rule as the record (CONVENTIONS 18).
    """
    open_statuses = [s for s in ContactStatus.values if s != ContactStatus.CLOSED]
    qs = Contact.objects.filter(status__in=open_statuses)
    if status:
        qs = qs.filter(status=status)
    # The one policy (the same rule as person_visible_q), applied to the children these contacts
    # name rather than to every person held (265,000 at city scale); unmatched contacts pass.
    named = Person.objects.filter(pk__in=qs.values("person_id"))
    visible = policy.persons_visible_to(user, named, now=now).values("pk")
    qs = qs.filter(Q(person__in=visible) | Q(person__isnull=True))
    return qs.annotate(
        late=Case(When(decision_due_at__lt=now, then=Value(0)), default=Value(1), output_field=IntegerField()),
        rag_rank=_RAG_RANK,
    ).order_by("late", "rag_rank", "decision_due_at", "pk")


_SOURCE_LABELS = dict(ReferralSource.choices)
_STATUS_LABELS = dict(ContactStatus.choices)
_URGENCY_LABELS = dict(Urgency.choices)
_QUEUE_TIME = "%d/%m/%Y %H:%M"
_LINK_SLOT = 987654321987  # stands for the contact's id in its link


def _queue_rows(contacts: list[Contact], *, now: datetime) -> list[dict]:
    """The queue's rows as ready-to-show text: the page lists 50 of them on every refresh, so labels,
    UK times and links are made here once per row, not looked up by the template field by field."""
    person_ids = [c.person_id for c in contacts if c.person_id]
    recent: dict[int, int] = defaultdict(int)
    if person_ids:
        since = now - timedelta(days=THRESHOLD_DAYS)
        for row in (
            Contact.objects.filter(person_id__in=person_ids, received_at__gte=since)
            .values("person_id")
            .annotate(n=Count("id"))
        ):
            recent[row["person_id"]] = row["n"]
    link = reverse("frontdoor:contact", args=[_LINK_SLOT])  # one reverse for the page, not one per row
    return [
        {
            "id": c.pk,
            "url": link.replace(str(_LINK_SLOT), str(c.pk)),
            "child": c.person.display_name if c.person else c.child_display_name,
            "matched": c.person_id is not None,
            "dob": c.child_date_of_birth,
            "source": _SOURCE_LABELS.get(c.source, c.source),
            "received_at": c.received_at,
            "received": c.received_at.astimezone(UK).strftime(_QUEUE_TIME),
            "due_at": c.decision_due_at,
            "due": c.decision_due_at.astimezone(UK).strftime(_QUEUE_TIME),
            "overdue": c.decision_due_at < now,
            "rag": c.current_rag,
            "status": _STATUS_LABELS.get(c.status, c.status),
            "urgency": _URGENCY_LABELS.get(c.urgency, c.urgency),
            "high_risk": c.high_risk,
            # A red PPN (police or MASH grade) is due the day received: its due time already says so.
            "red_ppn": red_ppn_standard_applies(
                from_police=c.source == ReferralSource.POLICE, police_grade=c.police_grade, mash_rag=c.current_rag
            ),
            "threshold_alert": c.person_id is not None and recent.get(c.person_id, 0) >= THRESHOLD_CONTACTS,
        }
        for c in contacts
    ]


_QUEUE_FIELDS = (
    "id",
    "person_id",
    "child_given_name",
    "child_family_name",
    "child_date_of_birth",
    "source",
    "received_at",
    "decision_due_at",
    "current_rag",
    "status",
    "urgency",
    "high_risk",
    "police_grade",
)
# The children's names are read for the page's contacts only, after sorting and paging: joining
# first would look up every open contact's child (5,000 lookups at region scale) to show 50.
_QUEUE_PEOPLE = Prefetch(
    "person", queryset=Person.objects.only("given_name", "family_name", "date_of_birth", "expected_date_of_birth")
)
ALERTS_CACHE_SECONDS = 60


def mash_queue(*, user, now: datetime, include_closed_days: int = 0, status: str = "") -> list[dict]:
    """Return open contacts (the first 500), most urgent first, with overdue and threshold alerts."""
    policy.require(user, "frontdoor.queue")
    contacts = list(
        _open_contacts(user=user, now=now, status=status).only(*_QUEUE_FIELDS).prefetch_related(_QUEUE_PEOPLE)[:500]
    )
    with transaction.atomic():
        audit.record_list(actor=user, person_ids=[c.person_id for c in contacts], at=now, view="mash queue")
    return _queue_rows(contacts, now=now)


def mash_queue_page(*, user, now: datetime, status: str = "", page_number=None) -> dict:
    """One page of the MASH queue with the figures above it: open, overdue and threshold alerts.

    Ordering, paging and counting happen in the database, so the page costs the same with 50 or
    50,000 open contacts.
    """
    policy.require(user, "frontdoor.queue")
    qs = _open_contacts(user=user, now=now, status=status)
    figures = qs.order_by().aggregate(total=Count("id"), overdue=Count("id", filter=Q(decision_due_at__lt=now)))
    paginator = Paginator(qs.only(*_QUEUE_FIELDS).prefetch_related(_QUEUE_PEOPLE), QUEUE_PAGE_SIZE)
    paginator.__dict__["count"] = figures["total"]  # counted above with the overdue figure: one scan, not two
    page = paginator.get_page(page_number)
    overdue = figures["overdue"]
    # Contacts whose child has two or more contacts in the last 7 days, across the whole queue: a
    # grouping over a week of contacts (30,000 rows at region scale), so the figure is refreshed
    # once a minute; each row's own alert below is always live.
    key = f"frontdoor:queue-alerts:{status}"
    alerts = cache.get(key)
    if alerts is None:
        since = now - timedelta(days=THRESHOLD_DAYS)
        repeat = (
            Contact.objects.filter(received_at__gte=since, person_id__isnull=False)
            .values("person_id")
            .annotate(n=Count("id"))
            .filter(n__gte=THRESHOLD_CONTACTS)
            .values("person_id")
        )
        alerts = qs.order_by().filter(person_id__in=Subquery(repeat)).count()
        cache.set(key, alerts, ALERTS_CACHE_SECONDS)
    contacts = list(page.object_list)
    with transaction.atomic():
        audit.record_list(actor=user, person_ids=[c.person_id for c in contacts], at=now, view="mash queue")
    return {
        "page": page,
        "rows": _queue_rows(contacts, now=now),
        "total": page.paginator.count,
        "overdue": overdue,
        "alerts": alerts,
    }


def contact_get_for_user(*, user, contact_id: int, now: datetime) -> Contact:
    """Open a contact in full (front door only); the read is audited against the child."""
    policy.require(user, "frontdoor.queue")
    contact = Contact.objects.select_related("person", "referrer_agency", "created_by").get(pk=contact_id)
    if contact.person is not None and not policy.person_access(user, contact.person, now=now).allowed:
        # A contact about a sealed child opens only for the people named on the seal.
        with transaction.atomic():
            audit.record(
                actor=user, action=AuditAction.ACCESS_DENIED, subject=contact, at=now, details={"basis": "sealed"}
            )
        raise PermissionDenied("You do not have access to this record")
    with transaction.atomic():
        audit.record(actor=user, action=AuditAction.VIEW, subject=contact, at=now)
    return contact


def contact_page(*, user, contact: Contact, now: datetime) -> dict:
    """Prepare the contact page's plain data; siblings the user may not open are left out."""
    siblings = list(
        Contact.objects.filter(family_ref=contact.family_ref)
        .exclude(pk=contact.pk)
        .filter(policy.person_visible_q(user, now=now))
        .values("id", "child_given_name", "child_family_name", "status", "person_id")
    )
    with transaction.atomic():
        audit.record_list(actor=user, person_ids=[s["person_id"] for s in siblings], at=now, view="contact siblings")
    previous = []
    if contact.person_id:
        previous = list(
            Contact.objects.filter(person_id=contact.person_id)
            .exclude(pk=contact.pk)
            .order_by("-received_at")
            .values("id", "received_at", "source", "status")[:20]
        )
        src = dict(ReferralSource.choices)
        for p in previous:
            p["source"] = src.get(p["source"], p["source"])
    since = contact.received_at - timedelta(days=THRESHOLD_DAYS)
    threshold = (
        contact.person_id is not None
        and Contact.objects.filter(
            person_id=contact.person_id, received_at__gte=since, received_at__lte=contact.received_at
        ).count()
        >= 2
    )
    decision = getattr(contact, "decision", None)
    from safehub.core.codes import AssessmentFactor

    factor_labels = dict(AssessmentFactor.choices)
    return {
        "contact": contact,
        "concerns": [factor_labels.get(c, c) for c in contact.presenting_concerns],
        "rag_history": list(contact.rag_history.select_related("rated_by")),
        "requests": list(contact.information_requests.select_related("agency", "answered_by")),
        "decision": decision,
        "siblings": siblings,
        "previous": previous,
        "threshold_alert": threshold,
        "overdue": contact.status != ContactStatus.CLOSED and contact.decision_due_at < now,
        "notifications": list(contact.education_notifications.select_related("setting")),
        "late_flags": list(contact.late_flags.select_related("agency")),
        "hours_to_receipt": (
            round((contact.received_at - contact.incident_recorded_at).total_seconds() / 3600, 1)
            if contact.incident_recorded_at
            else None
        ),
    }


def match_candidates(*, user, contact: Contact, now: datetime, limit: int = 8) -> list[dict]:
    """Suggest known people for an unmatched contact (name, date of birth, postcode)."""
    policy.require(user, "frontdoor.triage")
    from safehub.people.matching_service import lookup_candidates

    found = lookup_candidates(
        given_name=contact.child_given_name,
        family_name=contact.child_family_name,
        date_of_birth=contact.child_date_of_birth,
        sex=contact.child_sex,
        postcode=contact.child_postcode,
        limit=limit,
    )
    return candidates_visible(user=user, candidates=found, now=now, view="contact match candidates")


def candidates_visible(*, user, candidates: list[dict], now: datetime, view: str) -> list[dict]:
    """Keep the lookup's candidates the user may open, and audit each one shown (CONVENTIONS 18).

    "Is this child already known?" must not answer yes about a sealed child: a candidate the
    record would refuse is dropped, not shown as restricted with its name, date of birth and id.
    """
    ids = [c["person_id"] for c in candidates]
    allowed = set(
        policy.persons_visible_to(user, Person.objects.filter(pk__in=ids), now=now).values_list("pk", flat=True)
    )
    shown = [c for c in candidates if c["person_id"] in allowed]
    with transaction.atomic():
        audit.record_list(actor=user, person_ids=[c["person_id"] for c in shown], at=now, view=view)
    return shown


def police_timeliness(*, user, start: date, end: date, now: datetime | None = None) -> dict:
    """Police referrals received between two dates: time from incident to receipt against the limit.

    A red PPN (graded red by the police or the MASH) also carries the same-day decision standard:
    ``same_day`` is True/False once decided or overdue, None while its day is not over.
    """
    policy.require(user, "frontdoor.police_timeliness")
    now = now or timezone.now()
    from_at, to_at = _day_bounds(start, end)
    # Plain values, not model instances, and the late flags in one query: the page reads every
    # police contact of the period (thousands at city scale) to build the weekly trend.
    qs = Contact.objects.filter(
        source=ReferralSource.POLICE,
        received_at__gte=from_at,
        received_at__lt=to_at,
        incident_recorded_at__isnull=False,
    ).order_by("-received_at")
    contacts = list(
        qs.values_list(
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
    )
    flags_by_contact: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for contact_id, agency, reason, response, flag_id in (
        LateFlag.objects.filter(contact_id__in=qs.values("pk"))
        .order_by("-raised_at")
        .values_list("contact_id", "agency__name", "reason", "police_response", "pk")
    ):
        flags_by_contact[contact_id].append({"agency": agency, "reason": reason, "response": response, "id": flag_id})
    rows: list[dict[str, Any]] = []
    weeks: defaultdict[date, dict[str, int]] = defaultdict(
        lambda: {"high_risk": 0, "within": 0, "flagged": 0, "all": 0}
    )
    for pk, person_id, reference, incident_at, received_at, limit, high_risk, grade, rag, decided_at in contacts:
        assert incident_at is not None  # filtered on incident_recorded_at__isnull=False
        hours = (received_at - incident_at).total_seconds() / 3600
        red = police_limit_applies(high_risk=high_risk, police_grade=grade, mash_rag=rag)
        within = None if not red else hours <= (limit or 24)
        flags = flags_by_contact.get(pk, [])
        red_ppn = red_ppn_standard_applies(from_police=True, police_grade=grade, mash_rag=rag)
        same_day = red_ppn_decided_on_time(received_at, decided_at, as_of=now) if red_ppn else None
        week = _week_start(uk_date(received_at))
        weeks[week]["all"] += 1
        if red:
            weeks[week]["high_risk"] += 1
            weeks[week]["within"] += 1 if within else 0
        weeks[week]["flagged"] += 1 if flags else 0
        rows.append(
            {
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
                "within": within,
                "flags": flags,
                "red_ppn": red_ppn,
                "decided_at": decided_at,
                "same_day": same_day,
                "overdue": red_ppn and decided_at is None and same_day is False,
            }
        )
    trend = []
    for week in sorted(weeks):
        w = weeks[week]
        trend.append(
            {"week": week, **w, "within_pct": round(100 * w["within"] / w["high_risk"], 1) if w["high_risk"] else None}
        )
    high = [r for r in rows if r["high_risk"]]
    judged = [r for r in rows if r["red_ppn"] and r["same_day"] is not None]
    return {
        "red_ppn_total": sum(1 for r in rows if r["red_ppn"]),
        "red_same_day_pct": round(100 * sum(1 for r in judged if r["same_day"]) / len(judged), 1) if judged else None,
        "red_overdue_total": sum(1 for r in rows if r["overdue"]),
        "rows": rows,
        "trend": trend,
        "high_risk_total": len(high),
        "within_pct": round(100 * sum(1 for r in high if r["within"]) / len(high), 1) if high else None,
        "flagged_total": sum(1 for r in rows if r["flags"]),
        "median_hours_high_risk": round(statistics.median([r["hours"] for r in high]), 1) if high else None,
    }


def information_queue(*, user, now: datetime, page_number=None) -> dict:
    """The requests sent to the user's agency that still need an answer, most urgent first (paged)."""
    membership = policy.require(user, "frontdoor.health_request_answer")
    qs = (
        InformationRequest.objects.filter(agency=membership.agency, answered_at__isnull=True)
        .filter(policy.sealed_hidden_q(user, field="contact__person"))
        .select_related("contact", "requested_by")
        .order_by("due_at", "pk")
    )
    page = Paginator(qs, QUEUE_PAGE_SIZE).get_page(page_number)
    requests = list(page.object_list)
    with transaction.atomic():
        audit.record_list(
            actor=user, person_ids=[r.contact.person_id for r in requests], at=now, view="information requests"
        )
    rows = [
        {
            "id": r.pk,
            "child": r.contact.child_display_name,
            "dob": r.contact.child_date_of_birth,
            "question": r.question,
            "urgency": r.get_urgency_display(),
            "requested_at": r.requested_at,
            "due_at": r.due_at,
            "overdue": r.due_at < now,
        }
        for r in requests
    ]
    return {"rows": rows, "page": page, "total": page.paginator.count}


def information_capacity(*, agency_id: int | None, user, start: date, end: date, now: datetime) -> dict:
    """Weekly capacity figures: received, answered in time, late, unanswered, median hours to answer."""
    if not (
        policy.can(user, "frontdoor.health_request_answer")
        or policy.can(user, "frontdoor.queue")
        or policy.can(user, "insight.view")
    ):
        raise PermissionDenied
    qs = InformationRequest.objects.filter(requested_at__date__gte=start, requested_at__date__lte=end)
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    weeks: dict[date, dict] = defaultdict(
        lambda: {"received": 0, "in_time": 0, "late": 0, "unanswered": 0, "hours": []}
    )
    for r in qs.values("requested_at", "due_at", "answered_at"):
        w = weeks[_week_start(uk_date(r["requested_at"]))]
        w["received"] += 1
        if r["answered_at"] is None:
            w["unanswered"] += 1
            if r["due_at"] < now:
                w["late"] += 1
        else:
            w["hours"].append((r["answered_at"] - r["requested_at"]).total_seconds() / 3600)
            if r["answered_at"] <= r["due_at"]:
                w["in_time"] += 1
            else:
                w["late"] += 1
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


def notifications_for_setting(*, user, now: datetime) -> list[dict]:
    membership = policy.require(user, "frontdoor.notification_acknowledge")
    qs = (
        EducationNotification.objects.filter(setting=membership.agency)
        .filter(policy.sealed_hidden_q(user))
        .select_related("person")
    )
    shown = list(qs.order_by("acknowledged_at", "-incident_at")[:200])
    with transaction.atomic():
        audit.record_list(actor=user, person_ids=[n.person_id for n in shown], at=now, view="notifications")
    rows = []
    for n in shown:
        rows.append(
            {
                "id": n.pk,
                "child": n.person.display_name,
                "dob": n.person.date_of_birth,
                "incident_at": n.incident_at,
                "due_at": n.due_at,
                "delivered_at": n.delivered_at,
                "acknowledged_at": n.acknowledged_at,
                "summary": n.summary,
                "late": n.delivered_at is None or n.delivered_at > n.due_at,
            }
        )
    return rows


def notifications_overview(*, user, now: datetime) -> dict:
    """For the police and the partnership: unacknowledged and late notifications, by setting kind."""
    policy.require(user, "frontdoor.notification_overview")
    qs = EducationNotification.objects.select_related("setting")
    unacknowledged = list(qs.filter(acknowledged_at__isnull=True, due_at__lt=now).order_by("due_at")[:200])
    late = list(
        qs.filter(Q(delivered_at__isnull=True) | Q(delivered_at__gt=models_F("due_at"))).order_by("-incident_at")[:200]
    )
    by_kind = {
        row["setting__kind"]: row
        for row in qs.values("setting__kind").annotate(
            total=Count("id"), acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False))
        )
    }
    return {
        "unacknowledged": [
            {
                "setting": n.setting.name,
                "kind": n.setting.get_kind_display(),
                "due_at": n.due_at,
                "incident_at": n.incident_at,
            }
            for n in unacknowledged
        ],
        "late": [{"setting": n.setting.name, "due_at": n.due_at, "delivered_at": n.delivered_at} for n in late],
        "by_kind": by_kind,
    }


def models_F(name):  # noqa: N802 - local alias keeps the query above readable
    from django.db.models import F

    return F(name)


def outcomes_for_agency(*, user, now: datetime) -> list[dict]:
    """Decisions shared with the user's agency (the outcome, not the whole record)."""
    membership = policy.require(user, "frontdoor.outcomes")
    shares = list(
        OutcomeShare.objects.filter(agency=membership.agency)
        .filter(policy.sealed_hidden_q(user, field="contact__person"))
        .select_related("contact__decision", "read_by")
        .order_by("read_at", "-shared_at")[:300]
    )
    with transaction.atomic():
        audit.record_list(actor=user, person_ids=[s.contact.person_id for s in shares], at=now, view="outcomes")
    return [
        {
            "id": s.pk,
            "child": s.contact.child_display_name,
            "received_at": s.contact.received_at,
            "outcome": s.contact.decision.get_outcome_display() if hasattr(s.contact, "decision") else "",
            "shared_at": s.shared_at,
            "read_at": s.read_at,
            "read_by": s.read_by.get_full_name() if s.read_by else "",
        }
        for s in shares
    ]


def outcome_share_for_user(*, user, share_id: int) -> OutcomeShare:
    membership = policy.require(user, "frontdoor.outcomes")
    share = OutcomeShare.objects.select_related("contact__decision", "contact").get(pk=share_id)
    if share.agency_id != membership.agency_id:
        raise PermissionDenied("This outcome was shared with another agency")
    return share


def consultations_list(*, user) -> list[Consultation]:
    policy.require(user, "frontdoor.consultation")
    qs = Consultation.objects.select_related("asked_by_agency", "advised_by", "became_contact")
    if not policy.is_front_door(user):
        qs = qs.filter(recorded_by=user)
    return list(qs[:200])


def late_flags_for_police(*, user) -> list[LateFlag]:
    policy.require(user, "frontdoor.police_timeliness")
    return list(LateFlag.objects.select_related("contact", "agency").order_by("responded_at", "-raised_at")[:200])


def uk_now_date(now: datetime) -> date:
    return now.astimezone(UK).date()


def ppn_grading(*, user, start: date, end: date, now: datetime, page_number=None) -> dict:
    """PPNs the police graded below the MASH's grade, by month and by police unit (JTAI recommendation 1).

    Counts every graded police contact received in the period: how many the MASH graded higher
    than the police did (the risk the police did not recognise), by month and by the unit that
    raised them, with the contacts themselves (paged; child names only for the front door).
    """
    policy.require(user, "frontdoor.police_timeliness")
    from_at, to_at = _day_bounds(start, end)
    qs = (
        Contact.objects.filter(source=ReferralSource.POLICE, received_at__gte=from_at, received_at__lt=to_at)
        .exclude(police_grade="")
        .exclude(current_rag="")
        .filter(policy.sealed_hidden_q(user))
        .order_by("-received_at", "-pk")
    )
    months: dict[str, dict[str, int]] = defaultdict(lambda: {"graded": 0, "under": 0})
    units: dict[str, dict[str, int]] = defaultdict(lambda: {"graded": 0, "under": 0})
    under_ids: list[int] = []
    for pk, received, grade, rag, unit in qs.values_list(
        "pk", "received_at", "police_grade", "current_rag", "police_unit"
    ):
        month = uk_date(received).strftime("%Y-%m")
        low = police_under_graded(police_grade=grade, mash_rag=rag)
        for bucket in (months[month], units[unit or "Not recorded"]):
            bucket["graded"] += 1
            bucket["under"] += 1 if low else 0
        if low:
            under_ids.append(pk)
    page = Paginator(under_ids, QUEUE_PAGE_SIZE).get_page(page_number)
    contacts = {c.pk: c for c in Contact.objects.filter(pk__in=list(page.object_list))}
    names = policy.can(user, "frontdoor.queue")  # those who may open the contact see who it is about
    rows = []
    for pk in page.object_list:
        c = contacts[pk]
        rows.append(
            {
                "id": c.pk,
                "person_id": c.person_id,
                "police_reference": c.police_reference,
                "received_at": c.received_at,
                "unit": c.police_unit,
                "police_grade": c.police_grade,
                "mash_rag": c.current_rag,
                "rationale": c.police_grade_rationale,
                "child": c.child_display_name if names else "",
            }
        )
    with transaction.atomic():
        audit.record_list(actor=user, person_ids=[r["person_id"] for r in rows], at=now, view="ppn grading")

    def pct(b):
        return round(100 * b["under"] / b["graded"], 1) if b["graded"] else None

    graded = sum(m["graded"] for m in months.values())
    under = sum(m["under"] for m in months.values())
    return {
        "graded": graded,
        "under": under,
        "under_pct": round(100 * under / graded, 1) if graded else None,
        "months": [{"month": k, **v, "pct": pct(v)} for k, v in sorted(months.items())],
        "units": sorted(({"unit": k, **v, "pct": pct(v)} for k, v in units.items()), key=lambda u: -u["under"]),
        "rows": rows,
        "page": page,
        "show_names": names,
    }


HV_PAGE_SIZE = 50


def health_visiting_notices(*, user, now: datetime, page_number=None) -> dict:
    """Domestic abuse notices for the user's health visiting service: children under 5 with no setting.

    Addressed to the agency (its own legitimate relationship with the notice), so not narrowed to
    records the user may open; a sealed child never appears but to those named. Audited as a list.
    """
    from safehub.agencies.models import HEALTH_KINDS
    from safehub.frontdoor.models import HealthVisitingNotice

    membership = policy.require(user, "pathways.record")
    if membership.agency.kind not in HEALTH_KINDS:
        raise PermissionDenied("Health visiting notices are for health services")
    qs = (
        HealthVisitingNotice.objects.filter(agency_id=membership.agency_id)
        .filter(policy.sealed_hidden_q(user))
        .select_related("person", "contact")
        .order_by(F("acknowledged_at").asc(nulls_first=True), "-incident_at", "-pk")
    )
    page = Paginator(qs, HV_PAGE_SIZE).get_page(page_number)
    notices = list(page.object_list)
    with transaction.atomic():
        audit.record_list(actor=user, person_ids=[n.person_id for n in notices], at=now, view="health visiting notices")
    rows = [
        {
            "id": n.pk,
            "person_id": n.person_id,
            "child": n.person.display_name,
            "dob": n.person.date_of_birth,
            "incident_at": n.incident_at,
            "delivered_at": n.delivered_at,
            "acknowledged_at": n.acknowledged_at,
            "summary": n.summary,
        }
        for n in notices
    ]
    return {"rows": rows, "page": page, "total": page.paginator.count}


def ppn_strategy_timeliness(*, user, start: date, end: date, now: datetime) -> dict:
    """PPNs received in the period that a strategy discussion followed, and how soon (aggregate only).

    Measured from the PPN's receipt to the first strategy discussion held about the child
    (pathways.rules: the partnership's standard in working days).
    """
    from safehub.casework.models import StrategyMeeting
    from safehub.pathways import rules as pathway_rules

    policy.require(user, "frontdoor.police_timeliness")
    from_at, to_at = _day_bounds(start, end)
    ppns = list(
        Contact.objects.filter(
            source=ReferralSource.POLICE,
            person__isnull=False,
            received_at__gte=from_at,
            received_at__lt=to_at,
        ).values_list("person_id", "received_at", "police_grade")
    )
    meetings: dict[int, list[tuple[datetime, datetime | None]]] = defaultdict(list)
    for person_id, convened, held in StrategyMeeting.objects.filter(
        person_id__in={p for p, _, _ in ppns}, convened_at__date__gte=start
    ).values_list("person_id", "convened_at", "held_at"):
        meetings[person_id].append((convened, held))
    followed = on_time = late = pending = 0
    hours: list[float] = []
    for person_id, received, _grade in ppns:
        first = pathway_rules.ppn_first_strategy(received, meetings.get(person_id, []))
        if first is None:
            continue
        followed += 1
        held = first[1]
        verdict = pathway_rules.ppn_strategy_on_time(received, held, as_of=now)
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
        "ppns": len(ppns),
        "followed": followed,
        "on_time": on_time,
        "late": late,
        "pending": pending,
        "on_time_pct": round(100 * on_time / decided, 1) if decided else None,
        "median_hours": round(statistics.median(hours), 1) if hours else None,
        "standard_days": pathway_rules.ppn_strategy_working_days(),
    }
