"""Adult safeguarding: concerns, section 42 (and other) enquiries, Making Safeguarding Personal.

Codes follow the NHS England Safeguarding Adults Collection (SAC); the measure ids in
shared/formats/measures.md use the lower-case form of each code (``SEXUAL_EXPLOITATION`` ->
``adult_s42_concluded_risk_sexual_exploitation``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from safehub.adults.rules import SAC_SUPPORT_REASONS


class SourceKind(models.TextChoices):
    AGENCY = "AGENCY", "An agency or professional"
    MEMBER_OF_PUBLIC = "MEMBER_OF_PUBLIC", "Member of the public"
    SELF = "SELF", "The adult themselves"
    FAMILY_OR_FRIEND = "FAMILY_OR_FRIEND", "Family member or friend"


class Consent(models.TextChoices):
    GIVEN = "GIVEN", "The adult consented"
    REFUSED = "REFUSED", "The adult refused, and we are proceeding without consent"
    UNABLE = "UNABLE", "The adult is unable to consent (may lack capacity to decide)"
    NOT_SOUGHT = "NOT_SOUGHT", "Consent not sought (asking would increase the risk, or urgent)"


class ConcernDecision(models.TextChoices):
    S42 = "S42", "Section 42 enquiry"
    OTHER = "OTHER", "Other safeguarding enquiry"
    NFA = "NFA", "No further safeguarding action (signposting)"


class ReportedAutism(models.TextChoices):
    """Autism reported as a health condition of the adult: the two rows of SAC SG1e.

    Row labels in NHS England's publication code (NHSDigital/ASC-Safeguarding-Adults,
    ``publication_outputs/data_tables_export_outputs.py``): "Learning, Developmental or Intellectual
    Disability (Autism excluding Asperger's Syndrome/ High Functioning Autism)" and "... (Asperger's
    Syndrome/ High Functioning Autism)". Blank: none reported, or not known. The person's disability
    code AUT (CIN census: "Autism or Asperger syndrome") does not say which, so is not enough.
    """

    AUTISM = "AUTISM", "Autism (excluding Asperger's syndrome / high functioning autism)"
    ASPERGERS = "ASPERGERS", "Asperger's syndrome / high functioning autism"


class EnquiryKind(models.TextChoices):
    S42 = "S42", "Section 42 enquiry"
    OTHER = "OTHER", "Other safeguarding enquiry"


class RiskType(models.TextChoices):
    PHYSICAL = "PHYSICAL", "Physical abuse"
    SEXUAL = "SEXUAL", "Sexual abuse"
    PSYCHOLOGICAL = "PSYCHOLOGICAL", "Psychological abuse"
    FINANCIAL = "FINANCIAL", "Financial or material abuse"
    DISCRIMINATORY = "DISCRIMINATORY", "Discriminatory abuse"
    ORGANISATIONAL = "ORGANISATIONAL", "Organisational abuse"
    NEGLECT = "NEGLECT", "Neglect or acts of omission"
    DOMESTIC = "DOMESTIC", "Domestic abuse"
    SEXUAL_EXPLOITATION = "SEXUAL_EXPLOITATION", "Sexual exploitation"
    MODERN_SLAVERY = "MODERN_SLAVERY", "Modern slavery"
    SELF_NEGLECT = "SELF_NEGLECT", "Self-neglect"


class RiskLocation(models.TextChoices):
    """Where the risk was: the SAC SG2b rows, plus the two older generic values.

    SG2b's rows (NHS England's publication code, NHSDigital/ASC-Safeguarding-Adults
    ``publication_outputs/data_tables_export_outputs.py``): Own Home, In the Community, Community
    Service, Care Home - Nursing, Care Home - Residential, Hospital - Acute, Hospital - Mental Health,
    Hospital - Community, Other. ``CARE_HOME`` and ``HOSPITAL`` were recorded before the sub-types
    existed: they stay valid and mean "not known which" (never guessed into a sub-type).
    """

    OWN_HOME = "OWN_HOME", "Own home"
    COMMUNITY = "COMMUNITY", "In the community (excluding community services)"
    COMMUNITY_SERVICE = "COMMUNITY_SERVICE", "In a community service"
    CARE_HOME_NURSING = "CARE_HOME_NURSING", "Care home: nursing"
    CARE_HOME_RESIDENTIAL = "CARE_HOME_RESIDENTIAL", "Care home: residential"
    CARE_HOME = "CARE_HOME", "Care home, not known whether nursing or residential"
    HOSPITAL_ACUTE = "HOSPITAL_ACUTE", "Hospital: acute"
    HOSPITAL_MENTAL_HEALTH = "HOSPITAL_MENTAL_HEALTH", "Hospital: mental health"
    HOSPITAL_COMMUNITY = "HOSPITAL_COMMUNITY", "Hospital: community"
    HOSPITAL = "HOSPITAL", "Hospital, not known whether acute, mental health or community"
    OTHER = "OTHER", "Other"


# The generic locations recorded before the SAC sub-types, and the sub-types each stands for.
UNSPECIFIED_LOCATIONS: dict[str, tuple[str, ...]] = {
    RiskLocation.CARE_HOME: (RiskLocation.CARE_HOME_NURSING, RiskLocation.CARE_HOME_RESIDENTIAL),
    RiskLocation.HOSPITAL: (
        RiskLocation.HOSPITAL_ACUTE,
        RiskLocation.HOSPITAL_MENTAL_HEALTH,
        RiskLocation.HOSPITAL_COMMUNITY,
    ),
}


class RiskSource(models.TextChoices):
    SERVICE_PROVIDER = "SERVICE_PROVIDER", "Service provider"
    KNOWN = "KNOWN", "Other - known to the individual"
    UNKNOWN = "UNKNOWN", "Other - unknown to the individual"


class RiskOutcome(models.TextChoices):
    REMOVED = "REMOVED", "Risk identified, action taken: risk removed"
    REDUCED = "REDUCED", "Risk identified, action taken: risk reduced"
    REMAINS = "REMAINS", "Risk identified, action taken: risk remains"
    NO_ACTION = "NO_ACTION", "Risk identified, no action taken"
    NONE_IDENTIFIED = "NONE_IDENTIFIED", "No risk identified"
    INCONCLUSIVE = "INCONCLUSIVE", "Risk assessment inconclusive"
    # SAC SG2c's seventh row, "Enquiry ceased at individual's request and no action taken" (NHS
    # England's publication code, NHSDigital/ASC-Safeguarding-Adults data_tables_export_outputs.py).
    CEASED_AT_REQUEST = "CEASED_AT_REQUEST", "Enquiry ceased at the adult's request, no action taken"


# Outcomes that only make sense when action was (or was not) taken (SAC table SG2d).
OUTCOMES_WITH_ACTION = frozenset({RiskOutcome.REMOVED, RiskOutcome.REDUCED, RiskOutcome.REMAINS})
# Outcomes that mean no action was taken (SAC SG2c rows "... and no action taken").
OUTCOMES_WITHOUT_ACTION = frozenset({RiskOutcome.NO_ACTION, RiskOutcome.CEASED_AT_REQUEST})


class LackedCapacity(models.TextChoices):
    YES = "YES", "Yes, they lacked capacity"
    NO = "NO", "No, they did not lack capacity"
    DONT_KNOW = "DONT_KNOW", "Don't know"
    NOT_RECORDED = "NOT_RECORDED", "Not recorded"


class DesiredOutcomes(models.TextChoices):
    EXPRESSED = "EXPRESSED", "Yes, they expressed their desired outcomes"
    ASKED_NOT_EXPRESSED = "ASKED_NOT_EXPRESSED", "Yes asked, but no outcomes expressed"
    NOT_ASKED = "NOT_ASKED", "The individual was not asked their desired outcomes"
    DONT_KNOW = "DONT_KNOW", "Don't know"
    NOT_RECORDED = "NOT_RECORDED", "Not recorded"


class OutcomesAchieved(models.TextChoices):
    FULLY = "FULLY", "Fully achieved"
    PARTIALLY = "PARTIALLY", "Partially achieved"
    NOT_ACHIEVED = "NOT_ACHIEVED", "Not achieved"


def _natural_key_constraint(name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["source_system", "source_record_id"], condition=~Q(source_record_id=""), name=name
    )


class SafeguardingConcern(models.Model):
    """A safeguarding concern about an adult, received by the council, and its section 42 decision."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="adult_concerns")
    council = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="adult_concerns", help_text="Adult social care"
    )
    received_at = models.DateTimeField()
    decision_due_at = models.DateTimeField(help_text="End of the 2nd working day after receipt")
    source_kind = models.CharField(max_length=20, choices=SourceKind.choices)
    source_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="adult_concerns_raised"
    )
    source_name = models.CharField(max_length=200, blank=True, help_text="Who raised it and how to reach them")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    what_happened = models.TextField()
    where_happened = models.CharField(max_length=300, blank=True)
    alleged_source_of_risk = models.CharField(
        max_length=300, blank=True, help_text="Who is thought to pose the risk (name, relationship or service)"
    )
    immediate_actions = models.TextField(blank=True, help_text="What was done straight away to keep the adult safe")
    adult_views = models.TextField(blank=True, help_text="The adult's own words")
    adult_wishes = models.TextField(blank=True, help_text="What the adult wants to happen")
    consent = models.CharField(max_length=12, choices=Consent.choices)
    primary_support_reason = models.CharField(
        max_length=24,
        choices=SAC_SUPPORT_REASONS,
        blank=True,
        help_text="The adult's primary support reason (SAC SG1d); blank if not known",
    )
    reported_autism = models.CharField(
        max_length=10,
        choices=ReportedAutism.choices,
        blank=True,
        help_text="Autism reported as a health condition of the adult (SAC SG1e); blank if none or not known",
    )
    lawful_basis = models.TextField(blank=True, help_text="Why we proceed without consent")
    # The Care Act 2014 section 42(1) test; None means not yet answered.
    has_care_and_support_needs = models.BooleanField(null=True, blank=True)
    experiencing_or_at_risk = models.BooleanField(null=True, blank=True)
    unable_to_protect_self = models.BooleanField(null=True, blank=True)
    decision = models.CharField(max_length=5, choices=ConcernDecision.choices, blank=True)
    decision_rationale = models.TextField(blank=True)
    signposting = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_system = models.CharField(max_length=40, blank=True, help_text="Where an imported record came from")
    source_record_id = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["received_at"], name="adult_concern_received"),
            models.Index(fields=["council", "decision"], name="adult_concern_queue"),
        ]
        constraints = [
            _natural_key_constraint("adult_concern_natural_key"),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decided_at__isnull=False), name="adult_concern_decision_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(decision="S42")
                # NULL answers must fail too: a CHECK passes when its condition is unknown.
                | Q(
                    has_care_and_support_needs__isnull=False,
                    experiencing_or_at_risk__isnull=False,
                    unable_to_protect_self__isnull=False,
                    has_care_and_support_needs=True,
                    experiencing_or_at_risk=True,
                    unable_to_protect_self=True,
                ),
                name="adult_concern_s42_needs_test_met",
            ),
            models.CheckConstraint(
                condition=Q(consent="GIVEN") | ~Q(lawful_basis=""), name="adult_concern_lawful_basis_without_consent"
            ),
        ]

    @property
    def audit_person_id(self) -> int:
        return self.person_id

    @property
    def meets_s42_test(self) -> bool:
        """Return whether all three section 42(1) questions are answered yes."""
        return bool(self.has_care_and_support_needs and self.experiencing_or_at_risk and self.unable_to_protect_self)

    @property
    def is_decided(self) -> bool:
        return bool(self.decision)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.source_kind == SourceKind.AGENCY and not self.source_agency_id:
            errors["source_agency"] = "Choose the agency that raised the concern"
        if self.consent and self.consent != Consent.GIVEN and not (self.lawful_basis or "").strip():
            errors["lawful_basis"] = "Say why we proceed without the adult's consent (the lawful basis)"
        if self.decision == ConcernDecision.S42 and not self.meets_s42_test:
            errors["decision"] = (
                "A section 42 enquiry needs all three answers to be yes; choose another safeguarding enquiry instead"
            )
        if self.decision and not (self.decision_rationale or "").strip():
            errors["decision_rationale"] = "Give the reasons for the decision"
        if errors:
            raise ValidationError(errors)


