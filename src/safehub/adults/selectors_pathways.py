"""Reads for self-neglect, provider cases and PiPoT (CONVENTIONS 4): access-checked, lists audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q

from safehub.adults import rules
from safehub.adults.models import Enquiry
from safehub.adults.models_pathways import PositionOfTrustCase, ProviderCase, SelfNeglectCase
from safehub.adults.services_pathways import require_pipot
from safehub.core import audit, calendar
from safehub.people import policy
from safehub.people.selectors import person_get_for_user


@dataclass(frozen=True)
class SelfNeglectRow:
    case_id: int
    person_id: int
    name: str
    opened_on: date
    clutter_rating: int | None
    engagement: str
    next_review_date: date | None
    review_overdue: bool
    escalated: bool
    with_s42: bool
    escalation_suggested: bool


SELF_NEGLECT_FILTERS = {
    "all": "All open cases",
    "overdue": "Review overdue",
    "consider": "Consider escalating",
    "escalated": "Escalated",
    "with_s42": "With a section 42 enquiry",
}


def self_neglect_overdue_q(today: date) -> Q:
    """``rules.review_overdue`` on open cases, as a filter (the list counts and filters in SQL)."""
    return Q(next_review_date__lt=today)


def self_neglect_consider_q() -> Q:
    """``rules.self_neglect_escalation_suggested`` on cases not yet escalated, as a filter."""
    return Q(clutter_rating__gte=rules.CLUTTER_RATING_SERIOUS, engagement="NOT_ENGAGING", escalated_on__isnull=True)


def self_neglect_open_query(*, user, now: datetime, show: str = "all"):
    """The council's open self-neglect cases the user may see (a queryset, for paging and counting
    in the database); ``show`` narrows it (``SELF_NEGLECT_FILTERS``). Not audited: the rows are."""
    policy.require(user, "adults.decide")
    visible = policy.person_visible_q(user, now=now, field="person", unlinked=False)
    qs = SelfNeglectCase.objects.filter(council_id=policy.agency_id_of(user), closed_on__isnull=True).filter(visible)
    narrow = {
        "overdue": self_neglect_overdue_q(calendar.uk_date(now)),
        "consider": self_neglect_consider_q(),
        "escalated": Q(escalated_on__isnull=False),
        "with_s42": Q(enquiry__isnull=False),
    }.get(show)
    return qs.filter(narrow) if narrow is not None else qs


def self_neglect_rows(*, user, cases, now: datetime) -> list[SelfNeglectRow]:
    """Rows for ``cases`` (a page of ``self_neglect_open_query``); every adult listed is audited."""
    today = calendar.uk_date(now)
    rows = [
        SelfNeglectRow(
            c.pk, c.person_id, c.person.display_name, c.opened_on, c.clutter_rating, c.get_engagement_display(),
            c.next_review_date, rules.review_overdue(c.next_review_date, today=today, closed=False),
            c.escalated_on is not None, c.enquiry_id is not None,
            rules.self_neglect_escalation_suggested(clutter_rating=c.clutter_rating, engagement=c.engagement)
            and c.escalated_on is None,
        )
        for c in cases
    ]  # fmt: skip
    audit.record_list(actor=user, person_ids=[r.person_id for r in rows], at=now, view="self-neglect cases")
    return rows


def self_neglect_open_cases(*, user, now: datetime) -> list[SelfNeglectRow]:
    """Every open self-neglect case of the council, next review first (the page shows them 50 at a
    time: ``self_neglect_open_query``); every adult listed is audited."""
    qs = self_neglect_open_query(user=user, now=now).select_related("person")
    return self_neglect_rows(user=user, cases=qs.order_by(F("next_review_date").asc(nulls_last=True), "pk"), now=now)


def self_neglect_get_for_user(*, user, case_id: int, now: datetime) -> SelfNeglectCase:
    """Return the case if the user's council holds it, auditing the read of the adult."""
    case = SelfNeglectCase.objects.select_related("person", "council").filter(pk=case_id).first()
    if case is None:
        raise SelfNeglectCase.DoesNotExist(case_id)
    policy.require(user, "adults.decide")
    if policy.agency_id_of(user) != case.council_id:
        raise PermissionDenied("Only the council that holds the case can see it")
    case.person = person_get_for_user(user=user, person_id=case.person_id, now=now, reason="self-neglect case")
    return case


def self_neglect_detail(*, user, case: SelfNeglectCase, now: datetime) -> dict:
    today = calendar.uk_date(now)
    return {
        "case": case,
        "person": case.person,
        "meetings": list(case.meetings.all()),
        "actions": [
            {
                "id": a.pk,
                "agency": a.agency.name,
                "description": a.description,
                "due": a.due_date,
                "done": a.completed_on,
                "overdue": a.completed_on is None and a.due_date < today,
            }
            for a in case.actions.select_related("agency")
        ],  # fmt: skip
        "review_overdue": rules.review_overdue(case.next_review_date, today=today, closed=not case.is_open),
        "escalation_suggested": case.is_open
        and case.escalated_on is None
        and rules.self_neglect_escalation_suggested(clutter_rating=case.clutter_rating, engagement=case.engagement),
    }


