"""Every figure the yearly report computes from the records equals the measures engine's own answer.

The report and ``safehub measures --json`` reach the engine by different roads (the report through
its tables and label mappings, the command straight from a snapshot); a figure mapped to the wrong
measure, rounded differently or taken from the wrong year shows up here.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from safehub.insight import reference, report
from safehub.insight.engine.measures import MEASURES_BY_ID
from safehub.insight.report_cells import SOURCE_PART, SOURCE_RECORDS

from .fixtures import KNOWN_2024_25, make_records

pytestmark = pytest.mark.django_db
YEAR = "2025-26"


def _engine(year: str) -> dict:
    out = StringIO()
    call_command("measures", "--year", year, "--json", stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def _measure_rows(context: dict):
    """Yield (table caption, row label, measure id, cells by year) for every row that has an engine measure."""
    by_title = {m.title: m.id for m in MEASURES_BY_ID.values()}
    for table in context["children"]:
        for row in table.rows:
            measure = reference.CSC_MEASURES.get(row["label"])
            if measure:
                yield table.caption, row["label"], measure, dict(zip(table.years, row["cells"], strict=True))
    for table in (context["front_door"], context["mash"]["contacts"]):
        for row in table.rows:
            measure = row.get("measure_id") or by_title.get(row["label"])
            if measure:
                yield table.caption, row["label"], measure, dict(zip(table.years, row["cells"], strict=True))
    for table, name in zip(context["adults"], reference.SAC_TABLES, strict=True):
        ids = {r["label"]: r["measure_id"] for r in reference.sac_table(name)}
        for row in table.rows:
            if ids.get(row["label"]):
                yield table.caption, row["label"], ids[row["label"]], dict(zip(table.years, row["cells"],
                                                                                strict=True))  # fmt: skip


def test_every_report_figure_from_the_records_equals_the_engine():
    make_records()
    context = report.report_context(year=YEAR, now=datetime(2026, 6, 1, 9, tzinfo=UTC))
    engine = {y: _engine(y) for y in context["years"]}

    compared = []
    for caption, label, measure, cells in _measure_rows(context):
        for year, cell in cells.items():
            if cell.source in (SOURCE_RECORDS, SOURCE_PART):
                assert cell.value == engine[year][measure], (caption, label, year)
                compared.append((measure, year, cell.value))

    # The comparison is not empty: the fixture's known 2024-25 answers are among the figures compared.
    seen = {(m, y): v for m, y, v in compared}
    assert len({m for m, _, _ in compared}) >= 10
    for measure in ("contacts_total", "referrals_total", "re_referrals_12m_pct", "assessments_within_45wd_pct"):
        assert seen[(measure, "2024-25")] == KNOWN_2024_25[measure], measure
