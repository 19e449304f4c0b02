"""Insert many rows without building a model instance per row.

``bulk_create`` spends most of a million-row import building instances and preparing each field of
each row. Here each row is a dict of attribute values (the same keys on every row of one call) and
the values the same on every row are given once (``constants``). A field's value is prepared for
the database the way Django prepares it (``get_db_prep_save``), but once per distinct value
(imports repeat dates, codes and constants); integers and text go to the driver as they are, as
Django would send them. Defaults, callable defaults and ``auto_now_add`` are applied as Django
would. No signals are sent (as with ``bulk_create``).

PostgreSQL receives the rows with ``COPY ... FROM STDIN`` (psycopg 3), spelt here as COPY text;
SQLite as one ``INSERT ... SELECT ... FROM json_each`` per batch; inside ``bulk_session`` both by
a second thread (``_Writer``). When the caller needs the new primary keys, they are reserved
before the insert (``reserve_ids``) and written with the rows, so nothing has to be read back.
How each value is prepared, and spelt for COPY, is in ``fastwrite_values``.
"""

from __future__ import annotations

import gc
import json
import os
import queue
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from safehub.core.bulk import copy_rows_with as _copy_prepared
from safehub.core.bulk import copy_sql, reserve_ids
from safehub.returns.annex_a.fastwrite_values import _Column, _copy_text, _maker, _preparer

