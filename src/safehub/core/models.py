"""The audit trail: an append-only record of who read or changed what, when and why."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_otp.models import Device


class AuditAction(models.TextChoices):
    VIEW = "VIEW", "Viewed"
    SEARCH = "SEARCH", "Searched"
    CREATE = "CREATE", "Created"
    UPDATE = "UPDATE", "Updated"
    DELETE = "DELETE", "Deleted"
    SIGN_OFF = "SIGN_OFF", "Signed off"
    SHARE = "SHARE", "Shared"
    EXPORT = "EXPORT", "Exported"
    IMPORT = "IMPORT", "Imported"
    MERGE = "MERGE", "Merged"
    UNMERGE = "UNMERGE", "Unmerged"
    BREAK_GLASS = "BREAK_GLASS", "Break-glass access"
    ACCESS_DENIED = "ACCESS_DENIED", "Access denied"
    SIGN_IN = "SIGN_IN", "Signed in"
    SIGN_IN_FAILED = "SIGN_IN_FAILED", "Failed sign-in"
    SIGN_OUT = "SIGN_OUT", "Signed out"
    ALERT = "ALERT", "Security alert"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        raise PermissionError("the audit trail is append-only")

    def delete(self):  # type: ignore[override]
        raise PermissionError("the audit trail is append-only")


class AuditEvent(models.Model):
    """One audited action. Rows are only ever inserted (a database trigger refuses the rest)."""

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=20, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True, help_text="The person the record is about")
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    flagged = models.BooleanField(default=False, help_text="Needs a manager's review (break-glass, alerts)")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["actor", "at"], name="audit_actor_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        # Append-only is an invariant of the trail, so it is enforced here as well as in the database.
        if self.pk is not None:
            raise PermissionError("the audit trail is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the audit trail is append-only")


class AlertKind(models.TextChoices):
    BULK_READ = "BULK_READ", "Abnormal number of records read"
    BREAK_GLASS = "BREAK_GLASS", "Break-glass access to review"


class SecurityAlert(models.Model):
    """Something an administrator should look at (ASVS 8.1.4 bulk extraction, break-glass use)."""

    raised_at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    summary = models.CharField(max_length=300)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at"]


class EnrolmentLinkChannel(models.TextChoices):
    PAGE = "PAGE", "Administrator's page"
    COMMAND = "COMMAND", "Server command line"


class EnrolmentLink(models.Model):
    """A one-time, expiring link an administrator issues so one user can set up an authenticator app.

    Only the SHA-256 hash of the link's token is stored: the token itself is shown once, to whoever
    issued it, and cannot be read back from the database.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when issued at the server's command line",
    )
    issued_via = models.CharField(max_length=10, choices=EnrolmentLinkChannel.choices)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True, help_text="A newer link for the same user replaced it")

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("issued_at")), name="enrolment_link_expires_after_issue"
            ),
            models.CheckConstraint(
                condition=models.Q(issued_by__isnull=False) | models.Q(issued_via="COMMAND"),
                name="enrolment_link_page_names_its_issuer",
            ),
        ]


class IdentityProviderDevice(Device):
    """The second factor an identity provider vouched for (its ``amr``/``acr`` claim said multi-factor).

    django-otp counts a session as verified when it holds a device; this one is put in the session by
    OpenID Connect sign-in only, and no code typed by a person ever verifies it.
    """

    class Meta:
        verbose_name = "identity provider multi-factor sign-in"

    def verify_token(self, token) -> bool:
        return False


from safehub.core.exports_models import ExportStatus, PreparedExport  # noqa: E402,F401  (prepared exports)
from safehub.core.outbox_models import OutboxDelivery, OutboxEvent, OutboxStatus  # noqa: E402,F401  (the event outbox)
