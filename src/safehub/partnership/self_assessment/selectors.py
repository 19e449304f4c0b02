"""Reads of section 11 and section 175 self-assessments, access-checked, as plain data for pages (CONVENTIONS 4, 5)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from django.db.models import Count, Q
from django.http import Http404

from safehub.core import policy
from safehub.core.calendar import UK, uk_date
from safehub.partnership.actions.selectors import recommendation_rows
from safehub.partnership.models import (
    Rating,
    SelfAssessmentCycle,
    SelfAssessmentReturn,
)


def cycle_list(*, user) -> list[dict]:
    policy.require(user, "partnership.view")
    qs = SelfAssessmentCycle.objects.annotate(
        n=Count("returns"), submitted=Count("returns", filter=Q(returns__submitted_at__isnull=False))
    )
    return [
        {
            "id": c.pk,
            "kind": c.get_kind_display(),
            "year": c.year,
            "cycle_year": c.get_cycle_year_display(),
            "due": c.due_date,
            "returns": c.n,
            "submitted": c.submitted,
        }
        for c in qs
    ]


def cycle_get(*, user, cycle_id: int) -> SelfAssessmentCycle:
    policy.require(user, "partnership.view")
    found = SelfAssessmentCycle.objects.filter(pk=cycle_id).first()
    if found is None:
        raise Http404
    return found


def cycle_detail(*, user, cycle: SelfAssessmentCycle, now: datetime | None = None) -> dict:
    """Per standard, how many agencies met it (the themes across agencies); agencies' own returns."""
    policy.require(user, "partnership.view")
    manager = policy.can(user, "partnership.manage")
    my_agency = policy.agency_id_of(user)
    today = uk_date(now or datetime.now(UK))
    returns = list(cycle.returns.select_related("agency").prefetch_related("ratings").order_by("agency__name"))
    tally: dict[str, Counter] = defaultdict(Counter)
    for r in returns:
        for rating in r.ratings.all():
            tally[rating.standard][rating.rating] += 1
    return {
        "cycle": cycle,
        "standards": [
            {
                "code": code,
                "text": text,
                "met": tally[code][Rating.MET],
                "partly": tally[code][Rating.PARTLY_MET],
                "not_met": tally[code][Rating.NOT_MET],
                "weak": tally[code][Rating.PARTLY_MET] + tally[code][Rating.NOT_MET],
            }
            for code, text in cycle.standards
        ],
        "returns": [
            {
                "id": r.pk,
                "agency": r.agency.name,
                "submitted": r.submitted_at,
                "can_edit": manager or r.agency_id == my_agency,
                "weak": sum(1 for rating in r.ratings.all() if rating.rating != Rating.MET),
                "recommendations": recommendation_rows(r.recommendations.all(), user=user, today=today),
            }
            for r in returns
        ],
        "can_manage": manager,
    }


def return_weaknesses(*, user, sa_return: SelfAssessmentReturn) -> list[str]:
    """The standards a return rates partly met or not met, with what the agency said, for the action plan."""
    policy.require(user, "partnership.view")
    texts = dict(sa_return.cycle.standards)
    return [
        f"{r.standard} {texts.get(r.standard, '')}: {r.get_rating_display()}"
        + (f". {r.evidence}" if r.evidence else "")
        for r in sa_return.ratings.exclude(rating=Rating.MET)
    ]


def return_get(*, user, return_id: int) -> SelfAssessmentReturn:
    policy.require(user, "partnership.view")
    found = SelfAssessmentReturn.objects.select_related("cycle", "agency").filter(pk=return_id).first()
    if found is None:
        raise Http404
    return found