@dataclass(frozen=True)
class ProviderRow:
    case_id: int
    provider: str
    opened_on: date
    large_scale: bool
    adults: int
    open_enquiries: int
    open_actions: int
    cqc_notified_on: date | None
    closed_on: date | None


def provider_cases(*, user) -> list[ProviderRow]:
    """The provider-level view: each provider case with how many adults' enquiries it holds (no names)."""
    policy.require(user, "adults.decide")
    qs = (
        ProviderCase.objects.filter(council_id=policy.agency_id_of(user))
        .select_related("provider")
        .annotate(
            adults=Count("enquiries__person", distinct=True),
            open_enquiries=Count("enquiries", filter=Q(enquiries__concluded_date__isnull=True), distinct=True),
            open_actions=Count("quality_actions", filter=Q(quality_actions__completed_on__isnull=True), distinct=True),
        )
        .order_by("closed_on", "-opened_on")
    )
    return [
        ProviderRow(c.pk, c.provider.name, c.opened_on, c.large_scale, c.adults, c.open_enquiries, c.open_actions,
                    c.cqc_notified_on, c.closed_on)
        for c in qs
    ]  # fmt: skip


def provider_case_enquiries(*, user, case: ProviderCase, now: datetime) -> list[dict]:
    """The adults in a provider case the user may open (filtered and audited like every list)."""
    policy.require(user, "adults.decide")
    if policy.agency_id_of(user) != case.council_id:
        raise PermissionDenied("Only the council that holds the provider case can see it")
    visible = policy.person_visible_q(user, now=now, field="person", unlinked=False)
    rows = [
        {"enquiry_id": e.pk, "person_id": e.person_id, "name": e.person.display_name, "started": e.started_date,
         "concluded": e.concluded_date}
        for e in Enquiry.objects.filter(visible, provider_case=case).select_related("person")
    ]  # fmt: skip
    audit.record_list(actor=user, person_ids=[r["person_id"] for r in rows], at=now, view="provider case adults")
    return rows


def pipot_cases(*, user, now: datetime) -> list[PositionOfTrustCase]:
    """Position-of-trust cases: restricted to the council's adult safeguarding managers; the read is audited."""
    from safehub.core.models import AuditAction

    council = require_pipot(user)
    cases = list(PositionOfTrustCase.objects.filter(council=council).select_related("employer"))
    for case in cases:
        audit.record(actor=user, action=AuditAction.VIEW, object_type="adults.PositionOfTrustCase",
                     object_id=str(case.pk), at=now, details={"list": "pipot"})  # fmt: skip
    return cases


@dataclass(frozen=True)
class LadoMatch:
    case_id: int
    reference: str
    subject: str
    role: str
    employer: str
    referred_on: date
    outcome: str
    linked: bool


def pipot_lado_matches(*, user, case: PositionOfTrustCase, now: datetime) -> list[LadoMatch]:
    """Return the children's LADO cases about the same person that the user may open (pathways' own filter).

    For someone who also works with children; matched on their name through the LADO search (the
    LADO team sees all cases, anyone else only those they are named on or referred), so the page
    never links to a LADO case the user cannot open.
    """
    from safehub.pathways.selectors import lado_case_list

    if not (case.works_with_children or case.lado_reference):
        return []
    found = lado_case_list(user=user, now=now, status="all", query=case.subject_name)
    return [
        LadoMatch(r["id"], r["reference"], r["subject"], r["role"], r["employer"], calendar.uk_date(r["referred_at"]),
                  r["outcome"], r["reference"] == case.lado_reference)
        for r in found["rows"]
    ]  # fmt: skip


def pipot_page(*, user, now: datetime) -> list[dict]:
    """Return the PiPoT cases with, for each, the LADO cases about the same person the user may open."""
    return [
        {"case": case, "lado": pipot_lado_matches(user=user, case=case, now=now)}
        for case in pipot_cases(user=user, now=now)
    ]


def pipot_get_for_user(*, user, case_id: int, now: datetime) -> PositionOfTrustCase:
    """Return one PiPoT case of the user's council (restricted), auditing the read."""
    from safehub.core.models import AuditAction

    council = require_pipot(user)
    case = PositionOfTrustCase.objects.filter(council=council, pk=case_id).first()
    if case is None:
        raise PositionOfTrustCase.DoesNotExist(case_id)
    audit.record(actor=user, action=AuditAction.VIEW, object_type="adults.PositionOfTrustCase",
                 object_id=str(case.pk), at=now)  # fmt: skip
    return case
