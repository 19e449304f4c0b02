"""Sub-group meetings: attendance, decisions and the actions a meeting gives agencies."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models


class SubGroup(models.TextChoices):
    """The partnership's sub-groups (and its executive), as the yearly report names them."""

    PRACTICE_REVIEW = "PRACTICE_REVIEW", "Practice review group"
    PERFORMANCE = "PERFORMANCE", "Practice and performance improvement group"
    LEARNING = "LEARNING", "Learning and development group"
    EDUCATION = "EDUCATION", "Education sub-group"
    EXECUTIVE = "EXECUTIVE", "Partnership executive"


class SubGroupMeeting(models.Model):
    """One meeting of a sub-group: who came, what it decided (one decision a line) and what it asked for."""

    group = models.CharField(max_length=20, choices=SubGroup.choices)
    held_at = models.DateTimeField()
    chair_name = models.CharField(max_length=120, blank=True)
    summary = models.TextField(blank=True)
    decisions = models.TextField(blank=True, help_text="One decision a line")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_at", "-pk"]
        indexes = [models.Index(fields=["group", "held_at"], name="pship_meeting_group_held")]

    def __str__(self) -> str:
        return f"{self.get_group_display()}, {self.held_at:%d %b %Y}"

    @property
    def decision_list(self) -> list[str]:
        return [line.strip() for line in self.decisions.splitlines() if line.strip()]


class Attendance(models.TextChoices):
    PRESENT = "PRESENT", "Present"
    APOLOGIES = "APOLOGIES", "Sent apologies"
    ABSENT = "ABSENT", "Absent"


class MeetingAttendance(models.Model):
    """Whether an invited agency came to a meeting (one row per agency invited)."""

    meeting = models.ForeignKey(SubGroupMeeting, on_delete=models.CASCADE, related_name="attendance")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Attendance.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "agency"], name="meeting_attendance_once")]


class MeetingAction(models.Model):
    """An action a meeting gave an agency. 'Overdue' is computed, never stored."""

    meeting = models.ForeignKey(SubGroupMeeting, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    owner_name = models.CharField(max_length=120)
    due_date = models.DateField()
    completed_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]

    def is_overdue(self, today: date) -> bool:
        return self.completed_date is None and self.due_date < today
