"""Strategy meeting from convening to a partner reading the shared record, in Debian chromium."""

import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from safehub.casework.models import RecordShare
from safehub.testing.browser import SCREENSHOTS, axe_violations, browser_page, screenshot, session_for
from safehub.testing.factories import InvolvementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_convene_hold_record_approve_and_police_read(
    live_server, client, mash_manager, police_officer, police, child, front_door
):
    url = live_server.url
    InvolvementFactory(person=child, agency=front_door, started_at=timezone.now())
    with browser_page(url, session_for(client, mash_manager)) as page:
        page.goto(f"{url}/casework/meetings/new/{child.pk}/")
        assert axe_violations(page) == []
        page.fill("#id_scheduled_at", (timezone.localtime() - timedelta(hours=1)).strftime("%d/%m/%Y %H:%M"))
        page.select_option("#id_chair", str(mash_manager.pk))
        page.check(f"input[name='agencies'][value='{police.pk}']")
        page.click("button:has-text('Convene and invite')")
        page.wait_for_selector("text=Strategy meeting convened")
        page.select_option("#id_agency", str(police.pk))
        page.select_option("#id_attendance", "ATTENDED")
        page.fill("#id_information_shared", "Two domestic abuse call-outs in October")
        page.click("button:has-text('Save attendance')")
        page.wait_for_selector("text=Two domestic abuse call-outs")
        page.fill("#id_held_at", timezone.localtime().strftime("%d/%m/%Y %H:%M"))
        page.select_option("#id_decision", "SECTION_47")
        page.click("button:has-text('Record the meeting as held')")
        page.wait_for_selector("h2:has-text('Write the record')")
        page.fill("#id_record_text", "Police and school shared concerns. Section 47 agreed. Safety plan tonight.")
        page.click("button:has-text('Save draft record')")
        page.wait_for_selector("button:has-text('Approve and share with every agency')")
        page.click("button:has-text('Approve and share with every agency')")
        page.wait_for_selector("text=Record approved and shared with 1 agencies")
        assert axe_violations(page) == []
        screenshot(page, "strategy_meeting")
    share = RecordShare.objects.get(agency=police)
    assert share.read_at is None

    with browser_page(url, session_for(client, police_officer)) as page:
        page.goto(url + "/casework/shared-with-us/")
        assert axe_violations(page) == []
        page.click(f"a:has-text('{child.display_name}')")
        page.wait_for_selector("text=Section 47 agreed")
        assert page.locator("text=Agencies").count() == 0  # the partner sees the record, not the workings
        screenshot(page, "strategy_record_police")
        with page.expect_download() as download:
            page.click("text=Download the record (PDF)")
        pdf = SCREENSHOTS / "strategy_record.pdf"
        download.value.save_as(pdf)
    share.refresh_from_db()
    assert share.read_by == police_officer
    assert pdf.read_bytes()[:4] == b"%PDF"
    if subprocess.run(["which", "pdftotext"], capture_output=True).returncode == 0:
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "Section 47 agreed" in text
