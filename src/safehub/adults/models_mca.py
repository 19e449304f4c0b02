"""Mental Capacity Act records: capacity assessments, best-interests decisions, advocacy, DoLS.

The rules (two-stage test, advocacy duties, DoLS periods) are in ``adults/rules.py``; the
services compute outcomes and dates from them, so a stored record always agrees with the rule.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class CapacityOutcome(models.TextChoices):
    HAS_CAPACITY = "HAS_CAPACITY", "Has capacity to make this decision"
    LACKS_CAPACITY = "LACKS_CAPACITY", "Lacks capacity to make this decision"


class CapacityAssessment(models.Model):
    """One decision-specific assessment of capacity (MCA 2005 ss2-3): the two-stage test and its outcome."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="capacity_assessments")
    enquiry = models.ForeignKey(
        "adults.Enquiry", on_delete=models.PROTECT, null=True, blank=True, related_name="capacity_assessments"
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=300, help_text="The specific decision the person needs to make")
    impairment = models.BooleanField(help_text="Stage 1: an impairment of, or disturbance in, the mind or brain")
    impairment_detail = models.TextField(blank=True)
    can_understand = models.BooleanField()
    can_retain = models.BooleanField()
    can_use_or_weigh = models.BooleanField()
    can_communicate = models.BooleanField()
    because_of_impairment = models.BooleanField(
        default=False, help_text="Any inability is because of the impairment (the causative link)"
    )
    outcome = models.CharField(max_length=20, choices=CapacityOutcome.choices)
    support_given = models.TextField(help_text="The practicable steps taken to help the person decide (s1(3))")
    assessed_on = models.DateField()
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessor_role = models.CharField(max_length=120, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        indexes = [models.Index(fields=["person", "assessed_on"], name="adult_capacity_person")]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class BestInterestsDecision(models.Model):
    """A decision made for a person who lacks capacity for it (MCA 2005 s4), with who was consulted."""

    assessment = models.ForeignKey(CapacityAssessment, on_delete=models.PROTECT, related_name="best_interests")
    decision = models.TextField(help_text="What was decided")
    persons_views = models.TextField(help_text="The person's own wishes, feelings, beliefs and values")
    consulted = models.TextField(
        help_text="Who was consulted (family, carers, attorney, deputy, IMCA) and what they said"
    )
    least_restrictive_option = models.TextField(
        help_text="The less restrictive options considered and why this one (s1(6))"
    )
    decided_on = models.DateField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_on", "-pk"]

    @property
    def audit_person_id(self) -> int:
        return self.assessment.person_id


class AdvocacyKind(models.TextChoices):
    CARE_ACT_S68 = "CARE_ACT_S68", "Independent advocate, Care Act s68 (safeguarding enquiry or review)"
    CARE_ACT_S67 = "CARE_ACT_S67", "Independent advocate, Care Act s67 (assessment, planning, review)"
    IMCA = "IMCA", "Independent mental capacity advocate (IMCA)"


class Advocacy(models.Model):
    """An advocate arranged for an adult: Care Act s67/68 whatever their capacity, or an IMCA."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="advocacy")
    enquiry = models.ForeignKey(
        "adults.Enquiry", on_delete=models.PROTECT, null=True, blank=True, related_name="advocacy"
    )
    council = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=15, choices=AdvocacyKind.choices)
    substantial_difficulty = models.BooleanField(null=True, blank=True)
    appropriate_individual = models.BooleanField(null=True, blank=True, help_text="Someone appropriate to support them")
    lacks_capacity = models.BooleanField(
        null=True, blank=True, help_text="For an IMCA: lacks capacity for the decision"
    )
    anyone_to_consult = models.BooleanField(
        null=True, blank=True, help_text="For an IMCA: anyone appropriate to consult"
    )
    referred_on = models.DateField()
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    advocate = models.CharField(max_length=200, blank=True, help_text="Advocate and organisation")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-referred_on", "-pk"]
        verbose_name_plural = "advocacy"
        constraints = [
            models.CheckConstraint(
                condition=Q(started_on__isnull=True) | Q(started_on__gte=models.F("referred_on")),
                name="adult_advocacy_started_after_referral",
            ),
        ]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class DolsKind(models.TextChoices):
    STANDARD = "STANDARD", "Standard authorisation request"
    URGENT = "URGENT", "Urgent authorisation, with a standard request"


class DolsOutcome(models.TextChoices):
    PENDING = "PENDING", "Awaiting a decision"
    GRANTED = "GRANTED", "Standard authorisation granted"
    NOT_GRANTED = "NOT_GRANTED", "Not granted"
    WITHDRAWN = "WITHDRAWN", "Withdrawn (for example the person left or died)"


class DolsApplication(models.Model):
    """A Deprivation of Liberty Safeguards request to the supervisory body, and its authorisations."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="dols_applications")
    supervisory_body = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    managing_authority = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", help_text="The care home or hospital"
    )
    kind = models.CharField(max_length=10, choices=DolsKind.choices)
    requested_on = models.DateField()
    decision_due = models.DateField(help_text="21 days beginning with the day the request was received")
    urgent_granted_on = models.DateField(null=True, blank=True)
    urgent_extended_on = models.DateField(null=True, blank=True)
    urgent_last_day = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=DolsOutcome.choices, default=DolsOutcome.PENDING)
    decided_on = models.DateField(null=True, blank=True)
    authorised_from = models.DateField(null=True, blank=True)
    authorised_until = models.DateField(null=True, blank=True)
    conditions = models.TextField(blank=True)
    review_due = models.DateField(null=True, blank=True)
    reviewed_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-requested_on", "-pk"]
        indexes = [models.Index(fields=["supervisory_body", "outcome"], name="adult_dols_queue")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="URGENT") | Q(urgent_granted_on__isnull=False), name="adult_dols_urgent_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(outcome="GRANTED")
                | Q(authorised_from__isnull=False, authorised_until__isnull=False, decided_on__isnull=False),
                name="adult_dols_granted_has_period",
            ),
        ]

    @property
    def audit_person_id(self) -> int:
        return self.person_id
