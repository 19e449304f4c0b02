"""Compute measures on an analytical snapshot with DuckDB, in process and without extensions.

Stages (each an inspectable table in the DuckDB session):
1. *clean*: the snapshot is checked against ``datasets.DATASETS`` and conformed to its types;
2. *enrich*: moments become naive UTC timestamps with a UK date beside those that place a record
   in a year, and a ``calendar`` table gives working-day indexes and "a year earlier" dates;
3. *aggregate*: each measure's SQL selects its records, which are counted here.
"""

# ruff: noqa: S608 - SQL is assembled only from this package's constants; values are bound parameters
from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from safehub.core.calendar import financial_year, is_working_day, same_date_one_year_earlier

from .datasets import MOMENT, snapshot_conform, snapshot_read
from .measures import MEASURES, MEASURES_BY_ID, MeasureDefinition

Snapshot = Mapping[str, pa.Table] | Path

# Moments whose UK calendar date decides the year a record belongs to.
UK_DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "contacts": ("received_at",),
    "health_requests": ("requested_at",),
    "strategy_meetings": ("held_at",),
    "education_notifications": ("incident_at",),
}

# Columns holding event dates that working-day or "a year earlier" rules look up.
CALENDAR_COLUMNS: dict[str, tuple[str, ...]] = {
    "referrals": ("referral_date",),
    "assessments": ("start_date", "authorised_date"),
    "section47": ("strategy_date", "icpc_date"),
}
CALENDAR_LIMITS = (1990, 2100)


def uk_date_column_name(column: str) -> str:
    """Return the name of the UK date column derived from a moment column (``*_at``)."""
    return f"{column.removesuffix('_at')}_uk_date"


def _uk_dates(moments: pa.ChunkedArray) -> pa.ChunkedArray:
    local = pc.local_timestamp(moments.cast(pa.timestamp("us", tz="Europe/London")))
    return local.cast(pa.date32())


def snapshot_enrich(tables: Mapping[str, pa.Table]) -> dict[str, pa.Table]:
    """Return conformed tables with moments as naive UTC and UK dates added.

    DuckDB reads aware timestamps as TIMESTAMPTZ, whose arithmetic needs the ICU extension; naive
    UTC keeps comparisons and differences exact without it.
    """
    out: dict[str, pa.Table] = {}
    for name, table in tables.items():
        for column in UK_DATE_COLUMNS.get(name, ()):
            table = table.append_column(uk_date_column_name(column), _uk_dates(table.column(column)))
        for index, field in enumerate(table.schema):
            if field.type.equals(MOMENT):
                table = table.set_column(index, field.name, table.column(index).cast(pa.timestamp("us")))
        out[name] = table
    return out


@lru_cache(maxsize=8)
def calendar_table(first: date, last: date) -> pa.Table:
    """Return one row per day: working day flag, working-day index and the date a year earlier.

    ``wd_idx`` counts working days up to and including ``day``, so the working days D with
    a < D <= b number ``wd_idx[b] - wd_idx[a]``. Kept per range (issue 23): the days and bank
    holidays of a range never change, every session over the same records asks for the same range,
    and building it a day at a time in Python was a tenth of a second per page.
    """
    days, flags, indexes, earlier = [], [], [], []
    count = 0
    day = first
    while day <= last:
        working = is_working_day(day)
        count += working
        days.append(day)
        flags.append(working)
        indexes.append(count)
        earlier.append(same_date_one_year_earlier(day))
        day += timedelta(days=1)
    return pa.table(
        {
            "day": pa.array(days, pa.date32()),
            "is_working_day": pa.array(flags, pa.bool_()),
            "wd_idx": pa.array(indexes, pa.int32()),
            "year_earlier": pa.array(earlier, pa.date32()),
        }
    )


def _calendar_range(tables: Mapping[str, pa.Table], periods: list[tuple[date, date]]) -> tuple[date, date]:
    lows = [p[0] for p in periods]
    highs = [p[1] for p in periods]
    for name, columns in CALENDAR_COLUMNS.items():
        for column in columns:
            array = tables[name].column(column)
            if array.length() - array.null_count:
                bounds = pc.min_max(array).as_py()
                lows.append(bounds["min"])
                highs.append(bounds["max"])
    low = max(min(lows).year - 1, CALENDAR_LIMITS[0])
    high = min(max(highs).year + 1, CALENDAR_LIMITS[1])
    return date(low, 1, 1), date(high, 12, 31)


