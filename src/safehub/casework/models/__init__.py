"""Children's casework after the front door: strategy meetings with shared written records,
section 47 enquiries and conferences, assessments, child protection plans, children looked after,
care leavers, missing episodes, exploitation risk assessments and transitions to adulthood."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from safehub.core.codes import AssessmentFactor  # noqa: F401  (factor codes documented for readers)


class PersonRecord(models.Model):
    """Base for records about one child: the audit trail indexes them by person."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class MeetingStatus(models.TextChoices):
    CONVENED = "CONVENED", "Convened"
    HELD = "HELD", "Held: record to write"
    RECORD_DRAFTED = "RECORD_DRAFTED", "Record drafted: awaiting the chair's approval"
    RECORD_SHARED = "RECORD_SHARED", "Record approved and shared"


class MeetingReason(models.TextChoices):
    REFERRAL = "REFERRAL", "From a front-door referral"
    OPEN_CASE = "OPEN_CASE", "Open case: new concern"
    EXPLOITATION = "EXPLOITATION", "Exploitation concern"
    MISSING = "MISSING", "Missing episode"


class MeetingDecision(models.TextChoices):
    SECTION_47 = "SECTION_47", "Section 47 enquiry"
    NO_SECTION_47 = "NO_SECTION_47", "No section 47: single-agency or child-in-need response"
    FURTHER_MEETING = "FURTHER_MEETING", "Further strategy meeting"


class StrategyMeeting(PersonRecord):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="strategy_meetings")
    referral = models.ForeignKey(
        "frontdoor.Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="strategy_meetings"
    )
    reason = models.CharField(max_length=20, choices=MeetingReason.choices, default=MeetingReason.REFERRAL)
    convened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    convened_at = models.DateTimeField()
    scheduled_at = models.DateTimeField()
    held_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.CONVENED)
    decision = models.CharField(max_length=20, choices=MeetingDecision.choices, blank=True)
    immediate_safety_actions = models.TextField(blank=True)
    record_text = models.TextField(blank=True, help_text="The written record of the meeting")
    record_drafted_at = models.DateTimeField(null=True, blank=True)
    record_approved_at = models.DateTimeField(null=True, blank=True)
    record_share_due_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-scheduled_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(record_approved_at__isnull=True) | Q(held_at__isnull=False),
                name="meeting_record_after_held",
            ),
        ]


class Attendance(models.TextChoices):
    INVITED = "INVITED", "Invited: not yet recorded"
    ATTENDED = "ATTENDED", "Attended"
    APOLOGIES = "APOLOGIES", "Sent apologies"
    DID_NOT_ATTEND = "DID_NOT_ATTEND", "Did not attend"


class MeetingInvite(models.Model):
    meeting = models.ForeignKey(StrategyMeeting, on_delete=models.CASCADE, related_name="invites")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    invitee_name = models.CharField(max_length=120, blank=True)
    invited_at = models.DateTimeField()
    attendance = models.CharField(max_length=20, choices=Attendance.choices, default=Attendance.INVITED)
    apologies_from = models.CharField(max_length=120, blank=True)
    information_shared = models.TextField(blank=True, help_text="What this agency told the meeting")

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "agency"], name="invite_once_per_agency")]


class RecordShare(models.Model):
    """The approved written record, shared with an invited or attending agency, with a read receipt."""

    meeting = models.ForeignKey(StrategyMeeting, on_delete=models.CASCADE, related_name="shares")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="strategy_record_shares")
    shared_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lawful_basis = models.CharField(max_length=20, default="SAFEGUARDING")

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "agency"], name="record_share_once")]


class S47Outcome(models.TextChoices):
    SUBSTANTIATED_ICPC = "SUBSTANTIATED_ICPC", "Concerns substantiated: initial child protection conference"
    SUBSTANTIATED_NO_ICPC = "SUBSTANTIATED_NO_ICPC", "Concerns substantiated: child not at continuing risk"
    NOT_SUBSTANTIATED = "NOT_SUBSTANTIATED", "Concerns not substantiated"
    NO_FURTHER_ACTION = "NO_FURTHER_ACTION", "No further action"


