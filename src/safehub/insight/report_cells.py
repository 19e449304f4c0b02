"""The yearly report's building blocks: a figure with its source, a table of them, a chart."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

SOURCE_RECORDS = "records"
SOURCE_PART = "records (part year)"
SOURCE_PUBLISHED = "published"
SOURCE_NOTES = {
    SOURCE_RECORDS: "Computed from Safehub's records for the whole year.",
    SOURCE_PART: "Computed from Safehub's records, which cover only part of this year.",
    SOURCE_PUBLISHED: "From the partnership's published yearly report (records do not cover this year).",
}
SOURCE_MARKS = {SOURCE_RECORDS: "R", SOURCE_PART: "P", SOURCE_PUBLISHED: "Pub"}
# The last published report: every section sets its figures beside this report's own.
PUBLISHED_YEAR = "2024-25"
PUBLISHED_COLUMN = f"Published {PUBLISHED_YEAR} report"


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
    # When set, each row may carry "published": the published 2024-25 figure, shown in its own column.
    published_label: str = ""

    def add_published(self, figures: dict[str, float | None]) -> None:
        """Show the published 2024-25 figure for each row label found in ``figures`` (others show a dash)."""
        if not any(figures.get(r["label"]) is not None for r in self.rows):
            return
        self.published_label = PUBLISHED_COLUMN
        for row in self.rows:
            row["published"] = Cell(figures.get(row["label"]), SOURCE_PUBLISHED if figures.get(row["label"])
                                    is not None else "", row["cells"][0].unit if row["cells"] else "count")  # fmt: skip


@dataclass
class Chart:
    name: str
    title: str
    alt: str
    svg: bytes = b""


def pick(coverage: str, records: float | None, published: float | None, unit: str = "count") -> Cell:
    """Choose one figure: whole-year records, else the published figure, else part-year records."""
    if coverage == "full":
        return Cell(records, SOURCE_RECORDS, unit)
    if published is not None:
        return Cell(published, SOURCE_PUBLISHED, unit)
    if coverage == "part":
        return Cell(records, SOURCE_PART, unit)
    return Cell(None, "", unit)


Row = tuple[str, Callable[[dict], float | None], str]  # label, value from a year's data, unit


def at(*path: str | int) -> Callable[[dict], float | None]:
    """Return a getter for a value nested in a year's summary (dict keys and list indexes)."""

    def get(summary: dict) -> float | None:
        value: Any = summary
        for step in path:
            value = value[step]
        return value

    return get


def in_pairs(key: str, label: str) -> Callable[[dict], float | None]:
    """Return a getter for ``label``'s count in a summary's list of (label, count) pairs (0 if absent)."""

    def get(summary: dict) -> float | None:
        return dict(summary[key]).get(label, 0)

    return get


def year_table(
    caption: str,
    *,
    years: list[str],
    data: Mapping[str, dict | None],
    cover: Mapping[str, str],
    rows: list[Row],
    published: Mapping[str, Mapping[str, float]] | None = None,
    first_column: str = "Measure",
    note: str = "",
) -> Table:
    """Build a table of rows x years; ``data[year]`` is that year's summary (None: no records)."""
    table = Table(caption=caption, years=years, first_column=first_column, note=note)
    for label, get, unit in rows:
        cells = []
        for y in years:
            summary = data.get(y)
            value = get(summary) if summary is not None else None
            cells.append(pick(cover.get(y, "none"), value, (published or {}).get(y, {}).get(label), unit))
        table.rows.append({"label": label, "cells": cells})
    if published:
        table.add_published(dict(published.get(PUBLISHED_YEAR, {})))
    return table


def pct(part: int, whole: int) -> float | None:
    """Return ``part`` as a percentage of ``whole``, 1 decimal place; None when ``whole`` is 0."""
    return round(100 * part / whole, 1) if whole else None


def years_with(years: list[str], cover: Mapping[str, str], build: Callable[[str], dict]) -> dict[str, dict | None]:
    """Return each year's summary built from the records, None for a year they do not cover."""
    return {y: build(y) if cover[y] != "none" else None for y in years}
