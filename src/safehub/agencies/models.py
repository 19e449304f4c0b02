"""Agencies of the partnership, their teams, and the people who work in them (with a role)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

# The vocabulary lives in core (the access policy is written in it); re-exported for the apps.
from safehub.core.roles import EDUCATION_KINDS, FRONT_DOOR_ROLES, HEALTH_KINDS, AgencyKind, Role

__all__ = [
    "EDUCATION_KINDS",
    "FRONT_DOOR_ROLES",
    "HEALTH_KINDS",
    "Agency",
    "AgencyKind",
    "Membership",
    "Role",
    "Team",
]


class Agency(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    code = models.CharField(max_length=20, unique=True, help_text="Short code used in files and the API")
    urn = models.CharField("URN", max_length=10, blank=True, help_text="Ofsted/DfE unique reference number")
    phase = models.CharField(max_length=40, blank=True, help_text="For schools: primary, secondary, special...")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    @property
    def is_health(self) -> bool:
        return self.kind in HEALTH_KINDS

    @property
    def is_education(self) -> bool:
        return self.kind in EDUCATION_KINDS


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=120)
    is_front_door = models.BooleanField(default=False, help_text="The MASH / front-door team")

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="team_unique_name_per_agency")]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.name})"


class Membership(models.Model):
    """A user's place in the partnership: one agency, optionally a team, one role."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships")
    role = models.CharField(max_length=40, choices=Role.choices)
    job_title = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["agency__name", "user__last_name"]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.agency}"

    @property
    def is_front_door(self) -> bool:
        return self.role in FRONT_DOOR_ROLES
