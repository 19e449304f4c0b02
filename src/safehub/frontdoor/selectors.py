"""Front-door reads: the MASH queue, timeliness, capacity and what is shared with each agency."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import TruncMonth
from django.urls import reverse

from safehub.core import audit
from safehub.core.calendar import UK
from safehub.core.codes import ReferralSource
from safehub.core.models import AuditAction
from safehub.core.sql import first_and_total, still_open_first
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
from safehub.frontdoor.rules import police_under_graded, red_ppn_standard_applies
from safehub.frontdoor.selectors_timeliness import (  # noqa: F401 - re-exported: views and tests read them here
    _day_bounds,
    information_capacity,
    police_timeliness,
    police_timeliness_rows,
    police_timeliness_summary,
    ppn_strategy_timeliness,
)
from safehub.people import policy
from safehub.people.models import Person

THRESHOLD_CONTACTS = 2
THRESHOLD_DAYS = 7


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
    # The one policy, applied to the child each contact names (not to every person held: 265,000
    # at city scale, 1.3M at region scale); unmatched contacts pass.
    qs = qs.filter(policy.person_visible_q(user, now=now, field="person", unlinked=True))
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


SETTING_PAGE_SIZE = 50


def notifications_for_setting_page(*, user, now: datetime, page_number=None) -> dict:
    """One page of the notifications delivered to the user's school or setting: those not yet
    acknowledged first, then the latest incidents; with how many there are in all. Audited as listed."""
    membership = policy.require(user, "frontdoor.notification_acknowledge")
    qs = (
        EducationNotification.objects.filter(setting=membership.agency, delivered_at__isnull=False)  # delivered
        .filter(policy.sealed_hidden_q(user))
        .select_related("person")
        .order_by(still_open_first("acknowledged_at"), "-incident_at", "-pk")
    )
    page = Paginator(qs, SETTING_PAGE_SIZE).get_page(page_number)
    shown = list(page.object_list)
    with transaction.atomic():
        audit.record_list(actor=user, person_ids=[n.person_id for n in shown], at=now, view="notifications")
    rows = [
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
        for n in shown
    ]
    return {"rows": rows, "page": page, "total": page.paginator.count}


def notifications_for_setting(*, user, now: datetime) -> list[dict]:
    """The first page of ``notifications_for_setting_page``'s rows."""
    return notifications_for_setting_page(user=user, now=now)["rows"]


NOTIFICATIONS_SHOWN = 50


def notifications_overview(*, user, now: datetime) -> dict:
    """For the police and the partnership: unacknowledged and late notifications, by setting kind (the
    oldest unacknowledged and the latest late ``NOTIFICATIONS_SHOWN``, with how many there are in all)."""
    policy.require(user, "frontdoor.notification_overview")
    qs = EducationNotification.objects.select_related("setting")
    not_acknowledged = qs.filter(acknowledged_at__isnull=True, due_at__lt=now)
    delivered_late = qs.filter(Q(delivered_at__isnull=True) | Q(delivered_at__gt=models_F("due_at")))
    unacknowledged, unacknowledged_total = first_and_total(
        not_acknowledged.order_by("due_at", "pk"), NOTIFICATIONS_SHOWN
    )
    late, late_total = first_and_total(delivered_late.order_by("-incident_at", "-pk"), NOTIFICATIONS_SHOWN)
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
        "unacknowledged_total": unacknowledged_total,
        "late_total": late_total,
        "by_kind": by_kind,
    }


def models_F(name):  # noqa: N802 - local alias keeps the query above readable

    return F(name)


def outcomes_for_agency_page(*, user, now: datetime, page_number=None) -> dict:
    """One page of the decisions shared with the user's agency (the outcome, not the whole record):
    unread first, then the latest shared; with how many there are in all. Audited as listed."""
    membership = policy.require(user, "frontdoor.outcomes")
    qs = (
        OutcomeShare.objects.filter(agency=membership.agency)
        .filter(policy.sealed_hidden_q(user, field="contact__person"))
        .select_related("contact__decision", "read_by")
        .order_by(still_open_first("read_at"), "-shared_at", "-pk")
    )
    page = Paginator(qs, SETTING_PAGE_SIZE).get_page(page_number)
    shares = list(page.object_list)
    with transaction.atomic():
        audit.record_list(actor=user, person_ids=[s.contact.person_id for s in shares], at=now, view="outcomes")
    rows = [
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
    return {"rows": rows, "page": page, "total": page.paginator.count}


def outcome_share_for_user(*, user, share_id: int) -> OutcomeShare:
    membership = policy.require(user, "frontdoor.outcomes")
    share = OutcomeShare.objects.select_related("contact__decision", "contact").get(pk=share_id)
    if share.agency_id != membership.agency_id:
        raise PermissionDenied("This outcome was shared with another agency")
    return share


def consultations_page(*, user, page_number=None) -> dict:
    """One page of consultations (the front door sees all; others those they recorded): those
    awaiting advice first, then the latest asked; with how many there are in all."""
    policy.require(user, "frontdoor.consultation")
    qs = Consultation.objects.select_related("asked_by_agency", "advised_by", "became_contact")
    if not policy.is_front_door(user):
        qs = qs.filter(recorded_by=user)
    qs = qs.order_by(still_open_first("advised_at"), "-asked_at", "-pk")
    page = Paginator(qs, SETTING_PAGE_SIZE).get_page(page_number)
    return {"rows": list(page.object_list), "page": page, "total": page.paginator.count}


def late_flags_for_police(*, user) -> list[LateFlag]:
    policy.require(user, "frontdoor.police_timeliness")
    return list(LateFlag.objects.select_related("contact", "agency").order_by("responded_at", "-raised_at")[:200])


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
    # Counted by the database per month, unit and pair of grades (a few hundred groups, not every
    # contact of the period); the rule (rules.police_under_graded) is applied to each pair.
    under_pairs: set[tuple[str, str]] = set()
    groups = (
        qs.order_by()
        .annotate(month=TruncMonth("received_at", tzinfo=UK))
        .values_list("month", "police_unit", "police_grade", "current_rag")
        .annotate(n=Count("pk"))
    )
    for month_start, unit, grade, rag, n in groups:
        low = police_under_graded(police_grade=grade, mash_rag=rag)
        if low:
            under_pairs.add((grade, rag))
        for bucket in (months[month_start.strftime("%Y-%m")], units[unit or "Not recorded"]):
            bucket["graded"] += n
            bucket["under"] += n if low else 0
    under_q = Q(pk__in=[])
    for grade, rag in sorted(under_pairs):
        under_q |= Q(police_grade=grade, current_rag=rag)
    page = Paginator(qs.filter(under_q).values_list("pk", flat=True), QUEUE_PAGE_SIZE).get_page(page_number)
    page_ids = list(page.object_list)
    contacts = {c.pk: c for c in Contact.objects.filter(pk__in=page_ids)}
    names = policy.can(user, "frontdoor.queue")  # those who may open the contact see who it is about
    rows = []
    for pk in page_ids:
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
        "units": sorted(
            ({"unit": k, **v, "pct": pct(v)} for k, v in units.items()), key=lambda u: (-u["under"], u["unit"])
        ),
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
        HealthVisitingNotice.objects.filter(agency_id=membership.agency_id, delivered_at__isnull=False)  # delivered
        .filter(policy.sealed_hidden_q(user))
        .select_related("person", "contact")
        .order_by(still_open_first("acknowledged_at"), "-incident_at", "-pk")
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
