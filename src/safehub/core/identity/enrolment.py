"""One-time enrolment links: the only way to set up an authenticator app for an account.

Knowing a password is not enough to enrol a second factor. An administrator issues a link bound to
one user (on the enrolment links page, or with ``safehub enrolment_link USERNAME`` at the server);
the link works once, expires (``SAFEHUB_ENROLMENT_LINK_HOURS``, 24 by default), and only the hash of
its token is stored. The person signs in with their password, opens the link, and only then is a
fresh TOTP secret made and shown, to that session alone.
"""

from __future__ import annotations

import getpass
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from safehub.core import audit, policy
from safehub.core.models import AuditAction, EnrolmentLink, EnrolmentLinkChannel

# Administrators only. Issuing a way in to an account is account administration, which the rules
# table gives to administrators under information governance (core/policy.py ROLE_RULES).
ISSUE_PERMISSION = policy.Perm.SECURITY_ENROLMENT_ISSUE

# The session key naming the authenticator being set up through a redeemed link: {"device": pk, "link": pk}.
PENDING_SESSION_KEY = "safehub_totp_enrolment"


@dataclass(frozen=True)
class ConsoleOperator:
    """The explicit actor for links issued at the server's command line (who can already reach the database)."""

    os_user: str

    @classmethod
    def current(cls) -> ConsoleOperator:
        try:
            return cls(os_user=getpass.getuser())
        except (KeyError, OSError):  # no passwd entry (some containers)
            return cls(os_user="unknown")


class EnrolmentLinkInvalid(Exception):
    """The link cannot be used: ``reason`` is unknown, expired, used, replaced or other_user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def token_hash(token: str) -> str:
    """Hash a link's token; the token has 256 random bits, so a plain SHA-256 cannot be reversed."""
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def enrolment_link_issue(*, user, by, now: datetime, hours: int | None = None) -> tuple[EnrolmentLink, str]:
    """Issue a one-time enrolment link for ``user`` and return it with its token (shown once, never stored).

    ``by`` is an administrator (checked against the rules table) or a ``ConsoleOperator``. Any earlier
    unused link for the same user stops working.
    """
    via = EnrolmentLinkChannel.COMMAND if isinstance(by, ConsoleOperator) else EnrolmentLinkChannel.PAGE
    if via == EnrolmentLinkChannel.PAGE:
        policy.require(by, ISSUE_PERMISSION)
    if not user.is_active:
        raise ValueError(f"the account {user.username} is switched off")
    hours = settings.SAFEHUB_ENROLMENT_LINK_HOURS if hours is None else hours
    if not 0 < hours <= 24 * 7:
        raise ValueError("an enrolment link lasts between 1 hour and 7 days")
    replaced = EnrolmentLink.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    token = secrets.token_urlsafe(32)
    link = EnrolmentLink(
        user=user,
        token_hash=token_hash(token),
        issued_by=None if via == EnrolmentLinkChannel.COMMAND else by,
        issued_via=via,
        issued_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    link.full_clean()
    link.save()
    details = {
        "event": "enrolment link issued",
        "username": user.username,
        "expires_at": link.expires_at.isoformat(),
        "replaced_links": replaced,
        "via": via,
    }
    if isinstance(by, ConsoleOperator):
        details["operator"] = by.os_user
    audit.record(
        actor=None if via == EnrolmentLinkChannel.COMMAND else by,
        action=AuditAction.CREATE,
        subject=link,
        at=now,
        details=details,
    )
    return link, token


def enrolment_link_check(*, token: str, user, now: datetime) -> EnrolmentLink:
    """Return the link for ``token`` if ``user`` may redeem it now; raise ``EnrolmentLinkInvalid`` if not."""
    link = EnrolmentLink.objects.filter(token_hash=token_hash(token)).select_related("user").first()
    if link is None:
        raise EnrolmentLinkInvalid("unknown")
    if link.used_at is not None:
        raise EnrolmentLinkInvalid("used")
    if link.revoked_at is not None:
        raise EnrolmentLinkInvalid("replaced")
    if link.expires_at <= now:
        raise EnrolmentLinkInvalid("expired")
    if link.user_id != user.pk:
        raise EnrolmentLinkInvalid("other_user")
    return link


def enrolment_link_redeem(*, token: str, by, now: datetime, ip_address: str | None = None) -> TOTPDevice:
    """Use the link once: make a fresh, unconfirmed authenticator for ``by`` and return it.

    The link is marked used by a conditional update, so two requests racing with one link cannot both
    succeed. Earlier unconfirmed authenticators of the user are removed: a secret is shown only to the
    session that redeemed the link. Someone else's link is refused, and the attempt audited.
    """
    try:
        link = enrolment_link_check(token=token, user=by, now=now)
    except EnrolmentLinkInvalid as refused:
        if refused.reason == "other_user":
            audit.record(
                actor=by,
                action=AuditAction.ACCESS_DENIED,
                object_type="core.EnrolmentLink",
                at=now,
                details={"event": "enrolment link for another account"},
                ip_address=ip_address,
            )
        raise
    with transaction.atomic():
        return _redeem(link=link, by=by, now=now, ip_address=ip_address)


def _redeem(*, link: EnrolmentLink, by, now: datetime, ip_address: str | None) -> TOTPDevice:
    still_open = EnrolmentLink.objects.filter(
        pk=link.pk, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    )
    if still_open.update(used_at=now) != 1:
        raise EnrolmentLinkInvalid("used")
    TOTPDevice.objects.filter(user=by, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=by, name="Authenticator app", confirmed=False)
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        subject=link,
        at=now,
        details={"event": "enrolment link used"},
        ip_address=ip_address,
    )
    return device


@transaction.atomic
def totp_enrolment_confirm(*, device: TOTPDevice, code: str, by, now: datetime) -> bool:
    """Confirm the authenticator being set up if ``code`` is right; it then replaces any earlier one."""
    if device.user_id != by.pk or device.confirmed:
        return False
    if not device.verify_token(code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    removed, _ = TOTPDevice.objects.filter(user=by).exclude(pk=device.pk).delete()
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        object_type="otp_totp.TOTPDevice",
        object_id=str(device.pk),
        at=now,
        details={"event": "authenticator app set up", "replaced_devices": removed},
    )
    return True


def enrolment_links_recent(*, user, now: datetime, limit: int = 50) -> list[dict]:
    """The latest links, for administrators (no token can be read back: only hashes are stored)."""
    policy.require(user, ISSUE_PERMISSION)
    rows = EnrolmentLink.objects.select_related("user", "issued_by")[:limit]
    return [
        {
            "username": link.user.username,
            "issued_by": link.issued_by.username if link.issued_by else "Server command line",
            "issued_at": link.issued_at,
            "expires_at": link.expires_at,
            "status": _status(link, now=now),
        }
        for link in rows
    ]


def _status(link: EnrolmentLink, *, now: datetime) -> str:
    if link.used_at:
        return "Used"
    if link.revoked_at:
        return "Replaced by a newer link"
    if link.expires_at <= now:
        return "Expired"
    return "Not used yet"


def user_for_enrolment(username: str):
    """The account a link is for, or None (usernames are matched exactly, as at sign-in)."""
    return get_user_model().objects.filter(username=username).first()
