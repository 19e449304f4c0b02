"""Reads of partner contributions: the finance page and the yearly report's finance figures (published
figures: every member).
"""

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
    return {
        "year": year,
        "budgets": budgets,
        "partners": by_partner(budgets),
        "budget_labels": list(Budget.labels),
        "total": grand,
        "total_shown": f"£{grand:,}",
    }


def by_partner(budgets: list[dict]) -> list[dict]:
    """Each named partner's contributions to a year's budgets: what it gave each budget and in all.

    A partner is an organisation as recorded (the council, the police, the integrated care board,
    probation and any other contributor the records hold), largest total first. ``amounts`` follows
    ``Budget``'s order, None where the partner gave nothing to that budget.
    """
    partners: dict[str, dict] = {}
    for budget in budgets:
        for row in budget["rows"]:
            partner = partners.setdefault(
                row["organisation"], {"organisation": row["organisation"], "partner": row["partner"], "given": {}}
            )
            partner["given"][budget["code"]] = int(row["amount"])
    out = []
    for partner in partners.values():
        total = sum(partner["given"].values())
        amounts = [partner["given"].get(code) for code in Budget.values]
        out.append({
            "organisation": partner["organisation"], "partner": partner["partner"], "amounts": amounts,
            "amounts_shown": [f"£{a:,}" if a is not None else "–" for a in amounts],
            "total": total, "total_shown": f"£{total:,}",
        })  # fmt: skip
    return sorted(out, key=lambda p: (-p["total"], p["organisation"]))


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
