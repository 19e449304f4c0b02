"""Looked-after children's records (SSDA903): 903 episodes inside casework's period of care.

A period of care is casework's ``LookedAfterEpisode`` (start to end of being looked after). Inside
it, every change of placement or legal status starts a new SSDA903 episode (``CareEpisode``) with
the 903 data items. Reviews, health assessments, the OC2 year outcomes, care-leaver contacts
(OC3), UASC status and missing/away classifications hang off the child and the period of care.
Codes are the DfE's, listed once in ``rules.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from safehub.lookedafter import rules


def _choices(codes: dict[str, str]) -> list[tuple[str, str]]:
    return [(code, f"{code}: {label}") for code, label in codes.items()]


class ProviderKind(models.TextChoices):
    FOSTER_CARER = "FOSTER_CARER", "Foster carer"
    CHILDRENS_HOME = "CHILDRENS_HOME", "Children's home"
    OTHER = "OTHER", "Other setting"


class PlacementProvider(models.Model):
    """A register entry: a foster carer, a children's home (with its Ofsted URN) or another setting."""

    name = models.CharField(max_length=160)
    kind = models.CharField(max_length=16, choices=ProviderKind.choices)
    place_provider = models.CharField(
        max_length=3, choices=_choices(rules.PLACE_PROVIDER), help_text="903 PLACE_PROVIDER (PR0-PR5)"
    )
    postcode = models.CharField(max_length=8, help_text="Placement postcode (903 PL_POST)")
    urn = models.CharField(max_length=8, blank=True, help_text="Ofsted unique reference number")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="CHILDRENS_HOME") | ~Q(urn=""), name="la_childrens_home_has_urn"),
        ]

    def __str__(self) -> str:
        return self.name


class CareEpisode(models.Model):
    """One SSDA903 episode: from a start (DECOM) until the next change or the end of care (DEC)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="ssda903_episodes")
    period = models.ForeignKey("casework.LookedAfterEpisode", on_delete=models.PROTECT, related_name="ssda903_episodes")
    decom = models.DateField(help_text="DECOM: the date the episode started")
    rne = models.CharField(max_length=1, choices=_choices(rules.RNE), help_text="Reason for new episode")
    ls = models.CharField(max_length=2, choices=_choices(rules.LEGAL_STATUS), help_text="Legal status")
    cin = models.CharField(max_length=2, choices=_choices(rules.CATEGORY_OF_NEED), help_text="Category of need")
    place = models.CharField(max_length=3, choices=_choices(rules.PLACE), help_text="Placement type")
    place_provider = models.CharField(max_length=3, choices=_choices(rules.PLACE_PROVIDER), blank=True)
    provider = models.ForeignKey(
        PlacementProvider, on_delete=models.PROTECT, null=True, blank=True, related_name="episodes"
    )
    dec = models.DateField(null=True, blank=True, help_text="DEC: the date the episode ceased")
    rec = models.CharField(max_length=3, choices=_choices(rules.REC), blank=True, help_text="Reason episode ceased")
    reason_place_change = models.CharField(max_length=6, choices=_choices(rules.REASON_PLACE_CHANGE), blank=True)
    home_post = models.CharField(max_length=8, blank=True, help_text="Postcode of the home the child was taken from")
    pl_post = models.CharField(max_length=8, blank=True, help_text="Placement postcode")
    urn = models.CharField(max_length=8, blank=True, help_text="Ofsted URN of the placement")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["person_id", "decom"]
        constraints = [
            models.UniqueConstraint(fields=["person", "decom"], name="la_one_episode_per_start"),
            models.UniqueConstraint(
                fields=["period"], condition=Q(dec__isnull=True), name="la_one_open_episode_per_period"
            ),
            models.CheckConstraint(condition=Q(dec__isnull=True) | Q(dec__gte=models.F("decom")), name="la_dec_after"),
            models.CheckConstraint(
                condition=(Q(dec__isnull=True) & Q(rec="")) | (Q(dec__isnull=False) & ~Q(rec="")),
                name="la_dec_and_rec_together",
            ),
        ]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class ItemStatus(models.TextChoices):
    DUE = "DUE", "Due"
    DONE = "DONE", "Done"
    CLOSED = "CLOSED", "Closed when care ended"


class LAReview(models.Model):
    """A looked-after child's review: due by the 2010 Regulations' timetable, held with a PN code."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="la_reviews")
    period = models.ForeignKey("casework.LookedAfterEpisode", on_delete=models.PROTECT, related_name="la_reviews")
    number = models.PositiveSmallIntegerField(help_text="1 for the first review of this period of care")
    due_date = models.DateField()
    held_date = models.DateField(null=True, blank=True)
    participation = models.CharField(max_length=3, choices=_choices(rules.PARTICIPATION), blank=True)
    status = models.CharField(max_length=8, choices=ItemStatus.choices, default=ItemStatus.DUE)

    class Meta:
        ordering = ["period_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["period", "number"], name="la_review_number_once"),
            models.CheckConstraint(
                condition=~Q(status="DONE") | (Q(held_date__isnull=False) & ~Q(participation="")),
                name="la_review_held_has_date_and_code",
            ),
        ]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class HealthKind(models.TextChoices):
    INITIAL = "INITIAL", "Initial health assessment"
    REVIEW = "REVIEW", "Review health assessment"
    DENTAL = "DENTAL", "Dental check"


