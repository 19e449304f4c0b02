"""The yearly report's sections from the partnership's own records, three years side by side.

Each builder returns plain data for ``insight/report/report.html``: ``Table`` objects whose cells
say where each figure came from, and lists (themes, findings, strengths) for the narrative around
them. Figures for a year come from:

- the records, where they cover the whole year (mark R);
- the published 2024-25 report (shared/reference, bundled in ``insight/data/published``) where the
  records do not cover the year fully (mark Pub);
- the records for part of the year where nothing was published (mark P).

The partnership's figures are defined in ``safehub.partnership.yearly``; the front door's and the
casework's here, from their models, as counts only (no person is named in the report).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count

from safehub.core.calendar import UK, financial_year
from safehub.insight import reference
from safehub.insight import selectors as insight_selectors
from safehub.insight.report_cells import (
    PUBLISHED_YEAR,
    SOURCE_PUBLISHED,
    SOURCE_RECORDS,
    Cell,
    Table,
    at,
    pct,
    year_table,
    years_with,
)
from safehub.partnership.finance import selectors as finance_selectors

# An independent return interview is offered within 72 hours of the child's return: DfE statutory
# guidance "Children who run away or go missing from home or care" (January 2014), the section
# "When a child is found: independent return interview".
RETURN_INTERVIEW_HOURS = 72


# ---------------------------------------------------------------------------------------------
# MASH and the front door
# ---------------------------------------------------------------------------------------------

MASH_MEASURES = ("contacts_total", "children_with_contact", "referrals_total", "contacts_to_referral_pct",
                 "re_referrals_12m_pct")  # fmt: skip


def _moments(year: str) -> tuple[datetime, datetime]:
    start, end = financial_year(year)
    return datetime.combine(start, time.min, tzinfo=UK), datetime.combine(end + timedelta(days=1), time.min, tzinfo=UK)


def front_door_year(year: str) -> dict:
    """Count the year's front-door decisions by outcome and the consultations (conversational model)."""
    from safehub.frontdoor.models import Consultation, Decision, Outcome

    start, end = _moments(year)
    outcomes = dict(
        Decision.objects.filter(decided_at__gte=start, decided_at__lt=end)
        .values_list("outcome")
        .annotate(n=Count("pk"))
    )
    consultations = Consultation.objects.filter(asked_at__gte=start, asked_at__lt=end)
    asked = consultations.count()
    advised = consultations.filter(advised_at__isnull=False)
    same_day = sum(
        1 for a, b in advised.values_list("asked_at", "advised_at") if b is not None and b - a <= timedelta(hours=24)
    )
    return {
        "outcomes": {code: outcomes.get(code, 0) for code in Outcome.values},
        "decisions": sum(outcomes.values()),
        "consultations": asked,
        "advised_24h_pct": pct(same_day, asked),
        "became_contact": consultations.filter(became_contact__isnull=False).count(),
    }


def mash(*, year: str, years: list[str], values) -> dict:
    """Contacts, conversion, decisions and consultations; ``values`` is the report's ``YearValues``."""
    from safehub.frontdoor.models import Outcome
    from safehub.insight.engine.measures import MEASURES_BY_ID

    cover = {y: values.coverage(y) for y in years}
    published: dict[str, dict[str, float]] = {}
    for row in reference.children_social_care():
        if row["measure_id"] in MASH_MEASURES:
            title = MEASURES_BY_ID[row["measure_id"]].title
            for y, v in row["values"].items():
                if v is not None:
                    published.setdefault(y, {})[title] = v
    measures = {y: values.values(y) if cover[y] != "none" else None for y in years}
    contacts = year_table(
        "Contacts and referrals",
        years=years,
        data=measures,
        cover=cover,
        rows=[(MEASURES_BY_ID[m].title, at(m), MEASURES_BY_ID[m].unit) for m in MASH_MEASURES],
        published=published,
    )
    data = years_with(years, cover, front_door_year)
    decisions = year_table(
        "What the front door decided",
        years=years,
        data=data,
        cover=cover,
        rows=[("Decisions made", lambda d: d["decisions"], "count")]
        + [(label, at("outcomes", code), "count") for code, label in Outcome.choices],
        first_column="Decision",
    )
    consultations = year_table(
        "Consultations (the conversational model)",
        years=years,
        data=data,
        cover=cover,
        rows=[
            ("Consultations with professionals", lambda d: d["consultations"], "count"),
            ("% advised within 24 hours", lambda d: d["advised_24h_pct"], "percent"),
            ("Consultations that became a contact", lambda d: d["became_contact"], "count"),
        ],
    )
    return {"contacts": contacts, "decisions": decisions, "consultations": consultations}


