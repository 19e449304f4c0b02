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