class RiskAction(models.Model):
    """Risk-management work recorded on the concern: what, who owns it, by when."""

    concern = models.ForeignKey(SafeguardingConcern, on_delete=models.CASCADE, related_name="risk_actions")
    description = models.CharField(max_length=500)
    owner = models.CharField(max_length=200, help_text="Person or agency responsible")
    due_date = models.DateField()
    completed_date = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_date", "pk"]

    @property
    def audit_person_id(self) -> int:
        return self.concern.person_id


class Enquiry(models.Model):
    """A section 42 or other safeguarding enquiry caused by the council, perhaps carried out by another agency."""

    concern = models.ForeignKey(SafeguardingConcern, on_delete=models.PROTECT, related_name="enquiries")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="adult_enquiries")
    kind = models.CharField(max_length=5, choices=EnquiryKind.choices)
    council = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="adult_enquiries_caused")
    carried_out_by = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adult_enquiries_carried_out",
        help_text="Blank when the council carries it out itself",
    )
    started_date = models.DateField()
    planning_date = models.DateField(null=True, blank=True, help_text="Planning discussion or meeting")
    provider_case = models.ForeignKey(
        "adults.ProviderCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enquiries",
        help_text="The provider concern or large-scale enquiry this adult's enquiry is part of",
    )
    action_taken = models.BooleanField(null=True, blank=True)
    action_summary = models.TextField(blank=True)
    risk_outcome = models.CharField(max_length=20, choices=RiskOutcome.choices, blank=True)
    lacked_capacity = models.CharField(
        max_length=12, choices=LackedCapacity.choices, default=LackedCapacity.NOT_RECORDED
    )
    advocate_support = models.BooleanField(
        null=True,
        blank=True,
        help_text="Supported by an advocate, family or friend (recorded whatever the adult's capacity)",
    )
    desired_outcomes_asked = models.CharField(
        max_length=20, choices=DesiredOutcomes.choices, default=DesiredOutcomes.NOT_RECORDED
    )
    desired_outcomes = models.TextField(blank=True, help_text="What the adult said they want, in their words")
    outcomes_achieved = models.CharField(max_length=12, choices=OutcomesAchieved.choices, blank=True)
    interpreter_used = models.BooleanField(null=True, blank=True)
    heard_away_from_family = models.BooleanField(null=True, blank=True)
    concluded_date = models.DateField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_system = models.CharField(max_length=40, blank=True)
    source_record_id = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-started_date", "-pk"]
        verbose_name_plural = "enquiries"
        indexes = [
            models.Index(fields=["concluded_date"], name="adult_enquiry_concluded"),
            models.Index(fields=["started_date"], name="adult_enquiry_started"),
        ]
        constraints = [
            _natural_key_constraint("adult_enquiry_natural_key"),
            models.CheckConstraint(
                condition=Q(concluded_date__isnull=True) | Q(concluded_date__gte=models.F("started_date")),
                name="adult_enquiry_concluded_after_start",
            ),
            models.CheckConstraint(
                condition=Q(outcomes_achieved="") | Q(desired_outcomes_asked="EXPRESSED"),
                name="adult_enquiry_achieved_needs_expressed",
            ),
            # NULL passes (not recorded yet); concluding records False.
            models.CheckConstraint(
                condition=~Q(risk_outcome="CEASED_AT_REQUEST") | ~Q(action_taken=True),
                name="adult_enquiry_ceased_without_action",
            ),
        ]

    @property
    def audit_person_id(self) -> int:
        return self.person_id

    @property
    def is_open(self) -> bool:
        return self.concluded_date is None

    def risk_type_codes(self) -> list[str]:
        return sorted(r.risk_type for r in self.risk_types.all())

    def risk_location_codes(self) -> list[str]:
        return sorted(r.location for r in self.risk_locations.all())

    def risk_source_codes(self) -> list[str]:
        return sorted(r.source for r in self.risk_sources.all())

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.concern_id and self.person_id and self.concern.person_id != self.person_id:
            errors["person"] = "The enquiry must be about the adult the concern is about"
        if self.kind == EnquiryKind.S42 and self.concern_id and not self.concern.meets_s42_test:
            errors["kind"] = "The concern does not meet the section 42 test; start another safeguarding enquiry"
        if self.concluded_date and self.started_date and self.concluded_date < self.started_date:
            errors["concluded_date"] = "The enquiry cannot conclude before it started"
        if self.planning_date and self.started_date and self.planning_date < self.started_date:
            errors["planning_date"] = "The planning discussion cannot be before the enquiry started"
        if self.outcomes_achieved and self.desired_outcomes_asked != DesiredOutcomes.EXPRESSED:
            errors["outcomes_achieved"] = "Record whether outcomes were achieved only when the adult expressed them"
        if self.risk_outcome in OUTCOMES_WITH_ACTION and self.action_taken is False:
            errors["action_taken"] = "This risk outcome means action was taken"
        if self.risk_outcome in OUTCOMES_WITHOUT_ACTION and self.action_taken:
            errors["action_taken"] = "The risk outcome says no action was taken"
        if self.risk_outcome == RiskOutcome.CEASED_AT_REQUEST and self.lacked_capacity == LackedCapacity.YES:
            # Only an adult able to decide about the risk can end the enquiry by asking: the refusal of
            # an adult with capacity is respected when no one else is at risk (e.g. Sunderland SAB's
            # consent procedure, sunderlandsab.org.uk); for an adult who lacks it, the decision is made
            # in their best interests (Mental Capacity Act 2005 s1(5)).
            errors["risk_outcome"] = (
                "An adult who lacked capacity cannot end the enquiry by their request; record the risk outcome"
            )
        if errors:
            raise ValidationError(errors)


