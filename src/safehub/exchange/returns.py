"""Partner data returns: the declared schemas (schemas/*.yaml, versioned) and file validation.

Validation collects every problem (row, column, value, message) and never raises on bad data.
Django-free apart from nothing: it reads bytes and returns plain data.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

import yaml

from safehub.core.calendar import financial_year_start
from safehub.exchange.safety import MAX_RETURN_CELLS, MAX_RETURN_ROWS, UploadTooLarge, decode_csv, xlsx_rows

SCHEMA_DIR = Path(__file__).with_name("schemas")


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str  # code | text | number | integer
    required: bool = False
    allowed: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    max_length: int = 200
    pattern: str = ""


@dataclass(frozen=True)
class ReturnSpec:
    code: str
    version: int
    title: str
    submitted_by: tuple[str, ...]
    frequency: str
    due_days: int
    layout: str  # long: one row per figure; wide: one column per period
    columns: tuple[ColumnSpec, ...]
    period_columns: ColumnSpec | None = None
    period_pattern: str = ""

    def due_date(self, period_end: date) -> date:
        return period_end + timedelta(days=self.due_days)


def _column(raw: dict) -> ColumnSpec:
    return ColumnSpec(
        name=raw.get("name", ""),
        type=raw["type"],
        required=bool(raw.get("required", False)),
        allowed=tuple(raw.get("allowed", ())),
        min=raw.get("min"),
        max=raw.get("max"),
        max_length=int(raw.get("max_length", 200)),
        pattern=raw.get("pattern", ""),
    )


@cache
def return_specs() -> dict[str, ReturnSpec]:
    """Load every schema; the highest version of each return is the current one."""
    specs: dict[str, ReturnSpec] = {}
    for path in sorted(SCHEMA_DIR.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        period = raw.get("period_columns")
        spec = ReturnSpec(
            code=raw["code"],
            version=int(raw["version"]),
            title=raw["title"],
            submitted_by=tuple(raw["submitted_by"]),
            frequency=raw.get("frequency", "quarterly"),
            due_days=int(raw.get("due_days_after_period_end", 30)),
            layout=raw.get("layout", "long"),
            columns=tuple(_column(c) for c in raw["columns"]),
            period_columns=_column(period) if period else None,
            period_pattern=(period or {}).get("pattern", ""),
        )
        if spec.code not in specs or specs[spec.code].version < spec.version:
            specs[spec.code] = spec
    return specs


def return_spec(code: str) -> ReturnSpec:
    try:
        return return_specs()[code]
    except KeyError as exc:
        raise KeyError(f"No data return called {code!r}") from exc


# Quarters of the financial year (April to March), as the partnership reports them.
def quarter_of(day: date) -> tuple[date, date]:
    """Return the first and last day of the financial-year quarter holding ``day``."""
    start_month = (day.month - 1) // 3 * 3 + 1  # calendar quarters line up with April-start ones
    start = date(day.year, start_month, 1)
    end_month = start_month + 3
    next_start = date(day.year + 1, 1, 1) if end_month > 12 else date(day.year, end_month, 1)
    return start, next_start - timedelta(days=1)


def quarter_label(start: date) -> str:
    fy = financial_year_start(start)
    number = ((start.month - 4) % 12) // 3 + 1
    return f"{fy}/{(fy + 1) % 100:02d} Q{number}"


def quarters_back(today: date, count: int) -> list[tuple[date, date]]:
    """The ``count`` most recent quarters that have ended, oldest first, plus the current one last."""
    current = quarter_of(today)
    out = [current]
    start = current[0]
    for _ in range(count):
        start = quarter_of(start - timedelta(days=1))[0]
        out.append(quarter_of(start))
    return list(reversed(out))


@dataclass
class Problem:
    row: int | str
    column: str
    value: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


@dataclass
class Validated:
    figures: list[dict] = field(default_factory=list)  # measure, period_label, value, count
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0


def read_table(data: bytes, kind: str) -> list[list]:
    """Read a return's rows, streaming and within the row and cell caps (``safety.UploadTooLarge``)."""
    if kind == "xlsx":
        return list(xlsx_rows(data))
    rows: list[list] = []
    cells = 0
    for row in csv.reader(io.StringIO(decode_csv(data), newline="")):
        cells += len(row)
        if len(rows) > MAX_RETURN_ROWS or cells > MAX_RETURN_CELLS:
            raise UploadTooLarge(f"The file has more than {MAX_RETURN_ROWS:,} rows or {MAX_RETURN_CELLS:,} cells")
        rows.append(row)
    return rows


def _norm(text: object) -> str:
    return " ".join(str(text or "").split()).lower()


