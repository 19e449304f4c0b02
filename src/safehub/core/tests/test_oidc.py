"""OpenID Connect sign-in against a real provider (pyop, over HTTPS) that the tests start as a second process.

Safehub runs in pytest-django's live server; a ``requests`` session plays the browser, following
the authorisation code flow through real HTTP: Safehub -> provider's sign-in form -> Safehub's
callback, which exchanges the code at the provider's token endpoint, checks the signed ID token
against the provider's keys and reads userinfo.
"""

from __future__ import annotations

import json
import os
import re
import selectors
import subprocess
import sys
import time

import pytest
import requests
from django.contrib.auth import get_user_model
from django_otp.oath import totp

from safehub.core.identity.oidc import multi_factor_claimed
from safehub.core.models import AuditAction, AuditEvent, IdentityProviderDevice
from safehub.testing.factories import TOTPDeviceFactory

CLIENT_ID = "safehub-test"
CLIENT_SECRET = "a-client-secret-for-the-test-provider"
PROVIDER_PASSWORD = "provider-password-1"
PROVIDER_USERS = {
    # The provider's own accounts, and what it says about each.
    "worker@council.test": {"claims": {"preferred_username": "Mash.Worker"}, "amr": ["pwd", "mfa"]},
    "manager@council.test": {"claims": {"preferred_username": "mash.manager"}, "amr": ["pwd"]},
    "officer@council.test": {"claims": {"preferred_username": "police.officer"}, "acr": "urn:test:loa:substantial"},
    "stranger@council.test": {"claims": {"preferred_username": "not.a.safehub.user"}, "amr": ["pwd", "mfa"]},
}


@pytest.fixture(scope="session")
def identity_provider(live_server, tmp_path_factory):
    """Start the provider as a second process; yield (issuer URL, path of its CA certificate)."""
    directory = tmp_path_factory.mktemp("identity-provider")
    config = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [f"{live_server.url}/sign-in/oidc/callback/"],
        "users": {
            name: {"password": PROVIDER_PASSWORD, "claims": {**user["claims"], "email": name}, **user}
            for name, user in PROVIDER_USERS.items()
        },
    }
    (directory / "config.json").write_text(json.dumps(config))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "safehub.core.identity.dev_provider",
            str(directory / "config.json"),
            "--tls-dir",
            str(directory / "tls"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        issuer = _wait_until_ready(process, timeout=30)
        yield issuer, str(directory / "tls" / "ca.pem")
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_ready(process: subprocess.Popen, *, timeout: float) -> str:
    watcher = selectors.DefaultSelector()
    watcher.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    output = []
    while time.monotonic() < deadline:
        if watcher.select(timeout=deadline - time.monotonic()):
            line = process.stdout.readline()
            if line.startswith("ready "):
                return line.split()[1]
            if not line:
                break
            output.append(line)
    raise RuntimeError("the test identity provider did not start:\n" + "".join(output))


@pytest.fixture
def oidc(settings, identity_provider):
    issuer, ca_bundle = identity_provider
    settings.SAFEHUB_OIDC_ENABLED = True
    settings.SAFEHUB_OIDC_PROVIDER_NAME = "Test Council"
    settings.SAFEHUB_OIDC_ISSUER = issuer
    settings.SAFEHUB_OIDC_USERNAME_CLAIM = "preferred_username"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{issuer}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{issuer}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{issuer}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{issuer}/jwks"
    settings.OIDC_VERIFY_SSL = ca_bundle
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "safehub.core.identity.oidc.SafehubOIDCBackend",
    ]
    settings.SAFEHUB_REQUIRE_2FA = True
    return settings


def _sign_in_with_provider(
    live_server, ca_bundle: str, provider_user: str
) -> tuple[requests.Session, requests.Response]:
    """Click "Sign in with Test Council", sign in at the provider, follow the redirects back to Safehub."""
    browser = requests.Session()
    browser.trust_env = False  # REQUESTS_CA_BUNDLE in the environment would otherwise replace the CA below
    browser.verify = ca_bundle
    page = browser.get(f"{live_server.url}/sign-in/", timeout=10)
    assert "Sign in with Test Council" in page.text
    start = browser.get(f"{live_server.url}/sign-in/oidc/", allow_redirects=False, timeout=10)
    assert start.status_code == 302
    form = browser.get(start.headers["Location"], timeout=10)
    assert form.status_code == 200, form.text
    auth_request = re.search(r"name='auth_request' value='([^']*)'", form.text).group(1).replace("&amp;", "&")
    back = browser.post(
        start.headers["Location"].split("?")[0],
        data={"auth_request": auth_request, "username": provider_user, "password": PROVIDER_PASSWORD},
        allow_redirects=False,
        timeout=10,
    )
    assert back.status_code == 302 and back.headers["Location"].startswith(f"{live_server.url}/sign-in/oidc/callback/")
    return browser, browser.get(back.headers["Location"], allow_redirects=False, timeout=20)


