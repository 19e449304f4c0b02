"""Reads of adult safeguarding records, access-checked (CONVENTIONS 4).

Sharing rules:
- a concern is seen by the council that received it and by the agency that raised it;
- an enquiry is seen by the council that caused it and by the agency asked to carry it out
  (a care provider sees only the enquiries it was asked to carry out, never the others);
- every opening of a record goes through ``person_get_for_user``, which audits the read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from safehub.adults.models import Enquiry, SafeguardingConcern
from safehub.agencies.models import AgencyKind
from safehub.core import audit, calendar
from safehub.people import policy
from safehub.people.models import Involvement, Person
from safehub.people.selectors import person_get_for_user

ADULT_ROLES_PERMISSIONS = ("adults.decide", "adults.enquiry", "adults.concern_create")


def _agency_id(user) -> int | None:
    return policy.agency_id_of(user)


def concern_get_for_user(*, user, concern_id: int, now: datetime) -> SafeguardingConcern:
    """Return the concern if the user's agency received or raised it, auditing the read of the adult."""
    concern = (
        SafeguardingConcern.objects.select_related("person", "council", "source_agency", "recorded_by", "decided_by")
        .filter(pk=concern_id)
        .first()
    )
    if concern is None:
        raise SafeguardingConcern.DoesNotExist(concern_id)
    if not any(policy.can(user, p) for p in ADULT_ROLES_PERMISSIONS):
        raise PermissionDenied("not allowed: adults")
    if _agency_id(user) not in {concern.council_id, concern.source_agency_id}:
        raise PermissionDenied("Only the council and the agency that raised the concern can see it")
    concern.person = person_get_for_user(user=user, person_id=concern.person_id, now=now, reason="adult concern")
    return concern


def enquiry_get_for_user(*, user, enquiry_id: int, now: datetime) -> Enquiry:
    """Return the enquiry if the user's agency caused it or was asked to carry it out."""
    enquiry = (
        Enquiry.objects.select_related("concern", "person", "council", "carried_out_by", "concluded_by")
        .filter(pk=enquiry_id)
        .first()
    )
    if enquiry is None:
        raise Enquiry.DoesNotExist(enquiry_id)
    if not (policy.can(user, "adults.enquiry") or policy.can(user, "adults.decide")):
        raise PermissionDenied("not allowed: adults.enquiry")
    if _agency_id(user) not in {enquiry.council_id, enquiry.carried_out_by_id}:
        raise PermissionDenied("Only the council and the agency carrying out the enquiry can see it")
    enquiry.person = person_get_for_user(user=user, person_id=enquiry.person_id, now=now, reason="adult enquiry")
    return enquiry


def _visible_people(user, now: datetime) -> Q:
    """The one access rule, applied to the adult each row names."""
    return policy.person_visible_q(user, now=now, field="person", unlinked=False)


@dataclass(frozen=True)
class QueueItem:
    concern_id: int
    person_id: int
    name: str
    received_at: datetime
    due_at: datetime
    overdue: bool
    source: str
    summary: str


QUEUE_PAGE_SIZE = 50


def concerns_awaiting_decision_page(*, user, now: datetime, page_number=None) -> dict:
    """One page of the council's concerns awaiting a decision, oldest due first (overdue after 2
    working days), with how many there are and how many are overdue; the page's adults are audited."""
    policy.require(user, "adults.decide")
    qs = SafeguardingConcern.objects.filter(council_id=_agency_id(user), decision="").filter(_visible_people(user, now))
    page = Paginator(
        qs.select_related("person", "source_agency").order_by("decision_due_at", "pk"), QUEUE_PAGE_SIZE
    ).get_page(page_number)
    items = [
        QueueItem(
            c.pk,
            c.person_id,
            c.person.display_name,
            c.received_at,
            c.decision_due_at,
            c.decision_due_at < now,
            c.source_agency.name if c.source_agency else c.get_source_kind_display(),
            c.what_happened[:120],
        )
        for c in page.object_list
    ]
    audit.record_list(
        actor=user, person_ids=[i.person_id for i in items], at=now, view="adult concerns awaiting decision"
    )
    return {
        "items": items,
        "page": page,
        "total": page.paginator.count,
        "overdue": qs.filter(decision_due_at__lt=now).count(),
    }


