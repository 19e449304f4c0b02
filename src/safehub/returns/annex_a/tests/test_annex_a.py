from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from safehub.core.actors import command_line
from safehub.core.models import AuditAction, AuditEvent
from safehub.exchange.models import AnnexALink, ExternalIdentifier, ImportJob, ImportStatus
from safehub.exchange.tests.helpers import LIST1, LIST3, write_folder, write_workbook
from safehub.frontdoor.models import Contact, Referral
from safehub.people.models import Person
from safehub.returns.annex_a import services
from safehub.returns.annex_a.exporter import build_lists, read_workbook_lists

COMMAND_LINE = command_line("tests")

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 5, 1, 10, 0, tzinfo=timezone.UTC) if hasattr(timezone, "UTC") else None


def _now():
    return timezone.make_aware(datetime(2025, 5, 1, 10, 0))


def run_import(path: Path, by=COMMAND_LINE, errors: Path | None = None):
    job = services.annex_a_job_create(path=path, file_name=path.name, by=by, now=_now())
    result = services.annex_a_import(job=job, by=by, now=_now(), errors_path=errors)
    job.refresh_from_db()
    return job, result


def _lists():
    return {
        1: [
            LIST1,
            ["C100", "a) Male", "a) WBRI", "01/02/2015", 9, "03/04/2024", "q) 6: Police"],
            ["C100", "Male", "WBRI", "01/02/2015", 9, "10/05/2024", "e) 2A: Schools"],
            ["C200", "b) Female", "o) BAFR", 45000, "", "2024-06-01", "g) 3A: Health services"],
        ],
        3: [
            LIST3,
            [
                "C100",
                "a) Male",
                "a) WBRI",
                "01/02/2015",
                9,
                "04/04/2024",
                "q) 6: Police",
                "b) No",
                1,
                "Assessment team",
                "J Smith",
            ],
            ["C200", "b) Female", "o) BAFR", "15/03/2023", 1, "02/06/2024", "Schools", "a) Yes", 1, "", ""],
        ],
    }


def test_import_creates_people_contacts_and_referrals_with_identifiers(tmp_path, annex_analyst):
    job, result = run_import(write_workbook(tmp_path / "annex.xlsx", _lists(), title_rows=2), by=annex_analyst)

    assert job.status == ImportStatus.DONE
    assert result.counts["List 1"]["imported"] == 3 and result.counts["List 3"]["imported"] == 2
    assert result.errors == []
    assert ExternalIdentifier.objects.filter(system="annex_a").count() == 2
    c100 = ExternalIdentifier.objects.get(value="C100").person
    assert (c100.sex, c100.ethnicity, c100.date_of_birth) == ("M", "WBRI", date(2015, 2, 1))
    assert sorted(c100.contacts.values_list("source", flat=True)) == ["2A", "6"]
    c200 = ExternalIdentifier.objects.get(value="C200").person
    assert c200.date_of_birth == date(2023, 3, 15)  # Excel serial 45000
    assert Referral.objects.get(person=c200).nfa is True
    assert AnnexALink.objects.get(list_number=3, object_id=Referral.objects.get(person=c100).pk).extras == {
        "allocated_team": "Assessment team",
        "allocated_worker": "J Smith",
    }
    audit = AuditEvent.objects.filter(action=AuditAction.IMPORT, object_id=str(job.pk)).get()
    assert audit.details["sha256"] == job.sha256 and audit.actor == annex_analyst


def test_reimporting_the_same_file_changes_nothing_and_a_newer_file_updates(tmp_path):
    path = write_workbook(tmp_path / "annex.xlsx", _lists())
    run_import(path)
    contacts, referrals = Contact.objects.count(), Referral.objects.count()

    _, again = run_import(path)

    assert again.total("imported") == 0 and again.total("updated") == 0
    assert again.counts["List 1"]["unchanged"] == 3 and again.counts["List 3"]["unchanged"] == 2
    assert (Contact.objects.count(), Referral.objects.count(), Person.objects.count()) == (contacts, referrals, 2)

    newer = _lists()
    newer[3][1][7] = "a) Yes"  # the referral was closed NFA since
    newer[3][1][10] = "A Jones"
    newer[1].append(["C300", "c) Not stated/recorded", "t) NOBT", "", "", "01/07/2024", "u) 10: Unknown"])
    _, updated = run_import(write_workbook(tmp_path / "annex-newer.xlsx", newer))

    assert updated.counts["List 3"]["updated"] == 1 and updated.counts["List 1"]["imported"] == 1
    assert Referral.objects.get(person__external_identifiers__value="C100").nfa is True
    assert Person.objects.count() == 3


