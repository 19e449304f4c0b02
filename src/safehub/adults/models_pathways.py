"""Pathways beside the s42 enquiry: self-neglect and hoarding, provider concerns, positions of trust."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Engagement(models.TextChoices):
    ENGAGING = "ENGAGING", "Engaging with support"
    PARTLY = "PARTLY", "Partly engaging"
    NOT_ENGAGING = "NOT_ENGAGING", "Not engaging"


class SelfNeglectOutcome(models.TextChoices):
    RISK_REDUCED = "RISK_REDUCED", "Risk reduced to a level the adult and agencies accept"
    RISK_REMAINS = "RISK_REMAINS", "Risk remains: adult's informed choice respected, plan to keep in touch"
    MOVED_TO_S42 = "MOVED_TO_S42", "Continued as a section 42 enquiry"
    MOVED_AWAY = "MOVED_AWAY", "Moved out of the area (handed over)"
    DIED = "DIED", "The adult died"


class SelfNeglectCase(models.Model):
    """A multi-agency risk management case for self-neglect or hoarding (with or without s42)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="self_neglect_cases")
    council = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    concern = models.ForeignKey(
        "adults.SafeguardingConcern", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enquiry = models.ForeignKey("adults.Enquiry", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    opened_on = models.DateField()
    reason = models.TextField(help_text="What the self-neglect or hoarding looks like and the risks")
    hoarding = models.BooleanField(default=False)
    clutter_rating = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Clutter image rating 1-9")
    engagement = models.CharField(max_length=15, choices=Engagement.choices)
    adult_view = models.TextField(help_text="The adult's own view of their situation, in their words")
    next_review_date = models.DateField(null=True, blank=True)
    escalated_on = models.DateField(null=True, blank=True)
    escalation_reason = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closure_outcome = models.CharField(max_length=15, choices=SelfNeglectOutcome.choices, blank=True)
    closure_summary = models.TextField(blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(clutter_rating__isnull=True) | Q(clutter_rating__gte=1, clutter_rating__lte=9),
                name="adult_self_neglect_clutter_1_9",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | ~Q(closure_outcome=""), name="adult_self_neglect_closed_outcome"
            ),
        ]

    @property
    def audit_person_id(self) -> int:
        return self.person_id

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class SelfNeglectMeeting(models.Model):
    """A multi-agency risk management meeting on a self-neglect case."""

    case = models.ForeignKey(SelfNeglectCase, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    attendees = models.TextField(help_text="Who attended, by agency; whether the adult took part")
    summary = models.TextField()
    next_review_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "pk"]

    @property
    def audit_person_id(self) -> int:
        return self.case.person_id


class SelfNeglectAction(models.Model):
    """An action agreed for one agency on a self-neglect case."""

    case = models.ForeignKey(SelfNeglectCase, on_delete=models.CASCADE, related_name="actions")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=500)
    due_date = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]

    @property
    def audit_person_id(self) -> int:
        return self.case.person_id


class ProviderCase(models.Model):
    """Concerns about one provider affecting one or more adults: one case, linked to each adult's enquiry."""

    provider = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    council = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField()
    summary = models.TextField()
    large_scale = models.BooleanField(default=False, help_text="A large-scale (organisational) enquiry")
    cqc_notified_on = models.DateField(null=True, blank=True)
    cqc_reference = models.CharField(max_length=60, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-opened_on", "-pk"]


class ProviderQualityAction(models.Model):
    """A quality improvement action required of the provider."""

    case = models.ForeignKey(ProviderCase, on_delete=models.CASCADE, related_name="quality_actions")
    description = models.CharField(max_length=500)
    due_date = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]


class PositionOfTrustOutcome(models.TextChoices):
    SUBSTANTIATED = "SUBSTANTIATED", "Substantiated"
    UNSUBSTANTIATED = "UNSUBSTANTIATED", "Unsubstantiated"
    FALSE = "FALSE", "False"
    MALICIOUS = "MALICIOUS", "Malicious"
    UNFOUNDED = "UNFOUNDED", "Unfounded"


class PositionOfTrustCase(models.Model):
    """An allegation about someone who works or volunteers with adults (PiPoT); restricted access."""

    council = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    subject_name = models.CharField(max_length=200, help_text="The person the allegation is about")
    employer = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    employer_name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=200)
    works_with_children = models.BooleanField(default=False)
    lado_reference = models.CharField(max_length=60, blank=True, help_text="The children's LADO referral, if made")
    lado_referred_on = models.DateField(null=True, blank=True)
    received_on = models.DateField()
    allegation = models.TextField()
    actions = models.TextField(blank=True, help_text="Employer and council actions (suspension, DBS referral...)")
    outcome = models.CharField(max_length=16, choices=PositionOfTrustOutcome.choices, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | ~Q(outcome=""), name="adult_pipot_closed_outcome"
            ),
        ]