class Section47(PersonRecord):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="section47s")
    episode = models.ForeignKey(
        "CaseEpisode", on_delete=models.PROTECT, null=True, blank=True, related_name="section47s"
    )
    strategy_meeting = models.OneToOneField(
        StrategyMeeting, on_delete=models.PROTECT, null=True, blank=True, related_name="section47"
    )
    strategy_date = models.DateField(help_text="Date of the strategy discussion that started the enquiry")
    icpc_due_date = models.DateField(help_text="15 working days after the strategy discussion")
    completed_date = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=30, choices=S47Outcome.choices, blank=True)
    icpc_date = models.DateField(null=True, blank=True, help_text="Initial child protection conference")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-strategy_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(icpc_date__isnull=True) | Q(icpc_date__gte=models.F("strategy_date")),
                name="icpc_after_strategy",
            ),
        ]


class AssessmentOutcome(models.TextChoices):
    NFA = "NFA", "No further action"
    EARLY_HELP = "EARLY_HELP", "Step down to early help"
    CIN_PLAN = "CIN_PLAN", "Child in need plan"
    SECTION_47 = "SECTION_47", "Strategy discussion / section 47"
    LOOKED_AFTER = "LOOKED_AFTER", "Become looked after"


class Assessment(PersonRecord):
    """Child and family assessment (CIN census / Annex A list 4)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="assessments")
    episode = models.ForeignKey(
        "CaseEpisode", on_delete=models.PROTECT, null=True, blank=True, related_name="assessments"
    )
    referral = models.ForeignKey(
        "frontdoor.Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="assessments"
    )
    start_date = models.DateField()
    due_date = models.DateField(help_text="45 working days from the referral")
    authorised_date = models.DateField(null=True, blank=True, help_text="Completion (authorisation) date")
    factors = models.JSONField(default=list, blank=True, help_text="CIN census factors identified at assessment")
    outcome = models.CharField(max_length=20, choices=AssessmentOutcome.choices, blank=True)
    summary = models.TextField(blank=True)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pre_birth = models.BooleanField(default=False, help_text="A pre-birth assessment of an unborn child")
    # Not stored: what the authorised outcome started (casework.next_steps.NextStep), for the page's message.
    next_step: object = None

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(authorised_date__isnull=True) | Q(authorised_date__gte=models.F("start_date")),
                name="assessment_authorised_after_start",
            ),
        ]


class CaseOutcomeShare(models.Model):
    """The outcome of an enquiry or assessment, shared with an agency involved, with a read receipt."""

    class Kind(models.TextChoices):
        SECTION_47 = "SECTION_47", "Section 47 enquiry outcome"
        ASSESSMENT = "ASSESSMENT", "Assessment outcome"
        ICPC = "ICPC", "Initial child protection conference"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    summary = models.TextField()
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="case_outcome_shares")
    shared_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-shared_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "object_id", "agency"], name="case_outcome_once")]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class AbuseCategory(models.TextChoices):
    NEGLECT = "NEGLECT", "Neglect"
    EMOTIONAL = "EMOTIONAL", "Emotional abuse"
    PHYSICAL = "PHYSICAL", "Physical abuse"
    SEXUAL = "SEXUAL", "Sexual abuse"
    MULTIPLE = "MULTIPLE", "Multiple"


class ChildProtectionPlan(PersonRecord):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cp_plans")
    episode = models.ForeignKey("CaseEpisode", on_delete=models.PROTECT, null=True, blank=True, related_name="cp_plans")
    section47 = models.ForeignKey(Section47, on_delete=models.PROTECT, null=True, blank=True, related_name="plans")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    initial_category = models.CharField(max_length=10, choices=AbuseCategory.choices)
    latest_category = models.CharField(max_length=10, choices=AbuseCategory.choices)
    unborn_at_start = models.BooleanField(default=False)
    end_reason = models.CharField(max_length=4, blank=True, help_text="CIN census reason the plan ended")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="cp_plan_end_after_start",
            ),
        ]


class CPReview(models.Model):
    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.CASCADE, related_name="reviews")
    due_date = models.DateField()
    held_date = models.DateField(null=True, blank=True)


class LookedAfterEpisode(PersonRecord):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cla_episodes")
    episode = models.ForeignKey(
        "CaseEpisode", on_delete=models.PROTECT, null=True, blank=True, related_name="cla_episodes"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    legal_status = models.CharField(max_length=3, blank=True, help_text="SSDA903 legal status, e.g. C2, V2")
    placement = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")), name="cla_end_after_start"
            ),
        ]


class CLAReview(PersonRecord):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cla_reviews")
    due_date = models.DateField()
    held_date = models.DateField(null=True, blank=True)


class HealthAssessment(PersonRecord):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cla_health_assessments")
    due_date = models.DateField()
    completed_date = models.DateField(null=True, blank=True)


class CareLeaverStatus(PersonRecord):
    """A care leaver's situation on a date (usually their birthday or the year end)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="care_leaver_statuses")
    as_of_date = models.DateField()
    suitable_accommodation = models.BooleanField()
    activity = models.CharField(
        max_length=10,
        choices=[("EET", "In education, employment or training"), ("NEET", "Not in education, employment or training")],
    )
    in_touch = models.BooleanField(default=True)

    class Meta:
        ordering = ["-as_of_date"]
        constraints = [models.UniqueConstraint(fields=["person", "as_of_date"], name="care_leaver_once_per_date")]


