"""The yearly report's building blocks: a figure with its source, a table of them, a chart."""

from __future__ import annotations

from dataclasses import dataclass, field

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
