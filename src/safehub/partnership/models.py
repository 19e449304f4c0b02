"""Partnership assurance: case reviews, action plans, multi-agency audits, training, self-assessments.

What the practice review group, the practice and performance improvement group, the learning and
development group and the scrutineer work with. People appear here only as links to
``people.Person`` records (the review's subject, an audit's sampled case); everything else is
about agencies and the partnership's learning.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

# ---------------------------------------------------------------------------------------------
# Shared vocabularies
# ---------------------------------------------------------------------------------------------


class Theme(models.TextChoices):
    """Learning themes shared by reviews, audit findings, training and briefings."""

    NEGLECT = "NEGLECT", "Neglect"
    SELF_NEGLECT = "SELF_NEGLECT", "Self-neglect and hoarding"
    EXPLOITATION = "EXPLOITATION", "Exploitation"
    SEXUAL_ABUSE = "SEXUAL_ABUSE", "Sexual abuse"
    PHYSICAL_ABUSE = "PHYSICAL_ABUSE", "Physical abuse"
    SUBSTANCE_USE = "SUBSTANCE_USE", "Substance use"
    MENTAL_HEALTH = "MENTAL_HEALTH", "Mental health"
    DOMESTIC_ABUSE = "DOMESTIC_ABUSE", "Domestic abuse"
    CULTURALLY_INCLUSIVE = "CULTURALLY_INCLUSIVE", "Culturally inclusive practice"
    TRANSITIONS = "TRANSITIONS", "Transitions to adulthood"
    HOMELESSNESS = "HOMELESSNESS", "Severe and multiple disadvantage, homelessness"
    MENTAL_CAPACITY = "MENTAL_CAPACITY", "Mental capacity"
    PROFESSIONAL_CURIOSITY = "PROFESSIONAL_CURIOSITY", "Professional curiosity"
    INFORMATION_SHARING = "INFORMATION_SHARING", "Information sharing"
    VOICE = "VOICE", "Voice of the child or adult"
    ESCALATION = "ESCALATION", "Escalation and challenge"


class Priority(models.TextChoices):
    """The partnership's strategic priorities 2025-2028."""

    NEGLECT_SELF_NEGLECT = "NEGLECT_SELF_NEGLECT", "Neglect and self-neglect"
    TRANSITIONAL_SAFEGUARDING = "TRANSITIONAL_SAFEGUARDING", "Transitional safeguarding"
    SEVERE_MULTIPLE_DISADVANTAGE = "SEVERE_MULTIPLE_DISADVANTAGE", "Severe and multiple disadvantage"
    CSA_EXPLOITATION = "CSA_EXPLOITATION", "Child sexual abuse and exploitation"


# Which priority a theme is evidence for (a theme may serve none).
THEME_PRIORITY: dict[str, str] = {
    Theme.NEGLECT: Priority.NEGLECT_SELF_NEGLECT,
    Theme.SELF_NEGLECT: Priority.NEGLECT_SELF_NEGLECT,
    Theme.TRANSITIONS: Priority.TRANSITIONAL_SAFEGUARDING,
    Theme.HOMELESSNESS: Priority.SEVERE_MULTIPLE_DISADVANTAGE,
    Theme.SUBSTANCE_USE: Priority.SEVERE_MULTIPLE_DISADVANTAGE,
    Theme.EXPLOITATION: Priority.CSA_EXPLOITATION,
    Theme.SEXUAL_ABUSE: Priority.CSA_EXPLOITATION,
}


class Grade(models.TextChoices):
    OUTSTANDING = "OUTSTANDING", "Outstanding"
    GOOD = "GOOD", "Good"
    REQUIRES_IMPROVEMENT = "REQUIRES_IMPROVEMENT", "Requires improvement"
    INADEQUATE = "INADEQUATE", "Inadequate"


# ---------------------------------------------------------------------------------------------
# Case reviews
# ---------------------------------------------------------------------------------------------


class ReviewSubject(models.TextChoices):
    CHILD = "CHILD", "Child"
    ADULT = "ADULT", "Adult at risk"
    DEATH = "DEATH", "Death (domestic abuse related)"


