"""Import an Annex A workbook: validate every cell, collect problems, write good rows idempotently.

The caller (returns.annex_a.services.annex_a_import) runs this inside one transaction: a crash leaves
nothing half-imported. Problems never stop the import; they are returned as rows of the error report.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import models

from safehub.core.calendar import uk_date
from safehub.core.sql import any_of
from safehub.returns.annex_a import cells
from safehub.returns.annex_a.bindings import binding_for
from safehub.returns.annex_a.bindings_base import Binding, extras_of
from safehub.returns.annex_a.fastwrite import bulk_session, fast_insert, indexes_deferred
from safehub.returns.annex_a.reader import Sheet, open_lists
from safehub.returns.annex_a.spec import KEPT, LISTS, ListSpec

if TYPE_CHECKING:
    from safehub.exchange.models import ImportJob

CHUNK = 10_000
SYSTEM = "annex_a"
COUNT_NAMES = ("imported", "updated", "unchanged", "rejected", "skipped")


@dataclass
class RowError:
    list: str
    row: int | str
    column: str
    value: str
    message: str

    def as_dict(self) -> dict:
        return {"list": self.list, "row": self.row, "column": self.column, "value": self.value, "message": self.message}


@dataclass
class ImportResult:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    rows_seen: int = 0

    def count(self, sheet: str, name: str, n: int = 1) -> None:
        self.counts.setdefault(sheet, dict.fromkeys(COUNT_NAMES, 0))[name] += n

    def total(self, name: str) -> int:
        return sum(c[name] for c in self.counts.values())


@dataclass
class Context:
    job: ImportJob
    by: object | None
    now: datetime
    system: str = SYSTEM
    write: bool = True
    csc_agency_id: int | None = None
    persons: dict[str, int] = field(default_factory=dict)
    new_person_ids: set[int] = field(default_factory=set)
    touched_person_ids: set[int] = field(default_factory=set)
    # The children each list's rows touched, for the binding's after_import once every list is in.
    touched: list[tuple[Binding, set[int]]] = field(default_factory=list)
    # Models whose table held no rows when the import began: no record there can match a row unlinked.
    empty_at_start: set[type[models.Model]] = field(default_factory=set)


Progress = Callable[[int, int], None]


def run(path: Path, ctx: Context, progress: Progress | None = None) -> ImportResult:
    """Import every list found at ``path``; return counts and the row-level problems."""
    from safehub.agencies.models import Agency

    ctx.csc_agency_id = Agency.objects.filter(kind="LA_CHILDREN").order_by("pk").values_list("pk", flat=True).first()
    result = ImportResult()
    sheets = open_lists(path)
    total = sum(s.approx_rows for s in sheets)
    tables = _tables_written(sheets)
    ctx.empty_at_start = {model for model in tables if not model._default_manager.exists()}
    with bulk_session():
        deferred = indexes_deferred(tables, total, keep_leading=LOOKED_UP_BY) if ctx.write else nullcontext()
        with deferred:
            for sheet in sheets:
                _import_sheet(sheet, ctx, result, lambda done: progress(done, total) if progress else None)
        for binding, person_ids in ctx.touched:  # with every index back: these read by person
            binding.after_import(person_ids)
    return result


# The column each binding looks a chunk's existing records up by (``match_unlinked``).
LOOKED_UP_BY = ("person_id",)


def _tables_written(sheets: list[Sheet]) -> list[type[models.Model]]:
    """The models an import of these sheets inserts rows into."""
    from safehub.exchange.models import AnnexALink, ExternalIdentifier
    from safehub.people.models import Involvement, Person

    tables: list[type[models.Model]] = [Person, ExternalIdentifier, Involvement, AnnexALink]
    for sheet in sheets:
        spec = LISTS[sheet.list_number]
        binding = binding_for(spec.binding) if spec.binding else None
        if binding is not None and binding.child_keyed and binding.model not in tables:
            tables.append(binding.model)
    return tables


def _import_sheet(sheet: Sheet, ctx: Context, result: ImportResult, tick: Callable[[int], None]) -> None:
    spec = LISTS[sheet.list_number]
    name = spec.sheet_name
    result.counts.setdefault(name, dict.fromkeys(COUNT_NAMES, 0))
    mapping, problems = spec.match_headers(sheet.headers) if sheet.headers else ({}, ["No header row found"])
    binding = binding_for(spec.binding) if spec.binding else None
    if problems or binding is None:
        rows = 0
        for _number, cells_ in sheet.rows:
            if any(not cells.is_blank(c) for c in cells_):
                rows += 1
        result.rows_seen += rows
        tick(result.rows_seen)
        if problems:
            for problem in problems:
                result.errors.append(
                    RowError(name, sheet.header_row or 1, "", "", f"{problem}: no rows of this list were imported")
                )
            result.count(name, "rejected", rows)
        elif rows:
            result.errors.append(
                RowError(
                    name, "", "", "", f"Safehub does not hold {spec.title.lower()} yet: {rows} rows were not imported"
                )
            )
            result.count(name, "skipped", rows)
        return
    seen: dict[str, tuple[int, int]] = {}  # natural key -> (row, fingerprint) within this file
    chunk: list[tuple[int, dict]] = []
    today = uk_date(ctx.now)
    if not binding.child_keyed:
        _import_other(sheet, spec, mapping, binding, ctx, result, today)
        tick(result.rows_seen)
        return
    for number, row in sheet.rows:
        if all(cells.is_blank(c) for c in row):
            continue
        result.rows_seen += 1
        values, row_problems, rejected = spec.parse_row(mapping, row)
        rejected = _check_row(spec, values, row_problems, today) or rejected
        for column, raw, message in row_problems:
            result.errors.append(RowError(name, number, column.heading, cells.to_text(raw), message))
        if rejected:
            result.count(name, "rejected")
            continue
        chunk.append((number, values))
        if len(chunk) >= CHUNK:
            _write_chunk(spec, binding, chunk, seen, ctx, result)
            chunk = []
            tick(result.rows_seen)
    if chunk:
        _write_chunk(spec, binding, chunk, seen, ctx, result)
    tick(result.rows_seen)
    if ctx.write and ctx.touched_person_ids:
        ctx.touched.append((binding, ctx.touched_person_ids))
    ctx.touched_person_ids = set()


def _import_other(
    sheet: Sheet, spec: ListSpec, mapping: dict, binding: Binding, ctx: Context, result: ImportResult, today: date
) -> None:
    """A list not keyed by a child (List 11): the cells are checked here, the binding writes the rows."""
    name = spec.sheet_name
    good: list[tuple[int, dict]] = []
    for number, row in sheet.rows:
        if all(cells.is_blank(c) for c in row):
            continue
        result.rows_seen += 1
        values, row_problems, rejected = spec.parse_row(mapping, row)
        rejected = _check_row(spec, values, row_problems, today) or rejected
        for column, raw, message in row_problems:
            result.errors.append(RowError(name, number, column.heading, cells.to_text(raw), message))
        if rejected:
            result.count(name, "rejected")
        else:
            good.append((number, values))
    for number, outcome, notes in binding.import_rows(spec, good, ctx):
        for heading, value, message in notes:
            result.errors.append(RowError(name, number, heading, cells.to_text(value), message))
        result.count(name, outcome)


def _check_row(spec: ListSpec, values: dict, problems: list, today: date) -> bool:
    """Checks across cells. Return True when the row must be rejected."""
    bad = False
    dob = values.get("date_of_birth")
    if dob and dob > today:
        if spec.keep_odd_rows:
            del values["date_of_birth"]
        problems.append((spec.column("date_of_birth"), dob, "Date of birth is in the future" + _kept(spec)))
        bad = not spec.keep_odd_rows
    for field_name in spec.key:
        value = values.get(field_name)
        if isinstance(value, date) and value > today:
            problems.append((spec.column(field_name), value, "The date is in the future"))
            bad = True
    for earlier, later in spec.ordered:
        if values.get(earlier) and values.get(later) and values[later] < values[earlier]:
            column = spec.column(later)
            message = f"{column.heading} is before {spec.column(earlier).heading}" + _kept(spec)
            problems.append((column, values.pop(later) if spec.keep_odd_rows else values[later], message))
            bad = bad or not spec.keep_odd_rows
    return bad


def _kept(spec: ListSpec) -> str:
    return KEPT if spec.keep_odd_rows else ""


CHILD_FIELDS = frozenset({"child_id", "gender", "ethnicity", "date_of_birth", "age"})


def stored_fields(spec: ListSpec, binding: Binding) -> frozenset[str]:
    """The fields of a list's rows that Safehub's records hold (the rest are kept as extras)."""
    return CHILD_FIELDS | set(spec.key) | set(binding.fields_of_names())


def _fingerprint(values: dict) -> int:
    """Tell two rows with one natural key apart (parsed values: dates, codes, text, numbers)."""
    return hash(frozenset(values.items()))


def _write_chunk(
    spec: ListSpec, binding: Binding, chunk: list[tuple[int, dict]], seen: dict, ctx: Context, result: ImportResult
) -> None:
    """Write one chunk of good rows: new records, changed records, and the links that make re-imports idempotent.

    A few queries per chunk, never per row: the chunk's children (``_resolve_persons``), its natural
    keys already linked, the linked records' current values; then inserts with fastwrite and, for
    the rows that changed since the last import, ``bulk_update``.
    """
    from safehub.exchange.models import AnnexALink

    name = spec.sheet_name
    person_of = _resolve_persons(chunk, ctx)
    notes = binding.check_rows([(number, person_of[values["child_id"]], values) for number, values in chunk])
    keyed: dict[str, tuple[int, dict]] = {}
    for number, values in chunk:
        person_id = person_of[values["child_id"]]
        refused = False
        for heading, value, message, refuse in notes.get(number, ()):
            result.errors.append(RowError(name, number, heading, cells.to_text(value), message))
            refused = refused or refuse
        if refused:
            result.count(name, "rejected")
            continue
        key = binding.key(person_id, values)
        fingerprint = _fingerprint(values)
        if key in seen:
            first_row, first_print = seen[key]
            if first_print == fingerprint:
                result.count(name, "unchanged")  # the same row again is the same record
            else:
                result.errors.append(
                    RowError(
                        name,
                        number,
                        ", ".join(spec.column(f).heading for f in spec.key),
                        "",
                        f"Same child, date and source as row {first_row} but different values: this row was not imported",
                    )
                )
                result.count(name, "rejected")
            continue
        seen[key] = (number, fingerprint)
        keyed[key] = (person_id, values)
    if not ctx.write:
        result.count(name, "imported", len(keyed))
        return
    # With no links when the import began, the only keys linked are this file's, and ``seen`` has those.
    links: dict[str, tuple[int, int, dict]] = (
        {}
        if AnnexALink in ctx.empty_at_start
        else {
            key: (pk, object_id, extras)
            for key, pk, object_id, extras in AnnexALink.objects.filter(
                list_number=spec.number, natural_key__in=any_of(list(keyed))
            ).values_list("natural_key", "pk", "object_id", "extras")
        }
    )
    unlinked = keyed.keys() - links.keys()
    known_persons = {keyed[k][0] for k in unlinked} - ctx.new_person_ids
    # A table empty when the import began holds only this import's records, and those are linked.
    looked_up = known_persons and binding.model not in ctx.empty_at_start
    adopted = binding.match_unlinked(known_persons, unlinked) if looked_up else {}
    current = binding.current_by_pk([object_id for _, object_id, _ in links.values()] + list(adopted.values()))
    stored = stored_fields(spec, binding)
    new_rows: list[dict] = []
    new_keys: list[tuple[str, dict, tuple[int, int, dict] | None]] = []
    new_links: list[dict] = []
    changed_links: list[AnnexALink] = []
    to_update = []
    update_fields: set[str] = set()
    for key, (person_id, values) in keyed.items():
        extras = extras_of(stored, values)
        link = links.get(key)
        object_id = link[1] if link else adopted.get(key)
        now_held = current.get(object_id) if object_id is not None else None
        ctx.touched_person_ids.add(person_id)
        if object_id is None or now_held is None:
            new_rows.append(binding.build(person_id, values, ctx))
            new_keys.append((key, extras, link))
            continue
        wanted = binding.fields_of(values)
        differs = [k for k, v in wanted.items() if now_held[k] != v]
        extras_changed = link is not None and link[2] != extras
        if differs:
            to_update.append(binding.model(pk=object_id, **{**now_held, **wanted}))
            update_fields.update(differs)
        if link is None:  # a record entered in Safehub with the same natural key: the row is that record
            new_links.append({"natural_key": key, "object_id": object_id, "extras": extras})
        elif differs or extras_changed:
            changed_links.append(_relink(link, spec, key, object_id, extras, ctx))
        result.count(name, "updated" if (differs or extras_changed) else "unchanged")
    if new_rows:
        made = fast_insert(binding.model, new_rows, constants=binding.constants(ctx), return_ids=True)
        for (key, extras, link), object_id in zip(new_keys, made, strict=True):
            if link is None:
                new_links.append({"natural_key": key, "object_id": object_id, "extras": extras})
            else:  # the record was deleted in Safehub since: the file brings it back
                changed_links.append(_relink(link, spec, key, object_id, extras, ctx))
        result.count(name, "imported", len(new_rows))
    if to_update:
        binding.model._default_manager.bulk_update(to_update, sorted(update_fields), batch_size=1000)
    if new_links:
        fast_insert(AnnexALink, new_links, constants={"list_number": spec.number, "source_import_id": ctx.job.pk})
    if changed_links:
        AnnexALink.objects.bulk_update(changed_links, ["object_id", "extras", "source_import"], batch_size=1000)


def _relink(link: tuple[int, int, dict], spec: ListSpec, key: str, object_id: int, extras: dict, ctx: Context):
    """The link of a row already imported, pointing at its record with this import's extras and provenance."""
    from safehub.exchange.models import AnnexALink

    return AnnexALink(
        pk=link[0],
        list_number=spec.number,
        natural_key=key,
        object_id=object_id,
        extras=extras,
        source_import=ctx.job,
    )


