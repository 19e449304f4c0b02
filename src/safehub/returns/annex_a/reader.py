"""Open an Annex A workbook (.xlsx with sheets "List 1".."List 11") or a folder of "List N.csv"
files, and yield each list's rows with the row numbers a person sees in Excel."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safehub.exchange.safety import decode_csv
from safehub.returns.annex_a.spec import LISTS, list_number_of

HEADER_SEARCH_ROWS = 12


class UnreadableFile(Exception):
    """The file cannot be read at all (wrong type, damaged); nothing is imported."""


@dataclass
class Sheet:
    list_number: int
    name: str
    header_row: int  # 1-based; 0 when no header row was recognised
    headers: list
    rows: Iterator[tuple[int, tuple]]  # (1-based row number, cells)
    approx_rows: int


def _with_header(list_number: int, name: str, rows: Iterator[Sequence[Any]], approx_rows: int) -> Sheet:
    """Find the header row (Ofsted's template has title rows above it) and return the sheet."""
    spec = LISTS[list_number]
    head: list[Sequence[Any]] = []
    for _ in range(HEADER_SEARCH_ROWS):
        try:
            head.append(next(rows))
        except StopIteration:
            break
    best, best_score = -1, 1
    for index, cells in enumerate(head):
        score = spec.header_row_score(list(cells))
        if score > best_score:
            best, best_score = index, score
    if best < 0:
        unheaded = iter([(i + 1, tuple(c)) for i, c in enumerate(head)])
        return Sheet(list_number, name, 0, [], unheaded, approx_rows)
    headers = list(head[best])
    rest = [(i + 1, tuple(c)) for i, c in enumerate(head) if i > best]

    def body() -> Iterator[tuple[int, tuple]]:
        yield from rest
        for number, cells in enumerate(rows, start=len(head) + 1):
            yield number, tuple(cells)

    return Sheet(list_number, name, best + 1, headers, body(), max(approx_rows - best - 1, 0))


def _csv_sheet(list_number: int, path: Path) -> Sheet:
    data = path.read_bytes()
    text = decode_csv(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    return _with_header(list_number, path.name, iter(reader), text.count("\n"))


def _xlsx_sheets(path: Path) -> list[Sheet]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or mislabelled file
        raise UnreadableFile(f"{path.name} is not a readable .xlsx workbook ({type(exc).__name__})") from exc
    sheets = []
    for ws in workbook.worksheets:
        number = list_number_of(ws.title)
        if number is None:
            continue
        sheets.append(_with_header(number, ws.title, ws.iter_rows(values_only=True), ws.max_row or 0))
    return sheets


def open_lists(path: Path) -> list[Sheet]:
    """Return the lists found at ``path``, in list order (people are made by the first list they appear in)."""
    if path.is_dir():
        sheets = []
        for child in sorted(path.iterdir()):
            number = list_number_of(child.stem)
            if number is None:
                continue
            if child.suffix.lower() == ".csv":
                sheets.append(_csv_sheet(number, child))
            elif child.suffix.lower() == ".xlsx":
                sheets.extend(s for s in _xlsx_sheets(child) if s.list_number == number)
        if not sheets:
            raise UnreadableFile(f"No 'List N.csv' files in {path}")
    elif path.suffix.lower() == ".xlsx":
        sheets = _xlsx_sheets(path)
        if not sheets:
            raise UnreadableFile(f"No sheets named 'List 1' to 'List 11' in {path.name}")
    elif path.suffix.lower() == ".csv":
        number = list_number_of(path.stem)
        if number is None:
            raise UnreadableFile(f"Name the file after its list, e.g. 'List 1.csv' (got {path.name})")
        sheets = [_csv_sheet(number, path)]
    else:
        raise UnreadableFile(f"{path.name}: give an .xlsx workbook, a 'List N.csv' file or a folder of them")
    return sorted(sheets, key=lambda s: s.list_number)
