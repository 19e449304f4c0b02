"""Write the Annex A workbook (lists 1 to 11, Ofsted's headings and labels) from Safehub's records."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

from safehub.exchange.safety import neutralise
from safehub.returns.annex_a.bindings import binding_for
from safehub.returns.annex_a.importer import SYSTEM
from safehub.returns.annex_a.spec import LISTS, ListSpec


def build_lists(start: date, end: date, *, system: str = SYSTEM) -> dict[int, list[list]]:
    """Return each list as rows of cells (first row the headings), for events dated start..end."""
    from safehub.exchange.models import ExternalIdentifier
    from safehub.people.models import Person

    out: dict[int, list[list]] = {}
    for number, spec in LISTS.items():
        rows: list[list] = [[c.heading for c in spec.columns]]
        binding = binding_for(spec.binding) if spec.binding else None
        if binding is not None and not binding.child_keyed:  # List 11: rows keyed by the adopter
            listed = list(binding.export_list(start, end))
            kept = _extras(number, {v["_pk"] for v in listed})
            for values in listed:
                merged = {**kept.get(values["_pk"], {}), **values}
                rows.append([_cell(spec, c.field, merged.get(c.field)) for c in spec.columns])
            rows[1:] = sorted(rows[1:], key=lambda r: str(r[0]))
        elif binding is not None:
            events = list(binding.export_rows(start, end))
            person_ids = {e[0] for e in events}
            persons = {}
            ids = list(person_ids)
            for i in range(0, len(ids), 5000):
                for p in Person.objects.filter(pk__in=ids[i : i + 5000]).only(
                    "pk", "sex", "ethnicity", "date_of_birth"
                ):
                    persons[p.pk] = p
            child_ids: dict[int, str] = {}
            for i in range(0, len(ids), 5000):
                child_ids.update(
                    ExternalIdentifier.objects.filter(system=system, person_id__in=ids[i : i + 5000]).values_list(
                        "person_id", "value"
                    )
                )
            extras = _extras(number, {e[2]["_pk"] for e in events})
            for person_id, day, values in events:
                person = persons[person_id]
                child = {
                    "child_id": child_ids.get(person_id) or f"SH{person_id}",
                    "gender": person.sex,
                    "ethnicity": person.ethnicity,
                    "date_of_birth": person.date_of_birth,
                    "age": person.age_on(day) if person.date_of_birth and person.date_of_birth <= day else None,
                }
                merged = {**child, **extras.get(values["_pk"], {}), **values}
                rows.append([_cell(spec, c.field, merged.get(c.field)) for c in spec.columns])
            rows[1:] = sorted(rows[1:], key=lambda r: str(r[0]))  # by child, then event date (stable)
        out[number] = rows
    return out


def _extras(number: int, wanted_pks: set[int]) -> dict[int, dict]:
    """The cells kept with each exported record's link (the columns Safehub has no field for)."""
    from safehub.exchange.models import AnnexALink

    extras: dict[int, dict] = defaultdict(dict)
    for object_id, kept in AnnexALink.objects.filter(list_number=number).values_list("object_id", "extras").iterator():
        if object_id in wanted_pks:
            extras[object_id] = kept
    return extras


def _cell(spec: ListSpec, field_name: str, value: object) -> object:
    column = spec.column(field_name)
    if column.kind == "date" and isinstance(value, str):
        value = date.fromisoformat(value)  # kept as text in the link's extras
    return neutralise(column.write(value))


def write_workbook(lists: dict[int, list[list]], path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    for number, rows in lists.items():
        sheet = workbook.create_sheet(LISTS[number].sheet_name)
        header = []
        for heading in rows[0]:
            cell = WriteOnlyCell(sheet, value=heading)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in rows[1:]:
            out = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, date):
                    cell.number_format = "DD/MM/YYYY"
                out.append(cell)
            sheet.append(out)
    workbook.save(path)
    return path


def read_workbook_lists(path: Path) -> dict[int, list[list]]:
    """Read a workbook back as plain rows (for comparisons and tests)."""
    from openpyxl import load_workbook

    from safehub.returns.annex_a.spec import list_number_of

    workbook = load_workbook(path, read_only=True, data_only=True)
    out = {}
    for ws in workbook.worksheets:
        number = list_number_of(ws.title)
        if number:
            rows = [
                [v.date() if hasattr(v, "date") and callable(v.date) else v for v in row]
                for row in ws.iter_rows(values_only=True)
            ]
            width = len(rows[0]) if rows else 0
            out[number] = [list(r) + [None] * (width - len(r)) for r in rows]
    return out
