"""Enrolment through an administrator's link, in headless Debian chromium, with the axe-core check."""

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from safehub.testing.browser import axe_violations, browser_page, screenshot
from safehub.testing.factories import TEST_PASSWORD, TOTPDeviceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _verified_session(user) -> str:
    """A session cookie for ``user`` after password and TOTP code, as they would sign in."""
    device = TOTPDeviceFactory(user=user)
    client = Client()
    assert client.post("/sign-in/", {"username": user.username, "password": TEST_PASSWORD}).url == "/two-factor/"
    assert client.post("/two-factor/", {"token": _code(device)}).url == "/"
    return client.cookies["sessionid"].value


def test_an_administrator_issues_a_link_and_the_user_enrols_with_it(live_server, settings, administrator, mash_worker):
    settings.SAFEHUB_REQUIRE_2FA = True
    with browser_page(live_server.url, _verified_session(administrator)) as page:
        page.goto(live_server.url + "/enrolment-links/")
        page.fill("#id_username", "mash.worker")
        page.click("button:has-text('Issue enrolment link')")
        link = page.inner_text("#enrolment-url").strip()
        assert link.startswith(live_server.url + "/two-factor/enrol/")
        assert axe_violations(page) == []
        screenshot(page, "enrolment_link_issued")

    with browser_page(live_server.url) as page:
        page.goto(link)
        page.wait_for_selector("#id_username")  # the link asks the person to sign in first
        page.fill("#id_username", "mash.worker")
        page.fill("#id_password", TEST_PASSWORD)
        page.click("button:has-text('Sign in')")
        page.wait_for_url(link)
        assert "mash.worker" in page.inner_text("main")
        assert axe_violations(page) == []
        screenshot(page, "enrolment_link_opened")
        page.click("button:has-text('Continue')")
        page.wait_for_url(live_server.url + "/two-factor/")
        assert "Set up your authenticator app" in page.inner_text("h1")
        assert axe_violations(page) == []
        screenshot(page, "enrolment_authenticator_setup")
        page.fill("#id_token", _code(TOTPDevice.objects.get(user=mash_worker, confirmed=False)))
        page.click("button:has-text('Continue')")
        page.wait_for_url(live_server.url + "/")
    assert TOTPDevice.objects.get(user=mash_worker).confirmed


def test_without_a_link_the_page_says_to_ask_for_one(live_server, settings, mash_manager):
    settings.SAFEHUB_REQUIRE_2FA = True
    with browser_page(live_server.url) as page:
        page.goto(live_server.url + "/sign-in/")
        page.fill("#id_username", "mash.manager")
        page.fill("#id_password", TEST_PASSWORD)
        page.click("button:has-text('Sign in')")
        page.wait_for_url(live_server.url + "/two-factor/")
        assert page.inner_text("h1") == "Ask your administrator for an enrolment link"
        assert page.locator("img").count() == 0 and page.locator("code").count() == 0
        assert axe_violations(page) == []
        screenshot(page, "enrolment_needs_link")
    assert not TOTPDevice.objects.filter(user=mash_manager).exists()
