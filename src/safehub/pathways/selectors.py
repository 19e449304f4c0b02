"""Pathway reads: access-filtered, audited, paged; templates get plain data."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from safehub.core import audit
from safehub.core.calendar import uk_date
from safehub.core.models import AuditAction
from safehub.pathways import rules
from safehub.pathways.access import is_lado_team, lado_visible_q
from safehub.pathways.models import (
    EducationRegisterEntry,
    EducationRegisterKind,
    LadoCase,
    LadoEmployerAction,
    LadoOutcome,
    LadoSector,
    MaracAction,
    MaracLink,
    PrivateFostering,
)
from safehub.pathways.services import LadoCaseHidden
from safehub.people import policy

PAGE_SIZE = 50


def _visible_people(user, now: datetime) -> Q:
    """The one access rule, applied to the person each pathway row names."""
    return policy.person_visible_q(user, now=now, field="person", unlinked=False)


def _page(qs: QuerySet, page_number) -> Page:
    return Paginator(qs, PAGE_SIZE).get_page(page_number)


def _audit_page(user, person_ids: list[int], now: datetime, view: str) -> None:
    with transaction.atomic():
        audit.record_list(actor=user, person_ids=person_ids, at=now, view=view)


# --- LADO ------------------------------------------------------------------------------------------
def lado_case_list(*, user, now: datetime, page_number=None, status: str = "open", query: str = "") -> dict:
    """The LADO cases the user may see (the team: all; others: those they are named on).

    ``query`` searches the name of the person the allegation is about and the employer, so the
    team sees earlier allegations against the same person; it searches only the visible cases.
    """
    qs = LadoCase.objects.filter(lado_visible_q(user))
    if query.strip():
        words = query.strip()[:100]
        qs = qs.filter(Q(subject_name__icontains=words) | Q(employer_name__icontains=words))
    if status == "open":
        qs = qs.filter(closed_at__isnull=True)
    elif status == "closed":
        qs = qs.filter(closed_at__isnull=False)
    page = _page(qs.order_by("-referred_at", "-id"), page_number)
    rows = [
        {
            "id": c.pk,
            "reference": c.reference,
            "subject": c.subject_name,
            "role": c.subject_role,
            "employer": c.employer_name,
            "sector": c.get_sector_display(),
            "category": c.get_category_display(),
            "referred_at": c.referred_at,
            "due_at": c.initial_consideration_due_at,
            "considered": c.considered_at is not None,
            "late": rules.lado_initial_consideration_on_time(c.referred_at, c.considered_at, as_of=now) is False,
            "outcome": c.get_outcome_display() if c.outcome else "",
        }
        for c in page.object_list
    ]
    return {"rows": rows, "page": page, "total": page.paginator.count, "is_team": is_lado_team(user)}


def lado_case_get(*, user, case_id: int, now: datetime) -> LadoCase:
    """Return the case if the user may see it, auditing the read; otherwise 'not found'."""
    case = LadoCase.objects.filter(lado_visible_q(user), pk=case_id).select_related("employer").first()
    if case is None:
        raise LadoCaseHidden("No such case")
    with transaction.atomic():
        audit.record(actor=user, action=AuditAction.VIEW, subject=case, at=now)
    return case


def lado_case_detail(*, user, case: LadoCase, now: datetime) -> dict:
    on_time = rules.lado_initial_consideration_on_time(case.referred_at, case.considered_at, as_of=now)
    return {
        "case": case,
        "on_time": on_time,
        "employer_actions": [LadoEmployerAction(a).label for a in case.employer_actions],
        "named": [
            {"name": n.user.get_full_name() or n.user.username, "why": n.why, "added_at": n.added_at}
            for n in case.named.select_related("user").order_by("added_at")
        ],
        "is_team": is_lado_team(user),
    }


def lado_measures(*, user, start: date, end: date, now: datetime) -> dict:
    """Referrals by sector and by outcome, and initial consideration timeliness (aggregate only)."""
    policy.require(user, "pathways.measures")
    qs = LadoCase.objects.filter(referred_at__date__gte=start, referred_at__date__lte=end)
    by_sector = dict(qs.values_list("sector").annotate(n=Count("id")).values_list("sector", "n"))
    by_outcome = dict(qs.exclude(outcome="").values_list("outcome").annotate(n=Count("id")).values_list("outcome", "n"))
    considered = 0
    on_time = 0
    for referred_at, considered_at in qs.values_list("referred_at", "considered_at"):
        if considered_at is not None:
            considered += 1
            on_time += considered_at <= rules.lado_initial_consideration_due(referred_at)
    return {
        "total": qs.count(),
        "by_sector": [(label, by_sector.get(code, 0)) for code, label in LadoSector.choices],
        "by_outcome": [(label, by_outcome.get(code, 0)) for code, label in LadoOutcome.choices],
        "considered": considered,
        "on_time": on_time,
        "on_time_pct": round(100 * on_time / considered) if considered else None,
    }


# --- Private fostering -----------------------------------------------------------------------------
def private_fostering_list(*, user, now: datetime, page_number=None, status: str = "open") -> dict:
    """Arrangements for the children the user may open, with what is due."""
    qs = PrivateFostering.objects.filter(_visible_people(user, now)).select_related("person")
    if status == "open":
        qs = qs.filter(ended_date__isnull=True)
    elif status == "closed":
        qs = qs.filter(ended_date__isnull=False)
    page = _page(qs.prefetch_related("visits").order_by("-notified_date", "-id"), page_number)
    today = uk_date(now)
    rows = []
    for arr in page.object_list:
        timing = rules.pf_visit_timeliness(
            notified_date=arr.notified_date, visit_dates=[v.visited_date for v in arr.visits.all()], as_of=today
        )
        rows.append(
            {
                "id": arr.pk,
                "person_id": arr.person_id,
                "name": arr.person.display_name,
                "carer": arr.carer_name,
                "notified_date": arr.notified_date,
                "next_due": None if arr.ended_date else timing["next_due"],
                "overdue": timing["overdue"] and arr.ended_date is None,
                "ended_date": arr.ended_date,
            }
        )
    _audit_page(user, [r["person_id"] for r in rows], now, "pathways.private_fostering")
    return {"rows": rows, "page": page, "total": page.paginator.count}


def private_fostering_detail(*, arrangement: PrivateFostering, now: datetime) -> dict:
    visits = list(arrangement.visits.all())
    timing = rules.pf_visit_timeliness(
        notified_date=arrangement.notified_date, visit_dates=[v.visited_date for v in visits], as_of=uk_date(now)
    )
    by_date = {v.visited_date: v for v in visits}
    return {
        "arrangement": arrangement,
        "timing": timing,
        "visits": [
            {
                "due": due,
                "done": done,
                "on_time": ok,
                "seen_alone": by_date[done].child_seen_alone,
                "note": by_date[done].note,
            }
            for due, done, ok in timing["visits"]
        ],
    }


def private_fostering_measures(*, user, start: date, end: date, now: datetime) -> dict:
    """Notifications, initial visits within 7 working days, and visits on time (aggregate only)."""
    policy.require(user, "pathways.measures")
    notified = PrivateFostering.objects.filter(notified_date__gte=start, notified_date__lte=end).prefetch_related(
        "visits"
    )
    initial_on_time = initial_due = visits_on_time = visits_total = 0
    for arr in notified:
        timing = rules.pf_visit_timeliness(
            notified_date=arr.notified_date, visit_dates=[v.visited_date for v in arr.visits.all()], as_of=uk_date(now)
        )
        if timing["initial_on_time"] is not None:
            initial_due += 1
            initial_on_time += bool(timing["initial_on_time"])
        for _due, _done, ok in timing["visits"][1:]:
            visits_total += 1
            visits_on_time += ok
    return {
        "notified": len(notified),
        "open": PrivateFostering.objects.filter(ended_date__isnull=True).count(),
        "initial_due": initial_due,
        "initial_on_time": initial_on_time,
        "initial_pct": round(100 * initial_on_time / initial_due) if initial_due else None,
        "visits_total": visits_total,
        "visits_on_time": visits_on_time,
        "visits_pct": round(100 * visits_on_time / visits_total) if visits_total else None,
    }


# --- Education register ----------------------------------------------------------------------------
def education_register_list(*, user, now: datetime, kind: str = "", page_number=None, status: str = "open") -> dict:
    qs = EducationRegisterEntry.objects.filter(_visible_people(user, now)).select_related("person", "last_setting")
    if kind in EducationRegisterKind.values:
        qs = qs.filter(kind=kind)
    if status == "open":
        qs = qs.filter(education_restarted_date__isnull=True)
    elif status == "closed":
        qs = qs.filter(education_restarted_date__isnull=False)
    page = _page(qs.order_by("-reported_date", "-id"), page_number)
    today = uk_date(now)
    rows = [
        {
            "id": e.pk,
            "person_id": e.person_id,
            "name": e.person.display_name,
            "kind": e.get_kind_display(),
            "reason": e.get_reason_display(),
            "setting": e.last_setting.name if e.last_setting else "",
            "reported_date": e.reported_date,
            "days_missing": rules.cme_days_missing(e.reported_date, e.education_restarted_date, as_of=today),
            "enquiries_overdue": e.kind == EducationRegisterKind.CME
            and e.education_restarted_date is None
            and today > rules.cme_enquiries_due(e.reported_date),
            "restarted": e.education_restarted_date,
            "referred": e.contact_id is not None,
        }
        for e in page.object_list
    ]
    _audit_page(user, [r["person_id"] for r in rows], now, "pathways.education_register")
    return {"rows": rows, "page": page, "total": page.paginator.count}


def education_register_measures(*, user, start: date, end: date, now: datetime) -> dict:
    policy.require(user, "pathways.measures")
    qs = EducationRegisterEntry.objects.filter(reported_date__gte=start, reported_date__lte=end)
    kinds = Counter(qs.values_list("kind", flat=True))
    restarted = list(
        qs.filter(education_restarted_date__isnull=False).values_list("reported_date", "education_restarted_date")
    )
    days = sorted(rules.cme_days_missing(a, b, as_of=b) for a, b in restarted if b is not None)
    return {
        "cme": kinds.get(EducationRegisterKind.CME, 0),
        "ehe": kinds.get(EducationRegisterKind.EHE, 0),
        "restarted": len(restarted),
        "median_days": days[len(days) // 2] if days else None,
        "referred": qs.filter(contact__isnull=False).count(),
        "open_now": EducationRegisterEntry.objects.filter(education_restarted_date__isnull=True).count(),
    }


# --- MARAC -----------------------------------------------------------------------------------------
def marac_list(*, user, now: datetime, page_number=None) -> dict:
    qs = MaracLink.objects.filter(_visible_people(user, now)).select_related("person", "referring_agency")
    # Counted per row shown (a subquery), not grouped over every link before the page is cut: the
    # grouped count made the database join and aggregate a region's links for each page and count.
    actions = MaracAction.objects.filter(link=OuterRef("pk")).order_by().values("link").annotate(n=Count("pk"))
    page = _page(
        qs.annotate(n_actions=Coalesce(Subquery(actions.values("n")[:1]), 0)).order_by("-referred_date", "-id"),
        page_number,
    )
    rows = [
        {
            "id": link.pk,
            "person_id": link.person_id,
            "name": link.person.display_name,
            "dash": link.dash_score,
            "judgement": link.professional_judgement,
            "referred_date": link.referred_date,
            "meeting_date": link.meeting_date,
            "agency": link.referring_agency.name,
            "repeat": link.repeat,
            "actions": link.n_actions,
        }
        for link in page.object_list
    ]
    _audit_page(user, [r["person_id"] for r in rows], now, "pathways.marac")
    return {"rows": rows, "page": page, "total": page.paginator.count}


def marac_measures(*, user, start: date, end: date, now: datetime) -> dict:
    policy.require(user, "pathways.measures")
    qs = MaracLink.objects.filter(referred_date__gte=start, referred_date__lte=end)
    total = qs.count()
    repeat = qs.filter(repeat=True).count()
    by_agency = list(
        qs.values_list("referring_agency__name")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("referring_agency__name", "n")
    )
    return {
        "total": total,
        "repeat": repeat,
        "repeat_pct": round(100 * repeat / total) if total else None,
        "judgement_only": qs.filter(professional_judgement=True, dash_score__lt=14).count()
        + qs.filter(professional_judgement=True, dash_score__isnull=True).count(),
        "by_agency": by_agency,
    }
