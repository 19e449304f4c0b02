"""Small SQL helpers both databases understand."""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.db import connection
from django.db.models.expressions import RawSQL


def any_of(values: Sequence[int | str]) -> RawSQL | list:
    """Return the right-hand side of an ``__in`` filter that sends ``values`` as one parameter.

    ``field__in=list`` writes one placeholder per value: for thousands of keys, building and parsing
    that statement costs more than running it, and the databases cap the number of parameters.
    PostgreSQL gets an array, SQLite a JSON list (``json_each``). No values give an empty list, which
    Django answers with no rows without asking the database (an empty PostgreSQL array has no
    element type to compare with the column's).
    """
    if not values:
        return []
    if connection.vendor == "postgresql":
        if all(isinstance(v, int) for v in values):
            return RawSQL("SELECT unnest(%s::bigint[])", [list(values)])
        return RawSQL("SELECT unnest(%s::text[])", [list(values)])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(list(values))])
