from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import Workbook

from safehub.exchange import returns, selectors, services
from safehub.exchange.models import Submission, SubmissionReminder, SubmissionStatus, SubmissionValue
from safehub.exchange.safety import neutralise, sniff_upload
from safehub.testing.factories import AgencyFactory, make_user

pytestmark = pytest.mark.django_db
REFERENCE = Path(__file__).resolve().parents[2] / "demo" / "data"  # copies of the published reference tables
NOW = datetime(2025, 5, 20, 12, 0, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def yjs_officer(db):
    yjs = AgencyFactory(kind="YOUTH_JUSTICE", code="YJS", name="Youth Justice Service")
    return make_user("yjs.officer", "AGENCY_PRACTITIONER", yjs)


@pytest.fixture
def la_officer(front_door):
    return make_user("la.officer", "AGENCY_PRACTITIONER", front_door)


def upload(user, code, data, name="return.csv", quarter=date(2025, 1, 1)):
    from safehub.agencies.models import Membership

    agency = Membership.objects.get(user=user).agency
    return services.submission_upload(
        agency=agency, return_code=code, period_start=quarter, file_name=name, data=data, by=user, now=NOW
    )


def test_reference_files_are_accepted_and_values_stored_for_insight(yjs_officer, la_officer):
    yj = upload(yjs_officer, "youth_justice", (REFERENCE / "youth_justice.csv").read_bytes())
    ed = upload(la_officer, "education_attendance", (REFERENCE / "education_attendance.csv").read_bytes())

    assert yj.status == ed.status == SubmissionStatus.ACCEPTED
    assert len(yj.sha256) == 64 and yj.schema_version == 1 and yj.submitted_by == yjs_officer
    values = selectors.partner_values("education_attendance", date(2025, 1, 1), date(2025, 3, 31))
    persistent = [
        v for v in values if v["measure"] == "Persistent absence primary (%)" and v["period_label"] == "2024-2025"
    ]
    assert persistent[0]["value"] == Decimal("15.9")
    remand = [
        v
        for v in selectors.partner_values("youth_justice", date(2025, 1, 1), date(2025, 3, 31))
        if v["measure"] == "children on remand"
    ]
    assert [(v["period_label"], v["value"]) for v in remand] == [("2022/23", 14), ("2023/24", 10), ("2024/25", 6)]


def test_problems_are_collected_and_the_return_rejected(yjs_officer):
    data = (
        b"measure,period,value,count,colour\n"
        b"children on remand,2024/25,-1,,\n"
        b"made up measure,2024/25,3,,\n"
        b"children on remand,last year,4,x,\n"
    )

    submission = upload(yjs_officer, "youth_justice", data)

    assert submission.status == SubmissionStatus.REJECTED
    assert SubmissionValue.objects.count() == 0
    submission = upload(yjs_officer, "youth_justice", data.replace(b",colour", b""))
    messages = {(e["row"], e["column"]) for e in submission.errors}
    assert {(2, "value"), (3, "measure"), (4, "period"), (4, "count")} <= messages


def test_resubmission_supersedes_and_xlsx_is_accepted(yjs_officer):
    upload(yjs_officer, "youth_justice", b"measure,period,value,count\nchildren on remand,2024/25 Q4,7,\n")
    workbook = Workbook()
    workbook.active.append(["measure", "period", "value", "count"])
    workbook.active.append(["children on remand", "2024/25 Q4", 5, None])
    buffer = BytesIO()
    workbook.save(buffer)

    upload(yjs_officer, "youth_justice", buffer.getvalue(), name="return.xlsx")

    values = selectors.partner_values("youth_justice", date(2025, 1, 1), date(2025, 3, 31))
    assert [v["value"] for v in values] == [5]


def test_upload_limits_type_and_size(yjs_officer, settings):
    with pytest.raises(ValidationError):
        upload(yjs_officer, "youth_justice", b"%PDF-1.4 not a csv", name="return.csv")
    with pytest.raises(ValidationError):
        upload(yjs_officer, "youth_justice", b"measure,value\n", name="return.exe")
    with pytest.raises(ValidationError):
        upload(yjs_officer, "youth_justice", b"PK\x03\x04 but not really", name="return.xlsx")
    settings.SAFEHUB_MAX_UPLOAD_BYTES = 10
    with pytest.raises(ValidationError):
        upload(yjs_officer, "youth_justice", b"measure,period,value\n", name="return.csv")
    assert Submission.objects.count() == 0


def test_agency_cannot_submit_for_another_or_a_return_it_does_not_owe(yjs_officer, police):
    with pytest.raises(PermissionDenied):
        services.submission_upload(
            agency=police,
            return_code="police_safeguarding",
            period_start=date(2025, 1, 1),
            file_name="r.csv",
            data=b"x",
            by=yjs_officer,
            now=NOW,
        )
    with pytest.raises(ValidationError):
        upload(yjs_officer, "police_safeguarding", b"measure,value\n")


def test_tracker_shows_on_time_late_missing_and_reminders_are_idempotent(yjs_officer, police, analyst):
    upload(
        yjs_officer,
        "youth_justice",
        b"measure,period,value,count\nchildren on remand,2024/25 Q4,7,\n",
        quarter=date(2025, 1, 1),
    )
    late = upload(
        yjs_officer,
        "youth_justice",
        b"measure,period,value,count\nchildren on remand,2024/25 Q3,7,\n",
        quarter=date(2024, 10, 1),
    )
    assert late.status == SubmissionStatus.ACCEPTED  # sent on 20/05/2025, due 30/01/2025

    data = selectors.tracker(user=analyst, now=NOW, quarters=4)

    labels = [p["label"] for p in data["periods"]]
    yjs_row = next(r for r in data["rows"] if r["agency_code"] == "YJS")
    by_label = dict(zip(labels, yjs_row["cells"], strict=True))
    assert by_label["2024/25 Q3"]["status"] == "late"
    assert by_label["2024/25 Q2"]["status"] == "missing"
    police_row = next(r for r in data["rows"] if r["agency_code"] == "POL")
    assert dict(zip(labels, police_row["cells"], strict=True))["2024/25 Q4"]["status"] == "missing"  # due 30/04/2025
    made = services.submission_reminders_create(now=NOW, by=analyst)
    assert {(r.agency.code, r.period_start) for r in made} >= {("YJS", date(2024, 7, 1)), ("POL", date(2024, 7, 1))}
    assert services.submission_reminders_create(now=NOW, by=analyst) == []
    assert SubmissionReminder.objects.filter(agency__code="YJS", period_start=date(2025, 1, 1)).count() == 0


def test_tracker_needs_permission(yjs_officer):
    with pytest.raises(PermissionDenied):
        selectors.tracker(user=yjs_officer, now=NOW)


def test_exchange_remind_command(police, capsys):
    from django.core.management import call_command

    with time_machine.travel(NOW):
        call_command("exchange_remind")
    assert "reminders created" in capsys.readouterr().out
    assert SubmissionReminder.objects.filter(agency=police, kind="MISSING").exists()


def test_formula_injection_neutralised_and_content_sniffing():
    assert [neutralise(v) for v in ["=1+1", "+x", "-2", "@SUM", "\tx", "\rx", "ok", 5]] == [
        "'=1+1",
        "'+x",
        "'-2",
        "'@SUM",
        "'\tx",
        "'\rx",
        "ok",
        5,
    ]
    assert sniff_upload("a.csv", b"measure,value\n") == "csv"
    assert sniff_upload("a.csv", b"\x00\x01binary") is None
    assert sniff_upload("a.txt", b"measure") is None


def test_quarters():
    assert returns.quarter_of(date(2025, 2, 3)) == (date(2025, 1, 1), date(2025, 3, 31))
    assert returns.quarter_label(date(2025, 1, 1)) == "2024/25 Q4"
    assert returns.return_spec("youth_justice").due_date(date(2025, 3, 31)) == date(2025, 4, 30)
