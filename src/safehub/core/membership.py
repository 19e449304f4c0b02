"""Who a user is in the partnership (agency, team, role), asked of the app that records it.

The memberships live in the agencies app; it registers its lookups here in ``AppConfig.ready()``, so
core (the access policy, the audit trail, the page shell) reads them without importing a domain app.
A membership is any object with ``role``, ``agency_id``, ``agency`` (with ``kind`` and ``name``) and
``team``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_lookup: Callable[[Any], Any] | None = None
_demo_sign_ins: Callable[[], list[tuple[str, str, str]]] | None = None


def register(*, lookup: Callable[[Any], Any], demo_sign_ins: Callable[[], list[tuple[str, str, str]]]) -> None:
    """Install the membership lookups (the agencies app calls this once, when Django starts)."""
    global _lookup, _demo_sign_ins
    _lookup, _demo_sign_ins = lookup, demo_sign_ins


def membership_for_user(user) -> Any:
    """Return the user's membership, or None for a user outside any agency."""
    if _lookup is None:
        raise ImproperlyConfigured("no app has registered memberships: is safehub.agencies installed?")
    return _lookup(user)


def demo_sign_ins() -> list[tuple[str, str, str]]:
    """(username, role, agency name) of the demo accounts offered on the sign-in page."""
    if _demo_sign_ins is None:
        raise ImproperlyConfigured("no app has registered memberships: is safehub.agencies installed?")
    return _demo_sign_ins()