def _resolve_persons(chunk: list[tuple[int, dict]], ctx: Context) -> dict[str, int]:
    """Find each child by the source system's ID; make the people not yet known (with the ID kept)."""
    from safehub.exchange.models import ExternalIdentifier
    from safehub.people.models import Involvement, Person

    wanted = {values["child_id"]: values for _, values in chunk if values["child_id"] not in ctx.persons}
    if not wanted:
        return ctx.persons
    # With no identifiers when the import began, every child known is one this import made (in ctx.persons).
    if ctx.write and ExternalIdentifier not in ctx.empty_at_start:
        for value, person_id, merged_into in ExternalIdentifier.objects.filter(
            system=ctx.system, value__in=any_of(list(wanted))
        ).values_list("value", "person_id", "person__merged_into_id"):
            ctx.persons[value] = merged_into or person_id  # a merged child is the surviving record
        _fill_unknown(wanted, ctx)
    missing = [child_id for child_id in wanted if child_id not in ctx.persons]
    if not missing:
        return ctx.persons
    if not ctx.write:
        for child_id in missing:  # stand-in ids, unique per child, for natural keys when nothing is written
            ctx.persons[child_id] = -(len(ctx.persons) + 1)
        return ctx.persons
    person_ids = fast_insert(
        Person,
        (
            {
                "sex": wanted[c].get("gender") or "U",
                "ethnicity": wanted[c].get("ethnicity") or "NOBT",
                "date_of_birth": wanted[c].get("date_of_birth"),
            }
            for c in missing
        ),
        constants={"family_name": "Not known"},
        return_ids=True,
    )
    fast_insert(
        ExternalIdentifier,
        ({"person_id": p, "value": c} for c, p in zip(missing, person_ids, strict=True)),
        constants={"system": ctx.system, "created_at": ctx.now, "source_import_id": ctx.job.pk},
    )
    if ctx.csc_agency_id:
        # Everyone on an Annex A list is known to children's social care: that is their basis of access.
        fast_insert(
            Involvement,
            ({"person_id": p} for p in person_ids),
            constants={
                "agency_id": ctx.csc_agency_id,
                "kind": "CASE_HOLDER",
                "started_at": ctx.now,
                "source": f"exchange.ImportJob:{ctx.job.pk}",
            },
        )
    for child_id, person_id in zip(missing, person_ids, strict=True):
        ctx.persons[child_id] = person_id
        ctx.new_person_ids.add(person_id)
    return ctx.persons


