"""The sign-off page and the paged meetings list in headless chromium, with the axe check."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from safehub.partnership.meetings import services as meetings_services
from safehub.partnership.models import SubGroup
from safehub.partnership.signoff import services as signoff_services
from safehub.testing.browser import axe_violations, browser_page, screenshot, session_for
from safehub.testing.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_off_and_meetings_pages_pass_axe(live_server, client, manager, business_unit, police, police_officer):
    now = timezone.now()
    scrutineer = make_user("the.scrutineer", "PARTNERSHIP_MANAGER", business_unit)
    draft = signoff_services.report_draft_start(year="2025-26", scrutineer=scrutineer, by=manager, now=now)
    signoff_services.report_section_assign(draft=draft, key="MASH", lead=police_officer, by=manager, now=now)
    signoff_services.report_comment_add(
        draft=draft, key="MASH", text="Add the conversion rate.", by=scrutineer, now=now
    )
    for i in range(55):
        meetings_services.meeting_record(group=SubGroup.LEARNING, held_at=now - timedelta(days=7 * i + 1), chair_name="Chair",
                                         summary="", decisions="Agree the programme", present=[police], by=manager, now=now)  # fmt: skip
    with browser_page(live_server.url, session_for(client, police_officer)) as page:
        page.goto(f"{live_server.url}/partnership/yearly-report/2025-26/")
        assert "Add the conversion rate." in page.inner_text("main")
        assert page.is_visible("button:has-text('Ready')")  # the lead may say their section is ready
        assert axe_violations(page) == []
        screenshot(page, "partnership_report_signoff")
        page.goto(f"{live_server.url}/partnership/meetings/?sort=held&dir=desc")
        assert "55 meetings" in page.inner_text("main") and page.is_visible("nav.govuk-pagination")
        assert axe_violations(page) == []
        screenshot(page, "partnership_meetings_paged")