class ReviewDecision(models.TextChoices):
    RAPID_REVIEW = "RAPID_REVIEW", "Rapid review"
    CSPR = "CSPR", "Child safeguarding practice review"
    SAR = "SAR", "Safeguarding adult review"
    DARDR = "DARDR", "Domestic abuse related death review"
    LOCAL_LEARNING = "LOCAL_LEARNING", "Local learning review"
    SINGLE_AGENCY = "SINGLE_AGENCY", "Single-agency learning"
    THEMATIC = "THEMATIC", "Part of a thematic review"
    NO_REVIEW = "NO_REVIEW", "No review"


# Decisions that lead to a published multi-agency review.
STATUTORY_REVIEWS = frozenset({ReviewDecision.CSPR, ReviewDecision.SAR, ReviewDecision.DARDR})


class ReviewStage(models.TextChoices):
    REFERRED = "REFERRED", "Referred"
    DECIDED = "DECIDED", "Decided"
    RAPID_REVIEW = "RAPID_REVIEW", "Rapid review"
    COMMISSIONED = "COMMISSIONED", "Commissioned"
    IN_PROGRESS = "IN_PROGRESS", "In progress"
    DRAFT = "DRAFT", "Draft report"
    APPROVED = "APPROVED", "Approved"
    PUBLISHED = "PUBLISHED", "Published"
    ASSURANCE_DUE = "ASSURANCE_DUE", "Assurance due"
    CLOSED = "CLOSED", "Closed"


S = ReviewStage
# The allowed moves; services refuse anything else (REVIEW_TRANSITIONS[from] = {to, ...}).
REVIEW_TRANSITIONS: dict[str, frozenset[str]] = {
    S.REFERRED: frozenset({S.DECIDED}),
    S.DECIDED: frozenset({S.RAPID_REVIEW, S.COMMISSIONED, S.CLOSED}),
    S.RAPID_REVIEW: frozenset({S.COMMISSIONED, S.CLOSED}),
    S.COMMISSIONED: frozenset({S.IN_PROGRESS}),
    S.IN_PROGRESS: frozenset({S.DRAFT}),
    S.DRAFT: frozenset({S.APPROVED, S.IN_PROGRESS}),
    S.APPROVED: frozenset({S.PUBLISHED, S.CLOSED}),
    S.PUBLISHED: frozenset({S.ASSURANCE_DUE}),
    S.ASSURANCE_DUE: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}
# Stages during which the review is "open" (counts towards lateness).
OPEN_STAGES = frozenset(set(S.values) - {S.CLOSED})


class FamilyInvolvement(models.TextChoices):
    NOT_YET = "NOT_YET", "Not yet approached"
    INVITED = "INVITED", "Invited to contribute"
    CONTRIBUTED = "CONTRIBUTED", "Contributed"
    DECLINED = "DECLINED", "Declined"
    NOT_APPROPRIATE = "NOT_APPROPRIATE", "Not appropriate"


class CaseReview(models.Model):
    """A referral to the practice review group and the review (if any) that follows."""

    reference = models.CharField(max_length=20, unique=True, help_text="For example PRG-2025-07")
    title = models.CharField(max_length=120, help_text="The name the review is known by, e.g. 'Lily'")
    subject = models.CharField(max_length=10, choices=ReviewSubject.choices)
    summary = models.TextField(help_text="What happened, in brief")
    referring_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referred_at = models.DateTimeField()
    incident_date = models.DateField(null=True, blank=True)
    learned_at = models.DateTimeField(help_text="When the partnership learned of the serious incident")
    notifiable = models.BooleanField(
        default=False, help_text="A serious child safeguarding incident to notify to the national panel"
    )
    notification_due_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    rapid_review_due_at = models.DateTimeField(null=True, blank=True)
    rapid_review_completed_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=20, choices=ReviewDecision.choices, blank=True)
    decision_rationale = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stage = models.CharField(max_length=20, choices=ReviewStage.choices, default=ReviewStage.REFERRED)
    stage_changed_at = models.DateTimeField()
    themes = models.JSONField(default=list, blank=True, help_text="Theme codes")
    family_involvement = models.CharField(
        max_length=20, choices=FamilyInvolvement.choices, default=FamilyInvolvement.NOT_YET
    )
    family_involvement_note = models.TextField(blank=True)
    reviewer = models.CharField(max_length=120, blank=True, help_text="Independent reviewer or author")
    commissioned_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    publication_url = models.URLField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-referred_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True) | ~Q(decision=""), name="review_decided_has_decision"
            ),
            models.CheckConstraint(
                condition=Q(decision="") | ~Q(decision_rationale=""), name="review_decision_has_rationale"
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(published_at__gte=models.F("referred_at")),
                name="review_published_after_referral",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        unknown = set(self.themes or []) - set(Theme.values)
        if unknown:
            raise ValidationError({"themes": f"Unknown themes: {', '.join(sorted(unknown))}"})
        if self.notifiable and self.subject != ReviewSubject.CHILD:
            raise ValidationError({"notifiable": "Only incidents about children are notified to the national panel"})

    @property
    def theme_labels(self) -> list[str]:
        return [Theme(t).label for t in self.themes if t in Theme.values]


class CaseReviewPerson(models.Model):
    """A person the review is about, or connected to it, linked to their record."""

    class Role(models.TextChoices):
        SUBJECT = "SUBJECT", "Subject of the review"
        SIBLING = "SIBLING", "Sibling"
        PARENT_CARER = "PARENT_CARER", "Parent or carer"
        OTHER = "OTHER", "Other"

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.SUBJECT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "person"], name="review_person_unique")]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class CaseReviewStageChange(models.Model):
    """One move of a review through its stages (the review's own history)."""

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=20, choices=ReviewStage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=ReviewStage.choices)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]