BATCH = 10_000
# A million-row import writes about 1 GB of table and index pages in one transaction; pages that do
# not fit are spilled to the write-ahead log and read back. Measured on 1M contacts (machine shared):
# 256 MB 73 s, 1 GB 67 s. SQLite takes the memory only as pages are used.
SQLITE_CACHE_KIB = 1024 * 1024
# Helper threads SQLite may use to sort, as when it builds the deferred indexes at the end of an
# import (``indexes_deferred``): one per core.
SQLITE_SORT_THREADS = max(1, min(os.cpu_count() or 1, 8))
# Sort memory PostgreSQL may use to build each deferred index (``indexes_deferred``), for the
# import's transaction only.
PG_INDEX_BUILD_MEMORY = "256MB"
# ``indexes_deferred`` rebuilds the indexes of a SQLite table holding less than 1/REBUILD_BELOW of the import's rows.
REBUILD_BELOW = 4
# How many calls' worth of keys the PostgreSQL writer draws from a sequence at once (``_Writer.reserve``).
PG_KEYS_AHEAD = 8


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
    - SQLite may sort with one helper thread per core (``PRAGMA threads``): building an index
      afresh (``indexes_deferred``) is a sort of the table's keys.
    - Python's cycle collector is paused. An import allocates millions of small objects (parsed
      rows, keys, parameter tuples) that form no reference cycles, and the collector walks them all
      again and again as they accumulate: 13% of a 1M-row import's time (83 s with it, 73 s without,
      same machine). Memory is still freed by reference counting; the collector runs again after.
    - Inside a transaction, the inserts run in a second thread (``_Writer``) while this one reads
      and checks the next rows: SQLite lets go of Python's interpreter lock while it executes a
      statement, and PostgreSQL's server takes in a ``COPY`` in its own process, so the work
      overlaps. Every other query waits for the writer first, so reads still see every row
      written before them.
    - On PostgreSQL, foreign keys are checked as each ``COPY`` ends instead of all at the commit
      (``SET CONSTRAINTS ALL IMMEDIATE``; Django's foreign keys are all initially deferred, and are
      deferred again after): the server checks one chunk while this process parses the next,
      where at the commit nothing else would run meanwhile (1M contacts: 2.5M checks, 12 s). The
      import writes every row after the rows it refers to.
    """
    conn = _connection()
    collecting = gc.isenabled()
    gc.disable()
    before = None
    threads_before = 0
    writer = None
    try:
        if conn.vendor == "sqlite":
            with conn.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                before = cursor.fetchone()[0]
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
                cursor.execute("PRAGMA threads")
                threads_before = cursor.fetchone()[0]
                cursor.execute(f"PRAGMA threads = {SQLITE_SORT_THREADS}")
        if conn.vendor in ("sqlite", "postgresql") and conn.in_atomic_block:
            writer = _Writer(conn)  # its statements belong to the caller's transaction
        if writer is None:
            yield
        else:
            checks_now = conn.vendor == "postgresql"
            if checks_now:
                with conn.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            _session.writer = writer
            try:
                with conn.execute_wrapper(writer.before_query):
                    yield
                    writer.flush()
            finally:
                _session.writer = None
                writer.close()
            if checks_now:  # (after a failure the transaction is rolled back, and the setting with it)
                with conn.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    finally:
        if collecting:
            gc.enable()
        if before is not None:
            with conn.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(before)}")
                cursor.execute(f"PRAGMA threads = {int(threads_before)}")


class _Writer:
    """Run inserts on the session's connection in a second thread, in order.

    On SQLite the statements are ``INSERT ... SELECT ... FROM json_each(?)``: one call into SQLite
    per ten thousand rows, all of it executed with Python's interpreter lock released. On PostgreSQL
    each is a ``COPY`` of rows already prepared, which the server stores while this process parses
    the next rows (and the socket writes let go of the interpreter lock). The calling thread
    must not use the connection while a statement runs: ``before_query`` (an execute wrapper on the
    connection) waits for the queue to empty before any other query, and ``flush`` does the same. A
    failed statement is raised in the calling thread at the next query, submit or flush; the
    statements queued after it are dropped (the caller's transaction will be rolled back).
    """

    def __init__(self, conn: BaseDatabaseWrapper) -> None:
        self.conn = conn
        self.queue: queue.Queue[Callable[[Any], None] | None] = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.next_ids: dict[str, int] = {}  # SQLite: the next free key of each table
        self.spare_ids: dict[str, list[int]] = {}  # PostgreSQL: keys drawn from each sequence, not yet used
        self.thread = threading.Thread(target=self._run, name="fastwrite-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        cursor = self.conn.connection.cursor()  # the DB-API connection: Django's wrapper is per thread
        while True:
            item = self.queue.get()
            try:
                if item is None:
                    return
                if self.error is None:
                    with self.conn.wrap_database_errors:
                        item(cursor)
            except BaseException as exc:  # noqa: BLE001 - handed to the calling thread, which raises it
                self.error = exc
            finally:
                self.queue.task_done()

    def _raise(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def submit(self, sql: str, params: list) -> None:
        """Queue one statement (with the DB-API's own placeholders)."""
        self.submit_call(lambda cursor: cursor.execute(sql, params))

    def submit_call(self, work: Callable[[Any], None]) -> None:
        """Queue ``work(cursor)``, run with a DB-API cursor of the session's connection."""
        self._raise()
        self.queue.put(work)

    def flush(self) -> None:
        self.queue.join()
        self._raise()

    def before_query(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.flush()
        if self.conn.vendor == "sqlite" and sql.lstrip()[:6].upper() == "INSERT":
            self.next_ids.clear()  # keys taken outside fast_insert: ask the table again
        return execute(sql, params, many, context)

    def reserve(self, model: type[models.Model], n: int) -> list[int]:
        """Take ``n`` new keys, without waiting for the queued inserts on most calls (reading does).

        SQLite: from the table once, then on from the last key this session handed out. The import
        holds SQLite's write lock for its whole transaction, so no other connection takes keys
        meanwhile; any insert on this connection that does not come through here (the ORM's) makes
        the next reservation read the table again.

        PostgreSQL: from the table's sequence, eight calls' worth at a time (``PG_KEYS_AHEAD``), so
        only every eighth call reads it. Keys drawn and not used are a gap in the numbering, as a
        rolled-back insert leaves; the sequence never hands them out again.
        """
        if self.conn.vendor == "postgresql":
            pool = self.spare_ids.setdefault(model._meta.db_table, [])
            if len(pool) < n:
                pool.extend(reserve_ids(model, n * PG_KEYS_AHEAD - len(pool)))
            ids, pool[:] = pool[:n], pool[n:]
            return ids
        if n == 0:
            return []
        table = model._meta.db_table
        start = self.next_ids.get(table)
        ids = reserve_ids(model, n) if start is None else list(range(start, start + n))
        self.next_ids[table] = ids[0] + n
        return ids

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()


_session = threading.local()


def _writer_for(conn: BaseDatabaseWrapper) -> _Writer | None:
    writer = getattr(_session, "writer", None)
    return writer if writer is not None and writer.conn is conn else None


def _reserve(conn: BaseDatabaseWrapper, model: type[models.Model], n: int) -> list[int]:
    writer = _writer_for(conn)
    return reserve_ids(model, n) if writer is None else writer.reserve(model, n)


@contextmanager
def indexes_deferred(
    tables: Iterable[type[models.Model]], rows: int, keep_leading: Collection[str] = ()
) -> Iterator[list[str]]:
    """Build the secondary indexes of freshly filled tables once at the end, not row by row.

    Each new contact goes into eight indexes at scattered places; for a first load that is most of
    the import's time (1M rows: measured in benchmarks/results/exchange.json). Inside the caller's
    transaction, the non-unique indexes of each table that holds less than a quarter of ``rows``
    (the import's size) are dropped and then created again, sorted in one pass, before the
    transaction commits. What stays:

    - unique indexes and constraints (they are checks, not only look-ups);
    - on a table that already holds rows, indexes whose first column is in ``keep_leading`` (the
      columns the import looks existing rows up by; in an empty table there are none to look up,
      as long as the caller does not look up the rows it has just inserted);
    - every index of a table already holding a quarter of the import's size or more: the rows may
      well be there already (a re-import of the same file adds none), and rebuilding is a sort of
      the whole table (1M-row re-import: 2.7 s of 15 s at 300,000 rows went on rebuilding).

    Other connections read the last committed state (WAL), indexes included, and the import holds
    the write lock, so nobody sees the table without its indexes. If the import fails the indexes
    are created again anyway (a rolled-back transaction undoes the drop as well). Yields the names
    of the deferred indexes. PostgreSQL: ``_pg_indexes_deferred`` (empty tables only). Other
    databases: nothing changes.
    """
    conn = _connection()
    if conn.vendor == "postgresql" and conn.in_atomic_block:
        with _pg_indexes_deferred(conn, tables) as names:
            yield names
        return
    if conn.vendor != "sqlite" or not conn.in_atomic_block:
        yield []
        return
    quote = conn.ops.quote_name
    deferred: list[tuple[str, str]] = []
    with conn.cursor() as cursor:
        for model in tables:
            table = model._meta.db_table
            cursor.execute(f"SELECT max(_rowid_) FROM {quote(table)}")  # noqa: S608 - name from model metadata
            held = cursor.fetchone()[0] or 0  # rows ever inserted: an upper bound of the rows held
            if held * REBUILD_BELOW >= rows:
                continue
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [table],
            )
            for name, sql in cursor.fetchall():
                if sql.lstrip().upper().startswith("CREATE UNIQUE"):
                    continue
                cursor.execute(f"PRAGMA index_info({quote(name)})")
                first = min(cursor.fetchall())[2]
                if first not in keep_leading or not held:
                    deferred.append((name, sql))
        for name, _sql in deferred:
            cursor.execute(f"DROP INDEX {quote(name)}")
    try:
        yield [name for name, _sql in deferred]
    finally:
        with conn.cursor() as cursor:
            for _name, sql in deferred:
                cursor.execute(sql)


@contextmanager
def _pg_indexes_deferred(conn: BaseDatabaseWrapper, tables: Iterable[type[models.Model]]) -> Iterator[list[str]]:
    """PostgreSQL's part of ``indexes_deferred``: the secondary indexes of tables empty at the start.

    Dropping an index locks its table against every other transaction, readers too, until this one
    ends; so only tables that hold no rows yet (a first load) lose theirs, and nobody is kept from
    anything that exists. The indexes are built again with a bigger sort memory for this
    transaction (``maintenance_work_mem``), which lets PostgreSQL sort in memory and in parallel.
    It all happens in a savepoint: if the import fails, rolling it back brings the indexes back.
    """
    quote = conn.ops.quote_name
    deferred: list[tuple[str, str]] = []
    with transaction.atomic(using=conn.alias):
        with conn.cursor() as cursor:
            for model in tables:
                table = model._meta.db_table
                cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {quote(table)})")  # noqa: S608 - model metadata
                if cursor.fetchone()[0]:
                    continue
                cursor.execute(
                    "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i"
                    " JOIN pg_class c ON c.oid = i.indexrelid"
                    " WHERE i.indrelid = %s::regclass AND NOT i.indisunique AND NOT i.indisprimary",
                    [quote(table)],
                )
                deferred += cursor.fetchall()
            for name, _sql in deferred:
                cursor.execute(f"DROP INDEX {quote(name)}")
        yield [name for name, _sql in deferred]
        with conn.cursor() as cursor:
            if deferred:
                # An index cannot be built while foreign-key checks wait for the commit: run them now
                # (they read the referenced tables' primary keys, which stay), then defer again
                # (Django's foreign keys are all initially deferred).
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"SET LOCAL maintenance_work_mem = '{PG_INDEX_BUILD_MEMORY}'")
            for _name, sql in deferred:
                cursor.execute(sql)
            if deferred:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


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
    pk_name = model._meta.pk.attname
    ids: list[int] = []
    if return_ids:
        rows = list(rows)
        ids = _reserve(conn, model, len(rows))
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return ids
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.attname in first or return_ids]
    unknown = set(first) - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
    now = timezone.now()
    given: list[_Column] = []  # values from each row, in column order
    given_slots: list[int] = []
    made: list[tuple[int, Callable[[], Any]]] = []  # new keys and callable defaults: a new value per row
    template: list[Any] = []  # the value of every column that is the same on every row
    for i, f in enumerate(fields):
        template.append(None)
        if f.attname in first:
            given.append(_Column(f.attname, _preparer(f, conn)))
            given_slots.append(i)
        elif f.attname == pk_name:  # return_ids: the reserved keys, in row order
            made.append((i, iter(ids).__next__))
        elif f.attname in constants:
            template[i] = f.get_db_prep_save(constants[f.attname], conn)
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            template[i] = f.get_db_prep_save(now, conn)
        elif f.has_default() and callable(f.default) and f.default not in (list, dict):
            # A new value per row (e.g. uuid4); ``list`` and ``dict`` only give each instance its own empty
            # container, which is one and the same value in the database.
            made.append((i, _maker(f, conn)))
        else:
            template[i] = f.get_db_prep_save(f.get_default(), conn)  # "" for text, None otherwise, as Django does
    names = [c.attname for c in given]
    preparers = [c.prepare for c in given]
    makers = [make for _slot, make in made]
    values_of = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))

    def varying_values(row: Mapping[str, Any]) -> list:
        out = [v if prepare is None else prepare(v) for v, prepare in zip(values_of(row), preparers)]  # noqa: B905
        for make in makers:
            out.append(make())
        return out

    columns = [f.column for f in fields if f.column]  # a concrete field always has a column
    varying = given_slots + [slot for slot, _make in made]
    rows_of_values = map(varying_values, _chain_first(first, iterator))
    if conn.vendor == "postgresql":

        def full_row(values: list) -> tuple:
            params = template.copy()
            for slot, value in zip(varying, values):  # noqa: B905 - one value per varying slot
                params[slot] = value
            return tuple(params)

        all_values = list(rows_of_values)
        sql = copy_sql(conn, model._meta.db_table, columns)
        work: Callable[[Any], None]
        try:  # the rows as COPY's text, written here once: the driver would adapt value by value
            text_template = [_copy_text(value) for value in template]

            def line(values: list) -> str:
                params = text_template.copy()
                for slot, value in zip(varying, values):  # noqa: B905 - one value per varying slot
                    params[slot] = _copy_text(value)
                return "\t".join(params)

            data = "".join([line(values) + "\n" for values in all_values])
            work = lambda cursor: _copy_data(cursor, sql, data)  # noqa: E731
        except TypeError:  # a value COPY's text is not spelt for here: the driver adapts the rows
            prepared = list(map(full_row, all_values))
            work = lambda cursor: _copy_prepared(cursor, sql, prepared)  # noqa: E731
        writer = _writer_for(conn)
        if writer is None:
            with conn.cursor() as cursor:
                work(cursor.cursor)
        else:  # prepared here, sent by the writer while this thread goes on
            writer.submit_call(work)
        return ids
    # Elsewhere only the values that differ between rows travel per row; the constants once per batch.
    _insert_json_rows(conn, model._meta.db_table, columns, template, varying, rows_of_values)
    return ids


