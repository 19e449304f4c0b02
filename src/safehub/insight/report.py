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
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from safehub.insight import charts, reference, report_sections, report_sections_partnership, selectors
from safehub.insight.engine.measures import MEASURES_BY_ID
from safehub.insight.report_cells import (  # noqa: F401 - names the report's callers and tests use
    PUBLISHED_COLUMN,
    PUBLISHED_YEAR,
    SOURCE_MARKS,
    SOURCE_NOTES,
    SOURCE_PART,
    SOURCE_PUBLISHED,
    SOURCE_RECORDS,
    Cell,
    Chart,
    Table,
)
from safehub.partnership import yearly
from safehub.partnership.models import ReviewStage
from safehub.partnership.signoff import selectors as partnership_selectors

Progress = Callable[[int, str], None] | None

# The report's parts (level 1) and sections (level 2), in order: (anchor, title, level).
CONTENTS = [
    {"id": i, "title": t, "level": level}
    for i, t, level in [
        ("foreword", "Foreword", 1),
        ("about", "About our area", 1),
        ("priorities", "Our priorities", 1),
        ("data", "Safeguarding data", 1),
        ("children", "Children's social care", 2),
        ("front-door", "MASH and the front door", 2),
        ("adults", "Adult safeguarding", 2),
        ("education", "Education attendance", 2),
        ("adolescents", "Vulnerable adolescents and youth justice", 2),
        ("subgroup-work", "Actions and impact: sub-group activity", 1),
        ("reviews", "Practice review group", 2),
        ("audits", "Multi-agency audits", 2),
        ("learning", "Learning and development", 2),
        ("subgroups", "What each sub-group did", 2),
        ("finance", "Finance", 1),
        ("scrutiny", "Agency scrutiny and reflection", 1),
        ("section-11", "Section 11 and section 175", 2),
        ("escalations", "Escalations", 2),
        ("sources", "Where the figures come from", 1),
    ]
]


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
    published: dict[str, dict[str, float | None]] = {}
    for row in reference.children_social_care():
        table = tables.setdefault(row["section"], Table(caption=reference.CSC_SECTIONS.get(row["section"],
                                                                                           row["section"]), years=years))  # fmt: skip
        unit = _unit_for(row["label"], row["measure_id"])
        table.rows.append({
            "label": row["label"],
            "cells": [values.cell(y, row["measure_id"], row["values"].get(y), unit) for y in years],
        })  # fmt: skip
        published.setdefault(table.caption, {})[row["label"]] = row["values"].get(PUBLISHED_YEAR)
    for table in tables.values():
        table.add_published(published.get(table.caption, {}))
    return list(tables.values())


def adults_tables(values: YearValues, years: list[str]) -> list[Table]:
    out = []
    for name, (caption, _) in reference.SAC_TABLES.items():
        table = Table(caption=caption, years=years, first_column="Category")
        rows = reference.sac_table(name)
        for row in rows:
            table.rows.append({"label": row["label"],
                               "cells": [values.cell(y, row["measure_id"], row["values"].get(y), "count", "adults")
                                         for y in years]})  # fmt: skip
        table.add_published({row["label"]: row["values"].get(PUBLISHED_YEAR) for row in rows})
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
    say(70, "Reading the partnership's records")
    as_of = values.today
    since = yearly.records_since()
    parts: dict[str, Any] = {
        "reviews": report_sections_partnership.practice_reviews(year=year, years=years, as_of=as_of, since=since),
        "audits": report_sections_partnership.audits(year=year, years=years, as_of=as_of, since=since),
        "learning": report_sections_partnership.learning(year=year, years=years, as_of=as_of, since=since),
        "self_assessments": report_sections_partnership.self_assessments(
            year=year, years=years, as_of=as_of, since=since
        ),
        "escalations": report_sections_partnership.escalations(year=year, years=years, as_of=as_of, since=since),
        "subgroups": report_sections_partnership.subgroups(year=year, years=years, as_of=as_of, since=since),
        "mash": report_sections.mash(year=year, years=years, values=values),
        "adolescents": report_sections.adolescents(year=year, years=years, values=values),
        "education": report_sections.education(year=year, years=years),
        "finance": report_sections.finance(year=year, years=years),
        "priorities": yearly.priorities(year=year),
        "subgroup_decisions": yearly.meeting_decisions(year=year),
        "signoff": partnership_selectors.report_draft_summary(year=year) or {},
    }
    chart_list += section_charts(parts)
    sections = {s["key"]: s for s in selectors.report_sections(year=year)}
    stages = parts["reviews"]["stages"]
    present = {n for n, _ in [*stages["adults"], *stages["children"]]}
    stage_names = [str(label) for label in ReviewStage.labels if label in present]
    return {
        "contents": CONTENTS,
        "review_stages": [
            {"stage": n, "adults": dict(stages["adults"]).get(n, 0), "children": dict(stages["children"]).get(n, 0)}
            for n in stage_names
        ],
        "year": year,
        "years": years,
        "generated_at": now,
        "coverage": [
            {"year": y, "children": values.coverage(y), "adults": values.coverage(y, "adults")} for y in years
        ],
        "source_notes": [{"mark": SOURCE_MARKS[k], "text": v} for k, v in SOURCE_NOTES.items()],
        "published_column": PUBLISHED_COLUMN,
        "population": population_section(),
        "children": children,
        "adults": adults,
        "front_door": front_door,
        "youth_justice": report_sections.youth_justice(year=year),
        **parts,
        "sections": sections,
        "charts": {c.name.replace("-", "_"): c for c in chart_list},
        "placeholders": any(s["is_placeholder"] or not s["text"] for s in sections.values()),
    }