# ---------------------------------------------------------------------------------------------
# Vulnerable adolescents
# ---------------------------------------------------------------------------------------------


def adolescents_year(year: str) -> dict:
    """Count missing episodes and exploitation risk assessments (CERAF) begun in the year."""
    from safehub.casework.models import (
        EXPLOITATION_ORDER,
        ExploitationLevel,
        ExploitationRiskAssessment,
        MissingEpisode,
    )

    start, end = _moments(year)
    episodes = MissingEpisode.objects.filter(started_at__gte=start, started_at__lt=end)
    returned = episodes.filter(ended_at__isnull=False)
    offered_in_time = sum(
        1
        for ended, offered in returned.values_list("ended_at", "return_interview_offered_at")
        if offered is not None and ended is not None and offered - ended <= timedelta(hours=RETURN_INTERVIEW_HOURS)
    )
    assessments = ExploitationRiskAssessment.objects.filter(assessed_at__gte=start, assessed_at__lt=end)
    levels = dict(assessments.values_list("level").annotate(n=Count("pk")))
    kinds: Counter = Counter()
    lowered = agreed = 0
    for row_kinds, level, previous, agreed_by in assessments.values_list(
        "kinds", "level", "previous_level", "downgrade_agreed_by"
    ):
        kinds.update(row_kinds or [])
        if previous and EXPLOITATION_ORDER.get(level, 0) < EXPLOITATION_ORDER.get(previous, 0):
            lowered += 1
            agreed += bool(agreed_by)
    return {
        "episodes": episodes.count(),
        "children": episodes.values("person_id").distinct().count(),
        "high_risk": episodes.filter(risk_level="HIGH").count(),
        "returned": returned.count(),
        "offered_in_time_pct": pct(offered_in_time, returned.count()),
        "interviews_done": returned.filter(return_interview_done_at__isnull=False).count(),
        "assessments": assessments.count(),
        "assessed_children": assessments.values("person_id").distinct().count(),
        "levels": {code: levels.get(code, 0) for code in ExploitationLevel.values},
        "lowered": lowered,
        "lowered_agreed": agreed,
        "kinds": kinds.most_common(6),
    }


def adolescents(*, year: str, years: list[str], values) -> dict:
    from safehub.casework.models import ExploitationLevel

    cover = {y: values.coverage(y) for y in years}
    data = years_with(years, cover, adolescents_year)
    missing = year_table(
        "Children missing from home or care",
        years=years,
        data=data,
        cover=cover,
        rows=[
            ("Missing episodes", lambda d: d["episodes"], "count"),
            ("Children who went missing", lambda d: d["children"], "count"),
            ("Episodes assessed as high risk", lambda d: d["high_risk"], "count"),
            ("% of returns offered an interview within 72 hours", lambda d: d["offered_in_time_pct"], "percent"),
            ("Return interviews held", lambda d: d["interviews_done"], "count"),
        ],
    )
    exploitation = year_table(
        "Child exploitation risk assessments (CERAF)",
        years=years,
        data=data,
        cover=cover,
        rows=[
            ("Assessments completed", lambda d: d["assessments"], "count"),
            ("Children assessed", lambda d: d["assessed_children"], "count"),
        ]
        + [(f"Risk level: {label}", at("levels", c), "count") for c, label in ExploitationLevel.choices]
        + [
            ("Risk level lowered since the last assessment", at("lowered"), "count"),
            ("of which agreed with the partner agencies", at("lowered_agreed"), "count"),
        ],
    )
    this = data.get(year) or {}
    return {"missing": missing, "exploitation": exploitation, "kinds": this.get("kinds", [])}


