"""Pathway records around the front door: LADO allegations, private fostering, CME/EHE, MARAC links."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


# --- LADO ----------------------------------------------------------------------------------------
class LadoSector(models.TextChoices):
    EDUCATION = "EDUCATION", "Education (schools and colleges)"
    EARLY_YEARS = "EARLY_YEARS", "Early years and childminding"
    HEALTH = "HEALTH", "Health"
    SOCIAL_CARE = "SOCIAL_CARE", "Social care (including residential)"
    FOSTER_CARE = "FOSTER_CARE", "Foster care"
    POLICE = "POLICE", "Police"
    FAITH = "FAITH", "Faith groups"
    SPORT = "SPORT", "Sport and leisure"
    VOLUNTARY = "VOLUNTARY", "Voluntary and community sector"
    TRANSPORT = "TRANSPORT", "Transport"
    OTHER = "OTHER", "Other"


class LadoCategory(models.TextChoices):
    PHYSICAL = "PHYSICAL", "Physical abuse"
    SEXUAL = "SEXUAL", "Sexual abuse"
    EMOTIONAL = "EMOTIONAL", "Emotional abuse"
    NEGLECT = "NEGLECT", "Neglect"
    SUITABILITY = "SUITABILITY", "Suitability to work with children (transferable risk)"


class LadoDecision(models.TextChoices):
    MEETING = "MEETING", "Harm test met: strategy or evaluation meeting"
    EMPLOYER = "EMPLOYER", "Harm test met: employer to investigate with LADO oversight"
    ADVICE = "ADVICE", "Harm test not met: advice to the employer"


class LadoMeetingKind(models.TextChoices):
    STRATEGY = "STRATEGY", "Strategy meeting (police or section 47 involved)"
    EVALUATION = "EVALUATION", "Allegations evaluation meeting"


class LadoOutcome(models.TextChoices):
    SUBSTANTIATED = "SUBSTANTIATED", "Substantiated"
    UNSUBSTANTIATED = "UNSUBSTANTIATED", "Unsubstantiated"
    UNFOUNDED = "UNFOUNDED", "Unfounded"
    FALSE = "FALSE", "False"
    MALICIOUS = "MALICIOUS", "Malicious"


class LadoEmployerAction(models.TextChoices):
    NONE = "NONE", "No action"
    SUPPORT = "SUPPORT", "Support, supervision or training"
    WARNING = "WARNING", "Written warning"
    SUSPENDED = "SUSPENDED", "Suspended"
    DISMISSED = "DISMISSED", "Dismissed"
    RESIGNED = "RESIGNED", "Resigned or left before the outcome"
    DBS = "DBS", "Referred to the Disclosure and Barring Service"
    REGULATOR = "REGULATOR", "Referred to a professional regulator (TRA, NMC, SWE, GMC...)"


class LadoCase(models.Model):
    """An allegation against someone who works with children, managed by the designated officer.

    Restricted: visible only to the LADO team and to the users named on the case (``LadoNamed``).
    """

    referred_at = models.DateTimeField()
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referrer_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_name = models.CharField(max_length=200, help_text="The person the allegation is about")
    subject_role = models.CharField(max_length=120)
    employer = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="lado_cases"
    )
    employer_name = models.CharField(max_length=200, help_text="As given, when the employer is not a partner")
    sector = models.CharField(max_length=20, choices=LadoSector.choices)
    category = models.CharField(max_length=20, choices=LadoCategory.choices)
    summary = models.TextField()
    initial_consideration_due_at = models.DateTimeField()
    considered_at = models.DateTimeField(null=True, blank=True)
    considered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision = models.CharField(max_length=10, choices=LadoDecision.choices, blank=True)
    decision_rationale = models.TextField(blank=True)
    meeting_kind = models.CharField(max_length=10, choices=LadoMeetingKind.choices, blank=True)
    meeting_at = models.DateTimeField(null=True, blank=True)
    meeting_note = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=LadoOutcome.choices, blank=True)
    outcome_date = models.DateField(null=True, blank=True)
    employer_actions = models.JSONField(default=list, blank=True)
    employer_actions_note = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-referred_at", "-id"]
        indexes = [models.Index(fields=["referred_at"], name="lado_referred")]
        constraints = [
            models.CheckConstraint(
                condition=Q(considered_at__isnull=True) | ~Q(decision=""), name="lado_considered_has_decision"
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome_date__isnull=False), name="lado_outcome_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"LADO {self.reference}"

    @property
    def reference(self) -> str:
        return f"LADO-{self.pk:05d}"


class LadoNamed(models.Model):
    """A user named on a LADO case: outside the LADO team, only these see it."""

    case = models.ForeignKey(LadoCase, on_delete=models.CASCADE, related_name="named")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()
    why = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="lado_named_once")]


# --- Private fostering -----------------------------------------------------------------------------
class PfNotifier(models.TextChoices):
    CARER = "CARER", "The private foster carer"
    PARENT = "PARENT", "A parent or person with parental responsibility"
    SCHOOL = "SCHOOL", "A school or early-years setting"
    HEALTH = "HEALTH", "A health professional"
    OTHER = "OTHER", "Another professional or person"


class PrivateFostering(models.Model):
    """A private fostering arrangement notified to the local authority (Children Act 1989 Part 9)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="private_fostering")
    notified_date = models.DateField(
        help_text="When the authority became aware (regulation 8(6): the arrangement begins)"
    )
    notified_by_kind = models.CharField(max_length=10, choices=PfNotifier.choices)
    arrangement_started_date = models.DateField(null=True, blank=True)
    carer_name = models.CharField(max_length=200)
    carer_relationship = models.CharField(max_length=120, help_text="e.g. family friend, great-aunt, host family")
    intended_duration = models.CharField(max_length=120, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    ended_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-notified_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_date__isnull=True) | Q(ended_date__gte=models.F("notified_date")),
                name="pf_ends_after_notification",
            )
        ]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class PrivateFosteringVisit(models.Model):
    arrangement = models.ForeignKey(PrivateFostering, on_delete=models.CASCADE, related_name="visits")
    visited_date = models.DateField()
    child_seen_alone = models.BooleanField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["visited_date", "id"]

    @property
    def audit_person_id(self) -> int:
        return self.arrangement.person_id