def _number(raw: object, col: ColumnSpec) -> tuple[Decimal | None, str | None]:
    if isinstance(raw, bool):
        return None, "Expected a number"
    text = str(raw).strip().replace(",", "").rstrip("%").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, "Expected a number"
    if not value.is_finite():
        return None, "Expected a number"
    if col.type == "integer" and value != value.to_integral_value():
        return None, "Expected a whole number"
    if col.min is not None and value < Decimal(str(col.min)):
        return None, f"Must be at least {col.min}"
    if col.max is not None and value > Decimal(str(col.max)):
        return None, f"Must be at most {col.max}"
    return value.quantize(Decimal("0.0001")), None


def check_cell(raw: object, col: ColumnSpec) -> tuple[object, str | None]:
    """Return (value, problem) for one cell against its declared column."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, (f"{col.name} is required" if col.required else None)
    if col.type in ("number", "integer"):
        return _number(raw, col)
    text = " ".join(str(raw).split())
    if col.type == "code":
        allowed = {_norm(a): a for a in col.allowed}
        if _norm(text) not in allowed:
            return None, f"Not one of the allowed values for {col.name}"
        return allowed[_norm(text)], None
    if len(text) > col.max_length:
        return None, f"At most {col.max_length} characters"
    if col.pattern and not re.match(col.pattern, text):
        return None, f"Not in the expected form for {col.name}"
    return text, None


def validate(data: bytes, kind: str, spec: ReturnSpec) -> Validated:
    """Check a return file against its schema; collect every problem."""
    out = Validated()
    try:
        table = read_table(data, kind)
    except UploadTooLarge as exc:
        out.problems.append(Problem("", "", "", str(exc)))
        return out
    except Exception as exc:  # a damaged workbook: one problem, not a crash
        out.problems.append(Problem("", "", "", f"The file could not be read ({type(exc).__name__})"))
        return out
    table = [r for r in table if any(c not in (None, "") and str(c).strip() for c in r)]
    if not table:
        out.problems.append(Problem(1, "", "", "The file is empty"))
        return out
    headers = [" ".join(str(h or "").split()) for h in table[0]]
    by_name = {c.name: c for c in spec.columns}
    index: dict[int, ColumnSpec] = {}
    period_cols: dict[int, str] = {}
    for i, header in enumerate(headers):
        column = next((c for n, c in by_name.items() if _norm(n) == _norm(header)), None)
        if column is not None:
            index[i] = column
        elif spec.period_columns and re.match(spec.period_pattern, header):
            period_cols[i] = header
        elif header:
            out.problems.append(Problem(1, header, header, "This column is not in the return's schema"))
    for column in spec.columns:
        if column.required and column not in index.values():
            out.problems.append(Problem(1, column.name, "", f"The column '{column.name}' is missing"))
    if spec.layout == "wide" and not period_cols:
        out.problems.append(Problem(1, "", "", "Give at least one period column (e.g. 2024-2025)"))
    if out.problems:
        return out
    seen: dict[tuple, int] = {}
    for number, row in enumerate(table[1:], start=2):
        out.rows += 1
        values: dict = {}
        bad = False
        for i, column in index.items():
            raw = row[i] if i < len(row) else None
            value, problem = check_cell(raw, column)
            if problem:
                out.problems.append(Problem(number, column.name, "" if raw is None else str(raw)[:100], problem))
                bad = True
            values[column.name] = value
        if bad:
            continue
        if spec.layout == "wide":
            assert spec.period_columns is not None
            for i, label in period_cols.items():
                raw = row[i] if i < len(row) else None
                value, problem = check_cell(raw, spec.period_columns)
                if problem:
                    out.problems.append(Problem(number, label, "" if raw is None else str(raw)[:100], problem))
                elif value is not None:
                    figure = {"measure": values["measure"], "period_label": label, "value": value, "count": None}
                    bad = _duplicate(seen, figure, number, out) or bad
                    if not bad:
                        out.figures.append(figure)
        else:
            figure = {
                "measure": values["measure"],
                "period_label": values.get("period") or "",
                "value": values["value"],
                "count": int(values["count"]) if values.get("count") is not None else None,
            }
            if not _duplicate(seen, figure, number, out):
                out.figures.append(figure)
    return out


def _duplicate(seen: dict, figure: dict, number: int, out: Validated) -> bool:
    key = (figure["measure"], figure["period_label"])
    if key in seen:
        out.problems.append(
            Problem(number, "measure", figure["measure"], f"The same measure and period is already on row {seen[key]}")
        )
        return True
    seen[key] = number
    return False
