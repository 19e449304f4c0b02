"""Partner data exchange: API tokens, source identifiers, imports, partner submissions, webhooks."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q


class Scope(models.TextChoices):
    """What an API token may do (an agency system asks for the fewest it needs)."""

    CONTACTS_WRITE = "contacts:write", "Push contacts to the front door"
    OUTCOMES_READ = "outcomes:read", "Read outcomes shared with the agency"
    NOTIFICATIONS_READ = "notifications:read", "Read education notifications for the setting"
    NOTIFICATIONS_WRITE = "notifications:write", "Acknowledge education notifications"
    RECORDS_READ = "records:read", "Read records shared with the agency"
    WEBHOOKS_MANAGE = "webhooks:manage", "Manage the agency's webhook subscriptions"


class ApiToken(models.Model):
    """A per-agency API token. Only a hash is stored; the token is shown once when made."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="api_tokens")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        help_text="The service account the agency system acts as",
    )
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "shb_" + secrets.token_urlsafe(32)

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class ExternalIdentifier(models.Model):
    """A person's identifier in another system (e.g. the Annex A child ID from the LA case system)."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="external_identifiers")
    system = models.CharField(max_length=40, help_text="Whose identifier this is, e.g. annex_a")
    value = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    source_import = models.ForeignKey("ImportJob", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["system", "value"], name="external_identifier_unique")]
        indexes = [models.Index(fields=["person", "system"], name="extid_person_system")]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class ImportKind(models.TextChoices):
    ANNEX_A = "ANNEX_A", "Ofsted Annex A"
    SUBMISSION = "SUBMISSION", "Partner data return"


class ImportStatus(models.TextChoices):
    QUEUED = "QUEUED", "Waiting to start"
    RUNNING = "RUNNING", "Running"
    DONE = "DONE", "Finished"
    FAILED = "FAILED", "Failed: nothing was imported"


class ImportJob(models.Model):
    """One file brought in: provenance (who, when, file, SHA-256) and progress for the page."""

    kind = models.CharField(max_length=12, choices=ImportKind.choices)
    file_name = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=500, blank=True, help_text="Where the upload is kept while it runs")
    sha256 = models.CharField(max_length=64)
    size_bytes = models.BigIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Blank when run from the server's command line",
    )
    requested_by_name = models.CharField(max_length=150, help_text="Username, or the command-line operator")
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True, help_text="Per list: imported, updated, unchanged, rejected")
    errors = models.JSONField(default=list, blank=True, help_text="The first row-level errors, for the page")
    error_count = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True)
    parameters = models.JSONField(
        default=dict, blank=True, help_text="For a data return: the agency, return and quarter it is for"
    )
    submission = models.ForeignKey(
        "exchange.Submission",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The return's outcome, once validated",
    )

    class Meta:
        ordering = ["-requested_at"]

    @property
    def percent_done(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0


class AnnexALink(models.Model):
    """Which record an Annex A row (list + natural key) became, the columns Safehub has no field for,
    and the import that last wrote it."""

    list_number = models.PositiveSmallIntegerField()
    natural_key = models.CharField(max_length=160)
    object_id = models.BigIntegerField()
    extras = models.JSONField(default=dict, blank=True)
    source_import = models.ForeignKey(ImportJob, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["list_number", "natural_key"], name="annex_a_link_unique_key"),
        ]
        indexes = [models.Index(fields=["list_number", "object_id"], name="annex_a_link_object")]


class SubmissionStatus(models.TextChoices):
    ACCEPTED = "ACCEPTED", "Accepted"
    REJECTED = "REJECTED", "Rejected: errors to correct"


class Submission(models.Model):
    """An agency's data return for one period, as uploaded, with its provenance and validation outcome."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="data_submissions")
    return_code = models.CharField(max_length=40)
    schema_version = models.PositiveSmallIntegerField()
    period_start = models.DateField()
    period_end = models.DateField()
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.BigIntegerField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=10, choices=SubmissionStatus.choices)
    row_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["return_code", "period_start", "agency"], name="submission_period")]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="submission_period_ordered"
            )
        ]


class SubmissionValue(models.Model):
    """One accepted figure from a data return (what the insight app reads)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values")
    return_code = models.CharField(max_length=40)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    period_label = models.CharField(max_length=40, blank=True, help_text="The period the figure covers, as given")
    measure = models.CharField(max_length=200)
    value = models.DecimalField(max_digits=14, decimal_places=4)
    count = models.IntegerField(null=True, blank=True, help_text="The number behind a rate, when given")

    class Meta:
        indexes = [models.Index(fields=["return_code", "period_start", "measure"], name="subvalue_lookup")]


class ReminderKind(models.TextChoices):
    DUE_SOON = "DUE_SOON", "Due soon"
    MISSING = "MISSING", "Overdue: not received"


class SubmissionReminder(models.Model):
    """A reminder to an agency that a return is due or overdue (one per kind per return period)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    return_code = models.CharField(max_length=40)
    period_start = models.DateField()
    due_date = models.DateField()
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "return_code", "period_start", "kind"], name="reminder_once_per_kind"
            )
        ]


class WebhookEvent(models.TextChoices):
    RECORD_SHARED = "record.shared", "A record or outcome was shared with the agency"
    NOTIFICATION_CREATED = "notification.created", "An education notification was made for the setting"


class WebhookSubscription(models.Model):
    """An agency system's URL told about events for that agency; deliveries signed with the secret."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="webhook_subscriptions")
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=80, help_text="Shared secret for the HMAC-SHA256 signature")
    events = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    is_active = models.BooleanField(default=True)

    @staticmethod
    def new_secret() -> str:
        return secrets.token_hex(32)


class DeliveryStatus(models.TextChoices):
    PENDING = "PENDING", "Waiting to be delivered"
    DELIVERED = "DELIVERED", "Delivered"
    FAILED = "FAILED", "Gave up after retries"


class WebhookDelivery(models.Model):
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due")]