def test_the_mfa_claims_are_read_from_amr_and_acr(settings):
    settings.SAFEHUB_OIDC_MFA_AMR = ["mfa", "otp", "hwk"]
    settings.SAFEHUB_OIDC_MFA_ACR = ["urn:test:loa:substantial"]
    assert multi_factor_claimed({"amr": ["pwd", "mfa"]})
    assert multi_factor_claimed({"amr": ["HWK"]})
    assert multi_factor_claimed({"amr": "otp"})
    assert multi_factor_claimed({"acr": "urn:test:loa:substantial"})
    assert not multi_factor_claimed({"amr": ["pwd"]})
    assert not multi_factor_claimed({"acr": "urn:test:loa:low"})
    assert not multi_factor_claimed({})


@pytest.mark.django_db
def test_without_configuration_there_is_no_provider_sign_in(client):
    assert b"Sign in with" not in client.get("/sign-in/").content
    assert client.get("/sign-in/oidc/").status_code == 404
    assert client.get("/sign-in/oidc/callback/?code=x&state=y").status_code == 404


def test_a_known_user_signs_in_and_the_providers_mfa_counts(oidc, live_server, identity_provider, mash_worker):
    browser, callback = _sign_in_with_provider(live_server, identity_provider[1], "worker@council.test")
    assert callback.status_code == 302 and callback.headers["Location"] == "/"
    # Second factor verified by the provider: straight in, no Safehub code asked for.
    home = browser.get(f"{live_server.url}/", allow_redirects=False, timeout=10)
    assert home.status_code == 200
    assert browser.get(f"{live_server.url}/people/", allow_redirects=False, timeout=10).status_code == 200
    assert IdentityProviderDevice.objects.filter(user=mash_worker).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN, actor=mash_worker).count() == 1
    assert not AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).exists()


def test_without_the_mfa_claim_the_user_is_asked_for_their_code(oidc, live_server, identity_provider, mash_manager):
    device = TOTPDeviceFactory(user=mash_manager)
    browser, callback = _sign_in_with_provider(live_server, identity_provider[1], "manager@council.test")
    assert callback.status_code == 302
    home = browser.get(f"{live_server.url}/", allow_redirects=False, timeout=10)
    assert home.status_code == 302 and home.headers["Location"] == "/two-factor/"
    page = browser.get(f"{live_server.url}/two-factor/", timeout=10)
    assert "Enter your security code" in page.text
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    verified = browser.post(
        f"{live_server.url}/two-factor/",
        data={"csrfmiddlewaretoken": csrf, "token": code},
        headers={"Referer": f"{live_server.url}/two-factor/"},
        allow_redirects=False,
        timeout=10,
    )
    assert verified.status_code == 302 and verified.headers["Location"] == "/"
    assert browser.get(f"{live_server.url}/people/", allow_redirects=False, timeout=10).status_code == 200
    assert not IdentityProviderDevice.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN, actor=mash_manager).count() == 1


def test_an_acr_at_the_configured_level_counts_as_mfa(oidc, live_server, identity_provider, police_officer):
    oidc.SAFEHUB_OIDC_MFA_ACR = ["urn:test:loa:substantial"]
    browser, callback = _sign_in_with_provider(live_server, identity_provider[1], "officer@council.test")
    assert callback.status_code == 302
    assert browser.get(f"{live_server.url}/", allow_redirects=False, timeout=10).status_code == 200


def test_an_unknown_user_is_refused_and_no_account_is_created(oidc, live_server, identity_provider, mash_worker):
    accounts = get_user_model().objects.count()
    browser, callback = _sign_in_with_provider(live_server, identity_provider[1], "stranger@council.test")
    assert callback.status_code == 403
    assert "does not match a Safehub account" in callback.text
    assert get_user_model().objects.count() == accounts
    assert not get_user_model().objects.filter(username__iexact="not.a.safehub.user").exists()
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).count() == 1
    assert not AuditEvent.objects.filter(action=AuditAction.SIGN_IN).exists()
    home = browser.get(f"{live_server.url}/", allow_redirects=False, timeout=10)
    assert home.status_code == 302 and home.headers["Location"].startswith("/sign-in/")


