"""Escalations: professional differences raised under the escalation protocol (stages 1 to 4)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from safehub.partnership.models.common import Theme


class Escalation(models.Model):
    """A professional difference raised under the escalation protocol (stages 1 to 4)."""

    class Outcome(models.TextChoices):
        AGREED = "AGREED", "Agreed: plan changed"
        UPHELD = "UPHELD", "Original decision upheld, explained"
        WITHDRAWN = "WITHDRAWN", "Withdrawn"

    raised_by_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    raised_by_name = models.CharField(max_length=120)
    raised_with_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    raised_with_name = models.CharField(max_length=120, blank=True)
    concern = models.TextField()
    theme = models.CharField(max_length=30, choices=Theme.choices, blank=True)
    raised_at = models.DateTimeField()
    stage = models.PositiveSmallIntegerField(default=1)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.CheckConstraint(condition=Q(stage__gte=1, stage__lte=4), name="escalation_stage_1_to_4"),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True, outcome="") | (Q(resolved_at__isnull=False) & ~Q(outcome="")),
                name="escalation_resolved_has_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(raised_by_agency=models.F("raised_with_agency")), name="escalation_between_agencies"
            ),
        ]