class LAHealthCheck(models.Model):
    """A health assessment or dental check due for a looked-after child, and when it was done."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="la_health_checks")
    period = models.ForeignKey("casework.LookedAfterEpisode", on_delete=models.PROTECT, related_name="la_health_checks")
    kind = models.CharField(max_length=8, choices=HealthKind.choices)
    due_date = models.DateField()
    done_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=ItemStatus.choices, default=ItemStatus.DUE)

    class Meta:
        ordering = ["period_id", "due_date"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="DONE") | Q(done_date__isnull=False), name="la_health_done_has_date"
            ),
        ]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class YearOutcome(models.Model):
    """The OC2 items for a child looked after 12 months at 31 March that the health rows cannot say."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="la_year_outcomes")
    year_end = models.DateField(help_text="The 31 March the outcomes are for")
    immunisations = models.BooleanField(help_text="Immunisations up to date")
    health_promotion = models.BooleanField(
        null=True, blank=True, help_text="Under 5 at 31 March: development assessments up to date (OC2 HEALTH_CHECK)"
    )
    sdq_score = models.PositiveSmallIntegerField(null=True, blank=True, help_text="0-40, ages 4-16")
    sdq_reason = models.CharField(max_length=4, choices=_choices(rules.SDQ_REASON), blank=True)
    convicted = models.BooleanField()
    substance_misuse = models.BooleanField()
    intervention_received = models.BooleanField(null=True, blank=True)
    intervention_offered = models.BooleanField(null=True, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "year_end"], name="la_oc2_once_a_year"),
            models.CheckConstraint(
                condition=Q(sdq_score__isnull=True) | Q(sdq_score__lte=40), name="la_sdq_score_range"
            ),
        ]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class CareLeaverContact(models.Model):
    """OC3: a former looked-after child's situation around their 17th to 21st birthday."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="la_leaver_contacts")
    birthday = models.DateField(help_text="The birthday this contact is for")
    in_touch = models.CharField(max_length=4, choices=_choices(rules.IN_TOUCH))
    activ = models.CharField(max_length=2, choices=_choices(rules.ACTIVITY), blank=True)
    accom = models.CharField(max_length=2, choices=_choices(rules.ACCOMMODATION), blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["person_id", "birthday"]
        constraints = [models.UniqueConstraint(fields=["person", "birthday"], name="la_oc3_once_per_birthday")]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class UASCStatus(models.Model):
    """An unaccompanied asylum-seeking child, and the date that status ceased (903 DUC)."""

    person = models.OneToOneField("people.Person", on_delete=models.PROTECT, related_name="la_uasc")
    ceased_date = models.DateField(null=True, blank=True)

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class UPNUnknown(models.Model):
    """Why a looked-after child's unique pupil number is not known (903 UPN codes UN1-UN5)."""

    person = models.OneToOneField("people.Person", on_delete=models.PROTECT, related_name="la_upn_unknown")
    code = models.CharField(max_length=3, choices=_choices(rules.UPN_UNKNOWN))
    recorded_at = models.DateTimeField()

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class MissingKind(models.TextChoices):
    MISSING = "M", "Missing"
    AWAY = "A", "Away from placement without authorisation"


