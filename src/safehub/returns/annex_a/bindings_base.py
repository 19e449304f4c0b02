"""How each Annex A list maps to and from Safehub's records: the base the list bindings share.

A binding says, for one list: which model a row becomes, the record's fields for a row
(``fields_of``), the same fields read back from records (``current_by_pk``), how to make many
records at once (``constants`` and ``build``), which existing record (not yet linked to a file) has
the row's natural key (``match_unlinked``) and the rows to export for a year (``export_rows``). The
importer does the rest: child IDs, natural keys, unchanged/updated detection, provenance and counts.

Records are written with bulk inserts rather than through each app's per-record services: the
services are for one record entered by a person (access checks, emails, drafts) and a million-row
file must load in seconds. The invariants those services keep are kept here too (see each build).

The lists' bindings are in ``bindings_<domain>.py`` (each imports this module); ``bindings.py`` is
the registry that names them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from functools import lru_cache

from django.apps import apps
from django.db import models

from safehub.core.calendar import UK
from safehub.core.sql import any_of

SUMMARY = "Recorded in the local authority's case system; imported from Ofsted Annex A list {n}."


@lru_cache(maxsize=50_000)  # a list repeats its dates: one datetime per distinct day
def uk_noon(day: date) -> datetime:
    """An imported date becomes midday UK time, so it reads back as the same date in any zone."""
    return datetime.combine(day, time(12, 0), tzinfo=UK)


def uk_day(moment: datetime) -> date:
    return moment.astimezone(UK).date()


class Binding:
    list_number: int
    model_label: str
    # A list keyed by a child (Lists 1-10). A list keyed by something else (List 11: adopters) sets
    # False and writes and reads its rows itself (``import_rows``/``export_list``).
    child_keyed: bool = True

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    @classmethod
    def available(cls) -> bool:
        try:
            apps.get_model(cls.model_label)
        except LookupError:
            return False
        return True

    def key(self, person_id: int, values: dict) -> str:
        raise NotImplementedError

    def fields_of(self, values: dict) -> dict:
        raise NotImplementedError

    def current_by_pk(self, pks: list[int]) -> dict[int, dict]:
        """Return the ``fields_of`` values the records hold now, by primary key (missing: deleted since)."""
        names = self.fields_of_names()
        rows = self.model._default_manager.filter(pk__in=any_of(pks)).values_list("pk", *names) if pks else []
        return {pk: dict(zip(names, held, strict=True)) for pk, *held in rows}

    def fields_of_names(self) -> tuple[str, ...]:
        raise NotImplementedError

    def constants(self, ctx) -> dict:
        """Return the field values every new record of this import has (given once to fastwrite)."""
        return {}

    def build(self, person_id: int, values: dict, ctx) -> dict:
        """Return the new record's other field values by attribute name (inserted with fastwrite)."""
        raise NotImplementedError

    def match_unlinked(self, person_ids: set[int], keys: set[str]) -> dict[str, int]:
        """Map natural keys to the oldest record of these people with that key."""
        return {}

    @staticmethod
    def oldest_by_key(model, person_ids, keys, columns: tuple[str, ...], key_of) -> dict[str, int]:
        """``match_unlinked``'s common form: read these people's records of ``model`` oldest first
        (pk, person id and ``columns``), and map each natural key in ``keys`` to the first record
        whose ``key_of(person_id, *columns)`` gives it."""
        found: dict[str, int] = {}
        for pk, person_id, *rest in (
            model.objects.filter(person_id__in=any_of(list(person_ids)))
            .order_by("pk")
            .values_list("pk", "person_id", *columns)
        ):
            key = key_of(person_id, *rest)
            if key in keys:
                found.setdefault(key, pk)
        return found

    def check_rows(self, rows: list[tuple[int, int, dict]]) -> dict[int, list[tuple[str, object, str, bool]]]:
        """Checks needing the database, for a chunk of (row, person id, values): by row, the notes
        (column heading, value, message, refused). A refused row is not imported."""
        return {}

    def after_import(self, person_ids: set[int]) -> None:
        """Recompute anything that depends on a child's other records (e.g. re-referral flags)."""

    def export_rows(self, start: date, end: date) -> Iterable[tuple[int, date, dict]]:
        """Yield (person id, event date, values by field) for the year."""
        raise NotImplementedError

    def import_rows(
        self, spec, rows: list[tuple[int, dict]], ctx
    ) -> list[tuple[int, str, list[tuple[str, object, str]]]]:
        """A list not keyed by a child: write its good rows (row number, values); return for each row
        (row number, outcome: imported/updated/unchanged/rejected, notes as (heading, value, message))."""
        raise NotImplementedError

    def export_list(self, start: date, end: date) -> Iterable[dict]:
        """A list not keyed by a child: yield its rows' values by field for the year (``_pk``: the record)."""
        raise NotImplementedError


class CaseworkBinding(Binding):
    """Lists 4, 5, 7 and 8: one record per child and start date (casework models)."""

    date_field = "start_date"  # the model's date that is the list's key date
    key_field = "start_date"  # the list's key column

    def key(self, person_id, values):
        return f"{person_id}|{values[self.key_field].isoformat()}"

    def match_unlinked(self, person_ids, keys):
        return self.oldest_by_key(
            self.model, person_ids, keys, (self.date_field,), lambda person_id, day: f"{person_id}|{day.isoformat()}"
        )

    def _records(self, start, end, extra=()):
        return list(
            self.model.objects.filter(**{f"{self.date_field}__gte": start, f"{self.date_field}__lte": end})
            .order_by(self.date_field, "pk")
            .values("pk", "person_id", self.date_field, *self.fields_of_names(), *extra)
        )


def extras_of(stored: frozenset[str], values: dict) -> dict:
    """The row's cells Safehub has no field for, kept with the link so the export gives them back."""
    return {
        k: (v.isoformat() if isinstance(v, date) else v)
        for k, v in values.items()
        if k not in stored and v not in (None, "")
    }
