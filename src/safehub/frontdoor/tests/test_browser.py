"""The front door's main path in Debian chromium, with the axe check on every page."""

import pytest

from safehub.frontdoor.models import Contact, OutcomeShare
from safehub.testing.browser import axe_violations, browser_page, screenshot, session_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_school_contact_to_signed_off_decision_shared_back(live_server, client, dsl, mash_worker, mash_manager):
    url = live_server.url
    with browser_page(url, session_for(client, dsl)) as page:
        page.goto(url + "/front-door/contacts/new/")
        assert axe_violations(page) == []
        page.select_option("#id_source", "2A")
        page.fill("#id_child-0-given_name", "Maisie")
        page.fill("#id_child-0-family_name", "Hartley")
        page.fill("#id_child-0-date_of_birth", "14/02/2016")
        page.select_option("#id_child-0-ethnicity", "WBRI")
        page.fill("#id_summary", "Maisie has arrived hungry three days running and has a bruise on her arm.")
        page.check("input[value='16A']")
        page.select_option("#id_consent", "GIVEN")
        page.click("button:has-text('Submit contact')")
        # The child's voice is required: the error is shown at the field and nothing typed is lost.
        page.wait_for_selector(".govuk-error-summary")
        assert "Record what the child said" in page.inner_text(".govuk-error-summary")
        assert page.input_value("#id_child-0-given_name") == "Maisie"
        assert axe_violations(page) == []
        screenshot(page, "contact_form_error")
        page.fill("#id_child-0-child_voice", "Said there is no food at home at weekends.")
        page.click("button:has-text('Submit contact')")
        page.wait_for_selector("h1:has-text('Outcomes of your contacts')")
    contact = Contact.objects.get()
    assert contact.child_voice and contact.ethnicity == "WBRI"

    with browser_page(url, session_for(client, mash_worker)) as page:
        page.goto(url + "/front-door/")
        page.click("a:has-text('Maisie Hartley')")
        page.wait_for_selector("h2:has-text('Is this child already known?')")
        assert axe_violations(page) == []
        page.click("button:has-text('None of these: create a new person')")
        page.wait_for_selector("text=New person record created")
        page.check("#id_rag-rating_0")
        page.fill("#id_rag-rationale", "Neglect indicators and an injury")
        page.click("button:has-text('Record rating')")
        page.wait_for_selector("text=RAG rating recorded")
        page.select_option("#id_decision-outcome", "CIN_REFERRAL")
        page.fill("#id_decision-rationale", "Needs a child and family assessment")
        page.click("button:has-text('Record decision')")
        page.wait_for_selector("text=needs a manager's sign-off")
        screenshot(page, "contact_triage")

    with browser_page(url, session_for(client, mash_manager)) as page:
        page.goto(f"{url}/front-door/contacts/{contact.pk}/")
        page.click("button:has-text('Sign off the decision')")
        page.wait_for_selector("text=Decision signed off")
        assert axe_violations(page) == []

    with browser_page(url, session_for(client, dsl)) as page:
        page.goto(url + "/front-door/outcomes/")
        page.click("a:has-text('Maisie Hartley')")
        page.wait_for_selector("text=Child-in-need referral")
        assert axe_violations(page) == []
        screenshot(page, "outcome_shared")
    assert OutcomeShare.objects.get().read_by == dsl


def test_queue_timeliness_and_notification_pages_are_accessible(live_server, client, mash_worker, police_officer, dsl):
    url = live_server.url
    for user, paths in (
        (mash_worker, ["/front-door/", "/front-door/police-timeliness/", "/front-door/consultations/"]),
        (police_officer, ["/front-door/police-timeliness/", "/front-door/notifications/"]),
        (dsl, ["/front-door/notifications/", "/"]),
    ):
        with browser_page(url, session_for(client, user)) as page:
            for path in paths:
                page.goto(url + path)
                assert page.locator("h1").count() == 1, path
                assert axe_violations(page) == [], path