class EnquiryRiskType(models.Model):
    """One type of risk in an enquiry (several per enquiry; each counted once per enquiry)."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="risk_types")
    risk_type = models.CharField(max_length=20, choices=RiskType.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enquiry", "risk_type"], name="adult_enquiry_risk_once")]


class EnquiryRiskLocation(models.Model):
    """One location of risk in an enquiry (several per enquiry; each counted once: SAC SG2)."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="risk_locations")
    location = models.CharField(max_length=24, choices=RiskLocation.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enquiry", "location"], name="adult_enquiry_location_once")]


class EnquiryRiskSource(models.Model):
    """One source of risk in an enquiry (several per enquiry; each type counted once: SAC SG2)."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="risk_sources")
    source = models.CharField(max_length=20, choices=RiskSource.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enquiry", "source"], name="adult_enquiry_source_once")]


from safehub.adults.models_import import ImportedPerson, ImportedRow, ImportRowStatus  # noqa: E402, F401
from safehub.adults.models_mca import (  # noqa: E402, F401 - the app's other models, registered with this module
    Advocacy,
    AdvocacyKind,
    BestInterestsDecision,
    CapacityAssessment,
    DolsApplication,
    DolsOutcome,
)
from safehub.adults.models_pathways import (  # noqa: E402, F401
    PositionOfTrustCase,
    ProviderCase,
    ProviderQualityAction,
    SelfNeglectAction,
    SelfNeglectCase,
    SelfNeglectMeeting,
)
