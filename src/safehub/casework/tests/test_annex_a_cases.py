"""Annex A Lists 6 and 7 from the case spine: export every case open in the period, import both
ways, keep a foreign workbook's odd rows as warnings, and count imported episodes in the measures."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from safehub.casework.models import (
    CaseEpisode,
    CaseNote,
    CaseStage,
    ChildProtectionPlan,
    CPReview,
)
from safehub.core.actors import command_line
from safehub.exchange.models import AnnexALink
from safehub.exchange.tests.helpers import write_folder
from safehub.exchange.tests.helpers import write_workbook as write_rows
from safehub.people.models import Person
from safehub.returns.annex_a import services
from safehub.returns.annex_a.exporter import build_lists, read_workbook_lists, write_workbook
from safehub.returns.annex_a.spec import LISTS
from safehub.testing.factories import PersonFactory, make_user

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 5, 1, 10, 0, tzinfo=UTC)
BY = command_line("tests")
START, END = date(2024, 4, 1), date(2025, 3, 31)


def _import(path):
    job = services.annex_a_job_create(path=path, file_name=path.name, by=BY, now=NOW)
    result = services.annex_a_import(job=job, by=BY, now=NOW)
    return result


def _episode(person, opened, *, closed=None, reason="", need="N1", by):
    return CaseEpisode.objects.create(
        person=person,
        referral_date=opened,
        referral_source="6",
        primary_need=need,
        referral_nfa=need == "N0",
        stage=CaseStage.CLOSED if closed else CaseStage.CHILD_IN_NEED,
        closure_date=closed,
        closure_reason=reason,
        opened_by=by,
        opened_at=NOW,
    )


def _note(episode, day, *, alone, kind="HOME_VISIT", by):
    at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=11)
    return CaseNote.objects.create(
        episode=episode, kind=kind, occurred_at=at, child_seen=True, child_seen_alone=alone, text="Visit",
        written_by=by, written_at=at, locks_at=at + timedelta(hours=24),
    )  # fmt: skip


@pytest.fixture
def cases(front_door):
    worker = make_user("sw.annex", "SOCIAL_WORKER", front_door)
    across = PersonFactory(date_of_birth=date(2016, 3, 3))  # open across the period's start
    in_year = PersonFactory(date_of_birth=date(2012, 7, 1))  # opened and closed in the period
    before = PersonFactory(date_of_birth=date(2010, 1, 9))  # closed before the period
    long_case = _episode(across, date(2023, 11, 20), by=worker)
    long_case.stage = CaseStage.CHILD_PROTECTION
    long_case.save()
    _episode(in_year, date(2024, 5, 1), closed=date(2024, 9, 30), reason="RC8", need="N4", by=worker)
    _episode(before, date(2023, 6, 1), closed=date(2024, 3, 28), reason="RC7", by=worker)
    plan = ChildProtectionPlan.objects.create(
        person=across, episode=long_case, start_date=date(2023, 12, 5), initial_category="NEGLECT",
        latest_category="EMOTIONAL",
    )  # fmt: skip
    CPReview.objects.create(plan=plan, due_date=date(2024, 3, 5), held_date=date(2024, 3, 4))
    CPReview.objects.create(plan=plan, due_date=date(2024, 9, 4), held_date=date(2024, 9, 2))
    CPReview.objects.create(plan=plan, due_date=date(2025, 3, 4), held_date=None)  # not held: not the latest
    _note(long_case, date(2025, 3, 10), alone=False, kind="PHONE_CALL", by=worker)  # a call is not a visit
    _note(long_case, date(2025, 3, 3), alone=True, by=worker)
    _note(long_case, date(2025, 4, 20), alone=False, by=worker)  # after the period: not shown
    ChildProtectionPlan.objects.create(  # ended before the period: not on the list
        person=before, start_date=date(2023, 7, 1), end_date=date(2024, 3, 1), initial_category="PHYSICAL",
        latest_category="PHYSICAL",
    )  # fmt: skip
    return {"across": across, "in_year": in_year, "before": before, "plan": plan}


def _rows(lists, number):
    spec = LISTS[number]
    return [dict(zip([c.field for c in spec.columns], row, strict=True)) for row in lists[number][1:]]


def test_lists_6_and_7_export_every_case_open_in_the_period_with_visits_and_reviews(cases):
    lists = build_lists(START, END)
    cin = {r["child_id"]: r for r in _rows(lists, 6)}
    across, in_year = f"SH{cases['across'].pk}", f"SH{cases['in_year'].pk}"

    assert set(cin) == {across, in_year}  # the case closed before the period is not on the list
    assert cin[across]["start_date"] == date(2023, 11, 20) and cin[across]["closure_date"] is None
    assert cin[across]["last_seen_date"] == date(2025, 3, 10)  # seen on a call counts as seen
    assert cin[across]["case_status"] == "Child protection"
    assert (cin[in_year]["closure_date"], cin[in_year]["closure_reason"]) == (
        date(2024, 9, 30),
        LISTS[6].column("closure_reason").write("RC8"),
    )
    assert cin[in_year]["need"] == "N4 - Family in acute stress"

    (plan,) = _rows(lists, 7)
    assert plan["child_id"] == across and plan["start_date"] == date(2023, 12, 5)
    assert plan["last_visit_date"] == date(2025, 3, 3)  # the last statutory visit, not the call
    assert plan["seen_alone"] == "a) Yes"
    assert plan["review_date"] == date(2024, 9, 2)
    assert plan["latest_category"] == "d) Emotional abuse"


def test_a_list_6_and_7_workbook_round_trips(cases, tmp_path):
    exported = build_lists(START, END)
    path = write_workbook(exported, tmp_path / "annex.xlsx")

    # Into a Safehub without these cases: the workbook makes them, and exports the same rows.
    CaseNote.objects.all().delete()
    CPReview.objects.all().delete()
    ChildProtectionPlan.objects.all().delete()
    CaseEpisode.objects.all().delete()
    AnnexALink.objects.all().delete()
    result = _import(path)
    assert result.counts["List 6"]["imported"] == 2 and result.counts["List 7"]["imported"] == 1
    assert result.errors == []
    assert CaseEpisode.objects.filter(closure_date__isnull=True).get().stage == CaseStage.CHILD_PROTECTION
    assert ChildProtectionPlan.objects.get().episode == CaseEpisode.objects.get(closure_date__isnull=True)
    back = build_lists(START, END)
    assert read_workbook_lists(write_workbook(back, tmp_path / "back.xlsx"))[6] == read_workbook_lists(path)[6]
    assert back[7] == exported[7]  # last visit, seen alone and review kept with the link

    again = _import(path)  # the same workbook again: the same records, nothing new
    assert again.counts["List 6"] == {"imported": 0, "updated": 0, "unchanged": 2, "rejected": 0, "skipped": 0}
    assert again.counts["List 7"]["unchanged"] == 1 and again.counts["List 7"]["imported"] == 0


HEAD6 = [c.heading for c in LISTS[6].columns]


def _cin_row(child, start, *, gender="a) Male", ethnicity="a) WBRI", age=9, need="N1", closed=None, reason=None):
    cells = dict.fromkeys(HEAD6)
    cells.update({
        "Child Unique ID": child, "Gender": gender, "Ethnicity": ethnicity, "Date of Birth": "01/02/2015",
        "Age of Child (Years)": age, "CIN Start Date": start, "Primary Need Code": need, "CIN Closure Date": closed,
        "Reason for Closure": reason,
    })  # fmt: skip
    return [cells[h] for h in HEAD6]


def test_a_foreign_list_6_keeps_rows_with_odd_cells_as_warnings(tmp_path):
    rows = [
        HEAD6,
        _cin_row("F1", "03/04/2024", gender="a) Male", age=9.5),  # fractional age: derived, reported
        _cin_row("F2", "05/04/2024", gender="Robot", ethnicity=""),  # outside the list, blank ethnicity
        _cin_row("F3", "06/04/2024", need="N12", closed="=DATE(2024,5,1)"),  # a formula in a date cell
        _cin_row("F4", "07/04/2024", closed="30/06/2024"),  # closed with no reason: RC7 to check
        _cin_row("", "07/04/2024"),  # no child: refused
        _cin_row("F1", "09/09/2024"),  # a second open episode for F1: refused
    ]
    # A CSV keeps the formula as its text (a workbook from Excel gives the formula's last value).
    result = _import(write_folder(tmp_path / "foreign", {6: rows}))

    assert result.counts["List 6"]["imported"] == 4 and result.counts["List 6"]["rejected"] == 2
    f2 = Person.objects.get(external_identifiers__value="F2")
    assert (f2.sex, f2.ethnicity) == ("U", "NOBT")
    f3 = CaseEpisode.objects.get(person__external_identifiers__value="F3")
    assert (f3.primary_need, f3.closure_date, f3.stage) == ("", None, CaseStage.ASSESSMENT)
    f4 = CaseEpisode.objects.get(person__external_identifiers__value="F4")
    assert (f4.closure_date, f4.closure_reason, f4.stage) == (date(2024, 6, 30), "RC7", CaseStage.CLOSED)
    warnings = {(e.row, e.column) for e in result.errors if "a warning to resolve" in e.message}
    assert {(3, "Gender"), (3, "Ethnicity"), (4, "Primary Need Code"), (4, "CIN Closure Date")} <= warnings
    assert (5, "Reason for Closure") in warnings
    refused = [e for e in result.errors if "not imported" in e.message or "blank" in e.message]
    assert any(e.row == 7 and "already has a child-in-need episode open from 03/04/2024" in e.message for e in refused)
    assert any(e.row == 6 and e.column == "Child Unique ID" for e in result.errors)


def test_imported_list_6_rows_count_in_the_measures(tmp_path):
    rows = [
        HEAD6,
        _cin_row("M1", "01/02/2025"),  # open on 31 March 2025
        _cin_row("M2", "01/05/2024", closed="30/11/2024", reason="RC7 - services ceased"),  # closed in the year
        _cin_row("M3", "01/05/2023", closed="31/03/2025", reason="RC1"),  # open on 31 March (closed that day)
    ]
    _import(write_rows(tmp_path / "cin.xlsx", {6: rows}))
    out = StringIO()
    call_command("measures", "--year", "2024-25", "--json", stdout=out, stderr=StringIO())
    values = json.loads(out.getvalue())

    assert values["cin_open_31_march"] == 2
    assert values["cin_episodes_closed_total"] == 2


HEAD7 = [c.heading for c in LISTS[7].columns]


def test_a_foreign_list_7_keeps_odd_rows_and_refuses_only_a_row_without_a_child(tmp_path):
    def row(child, start, category, end=None, dob="01/02/2015"):
        cells = dict.fromkeys(HEAD7)
        cells.update({
            "Child Unique ID": child, "Gender": "b) Female", "Ethnicity": "", "Date of Birth": dob,
            "Child Protection Plan Start Date": start, "Initial Category of Abuse": category,
            "Child Protection Plan End Date": end, "Was the Child Seen Alone?": "maybe",
        })  # fmt: skip
        return [cells[h] for h in HEAD7]

    rows = [
        HEAD7,
        row("P1", "03/04/2024", "Neglect"),
        row("P2", "04/04/2024", "Bullying", end="01/01/2024"),  # outside the list; ends before it starts
        row("P3", "05/04/2024", "a) Neglect", dob="01/01/2099"),  # a future birth date (unborn): dropped
        row("", "05/04/2024", "a) Neglect"),
    ]
    result = _import(write_folder(tmp_path / "cp", {7: rows}))

    assert result.counts["List 7"]["imported"] == 3 and result.counts["List 7"]["rejected"] == 1
    p2 = ChildProtectionPlan.objects.get(person__external_identifiers__value="P2")
    assert (p2.initial_category, p2.end_date) == ("", None)
    assert Person.objects.get(external_identifiers__value="P3").date_of_birth is None
    warned = {(e.row, e.column) for e in result.errors if "a warning to resolve" in e.message}
    assert {(3, "Initial Category of Abuse"), (3, "Child Protection Plan End Date"), (4, "Date of Birth")} <= warned
    assert (2, "Was the Child Seen Alone?") in warned
