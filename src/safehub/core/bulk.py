"""Insert many model instances fast: the demo and benchmark generator's write path.

``bulk_insert(Model, objs)`` behaves like ``Model.objects.bulk_create(objs)`` for what the
generator needs (primary keys set on the instances, defaults and ``auto_now_add`` applied, foreign
keys taken from related instances saved earlier), but on PostgreSQL it allocates the keys from the
table's sequence in one query and streams the rows with ``COPY``, which skips Django's per-value
SQL compilation: the part that dominated a region-scale seed (3M contacts). Other databases use
``bulk_create``. No signals are sent, as with ``bulk_create``.

``reserve_ids``, ``copy_sql`` and ``copy_rows_with`` are shared with the Annex A import's row
writer (``returns.annex_a.fastwrite``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.db.backends.base.base import BaseDatabaseWrapper

# Field types whose Python values psycopg adapts exactly as Django would prepare them.
_NATIVE = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "EmailField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "UUIDField",
}


def bulk_insert(model: type[models.Model], objs: Sequence[models.Model], batch_size: int = 5000) -> None:
    if not objs:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        return
    opts = model._meta
    fields = list(opts.concrete_fields)
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_insert")  # type: ignore[attr-defined]
    missing = [obj for obj in objs if obj.pk is None]
    for obj, key in zip(missing, reserve_ids(model, len(missing)), strict=True):
        obj.pk = key
    native = [f.get_internal_type() in _NATIVE for f in fields]

    def rows():
        for obj in objs:
            row = []
            for f, plain in zip(fields, native, strict=True):
                value = f.pre_save(obj, True)  # defaults, auto_now_add, as bulk_create does
                row.append(value if plain or value is None else f.get_db_prep_save(value, connection))
            yield row

    copy_rows(connection, opts.db_table, [str(f.column) for f in fields], rows())
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    """Take ``n`` new primary keys for ``model``, to be written with the rows (insert them next).

    PostgreSQL hands them out from the table's sequence (safe alongside other writers). SQLite has
    no sequence to draw from, but an import holds the database's write lock for the whole
    transaction (``BEGIN IMMEDIATE``, see settings), so the keys after the largest ever used are
    free until we commit; inserting them moves ``sqlite_sequence`` on as usual.
    """
    if n == 0:
        return []
    conn = connection
    table, pk = model._meta.db_table, model._meta.pk.column
    assert pk is not None  # a primary key is always a concrete column
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            # The sequence's name first: looked up inside the statement it was looked up for every key
            # (100,000 keys: 0.26 s, against 0.04 s by name). One row back, not n: the range when
            # the keys came out contiguous (no other session drew from the sequence meanwhile), else
            # every key.
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
            sequence = cursor.fetchone()[0]
            cursor.execute(
                "WITH k AS (SELECT nextval(%s::regclass) AS v FROM generate_series(1, %s)) "
                "SELECT min(v), max(v), CASE WHEN max(v) - min(v) + 1 = count(*) THEN NULL "
                "ELSE array_agg(v ORDER BY v) END FROM k",
                [sequence, n],
            )
            low, high, scattered = cursor.fetchone()
            return list(range(low, high + 1)) if scattered is None else list(scattered)
        if conn.vendor != "sqlite":
            raise NotImplementedError(f"reserve_ids does not support {conn.vendor}")
        if not conn.in_atomic_block:
            raise RuntimeError("reserve_ids needs a transaction: without its write lock the keys may be taken")
        quoted = conn.ops.quote_name(table)
        cursor.execute(
            f"SELECT max(n) FROM (SELECT max({conn.ops.quote_name(pk)}) AS n FROM {quoted} "  # noqa: S608 - names from model metadata
            "UNION ALL SELECT seq AS n FROM sqlite_sequence WHERE name = %s)",
            [table],
        )
        start = (cursor.fetchone()[0] or 0) + 1
    return list(range(start, start + n))


def copy_rows(conn: BaseDatabaseWrapper, table: str, columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """Stream the rows with COPY: PostgreSQL's fastest way in, several times ``executemany``."""
    with conn.cursor() as cursor:
        copy_rows_with(cursor.cursor, copy_sql(conn, table, columns), rows)


def copy_sql(conn: BaseDatabaseWrapper, table: str, columns: Sequence[str]) -> str:
    """The ``COPY ... FROM STDIN`` statement that takes rows of these columns into the table."""
    quote = conn.ops.quote_name
    return f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"


def copy_rows_with(cursor: Any, sql: str, rows: Iterable[tuple]) -> None:
    """Run ``sql`` (from ``copy_sql``) on a psycopg cursor, the driver adapting each row's values."""
    with cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
