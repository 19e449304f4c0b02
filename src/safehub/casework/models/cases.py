"""The child-in-need episode (the case) and what is recorded on it: allocation, notes, CIN plans,
CP category changes and core groups, and the CIN census pre-submission check.

Part of the ``casework.models`` package (which re-exports every name); tables unchanged.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from safehub.casework.models import AbuseCategory, ChildProtectionPlan, PersonRecord


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
