"""First-time two-factor enrolment needs an administrator's one-time link, not just the password."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from safehub.core.identity import enrolment
from safehub.core.models import AuditAction, AuditEvent, EnrolmentLink
from safehub.testing.factories import TEST_PASSWORD, TOTPDeviceFactory

NEEDS_LINK = b"Ask your administrator for an enrolment link"
SECRET_SHOWN = b"If you cannot scan it, enter this key"


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _signed_in(username: str) -> Client:
    browser = Client()
    response = browser.post("/sign-in/", {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content
    return browser


def _issue(administrator, user) -> str:
    """Issue a link as a signed-in administrator who has passed their own second factor."""
    device, _ = TOTPDevice.objects.get_or_create(user=administrator, confirmed=True, defaults={"name": "Admin app"})
    issuer = _signed_in(administrator.username)
    if issuer.get("/enrolment-links/").status_code != 200:
        device.refresh_from_db()
        device.last_t = -1  # a code may be used once: let the administrator sign in again within the step
        device.save()
        assert issuer.post("/two-factor/", {"token": _code(device)}).status_code == 302
    response = issuer.post("/enrolment-links/", {"username": user.username})
    assert response.status_code == 200
    url = response.context["issued"]["url"]
    return url.split("/two-factor/enrol/")[1].rstrip("/")


@pytest.fixture
def two_factor_on(settings):
    settings.SAFEHUB_REQUIRE_2FA = True


@pytest.mark.django_db
def test_the_password_alone_never_shows_a_secret(two_factor_on, mash_worker):
    browser = _signed_in("mash.worker")
    for _ in range(2):  # today's code showed a new secret, then the same one again until confirmed
        response = browser.get("/two-factor/")
        assert response.status_code == 200
        assert NEEDS_LINK in response.content
        assert SECRET_SHOWN not in response.content and b"data:image/svg" not in response.content
    # Nothing to enter a code against, and nothing else reachable.
    assert browser.post("/two-factor/", {"token": "123456"}).status_code == 200
    assert not TOTPDevice.objects.filter(user=mash_worker).exists()
    assert browser.get("/people/").url == "/two-factor/"


@pytest.mark.django_db
def test_an_administrators_link_lets_the_user_enrol_once(two_factor_on, administrator, mash_worker):
    token = _issue(administrator, mash_worker)
    # Only a hash of the token is stored.
    link = EnrolmentLink.objects.get(user=mash_worker)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(EnrolmentLink.objects.values_list()))
    assert timedelta(hours=23, minutes=59) < link.expires_at - link.issued_at <= timedelta(hours=24)
    issued = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="core.EnrolmentLink")
    assert issued.actor == administrator and issued.details["username"] == "mash.worker"
    assert token not in str(issued.details)

    browser = _signed_in("mash.worker")
    confirm = browser.get(f"/two-factor/enrol/{token}/")
    assert confirm.status_code == 200 and b"mash.worker" in confirm.content
    assert not TOTPDevice.objects.filter(user=mash_worker).exists()  # opening the link (a prefetch) uses nothing
    assert browser.post(f"/two-factor/enrol/{token}/").url == "/two-factor/"
    page = browser.get("/two-factor/")
    assert SECRET_SHOWN in page.content
    device = TOTPDevice.objects.get(user=mash_worker, confirmed=False)
    assert page.context["secret"]

    # Another session with the same password is not shown that secret.
    other_session = _signed_in("mash.worker")
    assert NEEDS_LINK in other_session.get("/two-factor/").content
    # The link works once.
    again = other_session.post(f"/two-factor/enrol/{token}/")
    assert again.status_code == 403 and b"already been used" in again.content

    response = browser.post("/two-factor/", {"token": _code(device)})
    assert response.status_code == 302 and response.url == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert browser.get("/people/").status_code == 200
    assert AuditEvent.objects.filter(details__event="enrolment link used", actor=mash_worker).count() == 1
    assert AuditEvent.objects.filter(details__event="authenticator app set up", actor=mash_worker).count() == 1


@pytest.mark.django_db
def test_a_link_is_bound_to_its_user(two_factor_on, administrator, mash_worker, mash_manager):
    token = _issue(administrator, mash_worker)
    intruder = _signed_in("mash.manager")
    for method in ("get", "post"):
        response = getattr(intruder, method)(f"/two-factor/enrol/{token}/")
        assert response.status_code == 403 and b"for a different account" in response.content
    assert not TOTPDevice.objects.exclude(user=administrator).exists()
    assert EnrolmentLink.objects.get().used_at is None  # still usable by the right person
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, actor=mash_manager).exists()
    assert _signed_in("mash.worker").post(f"/two-factor/enrol/{token}/").url == "/two-factor/"


@pytest.mark.django_db
def test_a_link_expires_and_a_newer_one_replaces_it(two_factor_on, administrator, mash_worker):
    old = _issue(administrator, mash_worker)
    new = _issue(administrator, mash_worker)
    browser = _signed_in("mash.worker")
    replaced = browser.post(f"/two-factor/enrol/{old}/")
    assert replaced.status_code == 403 and b"newer enrolment link" in replaced.content
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        browser = _signed_in("mash.worker")
        expired = browser.post(f"/two-factor/enrol/{new}/")
        assert expired.status_code == 403 and b"has expired" in expired.content
    unknown = browser.post("/two-factor/enrol/not-a-real-token/")
    assert unknown.status_code == 403 and b"is not right" in unknown.content
    assert not TOTPDevice.objects.exclude(user=administrator).exists()


@pytest.mark.django_db
def test_a_link_opened_before_signing_in_is_used_after(two_factor_on, administrator, mash_worker):
    token = _issue(administrator, mash_worker)
    browser = Client()
    response = browser.get(f"/two-factor/enrol/{token}/")
    assert response.status_code == 302 and response.url.startswith("/sign-in/?next=")
    signed_in = browser.post(response.url, {"username": "mash.worker", "password": TEST_PASSWORD})
    assert signed_in.url == f"/two-factor/enrol/{token}/"
    assert browser.post(signed_in.url).url == "/two-factor/"
    assert SECRET_SHOWN in browser.get("/two-factor/").content


@pytest.mark.django_db
def test_a_new_link_replaces_a_lost_authenticator(two_factor_on, administrator, mash_worker):
    lost = TOTPDeviceFactory(user=mash_worker, name="Lost phone")
    token = _issue(administrator, mash_worker)
    browser = _signed_in("mash.worker")
    assert b"Enter your security code" in browser.get("/two-factor/").content
    assert browser.post(f"/two-factor/enrol/{token}/").url == "/two-factor/"
    new = TOTPDevice.objects.get(user=mash_worker, confirmed=False)
    assert browser.post("/two-factor/", {"token": _code(new)}).url == "/"
    assert list(TOTPDevice.objects.filter(user=mash_worker)) == [new]
    assert not TOTPDevice.objects.filter(pk=lost.pk).exists()


@pytest.mark.django_db
def test_only_administrators_issue_links(client, administrator, mash_manager, mash_worker):
    client.force_login(mash_manager)
    assert client.get("/enrolment-links/").status_code == 403
    assert client.post("/enrolment-links/", {"username": "mash.worker"}).status_code == 403
    with pytest.raises(Exception, match="not allowed"):
        enrolment.enrolment_link_issue(user=mash_worker, by=mash_manager, now=timezone.now())
    assert not EnrolmentLink.objects.exists()

    client.force_login(administrator)
    page = client.get("/enrolment-links/")
    assert page.status_code == 200 and b"No enrolment links yet" in page.content
    unknown = client.post("/enrolment-links/", {"username": "nobody.here"})
    assert b"There is no Safehub account with that username" in unknown.content
    mash_worker.is_active = False
    mash_worker.save()
    switched_off = client.post("/enrolment-links/", {"username": "mash.worker"})
    assert b"That account is switched off" in switched_off.content
    assert not EnrolmentLink.objects.exists()


@pytest.mark.django_db
def test_the_command_prints_a_link_and_refuses_an_unknown_user(capsys, mash_worker, settings):
    settings.SAFEHUB_SITE_URL = "https://safehub.example.org/"
    call_command("enrolment_link", "mash.worker")
    url = capsys.readouterr().out.strip()
    assert url.startswith("https://safehub.example.org/two-factor/enrol/")
    token = url.rsplit("/", 2)[1]
    link = EnrolmentLink.objects.get(token_hash=enrolment.token_hash(token))
    assert link.user == mash_worker and link.issued_by is None and link.issued_via == "COMMAND"
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="core.EnrolmentLink")
    assert event.details["via"] == "COMMAND" and event.details["operator"]
    with pytest.raises(CommandError, match="no Safehub account with the username 'nobody'"):
        call_command("enrolment_link", "nobody")
    with pytest.raises(CommandError, match="between 1 hour and 7 days"):
        call_command("enrolment_link", "mash.worker", "--hours", "0")


@pytest.mark.django_db
def test_demo_sign_in_needs_no_second_factor(client, mash_worker, settings):
    settings.SAFEHUB_REQUIRE_2FA = False  # what SAFEHUB_DEMO=1 sets
    response = client.post("/sign-in/", {"username": "mash.worker", "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/people/").status_code == 200
