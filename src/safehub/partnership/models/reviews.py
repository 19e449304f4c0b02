"""Case reviews: referral to the practice review group, decision, rapid review, publication, assurance check."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from safehub.adults.rules import S44_DIED, S44_NEITHER, S44_SURVIVED
from safehub.partnership.models.common import Theme


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


class SeriousHarm(models.TextChoices):
    """What happened to an adult a safeguarding adults review is about: the Care Act 2014 s44 conditions.

    s44(2) condition 1: the adult has died and the board knows or suspects that the death resulted
    from abuse or neglect; s44(3) condition 2: the adult is still alive and the board knows or
    suspects that they have experienced serious abuse or neglect; s44(4): a review the board chose
    to arrange in any other case. The SAC's SG5 tables count reviews and individuals by the first two.
    """

    DIED = S44_DIED, "Died: abuse or neglect known or suspected to have caused the death (s44 condition 1)"
    SURVIVED = S44_SURVIVED, "Alive: known or suspected to have experienced serious abuse or neglect (s44 condition 2)"
    NEITHER = S44_NEITHER, "Neither: a review the board chose to arrange (s44(4))"


class CaseReviewPerson(models.Model):
    """A person the review is about, or connected to it, linked to their record.

    ``harm`` says, for the subject of a safeguarding adults review, which s44 condition their case met
    (blank: not recorded); the SAC's SG5 tables are counted from it.
    """

    class Role(models.TextChoices):
        SUBJECT = "SUBJECT", "Subject of the review"
        SIBLING = "SIBLING", "Sibling"
        PARENT_CARER = "PARENT_CARER", "Parent or carer"
        OTHER = "OTHER", "Other"

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.SUBJECT)
    harm = models.CharField(
        max_length=10, choices=SeriousHarm.choices, blank=True, help_text="The subject's s44 condition (adults)"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "person"], name="review_person_unique"),
            models.CheckConstraint(condition=Q(harm="") | Q(role="SUBJECT"), name="review_person_harm_subject"),
        ]

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
