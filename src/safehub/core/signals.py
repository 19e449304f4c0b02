"""Audit sign-ins, failed sign-ins and sign-outs (receivers only write the audit row)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from safehub.core import audit
from safehub.core.models import AuditAction


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def _oidc_details(request) -> dict:
    """What the identity provider said (provider, claimed user, MFA), when the sign-in came through it."""
    return dict(getattr(request, "safehub_oidc", None) or {}) if request is not None else {}


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    audit.record(actor=user, action=AuditAction.SIGN_IN, ip_address=_ip(request), details=_oidc_details(request))


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(actor=user, action=AuditAction.SIGN_OUT, ip_address=_ip(request))


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # The username tried is kept (it is not personal data about a child or adult at risk);
    # the password never is.
    audit.record(
        actor=None,
        action=AuditAction.SIGN_IN_FAILED,
        details={"username": str(credentials.get("username", ""))[:150], **_oidc_details(request)},
        ip_address=_ip(request),
    )