class AssuranceCheck(models.Model):
    """The practice review group's check, six months after publication, that learning is embedded."""

    review = models.OneToOneField(CaseReview, on_delete=models.CASCADE, related_name="assurance_check")
    due_date = models.DateField()
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    learning_embedded = models.BooleanField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["due_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | ~Q(outcome=""), name="assurance_completed_has_outcome"
            )
        ]


# ---------------------------------------------------------------------------------------------
# Inspections, recommendations and action plans
# ---------------------------------------------------------------------------------------------


class Inspection(models.Model):
    """An external inspection (e.g. a JTAI) whose letter and responses yield recommendations."""

    class Kind(models.TextChoices):
        JTAI = "JTAI", "Joint targeted area inspection"
        ILACS = "ILACS", "Inspection of local authority children's services"
        CQC_ASC = "CQC_ASC", "CQC assessment of adult social care"
        HMICFRS = "HMICFRS", "HMICFRS inspection"
        OTHER = "OTHER", "Other"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    inspectorates = models.CharField(max_length=120, help_text="e.g. Ofsted, CQC, HMICFRS")
    started_date = models.DateField()
    ended_date = models.DateField()
    letter_published_date = models.DateField(null=True, blank=True)
    action_plan_due_date = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_date"]
        constraints = [
            models.CheckConstraint(condition=Q(ended_date__gte=models.F("started_date")), name="inspection_ordered")
        ]


class AuditStatus(models.TextChoices):
    PLANNED = "PLANNED", "Planned"
    SAMPLED = "SAMPLED", "Sample drawn"
    IN_PROGRESS = "IN_PROGRESS", "Agencies answering"
    COMPLETE = "COMPLETE", "Complete"


class AuditTool(models.TextChoices):
    MSP = "MSP", "Making Safeguarding Personal"
    CSA = "CSA", "Child sexual abuse"
    CERAF = "CERAF", "Exploitation risk assessments (CERAF)"
    REFERRALS = "REFERRALS", "Getting referrals right"
    NEGLECT = "NEGLECT", "Neglect and self-neglect"