def test_bad_rows_are_reported_and_good_rows_kept(tmp_path):
    lists = _lists()
    lists[1] += [
        ["", "a) Male", "a) WBRI", "", "", "03/04/2024", "6"],  # no child ID
        ["C400", "Robot", "a) WBRI", "", "", "03/04/2024", "6"],  # bad gender
        ["C401", "a) Male", "a) WBRI", "", "", "31/02/2024", "6"],  # not a date
        ["C402", "a) Male", "a) WBRI", "", "", "03/04/2099", "6"],  # future
        ["C403", "a) Male", "a) WBRI", "", '=HYPERLINK("x")', "03/04/2024", "6"],  # age is derived: kept, reported
    ]
    folder = write_folder(tmp_path / "annex", lists)

    job, result = run_import(folder)

    assert result.counts["List 1"]["imported"] == 4 and result.counts["List 1"]["rejected"] == 4
    report = tmp_path / "annex.errors.csv"
    rows = list(csv.DictReader(report.open()))
    assert {r["row"] for r in rows} == {"5", "6", "7", "8", "9"}
    assert any(r["column"] == "Gender" and r["value"] == "Robot" for r in rows)
    assert any(r["value"].startswith("'=HYPERLINK") for r in rows)  # formula neutralised in the report
    assert job.error_count == 5


def test_a_cell_holding_nul_is_reported_and_the_report_is_saved(tmp_path):
    """PostgreSQL text and JSON cannot hold NUL: a file with one (found by the property test) must
    still give a saved job with its error report, not a crash when the report is stored."""
    lists = _lists()
    lists[1] += [["C404", "Ma\x00le", "a) WBRI", "", "", "03/04/2024", "6"]]

    job, result = run_import(write_folder(tmp_path / "annex", lists))

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and result.counts["List 1"]["rejected"] == 1
    assert [e["value"] for e in job.errors if e["column"] == "Gender"] == ["Ma\ufffdle"]


def test_missing_key_column_rejects_the_list_with_one_problem(tmp_path):
    lists = {1: [["Child Unique ID", "Gender", "Ethnicity"], ["C1", "Male", "WBRI"]]}
    _, result = run_import(write_folder(tmp_path / "annex", lists))

    assert result.counts["List 1"]["rejected"] == 1 and Contact.objects.count() == 0
    assert any("Date of Contact" in e.message for e in result.errors)


def test_crash_leaves_nothing_half_imported(tmp_path, monkeypatch):
    from safehub.returns.annex_a import bindings

    def boom(self, person_ids):
        raise RuntimeError("disk full")

    monkeypatch.setattr(bindings.ReferralsBinding, "after_import", boom)
    path = write_workbook(tmp_path / "annex.xlsx", _lists())
    job = services.annex_a_job_create(path=path, file_name=path.name, by=COMMAND_LINE, now=_now())

    with pytest.raises(RuntimeError):
        services.annex_a_import(job=job, by=COMMAND_LINE, now=_now())

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "disk full" in job.failure
    assert Contact.objects.count() == 0 and Person.objects.count() == 0


def test_export_then_import_into_an_empty_database_gives_identical_lists(tmp_path, front_door):
    run_import(write_workbook(tmp_path / "annex.xlsx", _lists()))
    first = services.annex_a_export(year="2024-25", output=tmp_path / "first.xlsx", by=COMMAND_LINE, now=_now())
    first_lists = read_workbook_lists(first)
    assert len(first_lists) == 11 and len(first_lists[1]) == 4 and len(first_lists[3]) == 3

    for model in (AnnexALink, Referral, Contact, ExternalIdentifier):
        model.objects.all().delete()
    Person.objects.all().delete()
    ImportJob.objects.all().delete()
    run_import(first)
    second = read_workbook_lists(
        services.annex_a_export(year="2024-25", output=tmp_path / "second.xlsx", by=COMMAND_LINE, now=_now())
    )

    assert second == first_lists