def concerns_awaiting_decision(*, user, now: datetime) -> list[QueueItem]:
    """The first page of ``concerns_awaiting_decision_page``'s concerns."""
    return concerns_awaiting_decision_page(user=user, now=now)["items"]


def concerns_awaiting_decision_count(*, user, now: datetime) -> tuple[int, int]:
    """Return (awaiting, overdue) for the user's council (no per-person reads, nothing audited)."""
    qs = SafeguardingConcern.objects.filter(council_id=_agency_id(user), decision="")
    return qs.count(), qs.filter(decision_due_at__lt=now).count()


def _enquiries_for_agency(user) -> QuerySet[Enquiry]:
    agency_id = _agency_id(user)
    if agency_id is None:
        return Enquiry.objects.none()
    return Enquiry.objects.filter(Q(council_id=agency_id) | Q(carried_out_by_id=agency_id))


@dataclass(frozen=True)
class EnquiryRow:
    enquiry_id: int
    person_id: int
    name: str
    kind: str
    started_date: date
    carried_out_by: str
    working_days_open: int


def enquiries_open_qs(*, user, now: datetime):
    """The open enquiries the user's agency caused or was asked to carry out, as a queryset (for
    paging in the database); not audited: ``enquiry_rows`` opens the ones shown."""
    if not (policy.can(user, "adults.enquiry") or policy.can(user, "adults.decide")):
        raise PermissionDenied("not allowed: adults.enquiry")
    return _enquiries_for_agency(user).filter(_visible_people(user, now), concluded_date__isnull=True)


def enquiry_rows(*, user, enquiries, now: datetime) -> list[EnquiryRow]:
    """Rows for ``enquiries`` (a page of ``enquiries_open_qs``), audited as listed."""
    today = calendar.uk_date(now)
    rows = [
        EnquiryRow(
            e.pk,
            e.person_id,
            e.person.display_name,
            e.get_kind_display(),
            e.started_date,
            e.carried_out_by.name if e.carried_out_by else "The council",
            calendar.working_days_between(e.started_date, today),
        )
        for e in enquiries
    ]
    audit.record_list(actor=user, person_ids=[r.person_id for r in rows], at=now, view="open adult enquiries")
    return rows


def enquiries_open(*, user, now: datetime) -> list[EnquiryRow]:
    """Return the open enquiries the user's agency caused or was asked to carry out (the first 500)."""
    qs = enquiries_open_qs(user=user, now=now).select_related("person", "carried_out_by").order_by("started_date", "pk")
    return enquiry_rows(user=user, enquiries=qs[:500], now=now)


def enquiries_open_count(*, user) -> int:
    return _enquiries_for_agency(user).filter(concluded_date__isnull=True).count()


def concern_detail(*, user, concern: SafeguardingConcern) -> dict:
    """Prepare the concern page's plain data (CONVENTIONS 5)."""
    agency_id = _agency_id(user)
    is_council = agency_id == concern.council_id
    enquiries = [
        {
            "id": e.pk,
            "kind": e.get_kind_display(),
            "started": e.started_date,
            "concluded": e.concluded_date,
            "carried_out_by": e.carried_out_by.name if e.carried_out_by else "The council",
        }
        for e in concern.enquiries.select_related("carried_out_by").order_by("started_date")
    ]
    return {
        "concern": concern,
        "person": concern.person,
        "age": concern.person.age_on(calendar.uk_date(concern.received_at)),
        "source": concern.source_agency.name if concern.source_agency else concern.get_source_kind_display(),
        "test": [
            ("Does the adult have needs for care and support?", concern.has_care_and_support_needs),
            ("Are they experiencing, or at risk of, abuse or neglect?", concern.experiencing_or_at_risk),
            (
                "As a result of those needs, are they unable to protect themselves against the abuse or neglect "
                "or the risk of it?",
                concern.unable_to_protect_self,
            ),
        ],
        "risk_actions": list(concern.risk_actions.all()),
        "enquiries": enquiries if is_council else [],
        "is_council": is_council,
        "can_decide": is_council and policy.can(user, "adults.decide") and not concern.is_decided,
        "can_open_self_neglect": is_council and policy.can(user, "adults.decide"),
        "can_add_risk_action": is_council and policy.can(user, "adults.decide"),
    }