# The questions each audit tool asks of every agency, per case (code, question).
AUDIT_QUESTIONS: dict[str, list[tuple[str, str]]] = {
    AuditTool.MSP: [
        ("outcomes", "Were the person's desired outcomes asked for and recorded?"),
        ("voice", "Was the person's voice heard away from family members?"),
        ("interpreter", "Was an independent interpreter used where needed?"),
        ("capacity", "Was mental capacity considered and recorded?"),
    ],
    AuditTool.CSA: [
        ("identified", "Was the sexual abuse identified at the earliest opportunity?"),
        ("medical", "Was a child protection medical considered for the child's wellbeing?"),
        ("toolkit", "Was the child sexual abuse toolkit used?"),
        ("characteristics", "Were protected characteristics identified and acted on?"),
    ],
    AuditTool.CERAF: [
        ("timely", "Was the exploitation risk assessment completed on time?"),
        ("analysis", "Did it analyse the risks rather than describe them?"),
        ("contributions", "Did your agency contribute to the assessment and plan?"),
        ("oversight", "Was there management oversight of changes to the risk level?"),
    ],
    AuditTool.REFERRALS: [
        ("quality", "Did the referral say clearly what the concern was and why now?"),
        ("consent", "Was consent sought or the reason for not seeking it recorded?"),
        ("timely", "Was the referral made on the day the concern arose?"),
    ],
    AuditTool.NEGLECT: [
        ("trauma", "Did practitioners look beyond the surface for the reasons for neglect?"),
        ("whole_family", "Was the impact on the whole family, including children, considered?"),
        ("planning", "Were the right agencies involved in planning and decisions?"),
        ("voice", "Were the voices of everyone in the family captured, not only the dominant one?"),
    ],
}
AUDIT_TOOL_THEMES: dict[str, str] = {
    AuditTool.MSP: Theme.VOICE,
    AuditTool.CSA: Theme.SEXUAL_ABUSE,
    AuditTool.CERAF: Theme.EXPLOITATION,
    AuditTool.REFERRALS: Theme.INFORMATION_SHARING,
    AuditTool.NEGLECT: Theme.NEGLECT,
}


class MultiAgencyAudit(models.Model):
    """A themed multi-agency case audit: a sample of cases, each agency's answers, findings."""

    title = models.CharField(max_length=200)
    tool = models.CharField(max_length=10, choices=AuditTool.choices)
    priority = models.CharField(max_length=40, choices=Priority.choices, blank=True)
    status = models.CharField(max_length=20, choices=AuditStatus.choices, default=AuditStatus.PLANNED)
    planned_date = models.DateField()
    sample_criteria = models.JSONField(default=dict, blank=True)
    agencies = models.ManyToManyField("agencies.Agency", related_name="+", blank=True)
    findings = models.TextField(blank=True)
    learning = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-planned_date"]

    @property
    def questions(self) -> list[tuple[str, str]]:
        return AUDIT_QUESTIONS.get(self.tool, [])


class AuditCase(models.Model):
    """One sampled case in an audit."""

    audit = models.ForeignKey(MultiAgencyAudit, on_delete=models.CASCADE, related_name="cases")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "person"], name="audit_case_person_unique"),
            models.UniqueConstraint(fields=["audit", "number"], name="audit_case_number_unique"),
        ]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class AuditAgencyReturn(models.Model):
    """One agency's answers to the audit tool's questions for one case, with its grade."""

    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, related_name="returns")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)
    grade = models.CharField(max_length=30, choices=Grade.choices)
    comments = models.TextField(blank=True)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "agency"], name="audit_return_unique")]

    @property
    def audit_person_id(self) -> int:
        return self.case.person_id


class AuditFinding(models.Model):
    class Kind(models.TextChoices):
        STRENGTH = "STRENGTH", "Strength"
        IMPROVEMENT = "IMPROVEMENT", "Area for improvement"

    audit = models.ForeignKey(MultiAgencyAudit, on_delete=models.CASCADE, related_name="finding_items")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    theme = models.CharField(max_length=30, choices=Theme.choices)
    text = models.TextField()


class SelfAssessmentKind(models.TextChoices):
    SECTION_11 = "SECTION_11", "Section 11 (Children Act 2004)"
    SECTION_175 = "SECTION_175", "Section 175 (Education Act 2002) schools"


