from __future__ import annotations

from django.db.models import QuerySet

from safehub.agencies.models import Agency, AgencyKind, Membership


def membership_for_user(user) -> Membership | None:
    """Return the user's membership (cached on the user), or None for users outside any agency."""
    if not getattr(user, "is_authenticated", False):
        return None
    if hasattr(user, "_safehub_membership"):  # cached, including None
        return user._safehub_membership
    membership = Membership.objects.select_related("agency", "team").filter(user=user).first()
    user._safehub_membership = membership
    return membership


def agency_list(*, kind: str | None = None, active_only: bool = True) -> QuerySet[Agency]:
    qs = Agency.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs


def education_settings() -> QuerySet[Agency]:
    return Agency.objects.filter(kind__in=[AgencyKind.SCHOOL, AgencyKind.EARLY_YEARS], is_active=True)


def demo_sign_in_list() -> list[tuple[str, str, str]]:
    """(username, role, agency name) of the demo accounts, for the sign-in page in demo mode."""
    return list(
        Membership.objects.filter(user__username__startswith="demo.")
        .select_related("agency", "user")
        .order_by("role")
        .values_list("user__username", "role", "agency__name")[:20]
    )