def _table_chart(name: str, table: Table, title: str, *, rows: list[str] | None = None, unit: str = "count",
                 horizontal: bool = False) -> Chart | None:  # fmt: skip
    """Chart a table's rows (or the named ones) over its years, where any figure is known."""
    chosen = [r for r in table.rows if rows is None or r["label"] in rows]
    series = {y: [r["cells"][i].value for r in chosen] for i, y in enumerate(table.years)}
    series = {y: v for y, v in series.items() if any(x is not None for x in v)}
    if not chosen or not series:
        return None
    labels = [r["label"] for r in chosen]
    fig = charts.bar_chart(labels, series, title=title, unit=unit, horizontal=horizontal)
    alt = f"Bar chart, {title.lower()}: " + "; ".join(
        f"{lab}: " + ", ".join(f"{y} {charts.shown(series[y][i], unit)}" for y in series)
        for i, lab in enumerate(labels)
    )
    return Chart(name, title, alt, charts.render(fig))


def section_charts(parts: dict) -> list[Chart]:
    """Charts for the sections where the published report shows a trend (text alternatives included)."""
    wanted = [
        _table_chart("reviews-adults", parts["reviews"]["tables"][0], "Practice reviews: adults",
                     rows=["Referrals received", "Decided: SAR or CSPR", "Reviews published"], horizontal=True),
        _table_chart("reviews-children", parts["reviews"]["tables"][1], "Practice reviews: children",
                     rows=["Referrals received", "Rapid reviews held", "Decided: local learning review"],
                     horizontal=True),
        _table_chart("training-sectors", parts["learning"]["sectors"], "Training attendance by sector",
                     horizontal=True),
        _table_chart("missing", parts["adolescents"]["missing"], "Missing episodes and children",
                     rows=["Missing episodes", "Children who went missing"]),
        _table_chart("mash-decisions", parts["mash"]["decisions"], "Front-door decisions by outcome",
                     rows=[r["label"] for r in parts["mash"]["decisions"].rows[1:]], horizontal=True),
    ]  # fmt: skip
    return [c for c in wanted if c is not None]


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
    for table in report_tables(context):
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
        extra = [table.published_label] if table.published_label else []
        writer.writerow([table.first_column, *(f"{y}" for y in table.years), *(f"{y} source" for y in table.years),
                         *extra])  # fmt: skip
        for row in table.rows:
            shown = [row["published"].value if "published" in row else None] if extra else []
            writer.writerow([row["label"], *(c.value for c in row["cells"]), *(c.source for c in row["cells"]),
                             *shown])  # fmt: skip


def report_tables(context: dict) -> list[Table]:
    """Every year-by-year table of the report, in report order (each is also written as a CSV)."""
    reviews, audits, learning = context["reviews"], context["audits"], context["learning"]
    return [
        *context["children"],
        *context["mash"].values(),
        context["front_door"],
        *context["adults"],
        *reviews["tables"],
        reviews["actions"],
        audits["summary"],
        audits["grades"],
        learning["summary"],
        learning["sectors"],
        context["self_assessments"]["summary"],
        context["escalations"]["table"],
        *context["subgroups"],
        context["adolescents"]["missing"],
        context["adolescents"]["exploitation"],
        context["education"]["table"],
        *context["finance"]["tables"],
    ]
