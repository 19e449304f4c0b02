"""Who may see and manage LADO cases: the LADO team and the users named on a case, nobody else.

``pathways.lado_manage`` is granted to social workers and front-door managers by role; here it is
narrowed to members of the team named "LADO" in a local authority children's services agency. A
case nobody may see answers "not found", never "forbidden", so its existence is not revealed.
"""

from __future__ import annotations

from django.db.models import Q

from safehub.agencies.models import AgencyKind
from safehub.agencies.selectors import membership_for_user
from safehub.core import policy

LADO_TEAM_NAME = "LADO"


def is_lado_team(user) -> bool:
    """Return whether the user is in the LADO team with a role that may manage cases."""
    membership = membership_for_user(user)
    if membership is None or not getattr(user, "is_active", False):
        return False
    return (
        policy.can(user, "pathways.lado_manage")
        and membership.team is not None
        and membership.team.name == LADO_TEAM_NAME
        and membership.agency.kind == AgencyKind.LA_CHILDREN
    )


def lado_visible_q(user) -> Q:
    """Filter LadoCase rows to those the user may see (the team: all; others: named on the case)."""
    if is_lado_team(user):
        return Q()
    if membership_for_user(user) is None or not getattr(user, "is_active", False):
        return Q(pk__in=[])
    return Q(named__user=user)


def may_see_lado_case(user, case) -> bool:
    return is_lado_team(user) or case.named.filter(user=user).exists()