# --- Children missing education and elective home education --------------------------------------
class EducationRegisterKind(models.TextChoices):
    CME = "CME", "Child missing education"
    EHE = "EHE", "Elective home education"


class EducationRegisterReason(models.TextChoices):
    NOT_ON_ROLL = "NOT_ON_ROLL", "Not on a school roll (new to the area or never registered)"
    ROLL_REMOVED_UNKNOWN = "ROLL_REMOVED_UNKNOWN", "Taken off roll, destination not known"
    ABSENT_20_DAYS = "ABSENT_20_DAYS", "Absent 20 school days or more, whereabouts not known"
    MOVED_ABROAD = "MOVED_ABROAD", "Said to have moved abroad, not confirmed"
    EXCLUDED_NO_PROVISION = "EXCLUDED_NO_PROVISION", "Permanently excluded, no provision from day 6"
    EHE_PHILOSOPHICAL = "EHE_PHILOSOPHICAL", "Home educated: philosophical or lifestyle choice"
    EHE_HEALTH = "EHE_HEALTH", "Home educated: health or emotional wellbeing"
    EHE_DISSATISFIED = "EHE_DISSATISFIED", "Home educated: dissatisfied with the school or SEN provision"
    EHE_AVOID_SANCTION = "EHE_AVOID_SANCTION", "Home educated: to avoid attendance action or exclusion"
    OTHER = "OTHER", "Other"


EHE_REASONS = frozenset(v for v in EducationRegisterReason.values if v.startswith("EHE_"))


class EducationRegisterEntry(models.Model):
    """A child on the register of children missing education or electively home educated."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="education_register")
    kind = models.CharField(max_length=3, choices=EducationRegisterKind.choices)
    reason = models.CharField(max_length=24, choices=EducationRegisterReason.choices)
    last_setting = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reported_date = models.DateField()
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reporting_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    note = models.TextField(blank=True)
    safeguarding_concern = models.BooleanField(default=False)
    contact = models.ForeignKey("frontdoor.Contact", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    education_restarted_date = models.DateField(null=True, blank=True)
    restarted_setting = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-reported_date", "-id"]
        indexes = [models.Index(fields=["kind", "education_restarted_date"], name="edreg_open")]
        constraints = [
            models.CheckConstraint(
                condition=Q(education_restarted_date__isnull=True)
                | Q(education_restarted_date__gte=models.F("reported_date")),
                name="edreg_restart_after_report",
            )
        ]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


# --- MARAC and DASH --------------------------------------------------------------------------------
class MaracLink(models.Model):
    """Safehub's record that a high-risk domestic abuse case went to MARAC (not a MARAC system)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="marac_links")
    dash_score = models.PositiveSmallIntegerField(null=True, blank=True)
    professional_judgement = models.BooleanField(default=False)
    judgement_reason = models.TextField(blank=True)
    referred_date = models.DateField()
    referring_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    marac_reference = models.CharField(max_length=40, blank=True, help_text="The MARAC's own case reference")
    meeting_date = models.DateField(null=True, blank=True)
    repeat = models.BooleanField(default=False)

    class Meta:
        ordering = ["-referred_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dash_score__isnull=True) | Q(dash_score__lte=24), name="marac_dash_in_range"
            ),
            models.CheckConstraint(
                condition=Q(dash_score__gte=14) | Q(professional_judgement=True), name="marac_high_risk_only"
            ),
        ]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class MaracAction(models.Model):
    link = models.ForeignKey(MaracLink, on_delete=models.CASCADE, related_name="actions")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=300)
    due_date = models.DateField(null=True, blank=True)
    completed_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["due_date", "id"]

    @property
    def audit_person_id(self) -> int:
        return self.link.person_id


