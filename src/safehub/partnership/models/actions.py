"""Inspections, recommendations from every source, the agencies' actions, and notifications to agencies."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q

from safehub.partnership.models.audits import MultiAgencyAudit
from safehub.partnership.models.reviews import CaseReview
from safehub.partnership.models.self_assessment import SelfAssessmentReturn


class Inspection(models.Model):
    """An external inspection (e.g. a JTAI) whose letter and responses yield recommendations."""

    class Kind(models.TextChoices):
        JTAI = "JTAI", "Joint targeted area inspection"
        ILACS = "ILACS", "Inspection of local authority children's services"
        CQC_ASC = "CQC_ASC", "CQC assessment of adult social care"
        HMICFRS = "HMICFRS", "HMICFRS inspection"
        OTHER = "OTHER", "Other"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    inspectorates = models.CharField(max_length=120, help_text="e.g. Ofsted, CQC, HMICFRS")
    started_date = models.DateField()
    ended_date = models.DateField()
    letter_published_date = models.DateField(null=True, blank=True)
    action_plan_due_date = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_date"]
        constraints = [
            models.CheckConstraint(condition=Q(ended_date__gte=models.F("started_date")), name="inspection_ordered")
        ]


class Recommendation(models.Model):
    """A recommendation or area for improvement from one source: a review, audit, inspection or return."""

    class Kind(models.TextChoices):
        RECOMMENDATION = "RECOMMENDATION", "Recommendation"
        AREA_FOR_IMPROVEMENT = "AREA_FOR_IMPROVEMENT", "Area for improvement"
        LEARNING = "LEARNING", "Learning point"

    review = models.ForeignKey(
        CaseReview, on_delete=models.CASCADE, null=True, blank=True, related_name="recommendations"
    )
    audit = models.ForeignKey(
        MultiAgencyAudit, on_delete=models.CASCADE, null=True, blank=True, related_name="recommendations"
    )
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, null=True, blank=True, related_name="recommendations"
    )
    self_assessment = models.ForeignKey(
        SelfAssessmentReturn, on_delete=models.CASCADE, null=True, blank=True, related_name="recommendations"
    )
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.RECOMMENDATION)
    text = models.TextField()
    made_by = models.CharField(max_length=120, blank=True, help_text="e.g. inspection letter, PCC response")
    lead_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["number", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(review__isnull=False, audit__isnull=True, inspection__isnull=True, self_assessment__isnull=True)
                    | Q(review__isnull=True, audit__isnull=False, inspection__isnull=True, self_assessment__isnull=True)
                    | Q(review__isnull=True, audit__isnull=True, inspection__isnull=False, self_assessment__isnull=True)
                    | Q(review__isnull=True, audit__isnull=True, inspection__isnull=True, self_assessment__isnull=False)
                ),
                name="recommendation_one_source",
            )
        ]

    @property
    def source_label(self) -> str:
        # A relation whose id is blank reads as None without a query, so these tests match the ids'.
        if (review := self.review) is not None:
            return f"Review {review.reference} {review.title}"
        if (audit := self.audit) is not None:
            return f"Audit: {audit.title}"
        if (inspection := self.inspection) is not None:
            return f"Inspection: {inspection.title}"
        if (self_assessment := self.self_assessment) is not None:
            return f"Self-assessment: {self_assessment.agency.name}"
        return ""


class ActionStatus(models.TextChoices):
    NOT_STARTED = "NOT_STARTED", "Not started"
    IN_PROGRESS = "IN_PROGRESS", "In progress"
    COMPLETE = "COMPLETE", "Complete"


class Action(models.Model):
    """One agency's action towards a recommendation. 'Overdue' is computed, never stored."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    owner_name = models.CharField(max_length=120, help_text="The named person responsible")
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    completed_date = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True)
    updated_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ActionStatus.COMPLETE, completed_date__isnull=False)
                | (~Q(status=ActionStatus.COMPLETE) & Q(completed_date__isnull=True)),
                name="action_completed_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=ActionStatus.COMPLETE) | ~Q(evidence=""), name="action_complete_has_evidence"
            ),
        ]

    def is_overdue(self, today: date) -> bool:
        return self.status != ActionStatus.COMPLETE and self.due_date < today

    def status_label(self, today: date) -> str:
        return "Overdue" if self.is_overdue(today) else self.get_status_display()


class Notification(models.Model):
    """A message to an agency (e.g. an overdue action chased); one per key, so chasing never repeats."""

    recipient_agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=200, blank=True)
    dedupe_key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    awaiting_delivery = models.BooleanField(
        default=False, help_text="Written, not yet delivered by the outbox worker (partnership.subscribers)"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient_agency", "read_at"], name="pship_notification_unread")]
