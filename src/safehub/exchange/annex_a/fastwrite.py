"""Insert many rows without building a model instance per row.

``bulk_create`` spends most of a million-row import building instances and preparing each field of
each row. Here each row is a dict of attribute values (the same keys on every row of one call) and
the values the same on every row are given once (``constants``). A field's value is prepared for
the database the way Django prepares it (``get_db_prep_save``), but once per distinct value
(imports repeat dates, codes and constants); integers and text go to the driver as they are, as
Django would send them. Defaults, callable defaults and ``auto_now_add`` are applied as Django
would. No signals are sent (as with ``bulk_create``).

PostgreSQL receives the rows with ``COPY ... FROM STDIN`` (psycopg 3), every other database with
``executemany`` in batches. When the caller needs the new primary keys, they are reserved before
the insert (``reserve_ids``) and written with the rows, so nothing has to be read back.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import RawSQL
from django.utils import timezone

from safehub.core.bulk import copy_rows as _copy_rows
from safehub.core.bulk import reserve_ids

BATCH = 10_000
CACHE_LIMIT = 100_000
# A million-row import writes about 1 GB of table and index pages in one transaction; pages that do
# not fit are spilled to the write-ahead log and read back. Measured on 1M contacts (machine shared):
# 256 MB 73 s, 1 GB 67 s. SQLite takes the memory only as pages are used.
SQLITE_CACHE_KIB = 1024 * 1024

# Fields whose prepared value is the Python value itself (for ints and text, which is what an import
# gives them): Django's preparation only checks the type.
AS_GIVEN = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
        "CharField",
        "TextField",
        "BooleanField",
    }
)


def _connection() -> BaseDatabaseWrapper:
    # The wrapper itself, not the ``django.db.connection`` proxy: every attribute read through the
    # proxy costs a thread-local look-up, and a million rows make millions of them.
    return connections[DEFAULT_DB_ALIAS]


@contextmanager
def bulk_session() -> Iterator[None]:
    """Set the process up for a large import while it runs, and put everything back afterwards.

    - SQLite gets a page cache big enough for a million rows' pages. Each new contact updates
      several indexes at scattered places; with SQLite's default 2 MB cache most of those pages are
      read and written again for every few rows. ``cache_size`` is this connection's memory only
      (nothing about durability changes). Other databases manage their own buffers.
    - Python's cycle collector is paused. An import allocates millions of small objects (parsed
      rows, keys, parameter tuples) that form no reference cycles, and the collector walks them all
      again and again as they accumulate: 13% of a 1M-row import's time (83 s with it, 73 s without,
      same machine). Memory is still freed by reference counting; the collector runs again after.
    """
    conn = _connection()
    collecting = gc.isenabled()
    gc.disable()
    before = None
    try:
        if conn.vendor == "sqlite":
            with conn.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                before = cursor.fetchone()[0]
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        yield
    finally:
        if collecting:
            gc.enable()
        if before is not None:
            with conn.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(before)}")


def any_of(values: Sequence[int | str]) -> RawSQL:
    """Return the right-hand side of an ``__in`` filter that sends ``values`` as one parameter.

    ``field__in=list`` writes one placeholder per value: for the ten thousand keys of an import chunk,
    building and parsing that statement costs more than running it. PostgreSQL gets an array,
    SQLite a JSON list (``json_each``).
    """
    if _connection().vendor == "postgresql":
        if all(isinstance(v, int) for v in values):
            return RawSQL("SELECT unnest(%s::bigint[])", [list(values)])
        return RawSQL("SELECT unnest(%s::text[])", [list(values)])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(list(values))])


def _passes_as_given(field: models.Field) -> bool:
    if field.is_relation:
        target = field.target_field  # type: ignore[attr-defined]  # a concrete relation always has one
        return _passes_as_given(target)
    return field.get_internal_type() in AS_GIVEN


@dataclass
class _Column:
    """How one varying field of a row becomes a database value."""

    attname: str
    prepare: Callable[[Any], Any] | None  # None: the value goes to the driver as it is


def _prepare_function(field: models.Field, conn: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    if isinstance(field, models.JSONField) and conn.vendor == "postgresql":
        encoder = field.encoder

        def as_json_text(value: Any) -> Any:  # COPY takes JSON as text: no Jsonb wrapper to encode per row
            return None if value is None else json.dumps(value, cls=encoder)

        return as_json_text

    def prepare(value: Any) -> Any:
        return field.get_db_prep_save(value, conn)

    return prepare


def _preparer(field: models.Field, conn: BaseDatabaseWrapper) -> Callable[[Any], Any] | None:
    """Return a function preparing this field's values, memoised unless values never repeat."""
    if _passes_as_given(field):
        return None
    prepare = _prepare_function(field, conn)
    if field.unique or isinstance(field, models.UUIDField):
        return prepare
    cache: dict[Any, Any] = {}

    def prepare_memoised(value: Any) -> Any:
        try:
            return cache[value]
        except KeyError:
            out = prepare(value)
            if len(cache) < CACHE_LIMIT:
                cache[value] = out
            return out
        except TypeError:  # unhashable (a JSON dict or list): only empty ones repeat often enough
            if value:
                return prepare(value)
            empty = ("empty", type(value))
            if empty not in cache:
                cache[empty] = prepare(value)
            return cache[empty]

    return prepare_memoised


