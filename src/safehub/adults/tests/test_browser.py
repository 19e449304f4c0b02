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


def _shot(page, name: str) -> None:
    """Save the screenshot with the others, and a copy under /tmp to look at."""
    import shutil

    shutil.copy(screenshot(page, name), f"/tmp/{name}.png")  # noqa: S108 - a copy for a person to look at


def test_self_neglect_pathway_from_concern_to_closure(
    live_server, client, adult_mash_manager, adult_social_worker, adult, care_provider
):
    from datetime import timedelta

    from django.utils import timezone

    from safehub.adults.models_pathways import SelfNeglectCase

    from .helpers import raise_concern

    url = live_server.url
    concern = raise_concern(adult, adult_mash_manager, timezone.now() - timedelta(hours=3),
                            what_happened="Neighbours report a smell; post piled at the door; she will not answer")  # fmt: skip
    today = timezone.localdate()
    with browser_page(url, session_for(client, adult_social_worker)) as page:
        page.goto(f"{url}/adults/concerns/{concern.pk}/")
        # No section 42 duty (she can protect herself): other safeguarding, and the self-neglect route.
        page.check("#id_has_care_and_support_needs_0")
        page.check("#id_experiencing_or_at_risk_0")
        page.check("#id_unable_to_protect_self_1")
        page.check("input[name=decision][value=NFA]")
        page.fill("#id_decision_rationale", "She has capacity and can protect herself; self-neglect route instead")
        page.fill("#id_signposting", "Fire service home safety visit")
        page.click("button:has-text('Record the decision')")
        page.wait_for_selector("a:has-text('Open a self-neglect and hoarding case from this concern')")
        page.click("a:has-text('Open a self-neglect and hoarding case from this concern')")
        page.wait_for_selector("h1:has-text('Open a self-neglect case')")
        page.click("button:has-text('Open the case')")  # nothing filled in: refused, with the errors listed
        page.wait_for_selector(".govuk-error-summary")
        assert axe_violations(page) == []
        _shot(page, "adults_self_neglect_open_refused")
        page.fill("#id_reason", "Papers to the ceiling in the hall; cooker blocked; no heating")
        page.check("input[name=hoarding][value=yes]")
        page.select_option("#id_clutter_rating", "8")
        page.check("input[name=engagement][value=NOT_ENGAGING]")
        page.fill("#id_adult_view", "It is my home and my things. I know where everything is.")
        page.fill("#id_next_review_date", (today + timedelta(days=14)).strftime("%d/%m/%Y"))
        page.click("button:has-text('Open the case')")
        page.wait_for_selector("text=consider escalating")
        case = SelfNeglectCase.objects.get()
        assert case.concern_id == concern.pk and case.enquiry_id is None
        assert axe_violations(page) == []
        _shot(page, "adults_self_neglect_opened")
        page.fill("form[action$='/meeting/'] #id_attendees", "ASC, fire service, housing; she joined by phone")
        page.fill("form[action$='/meeting/'] #id_summary", "Fire visit and a clear route to the cooker agreed")
        page.click("button:has-text('Record the meeting')")
        page.wait_for_selector("text=Fire visit and a clear route")
        page.select_option("form[action$='/action/'] #id_agency", str(care_provider.pk))
        page.fill("form[action$='/action/'] #id_description", "Clear a route to the cooker with her")
        page.fill("form[action$='/action/'] #id_due_date", today.strftime("%d/%m/%Y"))
        page.click("button:has-text('Add the action')")
        page.wait_for_selector("td:has-text('Clear a route to the cooker')")
        page.fill("form[action$='/escalate/'] #id_reason", "To the high-risk panel: fire risk, not engaging")
        page.click("button:has-text('Escalate the case')")
        page.wait_for_selector("dt:has-text('Escalated')")
        # Closing with an action still open is refused, and says why.
        page.check("form[action$='/close/'] input[name=outcome][value=RISK_REDUCED]")
        page.fill("form[action$='/close/'] #id_summary", "Route cleared; she accepts a monthly visit")
        page.click("button:has-text('Close the case')")
        page.wait_for_selector(".govuk-error-summary")
        assert "Complete (or record as done)" in page.inner_text(".govuk-error-summary")
        _shot(page, "adults_self_neglect_close_refused")
        page.click("button:has-text('Record as done')")
        page.wait_for_selector("text=Action recorded as done")
        page.check("form[action$='/close/'] input[name=outcome][value=RISK_REDUCED]")
        page.fill("form[action$='/close/'] #id_summary", "Route cleared; she accepts a monthly visit")
        page.click("button:has-text('Close the case')")
        page.wait_for_selector("dt:has-text('Closed')")
        assert axe_violations(page) == []
        _shot(page, "adults_self_neglect_closed")
        page.goto(f"{url}/adults/self-neglect/")
        assert "No open self-neglect cases" in page.inner_text("main")
    case.refresh_from_db()
    assert (case.closure_outcome, case.escalated_on, case.meetings.count()) == ("RISK_REDUCED", today, 1)
    assert case.next_review_date == today + timedelta(days=14)  # the meeting set none: the review date stays


def test_capacity_and_dols_pages_from_the_enquiry(live_server, client, adult_mash_manager, adult_social_worker, adult):
    from datetime import timedelta

    from django.utils import timezone

    from safehub.adults.models_mca import CapacityAssessment, DolsApplication
    from safehub.testing.factories import AgencyFactory

    from .helpers import decide, raise_concern

    care_home = AgencyFactory(kind="CARE_PROVIDER", code="OAK", name="Oakfield Care Home")
    concern = raise_concern(adult, adult_mash_manager, timezone.now() - timedelta(days=2))
    enquiry = decide(concern, adult_social_worker, timezone.now() - timedelta(days=1)).enquiries.get()
    url = live_server.url
    with browser_page(url, session_for(client, adult_social_worker)) as page:
        page.goto(f"{url}/adults/enquiries/{enquiry.pk}/")
        page.click("a:has-text('Capacity assessments, best interests, advocacy and DoLS')")
        page.click("a:has-text('Record a capacity assessment')")
        page.fill("#id_decision", "Whether to accept a care home placement")
        for name, value in (
            ("impairment", "yes"),
            ("can_understand", "yes"),
            ("can_retain", "no"),
            ("can_use_or_weigh", "no"),
            ("can_communicate", "yes"),
            ("because_of_impairment", "yes"),
        ):
            page.check(f"input[name={name}][value={value}]")  # fmt: skip
        page.fill("#id_impairment_detail", "Alzheimer's disease")
        page.fill("#id_support_given", "Seen twice in the morning; photographs of the home; her son present")
        assert axe_violations(page) == []
        _shot(page, "adults_capacity_form")
        page.click("button:has-text('Save')")
        page.wait_for_selector("text=Lacks capacity to make this decision")
        assert CapacityAssessment.objects.get().enquiry_id == enquiry.pk
        assert axe_violations(page) == []
        _shot(page, "adults_capacity_record")
        page.click("a:has-text('Record a DoLS request')")
        page.select_option("#id_managing_authority", str(care_home.pk))
        page.fill("#id_urgent_granted_on", timezone.localdate().strftime("%d/%m/%Y"))
        page.click("button:has-text('Save')")
        page.wait_for_selector("h2:has-text('Decide the standard request')")
        assert axe_violations(page) == []
        _shot(page, "adults_dols_detail")
    assert DolsApplication.objects.get().kind == "URGENT"