# ---------------------------------------------------------------------------------------------
# Education attendance
# ---------------------------------------------------------------------------------------------

PHASES = [("all", "All schools"), ("primary", "Primary"), ("secondary", "Secondary"), ("special", "Special")]
# The attendance return's measures (exchange, education_attendance) and the published table's rows.
ATTENDANCE_MEASURES = {
    "Total overall absence - primary secondary and special (%)": ("all", "overall"),
    "Total persistent absence over 10% - primary secondary and special (%)": ("all", "persistent"),
    "Overall absence primary (%)": ("primary", "overall"),
    "Persistent absence primary (%)": ("primary", "persistent"),
    "Overall absence secondary (%)": ("secondary", "overall"),
    "Persistent absence secondary (%)": ("secondary", "persistent"),
    "Overall absence special schools (%)": ("special", "overall"),
    "Persistent absence special schools (%)": ("special", "persistent"),
}


# The rows of the published report's attendance table, in its order: (phase, kind, label).
EDUCATION_ROWS = [
    ("all", "overall", "Total overall absence: primary, secondary and special schools"),
    ("all", "persistent", "Total persistent absence (over 10%): primary, secondary and special schools"),
    ("primary", "overall", "Overall absence: primary"),
    ("primary", "persistent", "Persistent absence: primary"),
    ("secondary", "overall", "Overall absence: secondary"),
    ("secondary", "persistent", "Persistent absence: secondary"),
    ("special", "overall", "Overall absence: special schools"),
    ("special", "persistent", "Persistent absence: special schools"),
]
PUBLISHED_ACADEMIC_YEAR = "2024-2025"  # the academic year the published 2024-25 report gives


def academic_year(year: str) -> str:
    """The academic year that ends in a financial year: 2025-26 -> 2025-2026."""
    start = int(year[:4])
    return f"{start}-{start + 1}"


def comparator_id(phase: str, kind: str) -> str:
    return f"education_{kind}_absence_{phase}_pct"


def education(*, year: str, years: list[str]) -> dict:
    """Absence by phase for each academic year, from the attendance returns, else the published table.

    The return is sent every quarter and repeats the academic year's figures to date; the latest
    quarter's figure is the year's. Comparators are the loaded published figures (Insight,
    comparators) under ``education_<overall|persistent>_absence_<phase>_pct``.
    """
    from safehub.exchange.selectors import partner_values

    academic = [academic_year(y) for y in years]
    first, _ = financial_year(years[0])
    _, last = financial_year(years[-1])
    latest: dict[tuple[str, str], tuple[date, str, Decimal]] = {}
    for row in partner_values("education_attendance", first - timedelta(days=366), last + timedelta(days=366)):
        key = ATTENDANCE_MEASURES.get(row["measure"])
        label = str(row["period_label"]).replace("/", "-")
        if key is None or label not in academic or row["value"] is None:
            continue
        slot = (label, f"{key[0]}:{key[1]}")
        mark = (row["period_start"], row["agency"], row["value"])
        if slot not in latest or mark[:2] > latest[slot][:2]:
            latest[slot] = mark
    columns, published_rows = reference.read("education_attendance.csv")
    published: dict[tuple[str, str], float] = {}
    for row in published_rows:
        key = ATTENDANCE_MEASURES.get(row["measure"])
        if key:
            for column in columns[1:]:
                if row[column].strip():
                    published[(column, f"{key[0]}:{key[1]}")] = float(row[column])
    comparators = insight_selectors.comparators(
        [comparator_id(p, k) for p, _ in PHASES for k in ("overall", "persistent")], years
    )
    names = sorted({name for per in comparators.values() for name in per})
    table = Table(caption="School absence (% of the school population)", years=academic, first_column="Measure",
                  note="Overall absence: sessions missed as a share of possible sessions. Persistent absence: pupils "
                       "missing 10% or more of their sessions.")  # fmt: skip
    sources: set[str] = set()
    comparator_sources: set[str] = set()
    published_column: dict[str, float | None] = {}
    for phase, kind, label in EDUCATION_ROWS:
        slot_key = f"{phase}:{kind}"
        cells = []
        for a in academic:
            slot = (a, slot_key)
            if slot in latest:
                cells.append(Cell(float(latest[slot][2]), SOURCE_RECORDS, "percent"))
                sources.add("returns")
            elif slot in published:
                cells.append(Cell(published[slot], SOURCE_PUBLISHED, "percent"))
                sources.add("published")
            else:
                cells.append(Cell(None, "", "percent"))
        published_column[label] = published.get((PUBLISHED_ACADEMIC_YEAR, slot_key))
        comparator_cells = []
        for name in names:
            found = comparators.get(comparator_id(phase, kind), {}).get(name, {}).get(years[-1])
            source = "illustrative" if found and found["illustrative"] else "comparator"
            comparator_cells.append(Cell(found["value"] if found else None, source if found else "", "percent"))
            if found:
                comparator_sources.add(source)
        table.rows.append({"label": label, "cells": cells, "comparators": comparator_cells})
    table.add_published(published_column)
    return {
        "academic_years": academic,
        "table": table,
        "rows": table.rows,
        "comparator_names": names,
        "comparator_year": years[-1],
        "comparators_illustrative": "illustrative" in comparator_sources,
        "has_records": "returns" in sources,
        "has_published": "published" in sources or table.published_label != "",
    }