@dataclass
class Session:
    """A DuckDB connection holding one enriched snapshot and its calendar."""

    connection: duckdb.DuckDBPyConnection
    tables: dict[str, pa.Table]

    def records(self, measure: MeasureDefinition, start: date, end: date) -> pa.Table:
        """Return the records behind a measure for a period."""
        params = _params(measure.sql, start, end)
        return self.connection.sql(measure.sql, params=params).to_arrow_table()

    def value(
        self,
        measure: MeasureDefinition,
        start: date,
        end: date,
        population: Mapping[str, float] | None = None,
    ) -> int | float | None:
        """Return a measure's figure for a period."""
        params = _params(measure.sql, start, end)
        if measure.aggregate == "count":
            (count,) = self._one(f"SELECT count(*) FROM ({measure.sql})", params)
            return int(count)
        if measure.aggregate == "percent":
            numerator, denominator = self._one(
                f"SELECT count(*) FILTER (WHERE numerator), count(*) FILTER (WHERE denominator) FROM ({measure.sql})",
                params,
            )
            return percent(int(numerator), int(denominator))
        if measure.aggregate == "median":
            (median,) = self._one(f"SELECT median(value) FROM ({measure.sql})", params)
            return None if median is None else round(float(median), 1)
        if measure.aggregate == "rate_per_10k":
            (count,) = self._one(f"SELECT count(*) FROM ({measure.sql})", params)
            base = (population or {}).get(measure.population_key or "")
            if not base:
                return None
            return float(round_half_up(Fraction(int(count) * 10000) / Fraction(str(base)), 1))
        raise ValueError(f"unknown aggregate {measure.aggregate!r}")

    def _one(self, sql: str, params: dict[str, date]) -> tuple:
        row = self.connection.execute(sql, params).fetchone()
        if row is None:  # an aggregate always returns a row; guard for type checkers
            raise RuntimeError("aggregate returned no row")
        return row


def _params(sql: str, start: date, end: date) -> dict[str, date]:
    # DuckDB refuses named parameters that the statement does not use.
    return {k: v for k, v in (("start", start), ("end", end)) if f"${k}" in sql}


def round_half_up(value: Fraction, places: int) -> Decimal:
    """Round an exact fraction half away from zero (0.05 -> 0.1), as published tables do."""
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(quantum, ROUND_HALF_UP)


def percent(numerator: int, denominator: int) -> float | None:
    """Return 100 * numerator / denominator rounded to 1 dp, or None for an empty denominator."""
    if denominator == 0:
        return None
    return float(round_half_up(Fraction(100 * numerator, denominator), 1))


def _snapshot_tables(snapshot: Snapshot) -> dict[str, pa.Table]:
    if isinstance(snapshot, (str, Path)):
        return snapshot_read(Path(snapshot))
    return dict(snapshot)


@contextmanager
def session_open(snapshot: Snapshot, periods: list[tuple[date, date]]) -> Iterator[Session]:
    """Open a DuckDB session over a snapshot, with a calendar covering the periods and data."""
    tables = snapshot_enrich(snapshot_conform(_snapshot_tables(snapshot)))
    first, last = _calendar_range(tables, periods)
    tables["calendar"] = calendar_table(first, last)
    connection = duckdb.connect(
        ":memory:",
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
    )
    try:
        for name, table in tables.items():
            connection.register(name, table)
        yield Session(connection=connection, tables=tables)
    finally:
        connection.close()


def measure_definitions() -> list[MeasureDefinition]:
    """Return every measure's definition, in a stable order."""
    return list(MEASURES)


def _measure(measure_id: str) -> MeasureDefinition:
    try:
        return MEASURES_BY_ID[measure_id]
    except KeyError:
        raise KeyError(f"no measure {measure_id!r}") from None


def compute_measures(
    snapshot: Snapshot, *, year: str, population: Mapping[str, float] | None = None
) -> dict[str, int | float | None]:
    """Compute every measure for a financial year such as ``"2024-25"``."""
    start, end = financial_year(year)
    with session_open(snapshot, [(start, end)]) as session:
        return {m.id: session.value(m, start, end, population) for m in MEASURES}


def measure_records(snapshot: Snapshot, *, year: str, measure_id: str) -> pa.Table:
    """Return the records behind one measure's figure for a year (ids first), for drill-down."""
    measure = _measure(measure_id)
    start, end = financial_year(year)
    with session_open(snapshot, [(start, end)]) as session:
        return session.records(measure, start, end)


def periods_between(start: date, end: date, period: str) -> list[tuple[str, date, date]]:
    """Return the whole months or calendar quarters that overlap start..end, with their labels."""
    if period not in ("month", "quarter"):
        raise ValueError("period must be 'month' or 'quarter'")
    step = 1 if period == "month" else 3
    month = start.month if period == "month" else 3 * ((start.month - 1) // 3) + 1
    cursor = date(start.year, month, 1)
    out = []
    while cursor <= end:
        following = date(cursor.year + (cursor.month + step - 1) // 12, (cursor.month + step - 1) % 12 + 1, 1)
        if period == "month":
            label = f"{cursor.year}-{cursor.month:02d}"
        else:
            label = f"{cursor.year}-Q{(cursor.month - 1) // 3 + 1}"
        out.append((label, cursor, following - timedelta(days=1)))
        cursor = following
    return out


def compute_trend(
    snapshot: Snapshot,
    *,
    measure_id: str,
    start: date,
    end: date,
    period: str,
    population: Mapping[str, float] | None = None,
) -> list[tuple[str, int | float | None]]:
    """Compute one measure for each month or calendar quarter from start to end.

    Point-in-time measures ("at 31 March") are taken at the last day of each period.
    """
    measure = _measure(measure_id)
    periods = periods_between(start, end, period)
    if not periods:
        return []
    with session_open(snapshot, [(p[1], p[2]) for p in periods]) as session:
        return [(label, session.value(measure, a, b, population)) for label, a, b in periods]
