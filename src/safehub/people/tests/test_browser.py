"""Main pages in headless Debian chromium, with the axe-core check (no serious or critical issues)."""

import pytest

from safehub.testing.browser import axe_violations, browser_page, screenshot, session_for
from safehub.testing.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_page_works_and_is_accessible(live_server, mash_worker):
    with browser_page(live_server.url) as page:
        page.goto(live_server.url + "/sign-in/")
        assert axe_violations(page) == []
        screenshot(page, "sign_in")
        page.fill("#id_username", "mash.worker")
        page.fill("#id_password", TEST_PASSWORD)
        page.click("button:has-text('Sign in')")
        page.wait_for_url(live_server.url + "/")
        assert "Front-door practitioner" in page.inner_text("h1")
        assert axe_violations(page) == []
        screenshot(page, "home_front_door")


def test_person_search_and_person_page(live_server, client, mash_worker, child):
    from django.utils import timezone

    from safehub.people import services

    services.address_add(person=child, by=mash_worker, now=timezone.now(), line_1="4 Elm Road", postcode="SO14 7LY")
    with browser_page(live_server.url, session_for(client, mash_worker)) as page:
        page.goto(live_server.url + "/people/")
        page.fill("#id_query", child.given_name)
        page.click("button:has-text('Search')")
        page.wait_for_selector(f"a:has-text('{child.display_name}')")
        assert axe_violations(page) == []
        screenshot(page, "person_search")
        page.click(f"a:has-text('{child.display_name}')")
        page.wait_for_selector("h1")
        assert child.display_name in page.inner_text("h1")
        assert "SO14 7LY" in page.content()
        assert axe_violations(page) == []
        screenshot(page, "person_page")


def test_break_glass_page(live_server, client, police_officer, child):
    with browser_page(live_server.url, session_for(client, police_officer)) as page:
        page.goto(f"{live_server.url}/people/{child.pk}/")
        assert "do not have a recorded reason" in page.inner_text("h1")
        assert axe_violations(page) == []
        page.fill("#id_reason", "Welfare check after a call at 2am, no other record")
        page.click("button:has-text('Open the record')")
        page.wait_for_url(f"{live_server.url}/people/{child.pk}/")
        assert child.display_name in page.inner_text("h1")
