from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safehub.exchange.models import ImportJob, ImportStatus, Submission
from safehub.exchange.tests.helpers import LIST1, write_workbook
from safehub.testing.factories import AgencyFactory, make_user

pytestmark = pytest.mark.django_db


def test_annex_a_page_imports_with_progress_and_report(client, tmp_path, front_door):
    manager = make_user("fd.manager", "FRONT_DOOR_MANAGER", front_door)
    client.force_login(manager)
    path = write_workbook(
        tmp_path / "annex.xlsx",
        {1: [LIST1, ["C1", "Male", "WBRI", "", "", "03/04/2024", "6"], ["", "Male", "", "", "", "x", "6"]]},
    )

    response = client.post(reverse("exchange:annex_a"), {"file": SimpleUploadedFile("annex.xlsx", path.read_bytes())})

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("exchange:annex_a_job", args=[job.pk])
    assert job.status == ImportStatus.DONE and job.requested_by == manager and job.error_count == 3
    page = client.get(reverse("exchange:annex_a_job_progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in page and 'value="100"' in page and "Download the error report" in page
    report = client.get(reverse("exchange:annex_a_job_errors", args=[job.pk]))
    assert b"Child Unique ID" in b"".join(report.streaming_content)


def test_annex_a_page_refuses_a_non_workbook_and_other_roles(client, front_door, police_officer):
    manager = make_user("fd.manager", "FRONT_DOOR_MANAGER", front_door)
    client.force_login(manager)
    response = client.post(reverse("exchange:annex_a"), {"file": SimpleUploadedFile("annex.xlsx", b"not a zip")})
    assert response.status_code == 200 and "Upload an .xlsx workbook" in response.content.decode()
    assert ImportJob.objects.count() == 0
    client.force_login(police_officer)
    assert client.get(reverse("exchange:annex_a")).status_code == 403


def test_annex_a_export_downloads_a_workbook(client, front_door):
    client.force_login(make_user("fd.manager", "FRONT_DOOR_MANAGER", front_door))
    response = client.post(reverse("exchange:annex_a_export"), {"year": "2024-25"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith(
        'attachment; filename="annex-a-2024-25.xlsx"'
    )


def test_return_upload_page_shows_the_validation_report(client, django_capture_on_commit_callbacks):
    yjs = AgencyFactory(kind="YOUTH_JUSTICE", code="YJS", name="Youth Justice Service")
    officer = make_user("yjs.officer", "AGENCY_PRACTITIONER", yjs)
    client.force_login(officer)
    page = client.get(reverse("exchange:home"))
    quarter = page.context["form"].fields["period_start"].choices[1][0]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("exchange:home"),
            {
                "return_code": "youth_justice",
                "period_start": quarter,
                "file": SimpleUploadedFile("yj.csv", b"measure,period,value\nchildren on remand,2024/25,abc\n"),
            },
        )

    # The upload is queued and validated by the task (here the immediate backend), not the request.
    assert response.status_code == 302 and "/returns/jobs/" in response.url
    submission = Submission.objects.get()
    job_page = client.get(response.url)
    assert job_page.status_code == 302
    detail = client.get(job_page.url).content.decode()
    assert "Expected a number" in detail and submission.status == "REJECTED"


def test_tracker_and_tokens_pages_need_their_roles(client, analyst, administrator, police_officer):
    client.force_login(analyst)
    assert client.get(reverse("exchange:tracker")).status_code == 200
    assert client.get(reverse("exchange:tokens")).status_code == 403
    client.force_login(administrator)
    assert client.get(reverse("exchange:tokens")).status_code == 200
    client.force_login(police_officer)
    assert client.get(reverse("exchange:tracker")).status_code == 403


def test_administrator_creates_and_revokes_a_token_on_the_page(client, administrator, police_officer):
    from safehub.exchange.models import ApiToken

    client.force_login(administrator)
    response = client.post(
        reverse("exchange:tokens"),
        {"agency": "POL", "username": "police.officer", "scopes": ["outcomes:read"], "name": "Niche RMS"},
    )
    token = ApiToken.objects.get()
    assert "shb_" in response.content.decode() and token.user == police_officer
    client.post(reverse("exchange:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_home_panels(analyst, police_officer):
    from django.utils import timezone

    from safehub.exchange.home import home_panels

    assert {p["url_name"] for p in home_panels(analyst, now=timezone.now())} >= {"exchange:tracker", "exchange:annex_a"}
    assert home_panels(police_officer, now=timezone.now()) == []


def test_an_oversized_upload_is_refused_from_its_declared_length(client, settings):
    yjs = AgencyFactory(kind="YOUTH_JUSTICE", code="YJS", name="Youth Justice Service")
    officer = make_user("yjs.big", "AGENCY_PRACTITIONER", yjs)
    client.force_login(officer)
    settings.SAFEHUB_MAX_UPLOAD_BYTES = 1000
    page = client.get(reverse("exchange:home"))
    quarter = page.context["form"].fields["period_start"].choices[1][0]
    response = client.post(
        reverse("exchange:home"),
        {"return_code": "youth_justice", "period_start": quarter, "file": SimpleUploadedFile("yj.csv", b"x" * 5000)},
    )
    assert response.status_code == 200
    assert "larger than" in response.content.decode() or "too large" in response.content.decode()
    assert not Submission.objects.exists()


def test_a_zip_bomb_workbook_is_refused_before_parsing(client, tmp_path):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (300 * 1024 * 1024))  # 300 MB of zeros, ~300 KB zipped
    yjs = AgencyFactory(kind="YOUTH_JUSTICE", code="YJS", name="Youth Justice Service")
    officer = make_user("yjs.bomb", "AGENCY_PRACTITIONER", yjs)
    client.force_login(officer)
    page = client.get(reverse("exchange:home"))
    quarter = page.context["form"].fields["period_start"].choices[1][0]
    response = client.post(
        reverse("exchange:home"),
        {
            "return_code": "youth_justice",
            "period_start": quarter,
            "file": SimpleUploadedFile("bomb.xlsx", buffer.getvalue()),
        },
    )
    assert response.status_code == 200 and "unpacks to" in response.content.decode()
    assert not Submission.objects.exists()


def test_a_workbook_with_too_many_rows_is_one_problem_not_a_long_request():
    import io

    from openpyxl import Workbook

    from safehub.exchange import returns

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["measure", "period", "value"])
    for i in range(30_000):
        sheet.append(["children on remand", "2024/25", i])
    data = io.BytesIO()
    workbook.save(data)
    checked = returns.validate(data.getvalue(), "xlsx", returns.return_spec("youth_justice"))
    assert checked.figures == [] and "at most 5,000" in checked.problems[0].message
