"""CSV import/export: strict rows, collected errors, idempotent re-import, nothing half-imported."""

import csv
import io
from datetime import UTC, date, datetime
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safehub.adults import io as adults_io
from safehub.adults.models import Enquiry, SafeguardingConcern
from safehub.core.models import AuditAction, AuditEvent
from safehub.testing.factories import AgencyFactory, PersonFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 5, 1, 12, tzinfo=UTC)


@pytest.fixture
def setting(db):
    AgencyFactory(kind="LA_ADULTS", code="ASC", name="Adult Social Care")
    AgencyFactory(kind="CARE_PROVIDER", code="CARE1", name="Oakfield")
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
        "risk_location": "CARE_HOME",
        "risk_source": "SERVICE_PROVIDER",
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
    writer = csv.DictWriter(out, fieldnames=adults_io.COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_import_creates_concern_and_enquiry_with_every_sac_field(setting):
    result = adults_io.adults_csv_import(text=to_csv([enquiry_row(), concern_row()]), now=NOW)
    assert (result.created, result.errors) == (2, [])
    enquiry = Enquiry.objects.get()
    assert enquiry.concern.source_record_id == "C1"
    assert enquiry.risk_type_codes() == ["FINANCIAL", "NEGLECT"]
    assert (enquiry.carried_out_by.code, enquiry.lacked_capacity, enquiry.advocate_support) == ("CARE1", "YES", True)
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT).count() == 2


def test_reimport_changes_nothing_and_a_changed_row_updates(setting):
    text = to_csv([concern_row(), enquiry_row()])
    adults_io.adults_csv_import(text=text, now=NOW)
    again = adults_io.adults_csv_import(text=text, now=NOW)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = adults_io.adults_csv_import(
        text=to_csv([concern_row(), enquiry_row(risk_types="NEGLECT", risk_outcome="REMOVED")]), now=NOW
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
    assert adults_io.adults_csv_export(year="2024-25", out=out, now=NOW) == 2
    result = adults_io.adults_csv_import(text=out.getvalue(), now=NOW)
    assert (result.unchanged, result.created, result.errors) == (2, 0, [])


def test_bad_rows_are_reported_with_row_and_column_and_good_rows_kept(setting):
    rows = [
        concern_row("C1"),
        concern_row("C2", received_date="31/02/2024"),
        concern_row("C3", care_and_support_needs="N"),  # S42 decision without the test
        concern_row("C4", consent="REFUSED"),  # no lawful basis
        enquiry_row("E9", concern="NOPE"),
        enquiry_row("E1", concern="C1", risk_types="NEGLECT;TAX_EVASION"),
    ]
    result = adults_io.adults_csv_import(text=to_csv(rows), now=NOW)
    assert result.created == 1
    assert SafeguardingConcern.objects.get().source_record_id == "C1"
    by_row = {e["row"]: e["column"] for e in result.errors}
    assert by_row == {
        3: "received_date",
        4: "decision",
        5: "lawful_basis",
        6: "concern_record_id",
        7: "risk_types",
    }
    assert all(set(e) == {"row", "column", "value", "message"} for e in result.errors)


def test_s42_enquiry_from_a_concern_failing_the_test_is_refused(setting):
    rows = [concern_row(decision="OTHER", unable_to_protect_self="N"), enquiry_row()]
    result = adults_io.adults_csv_import(text=to_csv(rows), now=NOW)
    assert [e["column"] for e in result.errors] == ["enquiry_kind"]
    assert not Enquiry.objects.exists()


def test_missing_columns_are_reported():
    result = adults_io.adults_csv_import(text="a,b\n1,2\n", now=NOW)
    assert result.errors[0]["message"] == "Missing required columns" and result.created == 0


def test_a_crash_leaves_nothing_half_imported(setting):
    rows = [concern_row("C1"), concern_row("C2")]
    real = adults_io._import_row
    calls = []

    def crash_on_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    with mock.patch.object(adults_io, "_import_row", crash_on_second), pytest.raises(RuntimeError):
        adults_io.adults_csv_import(text=to_csv(rows), now=NOW)
    assert not SafeguardingConcern.objects.exists()


JUNK = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "N/A", "2024-13-45", "9999-01-01", "yes please", "S42", "\x00", "0", "-1", "é", ";;"]),
)
COLUMNS_TO_BREAK = [c for c in adults_io.COMMON + adults_io.CONCERN_COLUMNS if c != "record_id"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(breakages=st.lists(st.tuples(st.sampled_from(COLUMNS_TO_BREAK), JUNK), min_size=1, max_size=4))
def test_malformed_cells_never_crash_and_never_lose_a_good_row(setting, breakages):
    bad = concern_row("BAD")
    for column, junk in breakages:
        bad[column] = junk
    good = concern_row("GOOD")
    result = adults_io.adults_csv_import(text=to_csv([bad, good]), now=NOW)
    assert SafeguardingConcern.objects.filter(source_record_id="GOOD").exists()
    assert all(e["row"] in (2, 3) and isinstance(e["message"], str) and e["message"] for e in result.errors)
    assert result.imported + len({e["row"] for e in result.errors}) == 2
    SafeguardingConcern.objects.all().delete()  # each example starts empty (the db is shared across examples)
