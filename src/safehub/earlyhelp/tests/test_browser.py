"""In Debian chromium: an early help assessment from the start, completed, then stepped up to social care."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from safehub.casework.models import CaseEpisode
from safehub.earlyhelp.models import EarlyHelpEpisode
from safehub.frontdoor.models import Referral
from safehub.testing.browser import axe_violations, browser_page, screenshot, session_for
from safehub.testing.factories import InvolvementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_assessment_through_step_up(live_server, client, family, eh_manager):
    child, today = family["child"], timezone.localdate()
    # The school asked the early help team for help: children's services hold a legitimate relationship.
    InvolvementFactory(
        person=child, agency=eh_manager.membership.agency, kind="PROFESSIONAL", started_at=timezone.now(), source="test"
    )
    url = live_server.url
    with browser_page(url, session_for(client, eh_manager)) as page:
        page.goto(f"{url}/early-help/new/?person={child.pk}")
        page.select_option("#id_origin", "AGENCY")
        page.fill("#id_assessment_start_date", (today - timedelta(days=20)).strftime("%d/%m/%Y"))
        page.fill("#id_origin_reason", "School worried about attendance and mum's low mood")
        page.check("label:has-text('Jo Hart')")
        page.click("button:has-text('Save')")
        page.wait_for_selector("text=the assessment has started")
        assert "Jo Hart" in page.inner_text("main")
        assert axe_violations(page) == []

        page.click("text=Complete the assessment and start the plan")
        page.fill("#id_assessment-completed_date", today.strftime("%d/%m/%Y"))
        page.fill("#id_assessment-summary", "Loving family; attendance 71%; mum not sleeping")
        page.fill("#id_assessment-plan_outcomes", "Attendance above 90%; GP appointment for mum")
        page.click("#action-assessment button:has-text('Save')")
        page.wait_for_selector("text=Early help plan")

        page.click("text=Step up to children's social care")
        page.fill("#id_step_up-step_date", today.strftime("%d/%m/%Y"))
        page.fill("#id_step_up-reasons", "Mia disclosed being hit by mum's new partner")
        page.click("button:has-text('Step up')")
        page.wait_for_selector("text=Stepped up: the referral is with children's social care")
        text = page.inner_text("main")
        assert "Stepped up to children's social care" in text and "Mia disclosed" in text
        assert axe_violations(page) == []
        screenshot(page, "early_help_stepped_up")

    episode = EarlyHelpEpisode.objects.get(person=child)
    referral = Referral.objects.get(person=child)
    assert episode.closure_reason == "STEP_UP" and episode.stepped_up_referral == referral
    assert referral.source == "5D" and CaseEpisode.objects.filter(person=child, referral=referral).exists()
