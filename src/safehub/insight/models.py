"""Insight: population figures, peer comparators, the yearly report's written sections and its builds.

The measures themselves are not stored: they are computed from the records on demand (see
``snapshot.py`` and the engine). What is stored is what the records cannot say: the population
the partnership serves, how others perform, and what the partnership writes in its report.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Population(models.Model):
    """One population figure: a headline (``resident_population``) or an age band (``age_0_17``).

    Age-band rows carry ``age_from``/``age_to`` (``age_to`` empty for "and over"); the engine's
    rates use the figure for children aged 0 to 17 (key ``children_0_17``), summed from the bands
    when no headline figure is loaded.
    """

    key = models.SlugField(max_length=80, unique=True)
    label = models.CharField(max_length=200)
    value = models.FloatField()
    as_of_year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Mid-year estimate year")
    age_from = models.PositiveSmallIntegerField(null=True, blank=True)
    age_to = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="Where the figure comes from")
    loaded_at = models.DateTimeField()

    class Meta:
        ordering = ["age_from", "key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(age_to__isnull=True) | Q(age_from__isnull=False, age_to__gte=models.F("age_from")),
                name="population_age_band_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.value:g}"

    @property
    def is_age_band(self) -> bool:
        return self.age_from is not None


class Comparator(models.Model):
    """A measure's value somewhere else (England, statistical neighbours, a region) for a year."""

    measure_id = models.CharField(max_length=80)
    comparator = models.CharField(max_length=80, help_text='For example "England" or "Statistical neighbours"')
    year = models.CharField(max_length=7, help_text="Financial year such as 2024-25")
    value = models.FloatField()
    source = models.CharField(max_length=200, blank=True, help_text='"illustrative" for made-up demo figures')
    loaded_at = models.DateTimeField()

    class Meta:
        ordering = ["measure_id", "comparator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["measure_id", "comparator", "year"], name="comparator_once_per_year"),
            models.CheckConstraint(condition=Q(year__regex=r"^\d{4}-\d{2}$"), name="comparator_year_format"),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.comparator} {self.year}: {self.value:g}"

    @property
    def is_illustrative(self) -> bool:
        return "illustrative" in self.source.lower()


class ReportSectionKey(models.TextChoices):
    FOREWORD = "FOREWORD", "Foreword"
    PRIORITIES = "PRIORITIES", "Our priorities"
    SUBGROUPS = "SUBGROUPS", "Sub-group activity"
    FINANCE = "FINANCE", "Finance commentary"
    REVIEWS = "REVIEWS", "Practice reviews"
    AUDITS = "AUDITS", "Multi-agency audits"
    LEARNING = "LEARNING", "Learning and development"
    SECTION_11 = "SECTION_11", "Section 11 and 175"
    ESCALATIONS = "ESCALATIONS", "Escalations"
    MASH = "MASH", "MASH and front door"
    EDUCATION = "EDUCATION", "Education attendance"
    ADOLESCENTS = "ADOLESCENTS", "Vulnerable adolescents"
    LOOKING_FORWARD = "LOOKING_FORWARD", "Looking forward"


class ReportSection(models.Model):
    """A part of the yearly report that the partnership writes (plain text, paragraphs by blank lines)."""

    year = models.CharField(max_length=7)
    key = models.CharField(max_length=20, choices=ReportSectionKey.choices)
    text = models.TextField(blank=True)
    is_placeholder = models.BooleanField(default=False, help_text="Demo text the partnership should replace")
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["year", "key"]
        constraints = [
            models.UniqueConstraint(fields=["year", "key"], name="report_section_once_per_year"),
            models.CheckConstraint(condition=Q(year__regex=r"^\d{4}-\d{2}$"), name="report_section_year_format"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_key_display()}"


class BuildStatus(models.TextChoices):
    QUEUED = "QUEUED", "Waiting to start"
    RUNNING = "RUNNING", "Being built"
    DONE = "DONE", "Ready"
    FAILED = "FAILED", "Failed"


class ReportBuild(models.Model):
    """One request to build the yearly report (HTML and PDF), with its progress."""

    year = models.CharField(max_length=7)
    status = models.CharField(max_length=10, choices=BuildStatus.choices, default=BuildStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done")
    message = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    output_dir = models.CharField(max_length=500, blank=True)
    seconds = models.FloatField(null=True, blank=True, help_text="Build time")

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_build_progress_percent"),
            models.CheckConstraint(
                condition=~Q(status="DONE") | ~Q(output_dir=""), name="report_build_done_has_output"
            ),
        ]

    def __str__(self) -> str:
        return f"Yearly report {self.year} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (BuildStatus.DONE, BuildStatus.FAILED)
