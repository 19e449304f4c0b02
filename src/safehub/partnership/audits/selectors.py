"""Reads of multi-agency case audits, access-checked, as plain data for pages (CONVENTIONS 4, 5)."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from safehub.core import policy
from safehub.core.calendar import uk_date
from safehub.partnership.actions.selectors import recommendation_rows
from safehub.partnership.models import (
    MultiAgencyAudit,
)
from safehub.people.models import Person


@dataclass(frozen=True)
class SampleCriteria:
    """Which people an audit may sample: an involvement of a kind, by an agency, started in a period."""

    involvement_kind: str = ""
    agency_id: int | None = None
    started_from: date | None = None
    started_to: date | None = None

    def as_dict(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items() if v}


def people_matching(criteria: SampleCriteria) -> QuerySet[Person]:
    """Return the people with an involvement matching the criteria (merged records excluded)."""
    involvement = Q()
    if criteria.involvement_kind:
        involvement &= Q(involvements__kind=criteria.involvement_kind)
    if criteria.agency_id:
        involvement &= Q(involvements__agency_id=criteria.agency_id)
    if criteria.started_from:
        involvement &= Q(involvements__started_at__date__gte=criteria.started_from)
    if criteria.started_to:
        involvement &= Q(involvements__started_at__date__lte=criteria.started_to)
    return Person.objects.filter(involvement, merged_into__isnull=True).distinct()


def sample_cases(qs: QuerySet, *, size: int, rng: random.Random) -> list:
    """Draw ``size`` records at random from any queryset (all of them when there are fewer)."""
    ids = sorted(qs.values_list("pk", flat=True))
    chosen = sorted(rng.sample(ids, min(size, len(ids))))
    by_id = qs.model.objects.in_bulk(chosen)
    return [by_id[i] for i in chosen]


def audit_list(*, user) -> list[dict]:
    policy.require(user, "partnership.view")
    qs = MultiAgencyAudit.objects.annotate(
        n_cases=Count("cases", distinct=True), n_returns=Count("cases__returns", distinct=True)
    )
    return [
        {
            "id": a.pk,
            "title": a.title,
            "tool": a.get_tool_display(),
            "priority": a.get_priority_display() if a.priority else "",
            "planned": a.planned_date,
            "status": a.get_status_display(),
            "cases": a.n_cases,
            "returns": a.n_returns,
        }
        for a in qs
    ]


def audit_get(*, user, audit_id: int) -> MultiAgencyAudit:
    policy.require(user, "partnership.view")
    found = MultiAgencyAudit.objects.filter(pk=audit_id).first()
    if found is None:
        raise Http404
    return found


def audit_detail(*, user, audit_item: MultiAgencyAudit, now: datetime) -> dict:
    """Cases are shown by number; agencies see their own answers, the partnership sees all."""
    policy.require(user, "partnership.view")
    membership = policy.membership_for_user(user)
    manager = policy.can(user, "partnership.manage")
    participating = set(audit_item.agencies.values_list("pk", flat=True))
    my_agency = membership.agency_id if membership else None
    questions = dict(audit_item.questions)
    cases = []
    for case in audit_item.cases.prefetch_related("returns__agency"):
        returns = [
            {
                "agency": r.agency.name,
                "grade": r.get_grade_display(),
                "answers": [(questions.get(k, k), v) for k, v in r.answers.items()],
                "comments": r.comments,
                "mine": r.agency_id == my_agency,
            }
            for r in case.returns.all()
            if manager or r.agency_id == my_agency
        ]
        cases.append(
            {
                "id": case.pk,
                "number": case.number,
                "returns": returns,
                "answered_by_me": any(r["mine"] for r in returns),
                "n_returns": case.returns.count(),
            }
        )
    grades = Counter(g for g in audit_item.cases.values_list("returns__grade", flat=True) if g)
    from safehub.partnership.models import Grade

    return {
        "audit": audit_item,
        "questions": audit_item.questions,
        "agencies": list(audit_item.agencies.values_list("name", flat=True)),
        "cases": cases,
        "grades": [(label, grades.get(code, 0)) for code, label in Grade.choices],
        "findings": list(audit_item.finding_items.all()),
        "recommendations": recommendation_rows(audit_item.recommendations.all(), user=user, today=uk_date(now)),
        "sample": sample_description(audit_item.sample_criteria),
        "can_sample": manager and not cases,
        "can_manage": manager,
        "can_answer": policy.can(user, "partnership.contribute")
        and (not participating or my_agency in participating)
        and audit_item.status != "COMPLETE",
    }


def sample_description(criteria: dict) -> list[tuple[str, str]]:
    """The criteria an audit's sample was drawn by, as (label, value) rows for the page."""
    from safehub.agencies.models import Agency
    from safehub.people.models import InvolvementKind

    if not criteria:
        return []
    rows = [("Cases", str(criteria.get("size", "")))]
    if kind := criteria.get("involvement_kind"):
        rows.append(("Involvement", InvolvementKind(kind).label if kind in InvolvementKind.values else kind))
    if agency_id := criteria.get("agency_id"):
        rows.append(("Agency", Agency.objects.filter(pk=agency_id).values_list("name", flat=True).first() or ""))
    if criteria.get("started_from") or criteria.get("started_to"):
        start = date.fromisoformat(criteria["started_from"]) if criteria.get("started_from") else None
        end = date.fromisoformat(criteria["started_to"]) if criteria.get("started_to") else None
        rows.append(
            (
                "Involvement started",
                f"{f'{start:%d/%m/%Y}' if start else 'any time'} to {f'{end:%d/%m/%Y}' if end else 'now'}",
            )
        )
    rows.append(("Draw number", str(criteria.get("seed", 0))))
    return rows
