"""Early help and family help: the episode, its assessment and plan, the team around the family,
step up and step down, and the Family Safeguarding Model's adult specialists.

One episode is one child's early help (Annex A List 2 counts each child's assessment); the family
around the child is linked through ``EarlyHelpFamilyMember`` (parents, carers, siblings), each a
person record of its own. Visibility is the child's record's: ``people.policy.person_access``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class EpisodeOrigin(models.TextChoices):
    FRONT_DOOR = "FRONT_DOOR", "Front door decision: early help"
    STEP_DOWN = "STEP_DOWN", "Stepped down from children's social care"
    AGENCY = "AGENCY", "Request for early help from an agency or the family"
    ANNEX_A = "ANNEX_A", "Imported from Annex A List 2"


class EpisodeStage(models.TextChoices):
    ASSESSMENT = "ASSESSMENT", "Early help assessment"
    PLAN = "PLAN", "Early help plan"
    CLOSED = "CLOSED", "Closed"


class ClosureReason(models.TextChoices):
    OUTCOMES_MET = "OUTCOMES_MET", "Outcomes of the plan achieved"
    UNIVERSAL = "UNIVERSAL", "Needs now met by universal services"
    STEP_UP = "STEP_UP", "Stepped up to children's social care"
    WITHDREW = "WITHDREW", "Family withdrew consent or declined support"
    MOVED = "MOVED", "Moved out of the area"
    OTHER = "OTHER", "Other"


class FamilyRole(models.TextChoices):
    PARENT = "PARENT", "Parent"
    CARER = "CARER", "Carer"
    PARTNER = "PARTNER", "Parent's partner"
    SIBLING = "SIBLING", "Brother or sister"
    OTHER_ADULT = "OTHER_ADULT", "Other adult in the household"
    OTHER = "OTHER", "Other family member"


class EarlyHelpEpisode(models.Model):
    """One child's early help: assessment (start, completion), plan, lead professional, closure."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="early_help_episodes")
    origin = models.CharField(max_length=12, choices=EpisodeOrigin.choices)
    contact = models.ForeignKey("frontdoor.Contact", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    stepped_down_from = models.ForeignKey(
        "casework.CaseEpisode", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    origin_reason = models.TextField(blank=True, help_text="Why early help (for a step down: the reasons)")
    team = models.ForeignKey("agencies.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    lead_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lead_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.CharField(
        max_length=200, blank=True, help_text="Organisation completing the assessment (Annex A List 2)"
    )
    assessment_start_date = models.DateField()
    assessment_completed_date = models.DateField(null=True, blank=True)
    assessment_summary = models.TextField(blank=True, help_text="Strengths, needs and what the family wants")
    child_voice = models.TextField(blank=True)
    plan_started_date = models.DateField(null=True, blank=True)
    plan_outcomes = models.TextField(blank=True, help_text="What the plan sets out to change, and who does what")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_date = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=12, choices=ClosureReason.choices, blank=True)
    closure_note = models.TextField(blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stepped_up_referral = models.ForeignKey(
        "frontdoor.Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stepped_up_episode = models.ForeignKey(
        "casework.CaseEpisode", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-assessment_start_date", "-id"]
        indexes = [
            models.Index(fields=["person", "assessment_start_date"], name="eh_person_start"),
            models.Index(fields=["closed_date"], name="eh_closed"),
            models.Index(fields=["lead_professional", "closed_date"], name="eh_lead_open"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(assessment_completed_date__isnull=True)
                | Q(assessment_completed_date__gte=F("assessment_start_date")),
                name="eh_completed_after_start",
            ),
            models.CheckConstraint(
                condition=Q(closed_date__isnull=True) | ~Q(closure_reason=""), name="eh_closed_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(closed_date__isnull=True) | Q(closed_date__gte=F("assessment_start_date")),
                name="eh_closed_after_start",
            ),
            # One open early help episode per child (imported List 2 rows carry no closure, so they
            # are not "open" in this sense and are left out).
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(closed_date__isnull=True) & ~Q(origin="ANNEX_A"),
                name="eh_one_open_per_child",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"EH-{self.pk:06d}" if self.pk else "EH-new"

    @property
    def stage(self) -> str:
        if self.closed_date is not None:
            return EpisodeStage.CLOSED
        if self.assessment_completed_date is None:
            return EpisodeStage.ASSESSMENT
        return EpisodeStage.PLAN

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class EarlyHelpFamilyMember(models.Model):
    """A family member linked to the child's early help (the whole family is worked with)."""

    episode = models.ForeignKey(EarlyHelpEpisode, on_delete=models.CASCADE, related_name="family")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=12, choices=FamilyRole.choices)
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["role", "id"]
        constraints = [models.UniqueConstraint(fields=["episode", "person"], name="eh_family_once")]

    @property
    def audit_person_id(self) -> int:
        return self.episode.person_id


class MeetingKind(models.TextChoices):
    TAF = "TAF", "Team around the family meeting"
    REVIEW = "REVIEW", "Plan review"


class Progress(models.TextChoices):
    GOOD = "GOOD", "Good progress"
    SOME = "SOME", "Some progress"
    NONE = "NONE", "No progress or worse"


class EarlyHelpMeeting(models.Model):
    """A team around the family meeting or a review of the plan."""

    episode = models.ForeignKey(EarlyHelpEpisode, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=6, choices=MeetingKind.choices)
    held_date = models.DateField()
    agencies = models.ManyToManyField("agencies.Agency", blank=True, related_name="+")
    family_attended = models.BooleanField(default=True)
    progress = models.CharField(max_length=4, choices=Progress.choices, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["held_date", "id"]

    @property
    def audit_person_id(self) -> int:
        return self.episode.person_id


class StepDirection(models.TextChoices):
    UP = "UP", "Step up to children's social care"
    DOWN = "DOWN", "Step down to early help"


class StepRecord(models.Model):
    """A move between early help and children's social care, with the reasons, both records linked."""

    direction = models.CharField(max_length=4, choices=StepDirection.choices)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    early_help = models.ForeignKey(EarlyHelpEpisode, on_delete=models.PROTECT, related_name="steps")
    case_episode = models.ForeignKey("casework.CaseEpisode", on_delete=models.PROTECT, related_name="+")
    step_date = models.DateField()
    reasons = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-step_date", "-id"]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


# --- Family Safeguarding Model --------------------------------------------------------------------
class SpecialistKind(models.TextChoices):
    DOMESTIC_ABUSE = "DOMESTIC_ABUSE", "Domestic abuse"
    MENTAL_HEALTH = "MENTAL_HEALTH", "Adult mental health"
    SUBSTANCE_MISUSE = "SUBSTANCE_MISUSE", "Substance misuse"


class SpecialistAttachment(models.Model):
    """An adult specialist attached to the family's case: the early help episode or the social care case."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+", help_text="The child")
    early_help = models.ForeignKey(
        EarlyHelpEpisode, on_delete=models.PROTECT, null=True, blank=True, related_name="specialists"
    )
    case_episode = models.ForeignKey(
        "casework.CaseEpisode", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=SpecialistKind.choices)
    specialist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    adult = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The parent or carer the specialist works with",
    )  # fmt: skip
    started_date = models.DateField()
    ended_date = models.DateField(null=True, blank=True)
    attached_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attached_at = models.DateTimeField()

    class Meta:
        ordering = ["started_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(early_help__isnull=False) | Q(case_episode__isnull=False), name="fsm_attached_to_a_case"
            ),
            models.CheckConstraint(
                condition=Q(ended_date__isnull=True) | Q(ended_date__gte=F("started_date")), name="fsm_ends_after_start"
            ),
        ]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class SpecialistEntryKind(models.TextChoices):
    ASSESSMENT = "ASSESSMENT", "Specialist assessment"
    SESSION = "SESSION", "Direct work session"
    SAFETY_PLAN = "SAFETY_PLAN", "Safety plan"
    TESTING = "TESTING", "Drug or alcohol testing"
    GROUP_WORK = "GROUP_WORK", "Group programme"
    CONSULTATION = "CONSULTATION", "Consultation with the social worker or lead professional"
    ONWARD = "ONWARD", "Onward referral"
    DID_NOT_ENGAGE = "DID_NOT_ENGAGE", "Did not attend or engage"


class SpecialistEntry(models.Model):
    """A typed record of the specialist's work with the family."""

    attachment = models.ForeignKey(SpecialistAttachment, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=16, choices=SpecialistEntryKind.choices)
    entry_date = models.DateField()
    summary = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-entry_date", "-id"]

    @property
    def audit_person_id(self) -> int:
        return self.attachment.person_id
