"""How an imported row's values become what the database takes (``fastwrite.fast_insert``).

A field's value is prepared the way Django prepares it (``get_db_prep_save``), once per distinct
value (``_Memo``); integers and text pass as they are; callable defaults give a new value per row
(random UUIDs drawn 4,096 at a time); and COPY's text format spells the prepared values for
PostgreSQL (``_copy_text``).
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as dt_time
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

CACHE_LIMIT = 100_000

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


class _Memo(dict):
    """Prepared values by Python value: a hit is one dictionary look-up in C, no Python call."""

    def __init__(self, prepare: Callable[[Any], Any]) -> None:
        super().__init__()
        self.prepare = prepare

    def __missing__(self, value: Any) -> Any:
        out = self.prepare(value)
        if len(self) < CACHE_LIMIT:
            self[value] = out
        return out


def _preparer(field: models.Field, conn: BaseDatabaseWrapper) -> Callable[[Any], Any] | None:
    """Return a function preparing this field's values, memoised unless values never repeat."""
    if _passes_as_given(field):
        return None
    prepare = _prepare_function(field, conn)
    if field.unique or isinstance(field, models.UUIDField):
        return prepare
    if isinstance(field, models.JSONField):  # unhashable values: only the empty ones repeat often enough
        empty: dict[type, Any] = {}

        def prepare_json(value: Any) -> Any:
            if value or value is None or type(value) not in (dict, list):
                return prepare(value)
            kind = type(value)
            if kind not in empty:
                empty[kind] = prepare(value)
            return empty[kind]

        return prepare_json
    return _Memo(prepare).__getitem__


def _uuid4_hexes() -> Iterator[str]:
    """Yield ``uuid.uuid4().hex`` values (what Django stores for a UUID outside PostgreSQL, and text
    PostgreSQL reads as the UUID).

    The same randomness as ``uuid4`` (``os.urandom``), asked of the system 4,096 keys at a time: one
    ``getrandom`` call per row was 6 s of a million-row import.
    """
    while True:
        block = bytearray(os.urandom(16 * 4096))
        for start in range(0, len(block), 16):
            raw = block[start : start + 16]
            raw[6] = raw[6] & 0x0F | 0x40  # version 4
            raw[8] = raw[8] & 0x3F | 0x80  # RFC 4122 variant
            yield raw.hex()


def _maker(field: models.Field, conn: BaseDatabaseWrapper) -> Callable[[], Any]:
    """Return a function giving a new row's prepared value of a field with a callable default."""
    default = field.default
    if default is uuid.uuid4:  # PostgreSQL reads a UUID's 32 hex digits as the UUID
        return _uuid4_hexes().__next__
    prepare = _preparer(field, conn)
    if prepare is None:
        return default
    return lambda: prepare(default())


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _copy_text(value: Any) -> str:
    """``value`` (prepared for PostgreSQL) as COPY's text format spells it; ``TypeError`` if not spelt here.

    NULL is ``\\N``; text has its backslashes, tabs and line breaks escaped; dates and times are ISO
    8601 (with the offset of an aware datetime); JSON (a psycopg wrapper, as Django prepares it) is
    its encoded text. psycopg writes the same for these types.
    """
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is str:
        return value.translate(_COPY_ESCAPES)
    if kind is int or kind is float or kind is Decimal:
        return str(value)
    if kind is bool:
        return "t" if value else "f"
    if kind is datetime or kind is date or kind is dt_time:
        return value.isoformat()
    if kind is uuid.UUID:
        return value.hex
    # Subclasses: choices enums (str, int), psycopg's sized integers (Int2, Int4...), as their base value.
    if isinstance(value, int):  # bool has no subclasses: it was caught above
        return int.__repr__(value)
    if isinstance(value, str):
        return str.translate(value, _COPY_ESCAPES)
    from psycopg.types.json import _JsonWrapper

    if isinstance(value, _JsonWrapper):
        encoded = (value.dumps or json.dumps)(value.obj)  # no dumps of its own: psycopg's default, json.dumps
        text = encoded.decode() if isinstance(encoded, bytes) else str(encoded)
        return text.translate(_COPY_ESCAPES)
    raise TypeError(f"no COPY text for {kind.__name__}")