def test_a_switched_off_account_is_refused(oidc, live_server, identity_provider, mash_worker):
    mash_worker.is_active = False
    mash_worker.save()
    _, callback = _sign_in_with_provider(live_server, identity_provider[1], "worker@council.test")
    assert callback.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.SIGN_IN).exists()


def test_an_id_token_from_another_issuer_is_refused(oidc, live_server, identity_provider, mash_worker):
    oidc.SAFEHUB_OIDC_ISSUER = "https://login.example.invalid/tenant/v2.0"
    browser, callback = _sign_in_with_provider(live_server, identity_provider[1], "worker@council.test")
    assert callback.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.SIGN_IN).exists()
    assert browser.get(f"{live_server.url}/", allow_redirects=False, timeout=10).status_code == 302


def test_an_expired_id_token_is_refused_not_a_server_error(oidc, live_server, identity_provider, mash_worker):
    """The provider (its own process, on the real clock) issues a token Safehub reads a day later."""
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=1), tick=True):
        _, callback = _sign_in_with_provider(live_server, identity_provider[1], "worker@council.test")
    assert callback.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.SIGN_IN).exists()


def test_a_callback_this_browser_did_not_start_is_refused(oidc, live_server, identity_provider, mash_worker):
    browser, callback = _sign_in_with_provider(live_server, identity_provider[1], "worker@council.test")
    assert callback.status_code == 302
    # The same code and state again (a replay), and a state nobody issued: refused, no 500.
    replay = browser.get(callback.url, allow_redirects=False, timeout=10)
    assert replay.status_code == 403
    stranger = requests.Session()
    stranger.trust_env = False
    stranger.get(f"{live_server.url}/sign-in/oidc/", allow_redirects=False, timeout=10)
    forged = stranger.get(callback.url, allow_redirects=False, timeout=10)
    assert forged.status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN).count() == 1


def _settings_from(env_vars: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAFEHUB_OIDC_", "DJANGO_SETTINGS"))}
    env.update({"SAFEHUB_TESTING": "1", **env_vars})
    probe = (
        "import json, safehub.config.settings as s; print(json.dumps({'on': s.SAFEHUB_OIDC_ENABLED,"
        " 'backends': s.AUTHENTICATION_BACKENDS, 'client': s.OIDC_RP_CLIENT_ID, 'token': s.OIDC_OP_TOKEN_ENDPOINT,"
        " 'claim': s.SAFEHUB_OIDC_USERNAME_CLAIM, 'acr': s.SAFEHUB_OIDC_MFA_ACR, 'extra': s.OIDC_AUTH_REQUEST_EXTRA_PARAMS}))"
    )
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60)


def test_environment_variables_switch_it_on_and_it_is_off_by_default():
    off = _settings_from({})
    assert off.returncode == 0, off.stderr
    assert json.loads(off.stdout)["on"] is False
    assert "safehub.core.identity.oidc.SafehubOIDCBackend" not in json.loads(off.stdout)["backends"]
    on = _settings_from(
        {
            "SAFEHUB_OIDC_CLIENT_ID": "safehub",
            "SAFEHUB_OIDC_CLIENT_SECRET": "secret",
            "SAFEHUB_OIDC_ISSUER": "https://login.example.org/tenant/v2.0",
            "SAFEHUB_OIDC_AUTHORIZATION_ENDPOINT": "https://login.example.org/authorize",
            "SAFEHUB_OIDC_TOKEN_ENDPOINT": "https://login.example.org/token",
            "SAFEHUB_OIDC_JWKS_ENDPOINT": "https://login.example.org/keys",
            "SAFEHUB_OIDC_USERNAME_CLAIM": "upn",
            "SAFEHUB_OIDC_MFA_ACR": "AAL3_ANY,AAL2_OR_AAL3_ANY",
            "SAFEHUB_OIDC_ACR_VALUES": "AAL2_OR_AAL3_ANY",
        }
    )
    assert on.returncode == 0, on.stderr
    values = json.loads(on.stdout)
    assert values["on"] is True and values["backends"][-1] == "safehub.core.identity.oidc.SafehubOIDCBackend"
    assert values["token"] == "https://login.example.org/token" and values["claim"] == "upn"
    assert values["acr"] == ["AAL3_ANY", "AAL2_OR_AAL3_ANY"]
    assert values["extra"] == {"acr_values": "AAL2_OR_AAL3_ANY"}
    half = _settings_from({"SAFEHUB_OIDC_CLIENT_ID": "safehub"})
    assert half.returncode != 0
    assert "OpenID Connect sign-in needs SAFEHUB_OIDC_CLIENT_SECRET, SAFEHUB_OIDC_ISSUER" in half.stderr
