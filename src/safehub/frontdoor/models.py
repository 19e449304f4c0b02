"""The children's front door (MASH): contacts, consultations, triage, decisions, referrals,
partner information requests, police timeliness, education notifications and outcome sharing."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from safehub.core.codes import ReferralSource
from safehub.people.models import Ethnicity, Sex


class Urgency(models.TextChoices):
    IMMEDIATE = "IMMEDIATE", "Immediate: child at risk now"
    SAME_DAY = "SAME_DAY", "Same day"
    STANDARD = "STANDARD", "Standard"


class Consent(models.TextChoices):
    GIVEN = "GIVEN", "Consent given"
    REFUSED_OVERRIDDEN = "REFUSED_OVERRIDDEN", "Refused: shared without consent"
    NOT_SOUGHT = "NOT_SOUGHT", "Not sought: shared without consent"


class LawfulBasis(models.TextChoices):
    """Why information is shared without consent (UK GDPR / DPA 2018)."""

    SAFEGUARDING = "SAFEGUARDING", "DPA 2018 schedule 8 paragraph 4: safeguarding of children and individuals at risk"
    CONSENT_WOULD_PLACE_AT_RISK = "RISK", "Seeking consent would place the child at increased risk"
    CRIME = "CRIME", "Prevention or detection of crime (DPA 2018 schedule 2)"
    PUBLIC_TASK = "PUBLIC_TASK", "UK GDPR article 6(1)(e) public task"


class PoliceGrade(models.TextChoices):
    """The police's BRAG risk grade on a Public Protection Notice (frontdoor/rules.py)."""

    BLUE = "BLUE", "Blue: information only"
    GREEN = "GREEN", "Green: standard"
    AMBER = "AMBER", "Amber: medium risk"
    RED = "RED", "Red: high risk"


class ContactStatus(models.TextChoices):
    DRAFT_MATCH = "NEW", "New: to be triaged"
    TRIAGE = "TRIAGE", "Being triaged"
    AWAITING_SIGN_OFF = "AWAITING_SIGN_OFF", "Decision awaiting sign-off"
    CLOSED = "CLOSED", "Decision signed off"


class Contact(models.Model):
    """One child in one contact (a family of three children is three contacts with one family_ref)."""

    family_ref = models.UUIDField(default=uuid.uuid4, db_index=True)
    # No index of its own: contact_person_time (person, received_at) serves every look-up by person,
    # and one index fewer is one fewer to update for each of the millions of contacts written.
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="contacts", db_index=False
    )
    # The child as the referrer described them (kept even after matching: it is the source record).
    child_given_name = models.CharField(max_length=100, blank=True)
    child_family_name = models.CharField(max_length=100)
    child_date_of_birth = models.DateField(null=True, blank=True)
    child_sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    child_postcode = models.CharField(max_length=8, blank=True)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    child_voice = models.TextField(blank=True, help_text="What the child said, or how they presented")
    voice_not_recorded_reason = models.CharField(max_length=200, blank=True)

    source = models.CharField(max_length=3, choices=ReferralSource.choices)
    referrer_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="contacts_made"
    )
    referrer_name = models.CharField(max_length=120, blank=True)
    referrer_role = models.CharField(max_length=120, blank=True)
    referrer_contact_details = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(db_index=True)
    presenting_concerns = models.JSONField(default=list, blank=True, help_text="CIN census factor codes")
    summary = models.TextField()
    consent = models.CharField(max_length=20, choices=Consent.choices)
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices, blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.STANDARD)

    # Police contacts
    police_reference = models.CharField(max_length=40, blank=True)
    incident_recorded_at = models.DateTimeField(null=True, blank=True)
    high_risk = models.BooleanField(default=False)
    domestic_abuse_incident = models.BooleanField(default=False)
    police_limit_hours = models.FloatField(null=True, blank=True, help_text="Agreed limit in force when received")
    police_grade = models.CharField(
        max_length=5,
        choices=PoliceGrade.choices,
        blank=True,
        help_text="The officer's own BRAG grade on the PPN (blue, green, amber, red)",
    )
    police_grade_rationale = models.TextField(blank=True, help_text="Why the officer graded the risk so")
    police_unit = models.CharField(max_length=100, blank=True, help_text="The police unit or team that raised the PPN")

    status = models.CharField(max_length=20, choices=ContactStatus.choices, default=ContactStatus.DRAFT_MATCH)
    decision_due_at = models.DateTimeField()
    current_rag = models.CharField(max_length=5, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.CharField(max_length=80, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "decision_due_at"], name="contact_queue"),
            models.Index(fields=["person", "received_at"], name="contact_person_time"),
            # Police timeliness and PPN grading read one source's contacts over a period.
            models.Index(fields=["source", "received_at"], name="contact_source_time"),
            # Double-submission checks look a key up before anything else (SQLite cannot use the partial
            # unique index for that lookup).
            models.Index(fields=["idempotency_key"], name="contact_idempotency_key"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent="GIVEN") | ~Q(lawful_basis=""), name="contact_lawful_basis_without_consent"
            ),
            models.CheckConstraint(
                condition=Q(high_risk=False) | Q(incident_recorded_at__isnull=False),
                name="contact_high_risk_has_incident_time",
            ),
            models.UniqueConstraint(
                fields=["idempotency_key", "child_family_name", "child_given_name"],
                condition=~Q(idempotency_key=""),
                name="contact_idempotent_per_child",
            ),
        ]

    @property
    def audit_person_id(self) -> int | None:
        return self.person_id

    @property
    def police_grade_tag(self) -> str:
        """The GOV.UK tag colour for the police grade (blue, green, orange for amber, red)."""
        return {"BLUE": "govuk-tag--blue", "GREEN": "govuk-tag--green", "AMBER": "govuk-tag--orange",
                "RED": "govuk-tag--red"}.get(self.police_grade, "govuk-tag--grey")  # fmt: skip

    @property
    def child_display_name(self) -> str:
        return f"{self.child_given_name or 'Baby'} {self.child_family_name}"

    @property
    def is_police(self) -> bool:
        return self.source == ReferralSource.POLICE


