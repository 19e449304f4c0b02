"""The yearly report's sign-off: sections with partner leads, comments, the scrutineer's approval, the
published files.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ReportStage(models.TextChoices):
    DRAFTING = "DRAFTING", "Being drafted"
    WITH_SCRUTINEER = "WITH_SCRUTINEER", "With the independent scrutineer"
    APPROVED = "APPROVED", "Approved by the independent scrutineer"
    PUBLISHED = "PUBLISHED", "Published"


class YearlyReportDraft(models.Model):
    """The yearly report for one year on its way to publication; the scrutineer is named on it."""

    year = models.CharField(max_length=7, unique=True)
    stage = models.CharField(max_length=20, choices=ReportStage.choices, default=ReportStage.DRAFTING)
    scrutineer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(year__regex=r"^\d{4}-\d{2}$"), name="report_draft_year_format"),
            models.CheckConstraint(
                condition=~Q(stage__in=["APPROVED", "PUBLISHED"]) | Q(approved_at__isnull=False),
                name="report_draft_approved_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(stage="PUBLISHED") | Q(published_at__isnull=False), name="report_draft_published_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(scrutineer=models.F("started_by")), name="report_draft_scrutineer_independent"
            ),
        ]

    def __str__(self) -> str:
        return f"Yearly report {self.year} ({self.get_stage_display()})"


class SectionStatus(models.TextChoices):
    WITH_LEAD = "WITH_LEAD", "With the lead"
    READY = "READY", "Ready for scrutiny"


class YearlyReportSectionLead(models.Model):
    """A section of the report given to a partner lead to write, and whether they say it is ready."""

    draft = models.ForeignKey(YearlyReportDraft, on_delete=models.CASCADE, related_name="leads")
    key = models.CharField(max_length=20)  # insight.ReportSectionKey
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=SectionStatus.choices, default=SectionStatus.WITH_LEAD)
    assigned_at = models.DateTimeField()
    ready_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["draft", "key"], name="report_section_one_lead")]


class YearlyReportComment(models.Model):
    """A comment on the draft or on one of its sections (``key`` empty: the whole report)."""

    draft = models.ForeignKey(YearlyReportDraft, on_delete=models.CASCADE, related_name="comments")
    key = models.CharField(max_length=20, blank=True)
    text = models.TextField()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["written_at", "pk"]


class PublishedReport(models.Model):
    """The published yearly report: the files of one build, copied in and never changed again."""

    draft = models.OneToOneField(YearlyReportDraft, on_delete=models.PROTECT, related_name="published")
    year = models.CharField(max_length=7, unique=True)
    build_id = models.PositiveIntegerField(help_text="The insight build the files were copied from")
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(max_length=64, help_text="Digest over every file's name and digest")

    def __str__(self) -> str:
        return f"Published yearly report {self.year}"


class PublishedReportFile(models.Model):
    report = models.ForeignKey(PublishedReport, on_delete=models.PROTECT, related_name="files")
    name = models.CharField(max_length=120)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["report", "name"], name="published_report_file_once")]
