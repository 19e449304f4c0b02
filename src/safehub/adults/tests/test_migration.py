"""Migration of history: a large file with duplicates and misspellings imports twice with the same result."""

from __future__ import annotations

import csv
import io
import os
from datetime import UTC, datetime

import pytest

from safehub.adults import io as adults_io
from safehub.adults import io_columns
from safehub.adults.models import Enquiry, ImportedPerson, ImportedRow, SafeguardingConcern
from safehub.people.matching_service import reset_index
from safehub.people.models import DuplicateCandidate, Person

from .migration_file import migration_rows

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 5, 1, 12, tzinfo=UTC)
# 1,000 rows in the suite; SAFEHUB_MIGRATION_ROWS=10000 for the size the issue asks (measured in README).
ROWS = int(os.environ.get("SAFEHUB_MIGRATION_ROWS", "1000"))


def to_csv(rows) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=io_columns.COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def state() -> dict:
    return {
        "people": Person.objects.count(),
        "concerns": SafeguardingConcern.objects.count(),
        "enquiries": Enquiry.objects.count(),
        "kept": sorted(ImportedRow.objects.values_list("status", "row_key", "flags")),
        "mapped": sorted(ImportedPerson.objects.values_list("source_person_id", "person_id", "how")),
        "pairs": sorted(DuplicateCandidate.objects.values_list("person_a_id", "person_b_id")),
        "versions": sorted(Enquiry.objects.values_list("source_record_id", "version")),
    }


def test_a_large_file_imports_twice_with_the_same_result(council, adult_social_worker):
    reset_index()
    rows = migration_rows(ROWS)
    text = to_csv(rows)
    first = adults_io.adults_csv_import(text=text, by=adult_social_worker, now=NOW)
    after_first = state()
    second = adults_io.adults_csv_import(text=text, by=adult_social_worker, now=NOW)
    reset_index()
    assert state() == after_first
    assert (second.created, second.updated) == (0, 0)
    assert second.unchanged == first.created
    # Nothing lost: every row is kept, imported or not.
    assert len(after_first["kept"]) == len(rows)
    assert first.created + len(first.errors) == len(rows)
    assert first.errors and first.flagged  # the file's broken dates and odd values were found
    # Every source person id is mapped once, misspelt or not (the person id carries them). Each
    # became a new person unless the matching engine linked it, above the upper threshold, to a
    # person already made from another id: the synthetic file has namesakes sharing a date of
    # birth and postcode (measured at 10,000 rows: 1,221 people for 1,224 ids).
    ids = {r["person_record_id"] for r in rows}
    mapped = after_first["mapped"]
    assert {source_id for source_id, _, _ in mapped} == ids
    linked = sum(how == "LINKED" for _, _, how in mapped)
    assert after_first["people"] == len(ids) - linked == len({person for _, person, _ in mapped})