# Standards each self-assessment asks agencies to rate themselves against (code, text).
SELF_ASSESSMENT_STANDARDS: dict[str, list[tuple[str, str]]] = {
    SelfAssessmentKind.SECTION_11: [
        ("S1", "Senior management commitment to safeguarding"),
        ("S2", "Clear statement of safeguarding responsibilities, available to all staff"),
        ("S3", "A clear line of accountability for safeguarding"),
        ("S4", "Service development takes account of the need to safeguard"),
        ("S5", "Training on safeguarding for all staff working with children"),
        ("S6", "Safer recruitment, and allegations against staff"),
        ("S7", "Effective inter-agency working"),
        ("S8", "Information sharing"),
        ("S9", "The voice of the child is heard"),
        ("S10", "Supervision and reflective practice"),
        ("S11", "Safeguarding disabled children and children with additional needs"),
    ],
    SelfAssessmentKind.SECTION_175: [
        ("E1", "Designated safeguarding lead with time, training and deputies"),
        ("E2", "Child protection policy, reviewed annually and published"),
        ("E3", "Staff training and Keeping Children Safe in Education read and understood"),
        ("E4", "Safer recruitment and the single central record"),
        ("E5", "Records of concerns are timely, accurate and secure"),
        ("E6", "Attendance, children missing education and educational neglect"),
        ("E7", "Online safety, filtering and monitoring"),
        ("E8", "Early help identified and offered"),
    ],
}


class Rating(models.TextChoices):
    MET = "MET", "Met"
    PARTLY_MET = "PARTLY_MET", "Partly met"
    NOT_MET = "NOT_MET", "Not met"


class SelfAssessmentCycle(models.Model):
    """A round of section 11 or section 175 returns (year 1 full; year 2 action-plan review)."""

    kind = models.CharField(max_length=20, choices=SelfAssessmentKind.choices)
    year = models.CharField(max_length=7, help_text="Financial year, e.g. 2024-25")
    cycle_year = models.PositiveSmallIntegerField(
        choices=[(1, "Year 1: full self-assessment"), (2, "Year 2: action-plan review")]
    )
    opens_date = models.DateField()
    due_date = models.DateField()
    themes_summary = models.TextField(blank=True, help_text="Themes across agencies, written after review")

    class Meta:
        ordering = ["-opens_date"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="self_assessment_cycle_unique"),
            models.CheckConstraint(condition=Q(cycle_year__in=[1, 2]), name="self_assessment_cycle_year"),
        ]

    @property
    def standards(self) -> list[tuple[str, str]]:
        return SELF_ASSESSMENT_STANDARDS.get(self.kind, [])


class SelfAssessmentReturn(models.Model):
    """One agency's return in a cycle."""

    cycle = models.ForeignKey(SelfAssessmentCycle, on_delete=models.CASCADE, related_name="returns")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "agency"], name="self_assessment_return_unique")]


class SelfAssessmentRating(models.Model):
    self_assessment = models.ForeignKey(SelfAssessmentReturn, on_delete=models.CASCADE, related_name="ratings")
    standard = models.CharField(max_length=10)
    rating = models.CharField(max_length=20, choices=Rating.choices)
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["self_assessment", "standard"], name="self_assessment_rating_unique")
        ]


class Recommendation(models.Model):
    """A recommendation or area for improvement from one source: a review, audit, inspection or return."""

    class Kind(models.TextChoices):
        RECOMMENDATION = "RECOMMENDATION", "Recommendation"
        AREA_FOR_IMPROVEMENT = "AREA_FOR_IMPROVEMENT", "Area for improvement"
        LEARNING = "LEARNING", "Learning point"

    review = models.ForeignKey(
        CaseReview, on_delete=models.CASCADE, null=True, blank=True, related_name="recommendations"
    )
    audit = models.ForeignKey(
        MultiAgencyAudit, on_delete=models.CASCADE, null=True, blank=True, related_name="recommendations"
    )
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, null=True, blank=True, related_name="recommendations"
    )
    self_assessment = models.ForeignKey(
        SelfAssessmentReturn, on_delete=models.CASCADE, null=True, blank=True, related_name="recommendations"
    )
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.RECOMMENDATION)
    text = models.TextField()
    made_by = models.CharField(max_length=120, blank=True, help_text="e.g. inspection letter, PCC response")
    lead_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["number", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(review__isnull=False, audit__isnull=True, inspection__isnull=True, self_assessment__isnull=True)
                    | Q(review__isnull=True, audit__isnull=False, inspection__isnull=True, self_assessment__isnull=True)
                    | Q(review__isnull=True, audit__isnull=True, inspection__isnull=False, self_assessment__isnull=True)
                    | Q(review__isnull=True, audit__isnull=True, inspection__isnull=True, self_assessment__isnull=False)
                ),
                name="recommendation_one_source",
            )
        ]

    @property
    def source_label(self) -> str:
        # A relation whose id is blank reads as None without a query, so these tests match the ids'.
        if (review := self.review) is not None:
            return f"Review {review.reference} {review.title}"
        if (audit := self.audit) is not None:
            return f"Audit: {audit.title}"
        if (inspection := self.inspection) is not None:
            return f"Inspection: {inspection.title}"
        if (self_assessment := self.self_assessment) is not None:
            return f"Self-assessment: {self_assessment.agency.name}"
        return ""