# ---------------------------------------------------------------------------------------------
# Finance
# ---------------------------------------------------------------------------------------------


# The published 2024-25 report's funding partners and the kind of partner each is.
PUBLISHED_PARTNER_KIND = {
    "SCC": "LOCAL_AUTHORITY",
    "ICB": "ICB",
    "HIOW constabulary": "POLICE",
    "Probation": "PROBATION",
}


def finance(*, year: str, years: list[str]) -> dict:
    """Partner contributions per budget and partner, this year and the two before; published where unrecorded."""
    from safehub.partnership.models import Budget

    recorded = finance_selectors.contribution_totals(years=years)
    recorded_years = {y for per in recorded.values() for y in per}
    published: dict[tuple[str, str], dict[str, int]] = {}
    names = {"children_partnership": Budget.CHILDREN_PARTNERSHIP, "adults_board": Budget.ADULTS_BOARD}
    as_published: dict[tuple[str, str], int] = {}
    _, rows = reference.read("finance_contributions_2024_25.csv")
    for row in rows:
        as_published[(names[row["budget"]], row["organisation"])] = int(row["contribution_gbp"])
    if PUBLISHED_YEAR in years and PUBLISHED_YEAR not in recorded_years:
        for key, amount in as_published.items():
            published.setdefault(key, {})[PUBLISHED_YEAR] = amount
    tables = []
    for code, label in Budget.choices:
        keys = sorted(
            {k for k in [*recorded, *published] if k[0] == code},
            key=lambda k: -max([*recorded.get(k, {}).values(), *published.get(k, {}).values(), 0]),
        )
        if not keys:
            continue
        table = Table(caption=f"{label}: partner contributions (£)", years=years, first_column="Organisation")
        totals: dict[str, tuple[int, str]] = {}
        for key in keys:
            cells = []
            for y in years:
                if y in recorded.get(key, {}):
                    cell = Cell(recorded[key][y], SOURCE_RECORDS)
                elif y in published.get(key, {}):
                    cell = Cell(published[key][y], SOURCE_PUBLISHED)
                else:
                    cell = Cell(None, "")
                if cell.value is not None:
                    total, source = totals.get(y, (0, cell.source))
                    totals[y] = (total + int(cell.value), source)
                cells.append(cell)
            table.rows.append({"label": key[1], "cells": cells})
        table.rows.append(
            {
                "label": "Total",
                "total": True,
                "cells": [Cell(totals[y][0], totals[y][1]) if y in totals else Cell(None, "") for y in years],
            }
        )
        # The published report names the real partners; a recorded partner is matched to it by kind.
        by_kind = {PUBLISHED_PARTNER_KIND.get(k[1]): v for k, v in as_published.items() if k[0] == code}
        figures: dict[str, float | None] = {
            name: by_kind.get(kind)
            for (budget, name), kind in finance_selectors.contribution_kinds().items()
            if budget == code
        }
        figures.update({k[1]: v for k, v in as_published.items() if k[0] == code})
        totals_published = [v for k, v in as_published.items() if k[0] == code]
        if totals_published:
            figures["Total"] = sum(totals_published)
        table.add_published(figures)
        tables.append(table)
    the_year = finance_selectors.contributions(year=year)
    if partners_table := _partners_table(year, the_year["partners"], as_published):
        tables.append(partners_table)
    in_kind = [f"{r['organisation']}: {r['in_kind']}" for b in the_year["budgets"] for r in b["rows"] if r["in_kind"]]
    return {"tables": tables, "in_kind": sorted(set(in_kind)), "recorded": year in recorded_years}


