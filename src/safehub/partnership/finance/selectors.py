"""Reads of partner contributions: the finance page and the yearly report's finance figures (published figures: every member)."""

from __future__ import annotations

from collections import defaultdict

from safehub.core import policy
from safehub.partnership.models import (
    Budget,
    PartnerContribution,
)


def contributions(*, year: str) -> dict:
    """Return a year's partner contributions per budget, each with its total, largest first."""
    budgets = []
    for code, label in Budget.choices:
        rows = [
            {
                "id": c.pk,
                "organisation": c.organisation_name,
                "partner": c.get_partner_display(),
                "amount": c.amount_gbp,
                "amount_shown": f"£{c.amount_gbp:,}",
                "in_kind": c.in_kind,
            }
            for c in PartnerContribution.objects.filter(year=year, budget=code).order_by(
                "-amount_gbp", "organisation_name"
            )
        ]
        if rows:
            total = sum(int(str(r["amount"])) for r in rows)
            budgets.append({"code": code, "label": label, "rows": rows, "total": total, "total_shown": f"£{total:,}"})
    grand = sum(int(str(b["total"])) for b in budgets)
    return {"year": year, "budgets": budgets, "total": grand, "total_shown": f"£{grand:,}"}


def contribution_totals(*, years: list[str]) -> dict[tuple[str, str], dict[str, int]]:
    """Return {(budget, organisation): {year: amount}} for the years, to compare partners year on year."""
    out: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for c in PartnerContribution.objects.filter(year__in=years):
        out[(c.budget, c.organisation_name)][c.year] = c.amount_gbp
    return dict(out)


def contribution_kinds() -> dict[tuple[str, str], str]:
    """Return {(budget, organisation): kind of partner} for every recorded contribution."""
    return {(b, name): kind for b, name, kind in PartnerContribution.objects.values_list(
        "budget", "organisation_name", "partner")}  # fmt: skip


def finance_years() -> list[str]:
    return sorted(set(PartnerContribution.objects.values_list("year", flat=True)), reverse=True)


def contribution_list(*, user, years: list[str]) -> list[dict]:
    """Return the contributions of the given years for the finance page (published figures: every member)."""
    policy.require(user, "partnership.view")
    return [contributions(year=y) for y in years]


def contribution_get(*, user, contribution_id: int) -> PartnerContribution:
    from django.http import Http404

    policy.require(user, "partnership.manage")
    found = PartnerContribution.objects.filter(pk=contribution_id).first()
    if found is None:
        raise Http404
    return found
