"""Finance: what each partner contributes to the partnership's budgets, per financial year."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Budget(models.TextChoices):
    CHILDREN_PARTNERSHIP = "CHILDREN_PARTNERSHIP", "Children's safeguarding partnership"
    ADULTS_BOARD = "ADULTS_BOARD", "Safeguarding adults board"


class FundingPartner(models.TextChoices):
    """The bodies that fund the arrangements: the three safeguarding partners, and others who choose to."""

    LOCAL_AUTHORITY = "LOCAL_AUTHORITY", "Local authority"
    ICB = "ICB", "Integrated care board"
    POLICE = "POLICE", "Police"
    PROBATION = "PROBATION", "Probation service"
    OTHER = "OTHER", "Other contributor"


class PartnerContribution(models.Model):
    """One partner's financial contribution to one budget for a financial year (whole pounds)."""

    year = models.CharField(max_length=7, help_text="Financial year, e.g. 2025-26")
    budget = models.CharField(max_length=30, choices=Budget.choices)
    partner = models.CharField(max_length=20, choices=FundingPartner.choices)
    organisation_name = models.CharField(max_length=120, help_text="As the report names it, e.g. 'City council'")
    amount_gbp = models.PositiveIntegerField(help_text="Whole pounds")
    in_kind = models.TextField(blank=True, help_text="Contributions in kind (staff time, venues), in words")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year", "budget", "-amount_gbp", "organisation_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "budget", "organisation_name"], name="partner_contribution_once_per_budget_year"
            ),
            models.CheckConstraint(condition=Q(year__regex=r"^\d{4}-\d{2}$"), name="partner_contribution_year_format"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_budget_display()}: {self.organisation_name} £{self.amount_gbp:,}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        digits = len(self.year or "") == 7 and self.year[:4].isdigit() and self.year[5:].isdigit()
        if digits and (int(self.year[:4]) + 1) % 100 != int(self.year[5:]):
            raise ValidationError({"year": "Give a financial year such as 2025-26"})
