"""The path concern -> enquiry -> concluded in headless chromium, with the axe-core check."""

import pytest

from safehub.adults.models import Enquiry, SafeguardingConcern
from safehub.testing.browser import axe_violations, browser_page, screenshot, session_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_concern_to_concluded_enquiry(live_server, client, adult_mash_manager, adult, care_provider):
    url = live_server.url
    with browser_page(url, session_for(client, adult_mash_manager)) as page:
        page.goto(f"{url}/adults/concerns/new/?person={adult.pk}")
        assert axe_violations(page) == []
        page.check("input[name=source_kind][value=FAMILY_OR_FRIEND]")
        page.fill("#id_source_name", "Daughter, 07700 900123")
        page.fill("#id_what_happened", "Savings missing since the new lodger moved in")
        page.fill("#id_adult_views", "He is a nice boy, I don't want trouble")
        page.check("#id_consent_0")
        screenshot(page, "adults_concern_form")
        page.click("button:has-text('Record the concern')")
        page.wait_for_selector("h2:has-text('Section 42 test and decision')")
        concern = SafeguardingConcern.objects.get()
        # Fail the test first: the page refuses a section 42 enquiry and keeps what was typed.
        page.check("#id_has_care_and_support_needs_0")
        page.check("#id_experiencing_or_at_risk_0")
        page.check("#id_unable_to_protect_self_1")
        page.check("#id_decision_0")
        page.fill("#id_decision_rationale", "Financial abuse by the lodger; she relies on him for shopping")
        page.click("button:has-text('Record the decision')")
        page.wait_for_selector(".govuk-error-summary")
        assert "all three answers to be yes" in page.inner_text(".govuk-error-summary")
        assert axe_violations(page) == []
        screenshot(page, "adults_concern_decision_refused")
        page.check("#id_unable_to_protect_self_0")
        page.select_option("#id_carried_out_by", str(care_provider.pk))
        page.click("button:has-text('Record the decision')")
        page.wait_for_selector("h1:has-text('Edith Marsh')")
        enquiry = Enquiry.objects.get(concern=concern)
        assert page.url.endswith(f"/adults/enquiries/{enquiry.pk}/")
        assert axe_violations(page) == []
        screenshot(page, "adults_enquiry_open")
        page.click("a:has-text('Record planning, risks, capacity and outcomes')")
        page.check("input[name=risk_types][value=FINANCIAL]")
        page.check("input[name=risk_locations][value=OWN_HOME]")
        page.check("input[name=risk_sources][value=KNOWN]")
        page.check("input[name=lacked_capacity][value=NO]")
        page.check("input[name=desired_outcomes_asked][value=EXPRESSED]")
        page.fill("#id_desired_outcomes", "To keep her savings safe and stay friends with him")
        page.check("input[name=outcomes_achieved][value=PARTIALLY]")
        page.check("input[name=action_taken][value=yes]")
        page.check("input[name=risk_outcome][value=REDUCED]")
        assert axe_violations(page) == []
        screenshot(page, "adults_enquiry_form")
        page.click("button:has-text('Save')")
        page.wait_for_selector("button:has-text('Conclude the enquiry')")
        page.click("button:has-text('Conclude the enquiry')")
        page.wait_for_selector("strong:has-text('Concluded')")
        assert axe_violations(page) == []
        screenshot(page, "adults_enquiry_concluded")
        page.goto(f"{url}/adults/")
        assert axe_violations(page) == []
        screenshot(page, "adults_home")
    enquiry.refresh_from_db()
    assert enquiry.concluded_date is not None and enquiry.risk_type_codes() == ["FINANCIAL"]


def test_measures_page_is_accessible(live_server, client, analyst):
    with browser_page(live_server.url, session_for(client, analyst)) as page:
        page.goto(f"{live_server.url}/adults/measures/?year=2024-25")
        assert "Adult safeguarding measures, 2024-25" in page.inner_text("h1")
        assert axe_violations(page) == []
        screenshot(page, "adults_measures")
