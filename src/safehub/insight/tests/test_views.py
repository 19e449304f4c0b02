"""Insight pages: who may see them, what they show, drill-downs that respect access, report builds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from safehub.insight.models import BuildStatus, ReportBuild, ReportSection
from safehub.people.models import BreakGlassGrant
from safehub.testing.factories import make_user

from .fixtures import make_records

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 6, 2, 9, tzinfo=UTC)


@pytest.fixture
def manager(front_door):
    return make_user("fd.manager", "FRONT_DOOR_MANAGER", front_door)


@pytest.fixture
def partnership_manager(db):
    from safehub.testing.factories import AgencyFactory

    return make_user("pm.user", "PARTNERSHIP_MANAGER", AgencyFactory(kind="PARTNERSHIP", code="PM"))


@time_machine.travel(NOW, tick=False)
def test_home_shows_headline_measures_for_the_year_and_the_year_before(client, analyst) -> None:
    make_records()
    client.force_login(analyst)

    response = client.get(reverse("insight:home"), {"year": "2024-25"})

    assert response.status_code == 200
    rows = {r["id"]: r for r in response.context["rows"]}
    assert rows["contacts_total"]["shown"] == "4"
    assert rows["re_referrals_12m_pct"]["shown"] == "33.3%"
    assert rows["contacts_total"]["previous"] == "0"


def test_practitioners_may_not_see_insight(client, mash_worker, police_officer) -> None:
    for user in (mash_worker, police_officer):
        client.force_login(user)
        assert client.get(reverse("insight:home")).status_code == 403
        assert client.get(reverse("insight:chart", args=["trend-contacts_total", "svg"])).status_code == 403


def test_analyst_may_not_edit_sections_without_permission_but_partnership_manager_may(
    client, partnership_manager, manager
) -> None:
    url = reverse("insight:section_edit", args=["2024-25", "FOREWORD"])
    client.force_login(manager)
    assert client.get(url).status_code == 403

    client.force_login(partnership_manager)
    response = client.post(url, {"text": "Our year.\n\nSecond paragraph.", "version": "0"})

    assert response.status_code == 302
    section = ReportSection.objects.get(year="2024-25", key="FOREWORD")
    assert section.text == "Our year.\n\nSecond paragraph." and section.version == 1


def test_a_stale_section_edit_is_refused_and_keeps_the_text(client, partnership_manager) -> None:
    url = reverse("insight:section_edit", args=["2024-25", "FOREWORD"])
    client.force_login(partnership_manager)
    client.post(url, {"text": "First", "version": "0"})

    response = client.post(url, {"text": "Mine", "version": "0"})

    assert response.status_code == 200
    assert "Someone else changed this section" in response.content.decode()
    assert ReportSection.objects.get(year="2024-25", key="FOREWORD").text == "First"


def test_measure_page_shows_the_definition(client, analyst) -> None:
    client.force_login(analyst)

    response = client.get(reverse("insight:measure", args=["icpc_within_15wd_pct"]), {"year": "2024-25"})

    page = response.content.decode()
    assert "Initial conferences within 15 working days" in page
    assert "conferences in the year" in page  # the denominator
    assert "section47" in page  # the records used


def test_drilldown_lists_only_people_the_user_may_open_and_counts_the_rest(client, analyst) -> None:
    records = make_records()
    BreakGlassGrant.objects.create(user=analyst, person=records.anna, reason="Audit of re-referrals",
                                   granted_at=datetime(2020, 1, 1, tzinfo=UTC),
                                   expires_at=datetime(2100, 1, 1, tzinfo=UTC))  # fmt: skip
    client.force_login(analyst)

    response = client.get(reverse("insight:measure_records", args=["referrals_total"]), {"year": "2024-25"})

    assert response.context["total"] == 3
    assert [r["person_id"] for r in response.context["rows"]] == [records.anna.pk]
    assert response.context["hidden"] == 2


def test_front_door_manager_sees_every_unsealed_child_in_a_drilldown(client, manager) -> None:
    records = make_records()
    records.ben.sealed = True
    records.ben.save()
    client.force_login(manager)

    response = client.get(reverse("insight:measure_records", args=["referrals_total"]), {"year": "2024-25"})

    assert {r["person_id"] for r in response.context["rows"]} == {records.anna.pk, records.dev.pk}
    assert response.context["hidden"] == 1


def test_charts_download_as_svg_png_and_csv(client, analyst) -> None:
    make_records()
    client.force_login(analyst)
    url = reverse("insight:chart", args=["trend-contacts_total", "svg"])

    svg = client.get(url, {"year": "2024-25"})
    png = client.get(reverse("insight:chart", args=["breakdown-source", "png"]), {"year": "2024-25"})
    csv_body = client.get(reverse("insight:chart", args=["trend-contacts_total", "csv"]), {"year": "2024-25"})

    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    lines = csv_body.content.decode().splitlines()
    assert lines[0] == ",2024-25"
    assert lines[2] == "2024-05,1"  # Anna's contact on 10 May
    assert client.get(reverse("insight:chart", args=["trend-nonsense", "svg"])).status_code == 404


def test_dashboard_has_breakdowns_from_the_records(client, analyst) -> None:
    make_records()
    client.force_login(analyst)

    response = client.get(reverse("insight:dashboard"), {"year": "2024-25"})

    by_source = next(b for b in response.context["breakdowns"] if b["key"] == "source")
    assert {r.label: r.contacts for r in by_source["rows"]} == {"Police": 2, "Schools": 1, "Health": 1}


def test_report_build_runs_as_a_task_and_serves_html_and_pdf(client, partnership_manager, settings, tmp_path: Path,
                                                             django_capture_on_commit_callbacks) -> None:  # fmt: skip
    settings.DATA_DIR = tmp_path
    make_records()
    client.force_login(partnership_manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("insight:report_build"), {"year": "2024-25"})

    assert response.status_code == 302
    build = ReportBuild.objects.get()
    assert build.status == BuildStatus.DONE and build.progress == 100
    html = client.get(reverse("insight:report_file", args=[build.pk, "report.html"]))
    assert b"<caption>Contacts, referrals and assessments</caption>" in b"".join(html.streaming_content)
    pdf = client.get(reverse("insight:report_file", args=[build.pk, "report.pdf"]))
    assert b"".join(pdf.streaming_content)[:5] == b"%PDF-"
    assert client.get(reverse("insight:report_file", args=[build.pk, "secrets.txt"])).status_code == 404
    progress = client.get(reverse("insight:report_build_progress", args=[build.pk]))
    assert "download the PDF" in progress.content.decode()
