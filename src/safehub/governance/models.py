"""Information-governance duties: retention rules, legal holds, retention reviews, subject access."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class RetentionBasis(models.TextChoices):
    FROM_LAST_ACTIVITY = "LAST_ACTIVITY", "Years after the last record about the person"
    FROM_25TH_BIRTHDAY = "BIRTHDAY_25", "Until the 25th birthday, then years after"
    FROM_BIRTH = "BIRTH", "Years from date of birth (e.g. 75 years for looked-after children)"


class RetentionRule(models.Model):
    """How long the partnership keeps a kind of record (configurable; defaults from common LA schedules)."""

    record_kind = models.CharField(
        max_length=40,
        unique=True,
        help_text="e.g. children_no_further_action, children_social_care, looked_after, adult_safeguarding",
    )
    description = models.CharField(max_length=200)
    basis = models.CharField(max_length=20, choices=RetentionBasis.choices)
    years = models.PositiveSmallIntegerField()

    def __str__(self) -> str:
        return self.record_kind


class LegalHold(models.Model):
    """Blocks deletion of a person's records (litigation, inquiry, case review)."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="legal_holds")
    reason = models.TextField()
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField()
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="legal_hold_has_reason")]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class ReviewStatus(models.TextChoices):
    PENDING = "PENDING", "Awaiting review"
    RETAIN = "RETAIN", "Keep for longer"
    ERASED = "ERASED", "Personal data erased"


class RetentionReview(models.Model):
    """A person whose records have passed their retention period: reviewed, then erased or kept."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="retention_reviews")
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()
    created_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="PENDING"), name="one_pending_review_per_person"
            )
        ]

    @property
    def audit_person_id(self) -> int:
        return self.person_id
