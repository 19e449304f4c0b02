"""Looked-after children's records (SSDA903): 903 episodes inside casework's period of care.

A period of care is casework's ``LookedAfterEpisode`` (start to end of being looked after). Inside
it, every change of placement or legal status starts a new SSDA903 episode (``CareEpisode``) with
the 903 data items. Reviews, health assessments, the OC2 year outcomes, care-leaver contacts
(OC3), UASC status and missing/away classifications hang off the child and the period of care.
Codes are the DfE's, listed once in ``rules.py``.
"""

from __future__ import annotations

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