class RiskLevel(models.TextChoices):
    LOW = "LOW", "Low"
    MEDIUM = "MEDIUM", "Medium"
    HIGH = "HIGH", "High"


class MissingEpisode(PersonRecord):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="missing_episodes")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    risk_level = models.CharField(max_length=6, choices=RiskLevel.choices)
    return_interview_offered_at = models.DateTimeField(null=True, blank=True)
    return_interview_done_at = models.DateTimeField(null=True, blank=True)
    return_interview_declined = models.BooleanField(default=False)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]


class ExploitationLevel(models.TextChoices):
    NO_RISK = "NONE", "No identified risk"
    LOW = "LOW", "Low"
    MODERATE = "MODERATE", "Moderate"
    SIGNIFICANT = "SIGNIFICANT", "Significant"


EXPLOITATION_ORDER = {"NONE": 0, "LOW": 1, "MODERATE": 2, "SIGNIFICANT": 3}


class ExploitationRiskAssessment(PersonRecord):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="exploitation_assessments")
    assessed_at = models.DateTimeField()
    kinds = models.JSONField(default=list, blank=True, help_text="sexual, criminal, county lines, radicalisation...")
    level = models.CharField(max_length=12, choices=ExploitationLevel.choices)
    previous_level = models.CharField(max_length=12, choices=ExploitationLevel.choices, blank=True)
    rationale = models.TextField()
    downgrade_agreed_by = models.JSONField(default=list, blank=True, help_text="Agency ids agreeing a lower level")
    downgrade_agreement_note = models.TextField(blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-assessed_at"]


class ExploitationContribution(models.Model):
    assessment = models.ForeignKey(ExploitationRiskAssessment, on_delete=models.CASCADE, related_name="contributions")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    contribution = models.TextField()
    contributed_at = models.DateTimeField()


class TransitionPlan(PersonRecord):
    """Transitional safeguarding: a young person moving from children's to adults' services (16-25)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="transition_plans")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    adult_service = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_date = models.DateField()
    review_date = models.DateField()
    needs = models.TextField(help_text="Care and support needs and risks into adulthood")
    plan = models.TextField()
    closed_date = models.DateField(null=True, blank=True)


# The case spine lives in models/cases.py; imported last, as it builds on the models above.
from safehub.casework.models.cases import (  # noqa: E402, F401 - re-exported: callers import every model from here
    VISIT_KINDS,
    CaseAllocation,
    CaseEpisode,
    CaseNote,
    CaseNoteCorrection,
    CaseStage,
    CensusCheck,
    CensusCheckStatus,
    CINPlan,
    CINPlanReview,
    ClosureReason,
    CoreGroupMeeting,
    CPCategoryChange,
    NoteKind,
    PrimaryNeed,
)