class AwayFromPlacement(models.Model):
    """Whether one of casework's missing episodes was 'missing' or 'away' (the 903 Missing table)."""

    missing_episode = models.OneToOneField(
        "casework.MissingEpisode", on_delete=models.PROTECT, related_name="la_classification"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=1, choices=MissingKind.choices)

    @property
    def audit_person_id(self) -> int:
        return self.person_id


# --- Adoption and permanence ------------------------------------------------------------------


class AdopterFamily(models.Model):
    """Prospective adopters, one or a couple (Annex A List 11; 903 AD1 NB/SEX/LS_ADOPTR)."""

    reference = models.CharField(max_length=40, unique=True, help_text="Family identifier")
    number_of_adopters = models.PositiveSmallIntegerField(choices=[(1, "One"), (2, "Two")])
    # Blank: not known. A family imported from Annex A List 11 has its adopters' genders but not a
    # couple's legal status (see returns.annex_a.bindings_adopters): a person records it.
    sex_code = models.CharField(
        max_length=2, choices=_choices(rules.ADOPTER_SEX), blank=True, help_text="903 SEX_ADOPTR (blank: not known)"
    )
    legal_status = models.CharField(
        max_length=3,
        choices=_choices(rules.ADOPTER_LEGAL_STATUS),
        blank=True,
        help_text="903 LS_ADOPTR (blank: not known)",
    )
    fostering_for_adoption = models.BooleanField(default=False)
    enquiry_date = models.DateField()
    stage1_start = models.DateField(null=True, blank=True)
    stage1_end = models.DateField(null=True, blank=True)
    stage2_start = models.DateField(null=True, blank=True)
    stage2_end = models.DateField(null=True, blank=True)
    submitted_date = models.DateField(null=True, blank=True)
    approved_date = models.DateField(null=True, blank=True)
    left_date = models.DateField(null=True, blank=True, help_text="Left the adoption process")
    left_reason = models.CharField(max_length=200, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return self.reference


class Adopter(models.Model):
    """One (prospective) adopter in a family (an Annex A List 11 row)."""

    family = models.ForeignKey(AdopterFamily, on_delete=models.CASCADE, related_name="adopters")
    reference = models.CharField(max_length=40, unique=True, help_text="Individual adopter identifier")
    sex = models.CharField(max_length=1, choices=[("M", "Male"), ("F", "Female"), ("U", "Unknown")])
    ethnicity = models.CharField(max_length=4, blank=True)
    disability = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["reference"]


class AdoptionPlan(models.Model):
    """A decision that the child should be placed for adoption, and what followed (903 PlacedAdoption, AD1)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="la_adoption_plans")
    # Null only for a decision imported from an Annex A List 10 row with no period of care held.
    period = models.ForeignKey(
        "casework.LookedAfterEpisode", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_date = models.DateField(help_text="Should be placed for adoption (903 DATE_PLACED, DATE_INT)")
    placement_order_date = models.DateField(null=True, blank=True)
    ffa_date = models.DateField(null=True, blank=True, help_text="Placed in a fostering for adoption placement")
    matched_date = models.DateField(null=True, blank=True, help_text="Matched with adopters (903 DATE_MATCH)")
    family = models.ForeignKey(AdopterFamily, on_delete=models.PROTECT, null=True, blank=True, related_name="plans")
    placed_date = models.DateField(null=True, blank=True, help_text="Placed for adoption")
    adoption_order_date = models.DateField(null=True, blank=True)
    ceased_date = models.DateField(null=True, blank=True, help_text="Should no longer be placed for adoption")
    ceased_reason = models.CharField(max_length=3, choices=_choices(rules.REASON_PLACED_CEASED), blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["person_id", "decision_date"]
        constraints = [
            models.UniqueConstraint(fields=["person", "decision_date"], name="la_adoption_decision_once"),
            models.UniqueConstraint(
                fields=["person"], condition=Q(ceased_date__isnull=True, adoption_order_date__isnull=True),
                name="la_one_open_adoption_plan",
            ),
            models.CheckConstraint(
                condition=(Q(ceased_date__isnull=True) & Q(ceased_reason=""))
                | (Q(ceased_date__isnull=False) & ~Q(ceased_reason="")),
                name="la_adoption_ceased_with_reason",
            ),
        ]  # fmt: skip

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class PreviousPermanence(models.Model):
    """Before this period of care, was the child adopted or under an SGO or CAO? (903 PrevPerm)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="la_previous_permanence")
    period = models.OneToOneField("casework.LookedAfterEpisode", on_delete=models.PROTECT, related_name="+")
    prev_perm = models.CharField(max_length=2, choices=_choices(rules.PREV_PERM))
    la_code = models.CharField(max_length=3, blank=True, help_text="DfE code of the LA that arranged it (LA_PERM)")
    order_date = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(prev_perm="Z1", la_code="", order_date__isnull=True)
                | (~Q(prev_perm="Z1") & ~Q(la_code="") & Q(order_date__isnull=False)),
                name="la_prev_perm_complete",
            ),
        ]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


