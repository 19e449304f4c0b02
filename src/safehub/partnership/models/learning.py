"""Learning and development: courses, their quality checks, events and attendance, briefings and who read them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from safehub.partnership.models.common import Priority, Theme
from safehub.partnership.models.reviews import CaseReview


class TrainingCourse(models.Model):
    title = models.CharField(max_length=200)
    theme = models.CharField(max_length=30, choices=Theme.choices)
    priority = models.CharField(max_length=40, choices=Priority.choices, blank=True)
    description = models.TextField(blank=True)
    provider = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["title"]


class TrainingQualityCheck(models.Model):
    """The learning and development group's check that a course is current and reflects the law and local policy."""

    course = models.ForeignKey(TrainingCourse, on_delete=models.CASCADE, related_name="quality_checks")
    checked_date = models.DateField()
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reflects_legislation = models.BooleanField()
    reflects_local_policy = models.BooleanField()
    includes_review_learning = models.BooleanField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-checked_date"]

    @property
    def passed(self) -> bool:
        return self.reflects_legislation and self.reflects_local_policy and self.includes_review_learning


class TrainingEvent(models.Model):
    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="events")
    starts_at = models.DateTimeField()
    venue = models.CharField(max_length=120, blank=True, help_text="Blank for online")
    capacity = models.PositiveSmallIntegerField(default=30)

    class Meta:
        ordering = ["-starts_at"]


class TrainingAttendance(models.Model):
    event = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE, related_name="attendances")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    job_role = models.CharField(max_length=80)
    attendee_name = models.CharField(max_length=120)
    attended = models.BooleanField(default=True)
    usefulness = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)], help_text="1 to 5"
    )
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(usefulness__isnull=True) | Q(usefulness__gte=1, usefulness__lte=5),
                name="attendance_usefulness_1_to_5",
            )
        ]


class Briefing(models.Model):
    class Kind(models.TextChoices):
        SEVEN_MINUTE = "SEVEN_MINUTE", "7-minute briefing"
        ONE_MINUTE = "ONE_MINUTE", "One-minute guide"
        LEARNING = "LEARNING", "Learning briefing"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SEVEN_MINUTE)
    theme = models.CharField(max_length=30, choices=Theme.choices)
    review = models.ForeignKey(CaseReview, on_delete=models.SET_NULL, null=True, blank=True, related_name="briefings")
    body = models.TextField()
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["-published_at"]


class BriefingRead(models.Model):
    """A read receipt: who read the briefing, and when."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["briefing", "user"], name="briefing_read_once")]
