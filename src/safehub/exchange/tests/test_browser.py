"""The tracker and Annex A pages in Debian chromium, with the axe check and screenshots."""

import pytest
from django.utils import timezone

from safehub.exchange.tests.helpers import LIST1, write_workbook
from safehub.testing.browser import axe_violations, browser_page, screenshot, session_for
from safehub.testing.factories import AgencyFactory, SubmissionFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tracker_and_annex_a_pages(live_server, client, tmp_path, settings, front_door, police, analyst):
    settings.DATA_DIR = tmp_path / "var"
    yjs = AgencyFactory(kind="YOUTH_JUSTICE", code="YJS", name="Youth Justice Service")
    officer = make_user("yjs.officer", "AGENCY_PRACTITIONER", yjs)
    SubmissionFactory(agency=yjs, submitted_by=officer, submitted_at=timezone.now())  # youth justice, Jan-Mar 2025
    url = live_server.url
    with browser_page(url, session_for(client, analyst)) as page:
        page.goto(url + "/exchange/tracker/")
        assert "Youth Justice Service" in page.inner_text("table")
        assert page.locator(".govuk-tag--red").count() >= 1  # missing returns are shown
        assert axe_violations(page) == []
        screenshot(page, "exchange_tracker")

    manager = make_user("fd.manager", "FRONT_DOOR_MANAGER", front_door)
    path = write_workbook(
        tmp_path / "annex.xlsx",
        {
            1: [
                LIST1,
                ["C1", "Male", "WBRI", "", "", "03/04/2024", "6"],
                ["C2", "Robot", "WBRI", "", "", "03/04/2024", "6"],
            ]
        },
    )
    with browser_page(url, session_for(client, manager)) as page:
        page.goto(url + "/exchange/annex-a/")
        assert axe_violations(page) == []
        screenshot(page, "exchange_annex_a")
        page.set_input_files("#id_file", str(path))
        page.click("button:has-text('Import')")
        page.wait_for_selector("text=Rows by list")
        assert "Robot" in page.inner_text("#job-progress")
        assert axe_violations(page) == []
        screenshot(page, "exchange_annex_a_job")