def enquiry_detail(*, user, enquiry: Enquiry) -> dict:
    """Prepare the enquiry page's plain data; the concern summary is what the enquirer needs to know."""
    from safehub.adults.models import RiskLocation, RiskSource
    from safehub.adults.services import enquiry_missing_for_conclusion

    labels_location, labels_source = dict(RiskLocation.choices), dict(RiskSource.choices)
    concern = enquiry.concern
    return {
        "enquiry": enquiry,
        "person": enquiry.person,
        "concern": {
            "id": concern.pk,
            "received_at": concern.received_at,
            "what_happened": concern.what_happened,
            "where_happened": concern.where_happened,
            "alleged_source_of_risk": concern.alleged_source_of_risk,
            "adult_views": concern.adult_views,
            "adult_wishes": concern.adult_wishes,
        },
        "risk_types": [label for code, label in _risk_labels(enquiry)],
        "risk_locations": [labels_location[c] for c in enquiry.risk_location_codes()],
        "risk_sources": [labels_source[c] for c in enquiry.risk_source_codes()],
        "missing": enquiry_missing_for_conclusion(enquiry) if enquiry.is_open else {},
        "can_work": enquiry.is_open
        and _agency_id(user) in {enquiry.council_id, enquiry.carried_out_by_id}
        and policy.can(user, "adults.enquiry"),
        "is_council": _agency_id(user) == enquiry.council_id,
    }


def _risk_labels(enquiry: Enquiry) -> list[tuple[str, str]]:
    from safehub.adults.models import RiskType

    labels = dict(RiskType.choices)
    return [(code, labels[code]) for code in enquiry.risk_type_codes()]


# ---------------------------------------------------------------------------------------------
# Transitions (casework shows this on the transitional safeguarding view)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YoungPersonInTransition:
    person_id: int
    name: str
    date_of_birth: date
    age: int
    adult_concerns: int
    latest_concern_date: date | None
    care_and_support_needs: bool
    open_enquiry: bool


def young_people_in_transition(*, user, as_of: date) -> list[YoungPersonInTransition]:
    """List people aged 17-25 on ``as_of`` known to children's services with an adult concern or needs.

    "Known to children's services": any Involvement by a local authority children's services agency.
    "Adult concern or care and support needs": any safeguarding concern about them received on or
    before ``as_of`` (the care and support needs question is answered on the concern).
    Only people the user may open are listed. Needs ``casework.overview`` or ``adults.decide``.
    """
    if not (policy.can(user, "casework.overview") or policy.can(user, "adults.decide")):
        raise PermissionDenied("not allowed: transitions")
    oldest = _years_before(as_of, 26)  # aged 25 or under: born after this day
    youngest = _years_before(as_of, 17)
    now = datetime.combine(as_of, datetime.max.time(), tzinfo=calendar.UK)
    known_to_csc = Involvement.objects.filter(person_id=OuterRef("pk"), agency__kind=AgencyKind.LA_CHILDREN)
    concerns = SafeguardingConcern.objects.filter(received_at__lte=now)
    qs = (
        Person.objects.filter(
            merged_into__isnull=True, date_of_birth__gt=oldest, date_of_birth__lte=youngest, date_of_death__isnull=True
        )
        .filter(Exists(known_to_csc))
        .filter(Exists(concerns.filter(person_id=OuterRef("pk"))))
    )
    qs = policy.persons_visible_to(user, qs, now=now)
    people = list(
        Person.objects.filter(pk__in=qs.values("pk"))
        .annotate(
            n_concerns=Count("adult_concerns", filter=Q(adult_concerns__received_at__lte=now), distinct=True),
            latest=Max("adult_concerns__received_at", filter=Q(adult_concerns__received_at__lte=now)),
            needs=Count(
                "adult_concerns",
                filter=Q(adult_concerns__received_at__lte=now, adult_concerns__has_care_and_support_needs=True),
                distinct=True,
            ),
            open_enquiries=Count(
                "adult_enquiries", filter=Q(adult_enquiries__concluded_date__isnull=True), distinct=True
            ),
        )
        .order_by("date_of_birth", "pk")
    )
    out = []
    for p in people:
        # chosen by date of birth above, so each has one (and so an age)
        assert p.date_of_birth is not None
        age = p.age_on(as_of)
        assert age is not None
        out.append(
            YoungPersonInTransition(
                p.pk,
                p.display_name,
                p.date_of_birth,
                age,
                p.n_concerns,
                calendar.uk_date(p.latest) if p.latest else None,
                p.needs > 0,
                p.open_enquiries > 0,
            )
        )
    audit.record_list(actor=user, person_ids=[p.person_id for p in out], at=now, view="young people in transition")
    return out


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# ---------------------------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------------------------