def _copy_data(cursor: Any, sql: str, data: str) -> None:
    with cursor.copy(sql) as copy:  # a psycopg cursor
        copy.write(data)


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


def _insert_json_rows(
    conn: BaseDatabaseWrapper,
    table: str,
    columns: Sequence[str],
    template: Sequence[Any],
    varying: Sequence[int],
    rows: Iterable[list],
) -> None:
    """Insert a batch of rows with one statement: ``INSERT ... SELECT ... FROM json_each(batch)``.

    Each row is a JSON array of its varying values; the constant columns are bound once per
    statement. ``executemany`` binds every value of every row from Python (30 columns of a contact);
    here SQLite reads the batch itself, in C. JSON carries what Django prepares for SQLite (text,
    integers, reals, booleans, NULL); a batch holding anything else goes by ``executemany``.
    """
    quote = conn.ops.quote_name
    position = {slot: i for i, slot in enumerate(varying)}
    select = [f"json_extract(value, '$[{position[i]}]')" if i in position else "%s" for i in range(len(columns))]
    constants = [value for i, value in enumerate(template) if i not in position]
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608 - names from model metadata
        f"SELECT {', '.join(select)} FROM json_each(%s)"
    )
    writer = _writer_for(conn)
    with conn.cursor() as cursor:
        for batch in _batches(rows, BATCH):
            try:
                payload = json.dumps(batch, allow_nan=False, ensure_ascii=False)
            except (TypeError, ValueError):  # a value JSON cannot carry exactly (bytes, Decimal, NaN...)
                full = []
                for values in batch:
                    row = list(template)
                    for slot, value in zip(varying, values, strict=True):
                        row[slot] = value
                    full.append(tuple(row))
                _executemany_rows(conn, table, columns, full)
                continue
            if writer is None:
                cursor.execute(sql, [*constants, payload])
            else:
                writer.submit(sql.replace("%s", "?"), [*constants, payload])  # the DB-API's own placeholders


def _batches(rows: Iterable[list], size: int) -> Iterator[list[list]]:
    batch: list[list] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
