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


# ---------------------------------------------------------------------------------------------
# The child-in-need episode (the case) and what is recorded on it
# ---------------------------------------------------------------------------------------------


class CaseStage(models.TextChoices):
    REFERRAL = "REFERRAL", "Referral"
    ASSESSMENT = "ASSESSMENT", "Assessment"
    CHILD_IN_NEED = "CHILD_IN_NEED", "Child in need"
    CHILD_PROTECTION = "CHILD_PROTECTION", "Child protection"
    LOOKED_AFTER = "LOOKED_AFTER", "Looked after"
    CLOSED = "CLOSED", "Closed"


class PrimaryNeed(models.TextChoices):
    """CIN census 2025-26 primary need codes (N00101)."""

    N1 = "N1", "N1 Abuse or neglect"
    N2 = "N2", "N2 Child's disability or illness"
    N3 = "N3", "N3 Parental disability or illness"
    N4 = "N4", "N4 Family in acute stress"
    N5 = "N5", "N5 Family dysfunction"
    N6 = "N6", "N6 Socially unacceptable behaviour"
    N7 = "N7", "N7 Low income"
    N8 = "N8", "N8 Absent parenting"
    N9 = "N9", "N9 Cases other than children in need"
    N0 = "N0", "N0 Not stated (referral closed with no further action)"


class ClosureReason(models.TextChoices):
    """CIN census 2025-26 reasons for closure (N00103)."""

    RC1 = "RC1", "RC1 Adopted"
    RC2 = "RC2", "RC2 Died"
    RC3 = "RC3", "RC3 Child arrangements order"
    RC4 = "RC4", "RC4 Special guardianship order"
    RC5 = "RC5", "RC5 Transferred to services of another local authority"
    RC6 = "RC6", "RC6 Transferred to adult social care"
    RC7 = "RC7", "RC7 Services ceased for any other reason, including child no longer in need"
    RC8 = "RC8", "RC8 Case closed after assessment, no further action"
    RC9 = "RC9", "RC9 Case closed after assessment, referred to early help"


class CaseEpisode(PersonRecord):
    """A child-in-need episode: from the referral to closure, everything done for the child.

    CIN census CINdetails: one per episode. A child has at most one open episode (constraint).
    """

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="case_episodes")
    referral = models.OneToOneField(
        "frontdoor.Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="case_episode"
    )
    referral_date = models.DateField(help_text="CINreferralDate: the referral that opened the episode")
    referral_source = models.CharField(max_length=3, help_text="CIN census referral source code (1A-10)")
    referral_nfa = models.BooleanField(default=False, help_text="Referral closed with no further action")
    is_re_referral = models.BooleanField(default=False, help_text="Within 12 months of the previous referral")
    previous_episode = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    stage = models.CharField(max_length=20, choices=CaseStage.choices, default=CaseStage.REFERRAL)
    primary_need = models.CharField(max_length=2, choices=PrimaryNeed.choices, blank=True)
    team = models.ForeignKey("agencies.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    visit_interval_working_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Set by the child-in-need plan; empty: the default for the stage"
    )
    closure_date = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=3, choices=ClosureReason.choices, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when a system opened it (an Annex A import, named in the audit)",
    )
    opened_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-referral_date", "-pk"]
        indexes = [
            models.Index(fields=["worker", "stage"], name="case_worker_stage"),
            models.Index(fields=["team", "stage"], name="case_team_stage"),
            models.Index(fields=["person", "referral_date"], name="case_person_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(closure_date__isnull=True), name="case_one_open_per_child"
            ),
            models.CheckConstraint(
                condition=Q(closure_date__isnull=True) | Q(closure_date__gte=models.F("referral_date")),
                name="case_closed_after_referral",
            ),
            models.CheckConstraint(
                condition=(Q(closure_date__isnull=True) & ~Q(stage="CLOSED"))
                | (Q(closure_date__isnull=False) & Q(stage="CLOSED") & ~Q(closure_reason="")),
                name="case_closed_has_date_and_reason",
            ),
            models.CheckConstraint(
                condition=~Q(primary_need="N0") | Q(referral_nfa=True), name="case_n0_only_when_nfa"
            ),
        ]

    @property
    def is_open(self) -> bool:
        return self.closure_date is None


class CaseAllocation(models.Model):
    """Who held the case and when: team and social worker, from, to, and who decided."""

    episode = models.ForeignKey(CaseEpisode, on_delete=models.CASCADE, related_name="allocations")
    team = models.ForeignKey("agencies.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode"], condition=Q(ended_at__isnull=True), name="case_allocation_one_current"
            ),
        ]


