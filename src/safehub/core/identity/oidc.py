"""OpenID Connect sign-in through the council's or the NHS's identity provider (mozilla-django-oidc).

- A user is matched to an existing, active Safehub account by one claim
  (``SAFEHUB_OIDC_USERNAME_CLAIM``: ``preferred_username``, ``email``, ``upn``...), compared with the
  username without regard to case. Nobody is ever created: an unknown user is refused, and the
  refusal is audited (SIGN_IN_FAILED) and counted by the lockout like a wrong password.
- The ID token must come from the configured issuer, be meant for this client, and be in date
  (signature, expiry and nonce are checked by the library; PKCE protects the code).
- The session counts as second-factor verified when the ID token says the provider used more than
  a password: ``amr`` holds one of ``SAFEHUB_OIDC_MFA_AMR`` (mfa, otp, hwk) or ``acr`` is one of
  ``SAFEHUB_OIDC_MFA_ACR``. Otherwise the user is asked for their Safehub TOTP code, exactly as
  after a password.
"""

from __future__ import annotations

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import render
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from safehub.core.models import IdentityProviderDevice

logger = logging.getLogger("safehub.identity")

# Set on the request by the backend for the callback view and the sign-in audit row.
REQUEST_ATTRIBUTE = "safehub_oidc"


def enabled() -> bool:
    return bool(getattr(settings, "SAFEHUB_OIDC_ENABLED", False))


def provider_name() -> str:
    return settings.SAFEHUB_OIDC_PROVIDER_NAME


def multi_factor_claimed(claims: dict) -> bool:
    """Whether the ID token says the provider used more than a password (RFC 8176 ``amr``, or ``acr``)."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    wanted_amr = {value.lower() for value in settings.SAFEHUB_OIDC_MFA_AMR}
    if any(str(value).lower() in wanted_amr for value in amr):
        return True
    acr = claims.get("acr")
    return bool(acr) and str(acr) in set(settings.SAFEHUB_OIDC_MFA_ACR)


class SafehubOIDCBackend(OIDCAuthenticationBackend):
    """Authenticate a code-flow callback against existing accounts only."""

    def authenticate(self, request, **kwargs):
        if request is None or "nonce" not in kwargs:
            return None  # only the callback view's call is an OpenID Connect sign-in (not a password form)
        try:
            return super().authenticate(request, **kwargs)
        except SuspiciousOperation as refused:
            logger.warning("OpenID Connect sign-in refused: %s", refused)
            _note(request, failure="token")
        except requests.RequestException as problem:
            logger.warning(
                "OpenID Connect provider could not be reached or refused the code: %s", type(problem).__name__
            )
            _note(request, failure="provider")
        return None

    def verify_token(self, token, **kwargs):
        try:
            payload = super().verify_token(token, **kwargs)
        except jwt.InvalidTokenError as invalid:  # expired, not yet valid, badly formed: a refusal, not a 500
            raise SuspiciousOperation(f"ID token not valid: {type(invalid).__name__}") from invalid
        issuer = settings.SAFEHUB_OIDC_ISSUER
        if payload.get("iss") != issuer:
            raise SuspiciousOperation("ID token from an unexpected issuer")
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token meant for another client")
        if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token authorised for another client")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        # The verified ID token's claims come first; the userinfo endpoint (if configured) only adds.
        claims: dict = {}
        if self.OIDC_OP_USER_ENDPOINT:
            claims.update(super().get_userinfo(access_token, id_token, payload))
            if claims.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("userinfo is about another subject")
        claims.update(payload)
        return claims

    def verify_claims(self, claims) -> bool:
        return bool(str(claims.get(settings.SAFEHUB_OIDC_USERNAME_CLAIM, "")).strip())

    def filter_users_by_claims(self, claims):
        username = str(claims.get(settings.SAFEHUB_OIDC_USERNAME_CLAIM, "")).strip()
        if not username:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(username__iexact=username, is_active=True)

    def create_user(self, claims):
        raise SuspiciousOperation("OpenID Connect never creates a Safehub account")

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SuspiciousOperation(f"the ID token has no {settings.SAFEHUB_OIDC_USERNAME_CLAIM} claim")
        users = list(self.filter_users_by_claims(claims)[:2])
        mfa = multi_factor_claimed(payload)
        _note(
            self.request,
            claimed_username=str(claims.get(settings.SAFEHUB_OIDC_USERNAME_CLAIM, ""))[:150],
            idp_multi_factor=mfa,
        )
        if len(users) != 1:
            _note(self.request, failure="no_account")
            # No account (or two that differ only in case): refused, never created. Django's
            # authenticate() then sends user_login_failed, which writes SIGN_IN_FAILED and counts
            # towards the lockout of this address.
            logger.info("OpenID Connect sign-in refused: %s matching accounts", len(users))
            return None
        user = users[0]
        if mfa:
            # django-otp's login hook puts this device in the session when auth.login() runs.
            user.otp_device = identity_provider_device(user)
        return user

    def get_user(self, user_id):
        # The library's own get_user skips the active check; Django's does not.
        return ModelBackend.get_user(self, user_id)


def _note(request, **facts) -> None:
    """Keep what the sign-in found on the request, for the callback's answer and the audit row."""
    noted = getattr(request, REQUEST_ATTRIBUTE, None) or {"method": "oidc", "provider": provider_name()}
    noted.update(facts)
    setattr(request, REQUEST_ATTRIBUTE, noted)


def identity_provider_device(user) -> IdentityProviderDevice:
    device = IdentityProviderDevice.objects.filter(user=user).first()
    if device is None:
        device = IdentityProviderDevice.objects.create(user=user, name=provider_name()[:64], confirmed=True)
    return device


class SignInStart(OIDCAuthenticationRequestView):
    """Send the browser to the identity provider (404 when OpenID Connect is not configured)."""

    def get(self, request):
        if not enabled():
            raise Http404("OpenID Connect sign-in is not configured")
        return super().get(request)


class SignInCallback(OIDCAuthenticationCallbackView):
    """Finish the code flow; a refusal shows the sign-in page with the reason in plain words."""

    def get(self, request):
        if not enabled():
            raise Http404("OpenID Connect sign-in is not configured")
        try:
            return super().get(request)
        except SuspiciousOperation as refused:  # a state this browser did not start (replayed or forged)
            logger.warning("OpenID Connect callback refused: %s", refused)
            return self.login_failure()

    def login_failure(self):
        from safehub.core.forms import SignInForm

        if self.request.GET.get("error"):
            error = (
                f"Signing in with {provider_name()} did not finish. Try again, or sign in with your Safehub password."
            )
        else:
            error = f"Your {provider_name()} sign-in does not match a Safehub account. Ask your administrator to check your account."
        return render(
            self.request,
            "core/sign_in.html",
            {
                "form": SignInForm(),
                "error": error,
                "oidc_provider": provider_name(),
                "demo_users": [],
            },
            status=403,
        )