class ActionStatus(models.TextChoices):
    NOT_STARTED = "NOT_STARTED", "Not started"
    IN_PROGRESS = "IN_PROGRESS", "In progress"
    COMPLETE = "COMPLETE", "Complete"


class Action(models.Model):
    """One agency's action towards a recommendation. 'Overdue' is computed, never stored."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    owner_name = models.CharField(max_length=120, help_text="The named person responsible")
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    completed_date = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True)
    updated_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ActionStatus.COMPLETE, completed_date__isnull=False)
                | (~Q(status=ActionStatus.COMPLETE) & Q(completed_date__isnull=True)),
                name="action_completed_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=ActionStatus.COMPLETE) | ~Q(evidence=""), name="action_complete_has_evidence"
            ),
        ]

    def is_overdue(self, today: date) -> bool:
        return self.status != ActionStatus.COMPLETE and self.due_date < today

    def status_label(self, today: date) -> str:
        return "Overdue" if self.is_overdue(today) else self.get_status_display()


class Notification(models.Model):
    """A message to an agency (e.g. an overdue action chased); one per key, so chasing never repeats."""

    recipient_agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=200, blank=True)
    dedupe_key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient_agency", "read_at"], name="pship_notification_unread")]


# ---------------------------------------------------------------------------------------------
# Learning and development
# ---------------------------------------------------------------------------------------------


class TrainingCourse(models.Model):
    title = models.CharField(max_length=200)
    theme = models.CharField(max_length=30, choices=Theme.choices)
    priority = models.CharField(max_length=40, choices=Priority.choices, blank=True)
    description = models.TextField(blank=True)
    provider = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["title"]


class TrainingQualityCheck(models.Model):
    """The learning and development group's check that a course is current and reflects the law and local policy."""

    course = models.ForeignKey(TrainingCourse, on_delete=models.CASCADE, related_name="quality_checks")
    checked_date = models.DateField()
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reflects_legislation = models.BooleanField()
    reflects_local_policy = models.BooleanField()
    includes_review_learning = models.BooleanField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-checked_date"]

    @property
    def passed(self) -> bool:
        return self.reflects_legislation and self.reflects_local_policy and self.includes_review_learning


class TrainingEvent(models.Model):
    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="events")
    starts_at = models.DateTimeField()
    venue = models.CharField(max_length=120, blank=True, help_text="Blank for online")
    capacity = models.PositiveSmallIntegerField(default=30)

    class Meta:
        ordering = ["-starts_at"]


class TrainingAttendance(models.Model):
    event = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE, related_name="attendances")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    job_role = models.CharField(max_length=80)
    attendee_name = models.CharField(max_length=120)
    attended = models.BooleanField(default=True)
    usefulness = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)], help_text="1 to 5"
    )
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(usefulness__isnull=True) | Q(usefulness__gte=1, usefulness__lte=5),
                name="attendance_usefulness_1_to_5",
            )
        ]


class Briefing(models.Model):
    class Kind(models.TextChoices):
        SEVEN_MINUTE = "SEVEN_MINUTE", "7-minute briefing"
        ONE_MINUTE = "ONE_MINUTE", "One-minute guide"
        LEARNING = "LEARNING", "Learning briefing"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SEVEN_MINUTE)
    theme = models.CharField(max_length=30, choices=Theme.choices)
    review = models.ForeignKey(CaseReview, on_delete=models.SET_NULL, null=True, blank=True, related_name="briefings")
    body = models.TextField()
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["-published_at"]