def test_export_uses_template_labels_and_counts_referrals_in_12_months(tmp_path):
    lists = _lists()
    lists[3].append(["C100", "a) Male", "a) WBRI", "01/02/2015", "", "01/03/2025", "q) 6: Police", "b) No", "", "", ""])
    run_import(write_workbook(tmp_path / "annex.xlsx", lists))

    out = build_lists(date(2024, 4, 1), date(2025, 3, 31))

    header, *rows = out[3]
    c100 = [dict(zip(header, r, strict=True)) for r in rows if r[0] == "C100"]
    assert [r["Number of Referrals in Last 12 Months"] for r in c100] == [1, 2]
    assert c100[0]["Gender"] == "a) Male" and c100[0]["Referral Source"] == "q) 6: Police"
    assert Referral.objects.filter(is_re_referral=True).count() == 1


def test_analyst_required_for_import(tmp_path, police_officer):
    from django.core.exceptions import PermissionDenied

    path = write_workbook(tmp_path / "annex.xlsx", _lists())
    with pytest.raises(PermissionDenied):
        services.annex_a_job_create(path=path, file_name="annex.xlsx", by=police_officer, now=_now())


def test_cli_import_prints_counts_and_export_writes_workbook(tmp_path, capsys):
    from django.core.management import call_command

    path = write_workbook(tmp_path / "annex.xlsx", _lists())
    call_command("annex_a", "import", str(path))
    out = capsys.readouterr().out
    assert "List 1: imported 3, updated 0, unchanged 0, rejected 0" in out
    assert "Total: imported 5" in out

    with time_machine.travel(_now()):
        call_command("annex_a", "export", "--year", "2024-25", "--output", str(tmp_path / "out.xlsx"))
    assert read_workbook_lists(tmp_path / "out.xlsx")[1][1][0] == "C100"


def _casework_lists():
    from safehub.returns.annex_a.spec import LISTS

    def row(number, **cells):
        spec = LISTS[number]
        return [cells.get(c.field, "") for c in spec.columns]

    child = {"child_id": "C900", "gender": "b) Female", "ethnicity": "a) WBRI", "date_of_birth": "01/01/2012"}
    return {
        4: [
            [c.heading for c in LISTS[4].columns],
            row(
                4,
                **child,
                disability="b) No",
                start_date="01/05/2024",
                authorised_date="20/06/2024",
                allocated_team="Assessment",
            ),
        ],
        5: [
            [c.heading for c in LISTS[5].columns],
            row(5, **child, disability="b) No", strategy_date="02/05/2024", icpc_date="20/05/2024", icpc_plan="a) Yes"),
        ],
        7: [
            [c.heading for c in LISTS[7].columns],
            row(7, **child, disability="b) No", start_date="20/05/2024", initial_category="a) Neglect", epo="b) No"),
        ],
        8: [
            [c.heading for c in LISTS[8].columns],
            row(
                8,
                **child,
                disability="b) No",
                start_date="01/09/2024",
                legal_status="C2: FCO",
                need="N1 - Abuse or neglect",
                placement_type="U6",
            ),
            row(
                8, **{**child, "child_id": "C901"}, start_date="01/09/2024", end_date="01/08/2024"
            ),  # ends before it starts
        ],
    }


def test_casework_lists_import_and_round_trip(tmp_path):
    from safehub.casework.models import Assessment, ChildProtectionPlan, LookedAfterEpisode, Section47

    job, result = run_import(write_workbook(tmp_path / "annex.xlsx", _casework_lists()))

    assert {n: c["imported"] for n, c in result.counts.items()} == {"List 4": 1, "List 5": 1, "List 7": 1, "List 8": 2}
    assert result.counts["List 8"]["rejected"] == 0  # the odd end date is a warning; the row is kept
    assert Assessment.objects.get().authorised_date == date(2024, 6, 20)
    assert Section47.objects.get().icpc_date == date(2024, 5, 20)
    assert ChildProtectionPlan.objects.get().initial_category == "NEGLECT"
    assert LookedAfterEpisode.objects.get(legal_status="C2").start_date == date(2024, 9, 1)

    first = read_workbook_lists(
        services.annex_a_export(year="2024-25", output=tmp_path / "a.xlsx", by=COMMAND_LINE, now=_now())
    )
    _, again = run_import(tmp_path / "a.xlsx")
    assert again.total("imported") == 0 and again.total("updated") == 0
    header, row = first[8][0], first[8][1]
    assert dict(zip(header, row, strict=True))["Placement Type"] == "U6"  # kept although Safehub has no field for it