def _partners_table(year: str, partners: list[dict], as_published: dict[tuple[str, str], int]) -> Table | None:
    """The year's contributions per named partner, each budget and in all (issue 23): recorded, else published."""
    from safehub.partnership.models import Budget, FundingPartner

    source = SOURCE_RECORDS
    if not partners and year == PUBLISHED_YEAR:
        source = SOURCE_PUBLISHED
        partners = [
            {"organisation": name, "partner": FundingPartner(PUBLISHED_PARTNER_KIND.get(name, "OTHER")).label,
             "amounts": [as_published.get((code, name)) for code in Budget.values]}
            for name in dict.fromkeys(name for _, name in as_published)
        ]  # fmt: skip
        partners.sort(key=lambda p: -sum(a or 0 for a in p["amounts"]))
    if not partners:
        return None

    def row(label: str, amounts: list[int | None], total: bool = False) -> dict:
        cells = [Cell(a, source if a is not None else "") for a in amounts]
        return {"label": label, "total": total, "cells": [*cells, Cell(sum(a or 0 for a in amounts), source)]}

    table = Table(caption=f"Partner contributions {year} by partner, all budgets (£)", years=[*Budget.labels, "Total"],
                  first_column="Partner")  # fmt: skip
    table.rows = [row(f"{p['organisation']} ({p['partner']})", p["amounts"]) for p in partners]
    table.rows.append(
        row("Total", [sum(p["amounts"][i] or 0 for p in partners) for i in range(len(Budget.values))], True)
    )
    return table


# ---------------------------------------------------------------------------------------------
# Youth justice
# ---------------------------------------------------------------------------------------------


def _figure(value: Decimal | float, count: int | None) -> str:
    number = float(value)
    shown = f"{number:,.2f}" if abs(number) < 10 and not number.is_integer() else f"{number:,.0f}"
    return f"{shown} ({count:,})" if count is not None else shown


def youth_justice(*, year: str) -> dict:
    """Youth justice measures by period: the year's quarterly returns, else the published table.

    One row per measure, one column per period, each figure as the seed report gives it: the rate
    with the number behind it in brackets. The latest upload for a measure and period counts.
    """
    from safehub.exchange.selectors import partner_values

    start, end = financial_year(year)
    latest: dict[tuple[str, str], tuple[date, str, str]] = {}
    for row in partner_values("youth_justice", start, end):
        if row["value"] is None:
            continue
        slot = (row["measure"], str(row["period_label"]))
        mark = (row["period_start"], row["agency"], _figure(row["value"], row["count"]))
        if slot not in latest or mark[:2] > latest[slot][:2]:
            latest[slot] = mark
    if latest:
        figures = {slot: shown for slot, (_, _, shown) in latest.items()}
        source = "Youth justice service quarterly returns in Safehub (accepted)"
        marked = "R"
    else:
        _, rows = reference.read("youth_justice.csv")
        figures = {
            (r["measure"], r["period"]): _figure(float(r["value"]), int(r["count"]) if r["count"].strip() else None)
            for r in rows
            if r["value"].strip()
        }
        source = reference.PUBLISHED_SOURCE
        marked = "Pub"
    measures = list(dict.fromkeys(m for m, _ in figures))
    tables = []
    for measure in measures:
        periods = [p for m, p in figures if m == measure]
        tables.append({"measure": measure, "periods": periods, "values": [figures[(measure, p)] for p in periods]})
    return {"tables": tables, "source": source, "mark": marked}
