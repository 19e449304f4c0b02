"""Who may do what in the partnership's services: the "its own agency" refinement shared by every sub-package.

Access: ``partnership.manage`` (the partnership business unit) runs reviews, audits, training and
cycles; ``partnership.contribute`` lets every member agency do its own part (refer a case, answer
audit questions for its agency, update its own actions, submit its own self-assessment). The
"its own" refinement is checked here with ``require_own_agency`` because it compares the
record's agency with the user's, which ``policy.ROLE_RULES`` cannot express."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from safehub.agencies.models import Agency
from safehub.core import policy


def require_own_agency(by, agency_id: int, permission: str = "partnership.contribute") -> None:
    """Let the partnership manager act for any agency, and a member only for its own."""
    if policy.can(by, "partnership.manage"):
        return
    membership = policy.require(by, permission)
    if membership.agency_id != agency_id:
        raise PermissionDenied("You can only update your own agency's part")


def agency_of(by) -> Agency:
    membership = policy.membership_for_user(by)
    if membership is None:
        raise PermissionDenied("not a member of an agency")
    return membership.agency