def adult_measures_for_user(*, user, year: str, now: datetime | None = None):
    """Return (published years, sections, as of) of the adult measures for the year (aggregates only).

    ``as of`` is when the snapshot the figures were counted from was built (the page says so). With
    ``now``, the DoLS (applications, authorisations, waiting time) and advocacy sections follow,
    counted from the records as the page opens.
    """
    from safehub.adults.measures import MeasureRow, adult_measures_as_of, measure_sections
    from safehub.adults.selectors_mca import advocacy_measures, dols_measures

    policy.require(user, "adults.measures")
    values, built_at = adult_measures_as_of(year)
    years, sections = measure_sections(year, values=values)
    if now is not None:
        blank = dict.fromkeys(years)
        for title, figures in (
            ("Deprivation of Liberty Safeguards: applications, authorisations and waiting time",
             dols_measures(user=user, year=year, now=now)),
            ("Advocacy referrals (Care Act s67 and s68, IMCA)", advocacy_measures(user=user, year=year)),
        ):  # fmt: skip
            rows = [MeasureRow(key, DOLS_LABELS.get(key, key.replace("_", " ").capitalize()), value, blank)
                    for key, value in figures.items()]  # fmt: skip
            sections.append((title, rows))
    return years, sections, built_at


DOLS_LABELS = {
    "dols_applications_received": "DoLS standard requests received",
    "dols_urgent_authorisations": "With an urgent authorisation",
    "dols_urgent_extended": "Urgent authorisations extended",
    "dols_granted": "Standard authorisations granted",
    "dols_not_granted": "Not granted",
    "dols_withdrawn": "Withdrawn",
    "dols_decided_within_21_days": "Decided within 21 days",
    "dols_waiting_at_year_end_or_now": "Waiting for a decision (at the year end, or now)",
    "dols_waiting_over_21_days": "Waiting more than 21 days",
    "dols_median_days_to_decision": "Median days from request to decision",
    "dols_mean_days_to_decision": "Mean days from request to decision",
    "advocacy_referred_care_act_s68": "Care Act s68 advocate (safeguarding enquiry)",
    "advocacy_referred_care_act_s67": "Care Act s67 advocate (assessment, planning, review)",
    "advocacy_referred_imca": "Independent mental capacity advocate (IMCA)",
    "advocacy_referred_total": "All advocacy referrals",
    "advocacy_started_total": "Advocacy started",
}


def adult_measures_csv_for_user(*, user, year: str, now: datetime) -> list[list]:
    """Return the measures as CSV rows, auditing the download."""
    from django.db import transaction

    from safehub.adults.measures import measures_csv_rows
    from safehub.core import audit
    from safehub.core.models import AuditAction

    policy.require(user, "adults.measures")
    rows = measures_csv_rows(year)
    with transaction.atomic():
        audit.record(
            actor=user, action=AuditAction.EXPORT, at=now, object_type="adults.measures", details={"year": year}
        )
    return rows