class NoteKind(models.TextChoices):
    HOME_VISIT = "HOME_VISIT", "Home visit"
    OFFICE_VISIT = "OFFICE_VISIT", "Office visit"
    PHONE_CALL = "PHONE_CALL", "Phone call"
    DIRECT_WORK = "DIRECT_WORK", "Direct work"
    MEETING = "MEETING", "Meeting"
    MANAGEMENT_OVERSIGHT = "MANAGEMENT_OVERSIGHT", "Management oversight"


VISIT_KINDS = frozenset({NoteKind.HOME_VISIT, NoteKind.OFFICE_VISIT})


class CaseNote(models.Model):
    """A typed case note; locked after a set time, then corrected only by appended corrections."""

    episode = models.ForeignKey(CaseEpisode, on_delete=models.PROTECT, related_name="notes")
    kind = models.CharField(max_length=24, choices=NoteKind.choices)
    occurred_at = models.DateTimeField()
    present = models.CharField(max_length=300, blank=True, help_text="Who was present")
    child_seen = models.BooleanField(default=False)
    child_seen_alone = models.BooleanField(default=False)
    child_words = models.TextField(blank=True, help_text="The child's own words")
    text = models.TextField()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()
    locks_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["episode", "kind", "occurred_at"], name="case_note_episode_kind")]
        constraints = [
            models.CheckConstraint(
                condition=Q(child_seen_alone=False) | Q(child_seen=True), name="case_note_seen_alone_needs_seen"
            ),
        ]

    @property
    def audit_person_id(self) -> int:
        return self.episode.person_id


class CaseNoteCorrection(models.Model):
    note = models.ForeignKey(CaseNote, on_delete=models.PROTECT, related_name="corrections")
    text = models.TextField()
    reason = models.CharField(max_length=300)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["written_at", "pk"]


class CINPlan(PersonRecord):
    """A child-in-need plan (CIN census CINPlanDates) with its review cycle."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cin_plans")
    episode = models.ForeignKey(CaseEpisode, on_delete=models.PROTECT, related_name="cin_plans")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    review_interval_months = models.PositiveSmallIntegerField(default=3)
    visit_interval_working_days = models.PositiveSmallIntegerField(default=20)
    next_review_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["episode"], condition=Q(end_date__isnull=True), name="cin_plan_one_open"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="cin_plan_end_after_start",
            ),
        ]


class CINPlanReview(models.Model):
    plan = models.ForeignKey(CINPlan, on_delete=models.CASCADE, related_name="reviews")
    due_date = models.DateField()
    held_date = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_date"]


class CPCategoryChange(models.Model):
    """A change of a child protection plan's category of abuse (initial -> latest, with history)."""

    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.CASCADE, related_name="category_changes")
    from_category = models.CharField(max_length=10, choices=AbuseCategory.choices)
    to_category = models.CharField(max_length=10, choices=AbuseCategory.choices)
    changed_date = models.DateField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["changed_date", "pk"]


class CoreGroupMeeting(models.Model):
    """A core group meeting of a child protection plan (first within 10 working days of the ICPC, then 6-weekly)."""

    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.CASCADE, related_name="core_groups")
    held_date = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_date", "-pk"]


class CensusCheckStatus(models.TextChoices):
    QUEUED = "QUEUED", "Waiting to start"
    RUNNING = "RUNNING", "Running"
    DONE = "DONE", "Done"
    FAILED = "FAILED", "Failed"


class CensusCheck(models.Model):
    """A pre-submission run of the DfE CIN census rules on the return Safehub would send for a year.

    ``issues`` holds what the rules found, one dict per issue: child_id (LAchildID), person_id,
    rule_code, rule_type (ERROR or QUERY), message, column.
    """

    year = models.CharField(max_length=7)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=CensusCheckStatus.choices, default=CensusCheckStatus.QUEUED)
    message = models.CharField(max_length=300, blank=True)
    ruleset = models.CharField(max_length=20, blank=True)
    children = models.PositiveIntegerField(null=True, blank=True, help_text="Children in the return")
    left_out = models.PositiveIntegerField(null=True, blank=True, help_text="Records the writer left out")
    error_count = models.PositiveIntegerField(null=True, blank=True)
    query_count = models.PositiveIntegerField(null=True, blank=True)
    issues = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    @property
    def is_finished(self) -> bool:
        return self.status in (CensusCheckStatus.DONE, CensusCheckStatus.FAILED)
