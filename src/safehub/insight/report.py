"""Build the partnership's yearly report for a year: accessible HTML and a PDF (WeasyPrint).

Figures come from the records for years the records cover, and from the published report's
tables (bundled CSVs) for earlier years; every figure says where it came from. Sections the
partnership writes (foreword, priorities, sub-group activity, finance commentary) are edited in
the app (``ReportSection``). Charts are SVG files beside ``report.html``, with text alternatives.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from safehub.insight import charts, reference, selectors
from safehub.insight.engine.measures import MEASURES_BY_ID

Progress = Callable[[int, str], None] | None

SOURCE_RECORDS = "records"
SOURCE_PART = "records (part year)"
SOURCE_PUBLISHED = "published"
SOURCE_NOTES = {
    SOURCE_RECORDS: "Computed from Safehub's records for the whole year.",
    SOURCE_PART: "Computed from Safehub's records, which cover only part of this year.",
    SOURCE_PUBLISHED: "From the partnership's published yearly report (records do not cover this year).",
}
SOURCE_MARKS = {SOURCE_RECORDS: "R", SOURCE_PART: "P", SOURCE_PUBLISHED: "Pub"}


@dataclass
class Cell:
    value: int | float | None
    source: str
    unit: str = "count"

    @property
    def shown(self) -> str:
        if self.value is None:
            return "–"
        if self.unit == "percent" or isinstance(self.value, float):
            return f"{self.value:,.1f}" if not float(self.value).is_integer() or self.unit == "percent" else \
                f"{int(self.value):,}"  # fmt: skip
        return f"{int(self.value):,}"

    @property
    def mark(self) -> str:
        return SOURCE_MARKS.get(self.source, "")


@dataclass
class Table:
    caption: str
    years: list[str]
    rows: list[dict] = field(default_factory=list)  # {"label", "cells": [Cell]}
    first_column: str = "Measure"
    note: str = ""


@dataclass
class Chart:
    name: str
    title: str
    alt: str
    svg: bytes = b""


def _unit_for(label: str, measure_id: str | None) -> str:
    if measure_id and measure_id in MEASURES_BY_ID:
        return MEASURES_BY_ID[measure_id].unit
    return "percent" if "%" in label else "count"


class YearValues:
    """Measures per year from the records, with how far the records cover each year."""

    def __init__(self, *, today: date) -> None:
        self.cached = selectors.snapshot_current()
        self.today = today
        self._values: dict[str, dict] = {}

    def coverage(self, year: str, domain: str = "children") -> str:
        return selectors.year_coverage(year, self.cached.tables, today=self.today, domain=domain)

    def values(self, year: str) -> dict:
        if year not in self._values:
            self._values[year] = selectors.measures_for_year(year, cached=self.cached)
        return self._values[year]

    def cell(self, year: str, measure_id: str | None, published: float | None, unit: str,
             domain: str = "children") -> Cell:  # fmt: skip
        """Choose a figure: whole-year records, else published, else part-year records."""
        coverage = self.coverage(year, domain)
        if measure_id and coverage == "full":
            return Cell(self.values(year).get(measure_id), SOURCE_RECORDS, unit)
        if published is not None:
            return Cell(published, SOURCE_PUBLISHED, unit)
        if measure_id and coverage == "part":
            return Cell(self.values(year).get(measure_id), SOURCE_PART, unit)
        return Cell(None, "", unit)


def report_years(year: str) -> list[str]:
    return [selectors.year_before(selectors.year_before(year)), selectors.year_before(year), year]


def children_tables(values: YearValues, years: list[str]) -> list[Table]:
    tables: dict[str, Table] = {}
    for row in reference.children_social_care():
        table = tables.setdefault(row["section"], Table(caption=reference.CSC_SECTIONS.get(row["section"],
                                                                                           row["section"]), years=years))  # fmt: skip
        unit = _unit_for(row["label"], row["measure_id"])
        table.rows.append({
            "label": row["label"],
            "cells": [values.cell(y, row["measure_id"], row["values"].get(y), unit) for y in years],
        })  # fmt: skip
    return list(tables.values())


def adults_tables(values: YearValues, years: list[str]) -> list[Table]:
    out = []
    for name, (caption, _) in reference.SAC_TABLES.items():
        table = Table(caption=caption, years=years, first_column="Category")
        for row in reference.sac_table(name):
            table.rows.append({"label": row["label"],
                               "cells": [values.cell(y, row["measure_id"], row["values"].get(y), "count", "adults")
                                         for y in years]})  # fmt: skip
        out.append(table)
    return out


def front_door_table(values: YearValues, years: list[str]) -> Table:
    table = Table(caption="Front-door timeliness and recording", years=years[1:],
                  note="Percentages; computed from the records (no published figures exist for these measures).")  # fmt: skip
    for measure_id in selectors.FRONT_DOOR_MEASURES:
        measure = MEASURES_BY_ID[measure_id]
        table.rows.append({"label": measure.title, "measure_id": measure_id,
                           "cells": [values.cell(y, measure_id, None, measure.unit) for y in years[1:]]})  # fmt: skip
    return table


def population_section() -> dict:
    rows = selectors.population_rows()
    if rows:
        return {"rows": [{"label": r["label"] + (f" ({r['band']})" if r["band"] and r["band"] not in r["label"] else ""),
                          "value": f"{r['value']:,.0f}" if r["value"] >= 100 else f"{r['value']:g}",
                          "note": r["note"]} for r in rows],
                "source": "Population figures loaded in Safehub"}  # fmt: skip
    _, published = reference.read("population.csv")
    return {"rows": [{"label": r["measure"], "value": r["value"], "note": r["note"]} for r in published],
            "source": reference.PUBLISHED_SOURCE}  # fmt: skip


def practice_reviews(year: str) -> dict:
    """Return practice review counts: from the partnership app when it offers a summary, else published."""
    try:
        from safehub.partnership import selectors as partnership

        summary = getattr(partnership, "practice_reviews_summary", None)
    except ImportError:
        summary = None
    if summary is not None:
        rows = summary(year=year)
        return {"rows": rows, "source": "Safehub practice review records"}
    if year != "2024-25":
        return {"rows": [], "source": "Not available: no records or published figures for this year"}
    _, rows = reference.read("practice_reviews_2024_25.csv")
    return {"rows": [{"label": r["measure"], "adults": r["adults"] or "–", "children": r["children"] or "–"}
                     for r in rows], "source": reference.PUBLISHED_SOURCE}  # fmt: skip


def partner_table(return_code: str, csv_name: str, year: str) -> dict:
    """Return partner-submitted figures (exchange) for a return, else the published table."""
    partner_values: Callable[[str, date, date], list[dict]] | None
    try:
        from safehub.exchange.selectors import partner_values
    except ImportError:  # the exchange app is not installed
        partner_values = None
    if partner_values is not None:
        from django.db import DatabaseError

        from safehub.core.calendar import financial_year

        start, end = financial_year(year)
        try:
            submitted = partner_values(return_code, start, end)
        except DatabaseError:  # the exchange app's tables are not migrated here
            submitted = []
        if submitted:
            return {"columns": ["Measure", "Period", "Agency", "Value", "Count"],
                    "rows": [[r["measure"], r["period_label"], r["agency"], r["value"], r["count"]] for r in submitted],
                    "source": "Partner submissions in Safehub (accepted returns)"}  # fmt: skip
    columns, rows = reference.read(csv_name)
    return {"columns": [c.replace("_", " ").capitalize() for c in columns],
            "rows": [[r[c] for c in columns] for r in rows], "source": reference.PUBLISHED_SOURCE}  # fmt: skip


def finance(year: str) -> dict:
    if year != "2024-25":
        return {"rows": [], "source": "Not available for this year: add the contributions to the finance commentary"}
    _, rows = reference.read("finance_contributions_2024_25.csv")
    labels = {
        "children_partnership": "Children's safeguarding partnership",
        "adults_board": "Safeguarding adults board",
    }
    out: list[dict[str, str]] = []
    totals: dict[str, int] = {}
    for r in rows:
        amount = int(r["contribution_gbp"])
        totals[r["budget"]] = totals.get(r["budget"], 0) + amount
        out.append({"budget": labels.get(r["budget"], r["budget"]), "organisation": r["organisation"],
                    "amount": f"£{amount:,}"})  # fmt: skip
    return {"rows": out, "totals": [{"budget": labels.get(k, k), "amount": f"£{v:,}"} for k, v in totals.items()],
            "source": reference.PUBLISHED_SOURCE}  # fmt: skip


def _series(table: Table, labels: list[str]) -> tuple[list[str], dict[str, list]]:
    rows = [r for r in table.rows if r["label"] in labels]
    return [r["label"] for r in rows], {y: [r["cells"][i].value for r in rows] for i, y in enumerate(table.years)}


def report_charts(children: list[Table], adults: list[Table], front_door: Table) -> list[Chart]:
    out = []
    by_caption = {t.caption: t for t in children}
    contacts = by_caption.get(reference.CSC_SECTIONS["contacts_referrals_assessments"])
    if contacts:
        wanted = ["Total number of contacts to the Children's Resource Service", "Number of child in need referrals"]
        labels, series = _series(contacts, wanted)
        fig = charts.bar_chart(["Contacts", "Referrals"][: len(labels)], series, title="Contacts and referrals")
        alt = "Bar chart of contacts and referrals by year: " + "; ".join(
            f"{y}: " + ", ".join(f"{name} {charts.shown(v, 'count')}" for name, v in zip(["contacts", "referrals"],
                                                                                         vals, strict=False))
            for y, vals in series.items())  # fmt: skip
        out.append(Chart("contacts", "Contacts and referrals", alt, charts.render(fig)))
    categories = by_caption.get(reference.CSC_SECTIONS["cp_category"])
    if categories:
        labels, series = _series(categories, [r["label"] for r in categories.rows])
        fig = charts.bar_chart(labels, series, title="Child protection plans by category of abuse", horizontal=True)
        alt = "Bar chart of child protection plans by category: " + "; ".join(
            f"{lab}: " + ", ".join(f"{y} {charts.shown(series[y][i], 'count')}" for y in series)
            for i, lab in enumerate(labels))  # fmt: skip
        out.append(Chart("cp-categories", "Child protection plans by category of abuse", alt, charts.render(fig)))
    risk = next((t for t in adults if "type of risk" in t.caption), None)
    if risk:
        labels, series = _series(risk, [r["label"] for r in risk.rows])
        series = {y: v for y, v in series.items() if any(x is not None for x in v)}
        fig = charts.bar_chart(labels, series, title="Concluded section 42 enquiries by type of risk", horizontal=True)
        alt = "Bar chart of concluded section 42 enquiries by type of risk: " + "; ".join(
            f"{lab}: " + ", ".join(f"{y} {charts.shown(series[y][i], 'count')}" for y in series)
            for i, lab in enumerate(labels))  # fmt: skip
        out.append(Chart("adults-risk", "Concluded section 42 enquiries by type of risk", alt, charts.render(fig)))
    labels = [r["label"] for r in front_door.rows]
    series = {y: [r["cells"][i].value for r in front_door.rows] for i, y in enumerate(front_door.years)}
    fig = charts.bar_chart(labels, series, title="Front-door timeliness and recording (%)", unit="percent",
                           horizontal=True)  # fmt: skip
    alt = "Bar chart of front-door measures (per cent): " + "; ".join(
        f"{lab}: " + ", ".join(f"{y} {charts.shown(series[y][i], 'percent')}" for y in series)
        for i, lab in enumerate(labels))  # fmt: skip
    out.append(Chart("front-door", "Front-door timeliness and recording", alt, charts.render(fig)))
    return out


def report_context(*, year: str, now: datetime, progress: Progress = None) -> dict:
    """Gather everything the yearly report shows for a year."""
    say = progress or (lambda _p, _m: None)
    say(5, "Reading the records")
    values = YearValues(today=timezone.localdate(now) if timezone.is_aware(now) else now.date())
    years = report_years(year)
    say(35, "Computing the measures")
    for y in years:
        if values.coverage(y) != "none":
            values.values(y)
    say(55, "Assembling the tables")
    children = children_tables(values, years)
    adults = adults_tables(values, years)
    front_door = front_door_table(values, years)
    say(65, "Drawing the charts")
    chart_list = report_charts(children, adults, front_door)
    sections = {s["key"]: s for s in selectors.report_sections(year=year)}
    return {
        "year": year,
        "years": years,
        "generated_at": now,
        "coverage": [
            {"year": y, "children": values.coverage(y), "adults": values.coverage(y, "adults")} for y in years
        ],
        "source_notes": [{"mark": SOURCE_MARKS[k], "text": v} for k, v in SOURCE_NOTES.items()],
        "population": population_section(),
        "children": children,
        "adults": adults,
        "front_door": front_door,
        "practice_reviews": practice_reviews(year),
        "education": partner_table("education_attendance", "education_attendance.csv", year),
        "youth_justice": partner_table("youth_justice", "youth_justice.csv", year),
        "finance": finance(year),
        "sections": sections,
        "charts": {c.name.replace("-", "_"): c for c in chart_list},
        "placeholders": any(s["is_placeholder"] or not s["text"] for s in sections.values()),
    }


def build_report(*, year: str, out: Path, now: datetime, progress: Progress = None) -> dict[str, Path]:
    """Write ``report.html`` (with ``report.css`` and chart SVGs beside it) and ``report.pdf`` into ``out``."""
    say = progress or (lambda _p, _m: None)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    context = report_context(year=year, now=now, progress=say)
    for chart in context["charts"].values():
        (out / f"chart-{chart.name}.svg").write_bytes(chart.svg)
    (out / "report.css").write_text(render_to_string("insight/report/report.css", {"year": year}), encoding="utf-8")
    html = render_to_string("insight/report/report.html", context)
    (out / "report.html").write_text(html, encoding="utf-8")
    for table in [*context["children"], *context["adults"], context["front_door"]]:
        _write_table_csv(out, table)
    say(80, "Writing the PDF")
    from weasyprint import HTML

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one line per page otherwise

    HTML(filename=str(out / "report.html"), base_url=str(out)).write_pdf(out / "report.pdf")
    say(99, "Finishing")
    return {"html": out / "report.html", "pdf": out / "report.pdf"}


def _write_table_csv(out: Path, table: Table) -> None:
    slug = "".join(c if c.isalnum() else "-" for c in table.caption.lower()).strip("-")[:60]
    with (out / f"table-{slug}.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([table.first_column, *(f"{y}" for y in table.years), *(f"{y} source" for y in table.years)])
        for row in table.rows:
            writer.writerow([row["label"], *(c.value for c in row["cells"]), *(c.source for c in row["cells"])])
