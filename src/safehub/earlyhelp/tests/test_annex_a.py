"""Annex A List 2: import keeps every row (odd cells as warnings), links rows to episodes entered in
Safehub, re-imports change nothing, and export then import into an empty database gives the same list."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from safehub.core.actors import command_line
from safehub.earlyhelp.models import EarlyHelpEpisode
from safehub.exchange.models import AnnexALink, ExternalIdentifier, ImportJob
from safehub.exchange.tests.helpers import write_workbook
from safehub.insight.engine import compute_measures
from safehub.people.models import Person
from safehub.returns.annex_a import services
from safehub.returns.annex_a.exporter import read_workbook_lists

pytestmark = pytest.mark.django_db
COMMAND_LINE = command_line("tests")
LIST2 = [
    "Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
    "Assessment start date", "Assessment completion date", "Organisation completing assessment",
]  # fmt: skip


def _now():
    return timezone.make_aware(datetime(2025, 5, 1, 10, 0))


def _import(path):
    job = services.annex_a_job_create(path=path, file_name=path.name, by=COMMAND_LINE, now=_now())
    result = services.annex_a_import(job=job, by=COMMAND_LINE, now=_now())
    return result


def _list2():
    return {
        2: [
            LIST2,
            ["E100", "a) Male", "a) WBRI", "01/02/2015", 9, "03/06/2024", "15/07/2024", "Oak Primary School"],
            ["E100", "a) Male", "a) WBRI", "01/02/2015", 9, "03/06/2024", "15/07/2024", "Oak Primary School"],  # again
            ["E200", "b) Female", "o) BAFR", "12/12/2019", 4, "10/09/2024", "", "Early help team"],
            ["E300", "b) Female", "a) WBRI", "05/05/2012", 12, "01/10/2024", "20/09/2024", "Health visiting"],  # odd
            ["E400", "a) Male", "a) WBRI", "05/05/2012", 12, "01/11/2024", "not a date", "Housing"],  # odd
            ["", "a) Male", "a) WBRI", "05/05/2012", 12, "01/11/2024", "", "No child"],  # refused: no key
        ]
    }


def test_list_2_import_keeps_odd_rows_as_warnings_and_counts(tmp_path):
    result = _import(write_workbook(tmp_path / "annex.xlsx", _list2()))

    counts = result.counts["List 2"]
    assert counts["imported"] == 4 and counts["unchanged"] == 1 and counts["rejected"] == 1
    warnings = [e.message for e in result.errors if "warning" in e.message]
    assert len(warnings) == 2  # the completion before the start, the unreadable date
    odd = EarlyHelpEpisode.objects.get(assessment_start_date=date(2024, 10, 1))
    assert odd.assessment_completed_date is None and odd.origin == "ANNEX_A"
    assert EarlyHelpEpisode.objects.get(assessment_start_date=date(2024, 6, 3)).organisation == "Oak Primary School"

    again = _import(write_workbook(tmp_path / "again.xlsx", _list2()))
    assert again.total("imported") == 0 and again.total("updated") == 0


def test_imported_list_2_rows_count_in_the_assessment_measure(tmp_path):
    from safehub.insight.snapshot import build_snapshot

    _import(write_workbook(tmp_path / "annex.xlsx", _list2()))

    result = compute_measures(build_snapshot(), year="2024-25")
    assert result["early_help_assessments_completed_total"] == 1
    assert result["early_help_assessments_started_total"] == 4
    assert result["early_help_open_31_march"] == 0  # imported rows say nothing about an open episode


def test_list_2_round_trip_into_an_empty_database(tmp_path, front_door):
    _import(write_workbook(tmp_path / "annex.xlsx", _list2()))
    first = services.annex_a_export(year="2024-25", output=tmp_path / "first.xlsx", by=COMMAND_LINE, now=_now())
    first_lists = read_workbook_lists(first)
    assert len(first_lists[2]) == 5  # the heading and four assessments

    for model in (AnnexALink, EarlyHelpEpisode, ExternalIdentifier):
        model.objects.all().delete()
    Person.objects.all().delete()
    ImportJob.objects.all().delete()
    _import(first)
    second = read_workbook_lists(
        services.annex_a_export(year="2024-25", output=tmp_path / "second.xlsx", by=COMMAND_LINE, now=_now())
    )

    assert second[2] == first_lists[2]
