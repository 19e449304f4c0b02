"""Insert many rows without building a model instance per row.

``bulk_create`` spends most of a million-row import building instances and preparing each field of
each row. Here each row is a dict of attribute values; every field's value is prepared for the
database once per distinct value (imports repeat dates, codes and constants), then one
``executemany`` per batch. Defaults, callable defaults and ``auto_now_add`` are applied as Django
would. No signals are sent (as with bulk_create) and nothing is returned: callers read back the
keys they need with one query per batch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection, models
from django.utils import timezone


def fast_insert(model: type[models.Model], rows: Iterable[dict], batch_size: int = 5000) -> int:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    plans = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            plans.append((f, "now", now))
        elif f.has_default():
            plans.append(
                (
                    f,
                    "callable" if callable(f.default) else "value",
                    f.default if callable(f.default) else f.get_default(),
                )
            )
        else:
            plans.append((f, "value", f.get_default()))  # "" for text fields, None otherwise, as Django does
    cache: list[dict] = [{} for _ in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    column_names: list[str] = []
    for f in fields:
        assert f.column is not None  # a concrete field always has a database column
        column_names.append(f.column)
    columns = ", ".join(connection.ops.quote_name(c) for c in column_names)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 - names from model metadata

    unique = {i for i, (f, kind, _) in enumerate(plans) if kind == "callable" or f.unique}

    def prepared(i: int, f, value):
        if i in unique:  # never repeats: caching would only cost
            return f.get_db_prep_save(value, connection)
        try:
            key = value if not isinstance(value, list | dict) else json.dumps(value, sort_keys=True)
            return cache[i][key]
        except KeyError:
            out = f.get_db_prep_save(value, connection)
            if len(cache[i]) < 100_000:
                cache[i][key] = out
            return out
        except TypeError:
            return f.get_db_prep_save(value, connection)

    def value_of(row: dict, f, kind: str, default):
        if f.attname in row:
            return row[f.attname]
        return default() if kind == "callable" else default

    # Fields a row does not give (and whose default is not callable) are the same on every row:
    # prepare them once and copy the template.
    keys: frozenset = frozenset()
    template: list = []
    varying: list[int] = []
    total = 0
    batch: list[tuple] = []
    with connection.cursor() as cursor:
        for row in rows:
            if row.keys() != keys:
                keys = frozenset(row)
                varying = [i for i, (f, kind, _) in enumerate(plans) if f.attname in keys or kind == "callable"]
                template = [
                    None if i in varying else prepared(i, f, default) for i, (f, _, default) in enumerate(plans)
                ]
            params = template.copy()
            for i in varying:
                f, kind, default = plans[i]
                params[i] = prepared(i, f, value_of(row, f, kind, default))
            batch.append(tuple(params))
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                total += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            total += len(batch)
    return total