def fast_insert(
    model: type[models.Model],
    rows: Iterable[Mapping[str, Any]],
    *,
    constants: Mapping[str, Any] | None = None,
    return_ids: bool = False,
) -> list[int]:
    """Insert ``rows`` (attribute values by name) with ``constants`` on every row.

    Return the new primary keys in row order when ``return_ids`` (the rows are then read into a
    list first), otherwise an empty list.
    """
    conn = _connection()
    constants = constants or {}
    if return_ids:
        rows = list(rows)
        ids = reserve_ids(model, len(rows))
        rows = ({**row, model._meta.pk.attname: pk} for row, pk in zip(rows, ids, strict=True))
    else:
        ids = []
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return ids
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.attname in first]
    now = timezone.now()
    given: list[_Column] = []  # values from each row
    generated: list[tuple[int, Callable[[], Any], Callable[[Any], Any] | None]] = []  # callable defaults
    template: list[Any] = []  # the value of every column that is the same on every row
    for i, f in enumerate(fields):
        prepare = _preparer(f, conn)
        if f.attname in first:
            given.append(_Column(f.attname, prepare))
            template.append(None)
            continue
        if f.attname in constants:
            value = constants[f.attname]
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        elif f.has_default() and callable(f.default) and f.default not in (list, dict):
            # A new value per row (e.g. uuid4); ``list`` and ``dict`` only give each instance its own empty
            # container, which is one and the same value in the database.
            generated.append((i, f.default, prepare))
            template.append(None)
            continue
        else:
            value = f.get_default()  # "" for text fields, None otherwise, as Django does
        template.append(f.get_db_prep_save(value, conn))
    slots = [i for i, f in enumerate(fields) if f.attname in first]
    unknown = set(first) - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")

    def prepared(row: Mapping[str, Any]) -> tuple:
        params = template.copy()
        for slot, column in zip(slots, given, strict=True):
            value = row[column.attname]
            params[slot] = value if column.prepare is None else column.prepare(value)
        for slot, default, prepare in generated:
            value = default()
            params[slot] = value if prepare is None else prepare(value)
        return tuple(params)

    columns = [f.column for f in fields if f.column]  # a concrete field always has a column
    all_rows = _chain_first(first, iterator)
    if conn.vendor == "postgresql":
        _copy_rows(conn, model._meta.db_table, columns, map(prepared, all_rows))
    else:
        _executemany_rows(conn, model._meta.db_table, columns, map(prepared, all_rows))
    return ids


def _chain_first(first: Mapping[str, Any], rest: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    yield first
    yield from rest


def _executemany_rows(conn: BaseDatabaseWrapper, table: str, columns: Sequence[str], rows: Iterable[tuple]) -> None:
    quote = conn.ops.quote_name
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608 - names from model metadata
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    batch: list[tuple] = []
    with conn.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
