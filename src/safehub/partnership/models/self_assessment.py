"""Section 11 (Children Act 2004) and section 175 (Education Act 2002) self-assessment cycles and returns."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class SelfAssessmentKind(models.TextChoices):
    SECTION_11 = "SECTION_11", "Section 11 (Children Act 2004)"
    SECTION_175 = "SECTION_175", "Section 175 (Education Act 2002) schools"


# Standards each self-assessment asks agencies to rate themselves against (code, text).
SELF_ASSESSMENT_STANDARDS: dict[str, list[tuple[str, str]]] = {
    SelfAssessmentKind.SECTION_11: [
        ("S1", "Senior management commitment to safeguarding"),
        ("S2", "Clear statement of safeguarding responsibilities, available to all staff"),
        ("S3", "A clear line of accountability for safeguarding"),
        ("S4", "Service development takes account of the need to safeguard"),
        ("S5", "Training on safeguarding for all staff working with children"),
        ("S6", "Safer recruitment, and allegations against staff"),
        ("S7", "Effective inter-agency working"),
        ("S8", "Information sharing"),
        ("S9", "The voice of the child is heard"),
        ("S10", "Supervision and reflective practice"),
        ("S11", "Safeguarding disabled children and children with additional needs"),
    ],
    SelfAssessmentKind.SECTION_175: [
        ("E1", "Designated safeguarding lead with time, training and deputies"),
        ("E2", "Child protection policy, reviewed annually and published"),
        ("E3", "Staff training and Keeping Children Safe in Education read and understood"),
        ("E4", "Safer recruitment and the single central record"),
        ("E5", "Records of concerns are timely, accurate and secure"),
        ("E6", "Attendance, children missing education and educational neglect"),
        ("E7", "Online safety, filtering and monitoring"),
        ("E8", "Early help identified and offered"),
    ],
}


class Rating(models.TextChoices):
    MET = "MET", "Met"
    PARTLY_MET = "PARTLY_MET", "Partly met"
    NOT_MET = "NOT_MET", "Not met"


class SelfAssessmentCycle(models.Model):
    """A round of section 11 or section 175 returns (year 1 full; year 2 action-plan review)."""

    kind = models.CharField(max_length=20, choices=SelfAssessmentKind.choices)
    year = models.CharField(max_length=7, help_text="Financial year, e.g. 2024-25")
    cycle_year = models.PositiveSmallIntegerField(
        choices=[(1, "Year 1: full self-assessment"), (2, "Year 2: action-plan review")]
    )
    opens_date = models.DateField()
    due_date = models.DateField()
    themes_summary = models.TextField(blank=True, help_text="Themes across agencies, written after review")

    class Meta:
        ordering = ["-opens_date"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="self_assessment_cycle_unique"),
            models.CheckConstraint(condition=Q(cycle_year__in=[1, 2]), name="self_assessment_cycle_year"),
        ]

    @property
    def standards(self) -> list[tuple[str, str]]:
        return SELF_ASSESSMENT_STANDARDS.get(self.kind, [])


class SelfAssessmentReturn(models.Model):
    """One agency's return in a cycle."""

    cycle = models.ForeignKey(SelfAssessmentCycle, on_delete=models.CASCADE, related_name="returns")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "agency"], name="self_assessment_return_unique")]


class SelfAssessmentRating(models.Model):
    self_assessment = models.ForeignKey(SelfAssessmentReturn, on_delete=models.CASCADE, related_name="ratings")
    standard = models.CharField(max_length=10)
    rating = models.CharField(max_length=20, choices=Rating.choices)
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["self_assessment", "standard"], name="self_assessment_rating_unique")
        ]
