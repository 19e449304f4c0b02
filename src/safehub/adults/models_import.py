"""What an adults CSV import keeps: every row as read, its flags, and the people it created or matched."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class ImportedPerson(models.Model):
    """The source system's person id and the Safehub person it was matched to or created as."""

    source_system = models.CharField(max_length=40)
    source_person_id = models.CharField(max_length=80)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    how = models.CharField(max_length=12, help_text="LINKED, CREATED or REVIEW (created, pair queued for review)")
    probability = models.FloatField(null=True, blank=True)
    first_imported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source_system", "source_person_id"], name="adult_imported_person_once")
        ]


class ImportRowStatus(models.TextChoices):
    IMPORTED = "IMPORTED", "Imported"
    FLAGGED = "FLAGGED", "Imported, with values kept but not used (flagged)"
    REJECTED = "REJECTED", "Not imported (kept for correction)"


class ImportedRow(models.Model):
    """One row of an adults CSV import exactly as read, with what was flagged: nothing is lost."""

    source_system = models.CharField(max_length=40, blank=True)
    record_type = models.CharField(max_length=10, blank=True)
    row_key = models.CharField(max_length=100, help_text="The record id, or a hash of the row when it has none")
    raw = models.JSONField()
    flags = models.JSONField(default=list, help_text="[{column, value, message}]")
    status = models.CharField(max_length=10, choices=ImportRowStatus.choices)
    concern = models.ForeignKey(
        "adults.SafeguardingConcern", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    enquiry = models.ForeignKey("adults.Enquiry", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    last_imported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source_system", "record_type", "row_key"], name="adult_imported_row_once")
        ]
        indexes = [models.Index(fields=["status"], name="adult_imported_row_status", condition=~Q(status="IMPORTED"))]
