"""Builders for Annex A files in tests."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

from safehub.returns.annex_a.spec import LISTS

LIST1 = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Date of Contact",
    "Contact Source",
]
LIST3 = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Date of referral",
    "Referral Source",
    "Referral NFA?",
    "Number of Referrals in Last 12 Months",
    "Allocated Team",
    "Allocated Worker",
]


def write_workbook(path: Path, lists: dict[int, list[list]], title_rows: int = 0) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for number, rows in lists.items():
        sheet = workbook.create_sheet(f"List {number}")
        for _ in range(title_rows):
            sheet.append([f"Annex A {LISTS[number].title}"])
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def write_folder(folder: Path, lists: dict[int, list[list]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for number, rows in lists.items():
        with (folder / f"List {number}.csv").open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
    return folder