class RagRating(models.Model):
    class Rating(models.TextChoices):
        RED = "RED", "Red"
        AMBER = "AMBER", "Amber"
        GREEN = "GREEN", "Green"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="rag_history")
    rating = models.CharField(max_length=5, choices=Rating.choices)
    rationale = models.TextField()
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField()

    class Meta:
        ordering = ["-rated_at", "-id"]


class InformationRequest(models.Model):
    """The front door asks a partner (e.g. the health navigator) what it knows about a child."""

    class Urgency(models.TextChoices):
        URGENT = "URGENT", "Urgent (4 hours)"
        STANDARD = "STANDARD", "Standard (1 working day)"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="information_requests")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="information_requests")
    question = models.TextField()
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.STANDARD)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(db_index=True)
    due_at = models.DateTimeField()
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    nothing_known = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["agency", "answered_at", "due_at"], name="inforeq_queue")]

    @property
    def audit_person_id(self) -> int | None:
        return self.contact.person_id


class Outcome(models.TextChoices):
    NFA = "NFA", "No further action"
    INFORMATION_ADVICE = "INFORMATION_ADVICE", "Information and advice (signposting)"
    EARLY_HELP = "EARLY_HELP", "Early help"
    CIN_REFERRAL = "CIN_REFERRAL", "Child-in-need referral to children's social care"
    STRATEGY_DISCUSSION = "STRATEGY_DISCUSSION", "Strategy discussion (possible significant harm)"
    OTHER_AGENCY = "OTHER_AGENCY", "Referral to another agency"


REFERRAL_OUTCOMES = frozenset({Outcome.CIN_REFERRAL, Outcome.STRATEGY_DISCUSSION})


class Decision(models.Model):
    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    rationale = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        # The early help team's incoming work reads one outcome's recent sign-offs.
        indexes = [models.Index(fields=["outcome", "signed_off_at"], name="decision_outcome_signed")]

    @property
    def audit_person_id(self) -> int | None:
        return self.contact.person_id


class Referral(models.Model):
    """A referral to children's social care (Annex A list 3; CIN census referral)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referrals")
    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="referral")
    referral_date = models.DateField(db_index=True)
    source = models.CharField(max_length=3, choices=ReferralSource.choices)
    is_re_referral = models.BooleanField(default=False)
    previous_referral = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    nfa = models.BooleanField(default=False, help_text="Referral closed with no further action")
    primary_need = models.CharField(max_length=2, blank=True, help_text="CIN census primary need code N0-N9")
    closed_date = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=4, blank=True, help_text="CIN census reason for closure RC1-RC9")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-referral_date"]
        indexes = [models.Index(fields=["person", "referral_date"], name="referral_person_date")]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class Consultation(models.Model):
    """The conversational model: a professional asks for advice before (or instead of) referring."""

    asked_by_name = models.CharField(max_length=120)
    asked_by_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    asked_at = models.DateTimeField()
    child_description = models.CharField(max_length=200, help_text="Initials and age are enough")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    question = models.TextField()
    advice = models.TextField(blank=True)
    advised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    advised_at = models.DateTimeField(null=True, blank=True)
    became_contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-asked_at"]


class LateFlag(models.Model):
    """A partner says a police referral arrived late, with a reason; the police see their flags."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="late_flags")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    raised_at = models.DateTimeField()
    police_response = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [models.UniqueConstraint(fields=["contact", "agency"], name="late_flag_once_per_agency")]


class EducationNotification(models.Model):
    """Operation Encompass style: a domestic-abuse incident notified to the child's school or nursery."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="education_notifications")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    setting = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="education_notifications")
    incident_at = models.DateTimeField()
    due_at = models.DateTimeField(help_text="Start of the next school day after the incident")
    delivered_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    summary = models.TextField(help_text="What the setting needs to know to support the child")

    class Meta:
        ordering = ["-incident_at"]
        constraints = [models.UniqueConstraint(fields=["contact", "setting"], name="notification_once_per_setting")]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class HealthVisitingNotice(models.Model):
    """Operation Encompass for a child under 5 with no known setting: told to their health visiting team."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="health_visiting_notices")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("agencies.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    incident_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True, help_text="Stamped by the outbox worker")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    summary = models.TextField()

    class Meta:
        ordering = ["-incident_at"]
        constraints = [models.UniqueConstraint(fields=["contact", "agency"], name="hv_notice_once_per_agency")]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class OutcomeShare(models.Model):
    """The decision on a contact, shared with the referrer and involved agencies, with a read receipt."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="outcome_shares")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="outcome_shares")
    shared_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices, default=LawfulBasis.SAFEGUARDING)

    class Meta:
        ordering = ["-shared_at"]
        constraints = [models.UniqueConstraint(fields=["contact", "agency"], name="outcome_share_once")]
        # an agency's outcomes list, in its order (unread first by date, newest first): read in
        # index order and stopped at the page, not sorted from all of a police force's 65,000 shares
        indexes = [models.Index(fields=["agency", "read_at", "-shared_at"], name="outcome_share_agency_list")]


class ContactDraft(models.Model):
    """A half-finished contact form, kept so nothing is lost on an error or a session timeout."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user"], name="one_contact_draft_per_user")]
