import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from safehub.core.identity import enrolment
from safehub.people import selectors, services
from safehub.testing.factories import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[4]


@pytest.mark.django_db
def test_second_factor_is_required_outside_demo_mode(client, mash_worker, settings):
    settings.SAFEHUB_REQUIRE_2FA = True
    response = client.post("/sign-in/", {"username": "mash.worker", "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.url == "/two-factor/"
    # Without the second factor nothing else is reachable.
    assert client.get("/people/").url == "/two-factor/"
    # Enrolment through an administrator's one-time link: redeeming it creates an unconfirmed
    # device; a right code confirms and verifies it.
    _, token = enrolment.enrolment_link_issue(
        user=mash_worker, by=enrolment.ConsoleOperator("test"), now=timezone.now()
    )
    assert client.post(f"/two-factor/enrol/{token}/").url == "/two-factor/"
    assert client.get("/two-factor/").status_code == 200
    device = TOTPDevice.objects.get(user=mash_worker)
    assert not device.confirmed
    bad = client.post("/two-factor/", {"token": "000000"})
    assert bad.status_code == 200 and b"not right" in bad.content
    # django-otp throttles after a failure: even the right code is refused straight away...
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post("/two-factor/", {"token": code}).status_code == 200
    # ...and accepted once the back-off has passed.
    with time_machine.travel(timezone.now() + timedelta(seconds=40), tick=False):
        code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
        assert client.post("/two-factor/", {"token": code}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/people/").status_code == 200


@pytest.mark.django_db
def test_repeated_failed_sign_ins_lock_the_account(client, mash_worker):
    for _ in range(5):
        client.post("/sign-in/", {"username": "mash.worker", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    response = client.post("/sign-in/", {"username": "mash.worker", "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content


@pytest.mark.django_db
def test_security_headers_and_idle_timeout(client, mash_worker, settings):
    client.force_login(mash_worker)
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert settings.SESSION_COOKIE_AGE == 900


@pytest.mark.django_db
def test_activity_renews_the_session_at_most_once_a_minute_and_idle_sessions_end(client, mash_worker):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(mash_worker)
    key = client.session.session_key
    assert client.get("/").status_code == 200
    first = Session.objects.get(pk=key).expire_date
    assert timedelta(minutes=14) < first - timezone.now() <= timedelta(minutes=15)
    # A second request within the minute does not write the session again.
    Session.objects.filter(pk=key).update(expire_date=first - timedelta(minutes=5))
    assert client.get("/").status_code == 200
    assert Session.objects.get(pk=key).expire_date == first - timedelta(minutes=5)
    # Once the minute has passed, activity pushes the expiry forward again.
    session = client.session
    session["_renewed"] = session["_renewed"] - 61
    session.save()
    assert client.get("/").status_code == 200
    assert Session.objects.get(pk=key).expire_date - timezone.now() > timedelta(minutes=14)
    # Idle for longer than the timeout: the session has expired and the user must sign in again.
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and "/sign-in/" in response.url


@pytest.mark.django_db
def test_pages_need_sign_in(client):
    for url in ("/", "/people/", "/audit/"):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in/" in response.url


@pytest.mark.django_db
def test_csrf_is_enforced(mash_worker):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(mash_worker)
    assert strict.post("/people/", {"query": "x"}).status_code == 403


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAFEHUB_", "DJANGO_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "safehub.config.settings",
            "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-for-the-check-0123456789abcdef",
            "DJANGO_ALLOWED_HOSTS": "safehub.example.org",
            "SAFEHUB_DATA_DIR": str(tmp_path),
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "safehub", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAFEHUB_", "DJANGO_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "safehub.config.settings", "SAFEHUB_DATA_DIR": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "-m", "safehub", "check"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_no_personal_data_in_logs(client, mash_worker, caplog):
    canary = "Zqxcanaryname"
    caplog.set_level(logging.DEBUG)
    client.force_login(mash_worker)
    now = timezone.now()
    person = services.person_create(by=mash_worker, now=now, given_name=canary, family_name=canary + "son")
    client.post("/people/", {"query": canary})
    client.get(f"/people/{person.pk}/")
    client.post("/people/new/", {"given_name": canary, "family_name": "", "sex": "U", "ethnicity": "NOBT"})
    selectors.person_search(user=mash_worker, query=canary, now=now)
    client.get("/people/999999/")
    assert canary not in caplog.text
    assert canary.lower() not in caplog.text.lower()


@pytest.mark.django_db
def test_nul_characters_are_removed_before_anything_uses_them(client, mash_worker):
    client.force_login(mash_worker)
    response = client.post("/people/", {"query": "Smi\x00th"})
    assert response.status_code == 200
    response = client.post(
        "/front-door/contacts/new/",
        {"source": "2A\x00", "child-TOTAL_FORMS": "1", "child-INITIAL_FORMS": "0", "child-0-ethnicity": "\x00"},
    )
    assert response.status_code == 200 and b"There is a problem" in response.content