class BriefingRead(models.Model):
    """A read receipt: who read the briefing, and when."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["briefing", "user"], name="briefing_read_once")]


# ---------------------------------------------------------------------------------------------
# Escalations (resolving professional differences)
# ---------------------------------------------------------------------------------------------


class Escalation(models.Model):
    """A professional difference raised under the escalation protocol (stages 1 to 4)."""

    class Outcome(models.TextChoices):
        AGREED = "AGREED", "Agreed: plan changed"
        UPHELD = "UPHELD", "Original decision upheld, explained"
        WITHDRAWN = "WITHDRAWN", "Withdrawn"

    raised_by_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    raised_by_name = models.CharField(max_length=120)
    raised_with_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    raised_with_name = models.CharField(max_length=120, blank=True)
    concern = models.TextField()
    theme = models.CharField(max_length=30, choices=Theme.choices, blank=True)
    raised_at = models.DateTimeField()
    stage = models.PositiveSmallIntegerField(default=1)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.CheckConstraint(condition=Q(stage__gte=1, stage__lte=4), name="escalation_stage_1_to_4"),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True, outcome="") | (Q(resolved_at__isnull=False) & ~Q(outcome="")),
                name="escalation_resolved_has_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(raised_by_agency=models.F("raised_with_agency")), name="escalation_between_agencies"
            ),
        ]


# ---------------------------------------------------------------------------------------------
# Finance: what each partner contributes to the partnership's budgets
# ---------------------------------------------------------------------------------------------


class Budget(models.TextChoices):
    CHILDREN_PARTNERSHIP = "CHILDREN_PARTNERSHIP", "Children's safeguarding partnership"
    ADULTS_BOARD = "ADULTS_BOARD", "Safeguarding adults board"


class FundingPartner(models.TextChoices):
    """The bodies that fund the arrangements: the three safeguarding partners, and others who choose to."""

    LOCAL_AUTHORITY = "LOCAL_AUTHORITY", "Local authority"
    ICB = "ICB", "Integrated care board"
    POLICE = "POLICE", "Police"
    PROBATION = "PROBATION", "Probation service"
    OTHER = "OTHER", "Other contributor"


class PartnerContribution(models.Model):
    """One partner's financial contribution to one budget for a financial year (whole pounds)."""

    year = models.CharField(max_length=7, help_text="Financial year, e.g. 2025-26")
    budget = models.CharField(max_length=30, choices=Budget.choices)
    partner = models.CharField(max_length=20, choices=FundingPartner.choices)
    organisation_name = models.CharField(max_length=120, help_text="As the report names it, e.g. 'City council'")
    amount_gbp = models.PositiveIntegerField(help_text="Whole pounds")
    in_kind = models.TextField(blank=True, help_text="Contributions in kind (staff time, venues), in words")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year", "budget", "-amount_gbp", "organisation_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "budget", "organisation_name"], name="partner_contribution_once_per_budget_year"
            ),
            models.CheckConstraint(condition=Q(year__regex=r"^\d{4}-\d{2}$"), name="partner_contribution_year_format"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_budget_display()}: {self.organisation_name} £{self.amount_gbp:,}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        digits = len(self.year or "") == 7 and self.year[:4].isdigit() and self.year[5:].isdigit()
        if digits and (int(self.year[:4]) + 1) % 100 != int(self.year[5:]):
            raise ValidationError({"year": "Give a financial year such as 2025-26"})


# ---------------------------------------------------------------------------------------------
# Sub-group meetings: attendance, decisions and actions
# ---------------------------------------------------------------------------------------------


class SubGroup(models.TextChoices):
    """The partnership's sub-groups (and its executive), as the yearly report names them."""

    PRACTICE_REVIEW = "PRACTICE_REVIEW", "Practice review group"
    PERFORMANCE = "PERFORMANCE", "Practice and performance improvement group"
    LEARNING = "LEARNING", "Learning and development group"
    EDUCATION = "EDUCATION", "Education sub-group"
    EXECUTIVE = "EXECUTIVE", "Partnership executive"


class SubGroupMeeting(models.Model):
    """One meeting of a sub-group: who came, what it decided (one decision a line) and what it asked for."""

    group = models.CharField(max_length=20, choices=SubGroup.choices)
    held_at = models.DateTimeField()
    chair_name = models.CharField(max_length=120, blank=True)
    summary = models.TextField(blank=True)
    decisions = models.TextField(blank=True, help_text="One decision a line")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_at", "-pk"]
        indexes = [models.Index(fields=["group", "held_at"], name="pship_meeting_group_held")]

    def __str__(self) -> str:
        return f"{self.get_group_display()}, {self.held_at:%d %b %Y}"

    @property
    def decision_list(self) -> list[str]:
        return [line.strip() for line in self.decisions.splitlines() if line.strip()]