# --- Care leavers -------------------------------------------------------------------------------


class CareLeaver(models.Model):
    """A care leaver's category and personal adviser (Children (Leaving Care) Act 2000)."""

    person = models.OneToOneField("people.Person", on_delete=models.PROTECT, related_name="la_care_leaver")
    category = models.CharField(max_length=16, choices=_choices(rules.LEAVER_CATEGORY))
    eligible_from = models.DateField(null=True, blank=True)
    personal_adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    adviser_from = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField()

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class PathwayPlan(models.Model):
    """A pathway plan and its review timetable (Care Leavers (England) Regulations 2010)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="la_pathway_plans")
    due_date = models.DateField(help_text="Within 3 months of becoming eligible")
    completed_date = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["person_id", "due_date"]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class PathwayReview(models.Model):
    plan = models.ForeignKey(PathwayPlan, on_delete=models.CASCADE, related_name="reviews")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()
    held_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=ItemStatus.choices, default=ItemStatus.DUE)

    class Meta:
        ordering = ["plan_id", "due_date"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="DONE") | Q(held_date__isnull=False), name="la_pathway_review_held_date"
            ),
        ]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class StayingPut(models.Model):
    """A young person staying with their former foster carers after 18 (Children Act 1989 s.23CZA)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="la_staying_put")
    provider = models.ForeignKey(PlacementProvider, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["person_id", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="la_staying_put_dates",
            ),
        ]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class DeprivationOfLiberty(models.Model):
    """A deprivation of liberty order for a looked-after child (903 DoLo table from 2026-27)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="la_dolos")
    period = models.ForeignKey("casework.LookedAfterEpisode", on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["person_id", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")), name="la_dolo_dates"
            ),
            models.UniqueConstraint(fields=["person"], condition=Q(end_date__isnull=True), name="la_one_open_dolo"),
        ]

    @property
    def audit_person_id(self) -> int:
        return self.person_id
