"""A file prepared by the task worker for the person who asked for it (``core.exports``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ExportStatus(models.TextChoices):
    WAITING = "WAITING", "Being prepared"
    READY = "READY", "Ready to download"
    FAILED = "FAILED", "Could not be prepared"


class PreparedExport(models.Model):
    """One asked-for export: what was asked (a registered kind and its parameters), by whom, and the file.

    The file is kept in the database for its asker alone and removed when it expires, so nothing
    personal is left in a download folder on the server.
    """

    kind = models.CharField(max_length=60, help_text="The registered export, e.g. frontdoor.police_timeliness")
    parameters = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.WAITING)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    notes = models.JSONField(default=list, blank=True, help_text="Lines for the page, e.g. rows left out and why")
    failure = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-requested_at"], name="export_by_asker")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.requested_by_id} ({self.status})"
