"""The yearly report's partnership sections: practice reviews, multi-agency audits, learning and
development, section 11 and section 175 self-assessments, escalations and the sub-groups.

Each builder returns plain data for ``insight/report/report.html``, three years side by side, with
each figure's source marked (R, P, Pub) as ``report_sections`` describes; the figures themselves
are defined in ``safehub.partnership.yearly``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from safehub.insight import reference
from safehub.insight.report_cells import (
    Row,
    Table,
    at,
    in_pairs,
    pct,
    year_table,
    years_with,
)
from safehub.partnership import yearly

# ---------------------------------------------------------------------------------------------
# Practice reviews
# ---------------------------------------------------------------------------------------------

# Rows of the published practice review table and the measure of ``yearly.REVIEW_MEASURES`` it is.
PUBLISHED_REVIEW_ROWS = {
    "Referrals - total": "referrals",
    "SARs or CSPRs": "statutory",
    "Rapid Reviews": "rapid_reviews",
    "Southampton Local Learning Reviews": "local",
    "Publications": "published",
    "Additional work forming part of thematic review": "thematic",
}


def published_reviews() -> dict[str, dict[str, dict[str, float]]]:
    """Return the published 2024-25 review figures as {"adults"|"children": {"2024-25": {label: value}}}."""
    labels = dict(yearly.REVIEW_MEASURES)
    out: dict[str, dict[str, dict[str, float]]] = {"adults": {"2024-25": {}}, "children": {"2024-25": {}}}
    _, rows = reference.read("practice_reviews_2024_25.csv")
    for row in rows:
        key = PUBLISHED_REVIEW_ROWS.get(row["measure"])
        if key is None:
            continue
        for group in ("adults", "children"):
            if row[group].strip():
                out[group]["2024-25"][labels[key]] = float(row[group])
    return out


def practice_reviews(*, year: str, years: list[str], as_of: date, since: Mapping[str, date | None]) -> dict:
    cover = {y: yearly.coverage(y, since["reviews"], as_of) for y in years}
    data = years_with(years, cover, lambda y: yearly.practice_reviews(year=y, as_of=as_of))
    published = published_reviews()
    tables = []
    for group, caption in (("adults", "Adults (including domestic abuse related deaths)"), ("children", "Children")):
        skip = "rapid_reviews" if group == "adults" else "dardr"  # rapid reviews are about children only
        rows: list[Row] = [
            (label, at("counts", group, key), "count") for key, label in yearly.REVIEW_MEASURES if key != skip
        ]
        tables.append(
            year_table(
                f"Practice review group: {caption.lower()}",
                years=years,
                data=data,
                cover=cover,
                rows=rows,
                published=published[group],
            )
        )
    actions = year_table(
        "Actions from review action plans",
        years=years,
        data=data,
        cover=cover,
        rows=[
            ("Actions completed in the year", lambda d: d["actions"]["completed"], "count"),
            ("Actions open at the year's end", lambda d: d["actions"]["open"], "count"),
            ("of which overdue", lambda d: d["actions"]["overdue"], "count"),
        ],
        note="Open and overdue are counted on 31 March (or today, for a year not yet over).",
    )
    this = data.get(year) or {}
    return {
        "tables": tables,
        "actions": actions,
        "themes": this.get("themes", {"adults": [], "children": []}),
        "stages": this.get("stages", {"adults": [], "children": []}),
        "published": this.get("published", []),
        "briefings": this.get("briefings", 0),
        "coverage": cover[year],
    }


# ---------------------------------------------------------------------------------------------
# Multi-agency audits
# ---------------------------------------------------------------------------------------------


def audits(*, year: str, years: list[str], as_of: date, since: Mapping[str, date | None]) -> dict:
    cover = {y: yearly.coverage(y, since["audits"], as_of) for y in years}
    data = years_with(years, cover, lambda y: yearly.audits(year=y))

    def good(d: dict) -> float | None:
        counts = dict(d["grades"])
        return pct(counts.get("Outstanding", 0) + counts.get("Good", 0), d["returns"])

    summary = year_table(
        "Multi-agency audits",
        years=years,
        data=data,
        cover=cover,
        rows=[
            ("Audits held", lambda d: len(d["audits"]), "count"),
            ("Audits completed", lambda d: d["completed"], "count"),
            ("Cases audited", lambda d: d["cases"], "count"),
            ("Agency returns graded", lambda d: d["returns"], "count"),
            ("% of returns graded good or outstanding", good, "percent"),
        ],
    )
    from safehub.partnership.models import Grade

    grades = year_table(
        "Grades given by agencies to their own practice",
        years=years,
        data=data,
        cover=cover,
        rows=[(label, in_pairs("grades", label), "count") for _, label in Grade.choices],
        first_column="Grade",
    )
    this = data.get(year) or {"audits": []}
    return {"summary": summary, "grades": grades, "audits": this["audits"], "coverage": cover[year]}


# ---------------------------------------------------------------------------------------------
# Learning and development
# ---------------------------------------------------------------------------------------------


def learning(*, year: str, years: list[str], as_of: date, since: Mapping[str, date | None]) -> dict:
    cover = {y: yearly.coverage(y, since["training"], as_of) for y in years}
    data = years_with(years, cover, lambda y: yearly.learning(year=y))
    summary = year_table(
        "Training, briefings and evaluation",
        years=years,
        data=data,
        cover=cover,
        rows=[
            ("Training events held", lambda d: d["events"], "count"),
            ("Different courses run", lambda d: d["courses"], "count"),
            ("Places booked", lambda d: d["booked"], "count"),
            ("Practitioners who attended", lambda d: d["attended"], "count"),
            ("Evaluations returned", lambda d: d["evaluations"], "count"),
            ("% who found the training useful (4 or 5 of 5)", lambda d: d["useful_pct"], "percent"),
            ("Course quality checks", lambda d: d["quality_checks"], "count"),
            ("7-minute briefings published", lambda d: d["briefings"], "count"),
            ("Briefing reads recorded", lambda d: d["briefing_reads"], "count"),
        ],
    )
    sectors = sorted({s for d in data.values() if d for s, _ in d["sectors"]}, key=_sector_order)
    by_sector = year_table(
        "Attendance by sector",
        years=years,
        data=data,
        cover=cover,
        rows=[(s, in_pairs("sectors", s), "count") for s in sectors],
        first_column="Sector",
    )
    this = data.get(year) or {}
    return {
        "summary": summary,
        "sectors": by_sector,
        "agencies": this.get("agencies", []),
        "top_courses": this.get("top_courses", []),
        "mean_rating": this.get("mean_rating"),
        "coverage": cover[year],
    }


def _sector_order(name: str) -> int:
    order = [*yearly.SECTOR_ORDER, "Other"]
    return order.index(name) if name in order else len(order)


# ---------------------------------------------------------------------------------------------
# Section 11 and section 175
# ---------------------------------------------------------------------------------------------


def self_assessments(*, year: str, years: list[str], as_of: date, since: Mapping[str, date | None]) -> dict:
    cover = {y: yearly.coverage(y, since["self_assessments"], as_of) for y in years}
    # A cycle belongs to its year whatever the records' span: returns are recorded per cycle.
    cover = {y: "full" if c != "none" else c for y, c in cover.items()}
    data = years_with(years, cover, lambda y: {"cycles": yearly.self_assessments(year=y)})

    def of(kind_s11: bool, key: str) -> Callable[[dict], float | None]:
        def get(d: dict) -> float | None:
            cycles = [c for c in d["cycles"] if c["is_s11"] == kind_s11]
            return sum(c[key] for c in cycles) if cycles else None

        return get

    def on_time(kind_s11: bool) -> Callable[[dict], float | None]:
        def get(d: dict) -> float | None:
            cycles = [c for c in d["cycles"] if c["is_s11"] == kind_s11]
            return pct(sum(c["on_time"] for c in cycles), sum(c["invited"] for c in cycles)) if cycles else None

        return get

    summary = year_table(
        "Self-assessment returns",
        years=years,
        data=data,
        cover=cover,
        rows=[
            ("Section 11: agencies asked", of(True, "invited"), "count"),
            ("Section 11: returns received", of(True, "submitted"), "count"),
            ("Section 11: % returned by the due date", on_time(True), "percent"),
            ("Section 175: schools asked", of(False, "invited"), "count"),
            ("Section 175: returns received", of(False, "submitted"), "count"),
            ("Section 175: % returned by the due date", on_time(False), "percent"),
        ],
    )
    this = data.get(year) or {"cycles": []}
    return {"summary": summary, "cycles": this["cycles"]}


# ---------------------------------------------------------------------------------------------
# Escalations
# ---------------------------------------------------------------------------------------------


def escalations(*, year: str, years: list[str], as_of: date, since: Mapping[str, date | None]) -> dict:
    cover = {y: yearly.coverage(y, since["escalations"], as_of) for y in years}
    data = years_with(years, cover, lambda y: yearly.escalations(year=y, as_of=as_of))
    rows: list[Row] = [
        ("Professional differences raised", lambda d: d["raised"], "count"),
        ("Resolved", lambda d: d["resolved"], "count"),
        ("Open at the year's end", lambda d: d["open"], "count"),
        ("Median working days to resolve", lambda d: d["median_days"], "rate"),
    ]
    rows += [(f"Reached stage {s}", at("stages", s - 1, 1), "count") for s in (1, 2, 3, 4)]
    rows += [
        (f"Outcome: {label}", at("outcomes", i, 1), "count")
        for i, label in enumerate(["agreed, plan changed", "original decision upheld", "withdrawn"])
    ]
    table = year_table("Resolving professional differences", years=years, data=data, cover=cover, rows=rows)
    this = data.get(year) or {}
    return {"table": table, "by_sector": this.get("by_sector", []), "coverage": cover[year]}


# ---------------------------------------------------------------------------------------------
# Sub-groups
# ---------------------------------------------------------------------------------------------


def subgroups(*, year: str, years: list[str], as_of: date, since: Mapping[str, date | None]) -> list[Table]:
    first = min((d for d in since.values() if d is not None), default=None)
    cover = {y: yearly.coverage(y, first, as_of) for y in years}
    data = years_with(
        years, cover, lambda y: {g["name"]: dict(g["items"]) for g in yearly.subgroups(year=y, as_of=as_of)}
    )
    template = yearly.subgroups(year=year, as_of=as_of) if cover[year] != "none" else []
    return [
        year_table(
            group["name"],
            years=years,
            data=data,
            cover=cover,
            rows=[
                (label, at(group["name"], label), "percent" if "%" in label else "count") for label, _ in group["items"]
            ],
            first_column="Activity",
        )
        for group in template
    ]
