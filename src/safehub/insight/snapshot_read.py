"""Read records for the snapshot: a ``values_list`` queryset's SQL, raw rows in chunks, columns
converted by Arrow; and the column helpers the snapshot's tables share (UK dates of moments, ages,
code mappings, blanks as nulls).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connections
from django.db.models import QuerySet

CHUNK = 20_000

# Column kinds of a read: how the database's raw values become Arrow arrays.
KINDS: dict[str, pa.DataType] = {
    "int": pa.int64(),
    "text": pa.string(),
    "date": pa.date32(),
    "moment": pa.timestamp("us", tz="UTC"),
    "bool": pa.bool_(),
    "float": pa.float64(),
    "json": pa.string(),
}


def _arrow(values: list[Any], kind: str) -> pa.Array:
    """Turn one column of raw database values into an Arrow array of the kind's type.

    SQLite hands back dates and moments as ISO text and flags as 0/1, PostgreSQL as Python
    objects; Arrow parses the text in one vectorised cast, so no per-value Python runs here.
    """
    wanted = KINDS[kind]
    sample = next((v for v in values if v is not None), None)
    if kind == "json":
        return pa.array([None if v is None else (v if isinstance(v, str) else json.dumps(v)) for v in values])
    if isinstance(sample, str) and kind in ("date", "moment"):
        parsed = pa.array(values, pa.string())
        if kind == "moment":
            return parsed.cast(pa.timestamp("us")).cast(wanted)  # stored as naive UTC
        return parsed.cast(wanted)
    if kind == "bool" and isinstance(sample, int) and not isinstance(sample, bool):
        return pa.array(values, pa.int64()).cast(wanted)
    if kind == "moment" and isinstance(sample, datetime) and sample.tzinfo is not None:
        values = [None if v is None else v.astimezone(UTC).replace(tzinfo=None) for v in values]
        return pa.array(values, pa.timestamp("us")).cast(wanted)
    return pa.array(values, wanted)


def read_columns(qs: QuerySet, columns: dict[str, str], *, chunk: int = CHUNK) -> pa.Table:
    """Read a queryset's ``columns`` ({field or annotation: kind}) as an Arrow table, in chunks.

    The SQL is the one Django compiles for ``values_list``; rows come straight from the cursor
    (``fetchmany``), skipping Django's per-value converters and model instances.
    """
    names = list(columns)
    sql, params = qs.values_list(*names).query.sql_with_params()
    batches = []
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk):
            values = list(zip(*rows, strict=True))
            batches.append(
                pa.RecordBatch.from_arrays(
                    [_arrow(list(v), columns[n]) for n, v in zip(names, values, strict=True)], names=names
                )
            )
    schema = pa.schema([pa.field(n, KINDS[k]) for n, k in columns.items()])
    return pa.Table.from_batches(batches, schema=schema) if batches else schema.empty_table()


def uk_dates(moments: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Return the UK calendar date of each UTC moment (nulls stay null)."""
    local = pc.local_timestamp(moments.cast(pa.timestamp("us", tz="Europe/London")))
    return local.cast(pa.date32())


def ages_on(births: pa.ChunkedArray, days: pa.ChunkedArray) -> pa.Array:
    """Return whole years from each date of birth to the matching day (null when either is)."""
    years = pc.subtract(pc.year(days), pc.year(births))
    before_birthday = pc.less(
        pc.add(pc.multiply(pc.month(days), 100), pc.day(days)),
        pc.add(pc.multiply(pc.month(births), 100), pc.day(births)),
    )
    return pc.subtract(years, pc.cast(before_birthday, pa.int64()))


def mapped(column: pa.ChunkedArray, mapping: dict[str, str], default: str | None = None) -> pa.ChunkedArray:
    """Map text codes through a dictionary in one pass (unknown codes become ``default``)."""
    keys = pa.array(list(mapping), pa.string())
    index = pc.index_in(column, value_set=keys)
    values = pc.take(pa.array(list(mapping.values()), pa.string()), index)
    return pc.if_else(pc.is_null(index), pa.scalar(default, pa.string()), values)


def blank_to_null(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)


def lower_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Lower-case text codes, blanks as nulls."""
    return pc.utf8_lower(blank_to_null(column))
