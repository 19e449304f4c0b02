"""The transactional outbox: an event is a row written in the transaction of the change that caused it.

``OutboxEvent`` is what happened (one payload shape per event name, see ``core.events``);
``OutboxDelivery`` is one subscriber's handling of it, retried with back-off by the task worker and
moved to the dead-letter state when the attempts run out. Failed and dead-lettered deliveries are
listed for the administrator (``core:outbox``) with their error, and can be retried from there or
with ``safehub outbox_retry``.
"""

from __future__ import annotations

from django.db import models


class OutboxStatus(models.TextChoices):
    PENDING = "PENDING", "Waiting to be delivered"
    FAILED = "FAILED", "Failed: will be tried again"
    DEAD = "DEAD", "Dead letter: gave up after retries"
    DELIVERED = "DELIVERED", "Delivered"


class OutboxEvent(models.Model):
    """One event, committed or rolled back with the change that published it."""

    name = models.CharField(max_length=40)
    payload = models.JSONField(help_text="Identifiers and links only, never personal details")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"


class OutboxDelivery(models.Model):
    """One subscriber's delivery of one event (handlers are named, so a retry runs only the one that failed)."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    handler = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-pk"]
        constraints = [models.UniqueConstraint(fields=["event", "handler"], name="outbox_delivery_once_per_handler")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_delivery_due")]

    def __str__(self) -> str:
        return f"{self.handler} for event #{self.event_id}"