# --- Operation Encompass: the rolls of schools and early-years settings ----------------------------
class RollUpload(models.Model):
    """One roll file a school or early-years setting uploaded, with what its rows came to."""

    setting = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    file_name = models.CharField(max_length=200)
    rows_total = models.PositiveIntegerField(default=0)
    linked = models.PositiveIntegerField(default=0, help_text="Confident matches linked to the setting")
    already = models.PositiveIntegerField(default=0, help_text="Already on this setting's roll")
    review = models.PositiveIntegerField(default=0, help_text="Uncertain matches sent to review")
    not_found = models.PositiveIntegerField(default=0, help_text="Not known to the register (nothing created)")
    errors = models.JSONField(default=list, blank=True, help_text="[{row, column, message}] for the setting to fix")
    matched_at = models.DateTimeField(null=True, blank=True, help_text="Empty while the rows are being matched")

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["setting", "uploaded_at"], name="roll_upload_setting")]


class RollRowStatus(models.TextChoices):
    PENDING = "PENDING", "Waiting to be matched"
    LINKED = "LINKED", "Matched and linked to the setting"
    ALREADY = "ALREADY", "Already on this setting's roll"
    REVIEW = "REVIEW", "Uncertain match: waiting for review"
    CONFIRMED = "CONFIRMED", "Confirmed at review and linked"
    REJECTED = "REJECTED", "Reviewed: not any of the people suggested"
    NOT_FOUND = "NOT_FOUND", "Not known to the register"


class RollRow(models.Model):
    """One pupil row of a roll, as the setting gave it, and what the matching engine made of it.

    Nobody is created from a roll: a child the register does not know stays a row here.
    """

    upload = models.ForeignKey(RollUpload, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField()
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    upn = models.CharField(max_length=13, blank=True)
    status = models.CharField(max_length=10, choices=RollRowStatus.choices)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    best_probability = models.FloatField(null=True, blank=True, help_text="The engine's best match, in per cent")
    candidates = models.JSONField(default=list, blank=True, help_text="[{person_id, probability}] for review")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["upload", "row_number"]
        indexes = [models.Index(fields=["status", "id"], name="roll_row_status")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["LINKED", "ALREADY", "CONFIRMED"]) | Q(person__isnull=False),
                name="roll_row_linked_has_person",
            )
        ]

    @property
    def audit_person_id(self) -> int | None:
        return self.person_id

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


# --- CP-IS style flags for unscheduled care ----------------------------------------------------------
class CpisFlagKind(models.TextChoices):
    CPP = "CPP", "Child protection plan"
    UNBORN_CPP = "UNBORN_CPP", "Unborn child: pre-birth child protection plan"
    LAC = "LAC", "Looked after child"


class UnscheduledCareSetting(models.TextChoices):
    EMERGENCY_DEPARTMENT = "ED", "Emergency department (A&E)"
    URGENT_TREATMENT = "UTC", "Walk-in or urgent treatment centre"
    MINOR_INJURIES = "MIU", "Minor injuries unit"
    AMBULANCE = "AMB", "Ambulance service"
    OUT_OF_HOURS = "OOH", "GP out of hours"
    MATERNITY = "MAT", "Maternity unit (unscheduled)"


class CpisAttendance(models.Model):
    """A flagged child's attendance at an unscheduled care setting, notified to their social worker."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cpis_attendances")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    setting_kind = models.CharField(max_length=3, choices=UnscheduledCareSetting.choices)
    attended_at = models.DateTimeField()
    reason = models.CharField(max_length=300, help_text="Presenting complaint, in brief")
    flag_kind = models.CharField(max_length=10, choices=CpisFlagKind.choices, help_text="The flag when it was seen")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    notified_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notified_team = models.ForeignKey(
        "agencies.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notified_at = models.DateTimeField(null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-attended_at", "-id"]
        indexes = [
            models.Index(fields=["notified_worker", "seen_at"], name="cpis_worker_unseen"),
            models.Index(fields=["agency", "attended_at"], name="cpis_agency_time"),
        ]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


# --- Missing episodes and the strategy discussion they prompt ---------------------------------------
class MissingStrategyLink(models.Model):
    """The strategy discussion held about a high-risk missing episode (the link casework does not hold)."""

    missing_episode = models.OneToOneField("casework.MissingEpisode", on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey("casework.StrategyMeeting", on_delete=models.PROTECT, related_name="+")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField()

    @property
    def audit_person_id(self) -> int:
        return self.meeting.person_id