def _fill_unknown(wanted: dict[str, dict], ctx: Context) -> None:
    """For people already known, fill only what Safehub does not hold (never overwrite a known value)."""
    from safehub.people.models import Person

    known = {ctx.persons[c]: wanted[c] for c in wanted if c in ctx.persons and ctx.persons[c] not in ctx.new_person_ids}
    if not known:
        return
    changed = []
    for pk, sex, ethnicity, date_of_birth, expected in Person.objects.filter(pk__in=any_of(list(known))).values_list(
        "pk", "sex", "ethnicity", "date_of_birth", "expected_date_of_birth"
    ):
        values = known[pk]
        filled = (
            values["gender"] if sex == "U" and values.get("gender") not in (None, "U") else sex,
            values["ethnicity"] if ethnicity == "NOBT" and values.get("ethnicity") not in (None, "NOBT") else ethnicity,
            values["date_of_birth"]
            if date_of_birth is None and expected is None and values.get("date_of_birth")
            else date_of_birth,
        )
        if filled != (sex, ethnicity, date_of_birth):
            changed.append(Person(pk=pk, sex=filled[0], ethnicity=filled[1], date_of_birth=filled[2]))
    if changed:
        Person.objects.bulk_update(changed, ["sex", "ethnicity", "date_of_birth"])