class Attendance(models.TextChoices):
    PRESENT = "PRESENT", "Present"
    APOLOGIES = "APOLOGIES", "Sent apologies"
    ABSENT = "ABSENT", "Absent"


class MeetingAttendance(models.Model):
    """Whether an invited agency came to a meeting (one row per agency invited)."""

    meeting = models.ForeignKey(SubGroupMeeting, on_delete=models.CASCADE, related_name="attendance")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Attendance.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "agency"], name="meeting_attendance_once")]


class MeetingAction(models.Model):
    """An action a meeting gave an agency. 'Overdue' is computed, never stored."""

    meeting = models.ForeignKey(SubGroupMeeting, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    owner_name = models.CharField(max_length=120)
    due_date = models.DateField()
    completed_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]

    def is_overdue(self, today: date) -> bool:
        return self.completed_date is None and self.due_date < today


# ---------------------------------------------------------------------------------------------
# The yearly report's sign-off: sections with partner leads, comments, the scrutineer's approval,
# and the published (frozen) version
# ---------------------------------------------------------------------------------------------


class ReportStage(models.TextChoices):
    DRAFTING = "DRAFTING", "Being drafted"
    WITH_SCRUTINEER = "WITH_SCRUTINEER", "With the independent scrutineer"
    APPROVED = "APPROVED", "Approved by the independent scrutineer"
    PUBLISHED = "PUBLISHED", "Published"


class YearlyReportDraft(models.Model):
    """The yearly report for one year on its way to publication; the scrutineer is named on it."""

    year = models.CharField(max_length=7, unique=True)
    stage = models.CharField(max_length=20, choices=ReportStage.choices, default=ReportStage.DRAFTING)
    scrutineer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(year__regex=r"^\d{4}-\d{2}$"), name="report_draft_year_format"),
            models.CheckConstraint(
                condition=~Q(stage__in=["APPROVED", "PUBLISHED"]) | Q(approved_at__isnull=False),
                name="report_draft_approved_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(stage="PUBLISHED") | Q(published_at__isnull=False), name="report_draft_published_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(scrutineer=models.F("started_by")), name="report_draft_scrutineer_independent"
            ),
        ]

    def __str__(self) -> str:
        return f"Yearly report {self.year} ({self.get_stage_display()})"


class SectionStatus(models.TextChoices):
    WITH_LEAD = "WITH_LEAD", "With the lead"
    READY = "READY", "Ready for scrutiny"


class YearlyReportSectionLead(models.Model):
    """A section of the report given to a partner lead to write, and whether they say it is ready."""

    draft = models.ForeignKey(YearlyReportDraft, on_delete=models.CASCADE, related_name="leads")
    key = models.CharField(max_length=20)  # insight.ReportSectionKey
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=SectionStatus.choices, default=SectionStatus.WITH_LEAD)
    assigned_at = models.DateTimeField()
    ready_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["draft", "key"], name="report_section_one_lead")]


class YearlyReportComment(models.Model):
    """A comment on the draft or on one of its sections (``key`` empty: the whole report)."""

    draft = models.ForeignKey(YearlyReportDraft, on_delete=models.CASCADE, related_name="comments")
    key = models.CharField(max_length=20, blank=True)
    text = models.TextField()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["written_at", "pk"]


class PublishedReport(models.Model):
    """The published yearly report: the files of one build, copied in and never changed again."""

    draft = models.OneToOneField(YearlyReportDraft, on_delete=models.PROTECT, related_name="published")
    year = models.CharField(max_length=7, unique=True)
    build_id = models.PositiveIntegerField(help_text="The insight build the files were copied from")
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(max_length=64, help_text="Digest over every file's name and digest")

    def __str__(self) -> str:
        return f"Published yearly report {self.year}"


class PublishedReportFile(models.Model):
    report = models.ForeignKey(PublishedReport, on_delete=models.PROTECT, related_name="files")
    name = models.CharField(max_length=120)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["report", "name"], name="published_report_file_once")]