def test_rows_matching_existing_records_without_a_link_are_relinked(tmp_path):
    """A record already in Safehub (e.g. entered in the app) is linked, not duplicated, on import."""
    from safehub.exchange.models import AnnexALink

    path = write_workbook(tmp_path / "annex.xlsx", _lists())
    run_import(path)
    contacts = Contact.objects.count()
    AnnexALink.objects.filter(list_number=1).delete()
    _, again = run_import(path)
    assert Contact.objects.count() == contacts
    assert AnnexALink.objects.filter(list_number=1).count() == contacts
    assert again.total("imported") == 0


def _contact_key(contact: Contact) -> str:
    from safehub.returns.annex_a.bindings import uk_day

    return f"{contact.person_id}|{uk_day(contact.received_at).isoformat()}|{contact.source}"


def test_chunked_import_links_every_row_to_its_own_record_and_reimports_idempotently(tmp_path, monkeypatch):
    """Keys reserved for new records (fastwrite) must land on the right rows, across chunks."""
    from safehub.returns.annex_a import importer

    monkeypatch.setattr(importer, "CHUNK", 3)
    rows = [LIST1]
    for i in range(20):
        child = f"K{i % 7}"
        rows.append([child, "Female" if i % 2 else "Male", "WBRI", "", "", f"{1 + i:02d}/05/2024", "6"])
    rows.append(rows[5])  # the same row again, in another chunk: the same record
    folder = write_folder(tmp_path / "annex", {1: rows})

    _, first = run_import(folder)

    assert first.counts["List 1"] == {"imported": 20, "updated": 0, "unchanged": 1, "rejected": 0, "skipped": 0}
    assert Person.objects.count() == 7 and Contact.objects.count() == 20
    links = AnnexALink.objects.filter(list_number=1)
    contacts = Contact.objects.in_bulk([link.object_id for link in links])
    assert len(contacts) == 20
    assert all(_contact_key(contacts[link.object_id]) == link.natural_key for link in links)
    sexes = {(c.person.external_identifiers.get().value, c.received_at.day): c.child_sex for c in contacts.values()}
    assert sexes[("K1", 2)] == "F" and sexes[("K0", 1)] == "M"

    _, again = run_import(folder)

    assert again.counts["List 1"] == {"imported": 0, "updated": 0, "unchanged": 21, "rejected": 0, "skipped": 0}
    assert Contact.objects.count() == 20 and AnnexALink.objects.count() == 20

    rows[1][1] = "Female"  # the first contact's child is now recorded as female
    deleted = Contact.objects.get(person__external_identifiers__value="K3", received_at__day=4)
    deleted_key = _contact_key(deleted)
    deleted.delete()  # removed in Safehub since: the file brings it back
    _, newer = run_import(write_folder(tmp_path / "newer", {1: rows}))

    assert newer.counts["List 1"]["updated"] == 1 and newer.counts["List 1"]["imported"] == 1
    assert Contact.objects.count() == 20 and AnnexALink.objects.count() == 20
    relinked = AnnexALink.objects.get(list_number=1, natural_key=deleted_key)
    assert _contact_key(Contact.objects.get(pk=relinked.object_id)) == deleted_key
    assert Contact.objects.get(person__external_identifiers__value="K0", received_at__day=1).child_sex == "F"


def test_the_registry_gives_each_list_the_binding_of_its_number():
    from safehub.returns.annex_a import bindings, spec
    from safehub.returns.annex_a.bindings_casework import CPPlansOpenBinding
    from safehub.returns.annex_a.bindings_lookedafter import LookedAfterPeriodsBinding

    names = {number: list_spec.binding for number, list_spec in spec.LISTS.items()}
    assert {number: bindings.BINDINGS[name].list_number for number, name in names.items()} == {n: n for n in names}
    # Lists 7 and 8 come from the case spine (every plan or period open in the year).
    assert bindings.BINDINGS["cp_plans"] is CPPlansOpenBinding
    assert bindings.BINDINGS["cla"] is LookedAfterPeriodsBinding
