"""People the partnership holds records about, and who else is connected to them."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from safehub.people.validators import validate_nhs_number, validate_postcode, validate_upn


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known"
    INDETERMINATE = "I", "Indeterminate"


class Ethnicity(models.TextChoices):
    """DfE/ONS census ethnicity categories with the CIN census codes."""

    WBRI = "WBRI", "White - English, Welsh, Scottish, Northern Irish or British"
    WIRI = "WIRI", "White - Irish"
    WIRT = "WIRT", "White - Traveller of Irish heritage"
    WROM = "WROM", "White - Gypsy or Roma"
    WOTH = "WOTH", "White - any other White background"
    MWBC = "MWBC", "Mixed - White and Black Caribbean"
    MWBA = "MWBA", "Mixed - White and Black African"
    MWAS = "MWAS", "Mixed - White and Asian"
    MOTH = "MOTH", "Mixed - any other Mixed background"
    AIND = "AIND", "Asian or Asian British - Indian"
    APKN = "APKN", "Asian or Asian British - Pakistani"
    ABAN = "ABAN", "Asian or Asian British - Bangladeshi"
    CHNE = "CHNE", "Asian or Asian British - Chinese"
    AOTH = "AOTH", "Asian or Asian British - any other Asian background"
    BCRB = "BCRB", "Black or Black British - Caribbean"
    BAFR = "BAFR", "Black or Black British - African"
    BOTH = "BOTH", "Black or Black British - any other Black background"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class Disability(models.TextChoices):
    NONE = "NONE", "No disability"
    MOB = "MOB", "Mobility"
    HAND = "HAND", "Hand function"
    PC = "PC", "Personal care"
    INC = "INC", "Incontinence"
    COMM = "COMM", "Communication"
    LD = "LD", "Learning"
    HEAR = "HEAR", "Hearing"
    VIS = "VIS", "Vision"
    BEH = "BEH", "Behaviour"
    CON = "CON", "Consciousness"
    AUT = "AUT", "Autism or Asperger syndrome"
    DDA = "DDA", "Other disability"


class Person(models.Model):
    """A child (born or unborn), young person or adult. ``reference`` is the stable person ID."""

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    given_name = models.CharField(max_length=100, blank=True, help_text="Blank for a baby not yet named")
    middle_names = models.CharField(max_length=150, blank=True)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True, help_text="For an unborn child")
    date_of_death = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    gender_identity = models.CharField(max_length=60, blank=True)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    first_language = models.CharField(max_length=60, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    disabilities = models.JSONField(default=list, blank=True, help_text="CIN census disability codes")
    nhs_number = models.CharField("NHS number", max_length=10, blank=True, validators=[validate_nhs_number])
    upn = models.CharField("Unique pupil number (UPN)", max_length=13, blank=True, validators=[validate_upn])
    sealed = models.BooleanField(default=False, help_text="Visible only to named users")
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            models.Index(fields=["family_name", "given_name"], name="person_name"),
            models.Index(fields=["date_of_birth"], name="person_dob"),
            # an age band's people with the access rule's one column (transitions: 16 to 25)
            models.Index(fields=["date_of_birth", "id", "sealed"], name="person_dob_id_sealed"),
            models.Index(fields=["nhs_number"], name="person_nhs"),
            # the few sealed records (policy.sealed_hidden_q: a worklist drops them without joining
            # each of its rows to the register)
            models.Index(fields=["id"], condition=Q(sealed=True), name="person_sealed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=False)
                | Q(expected_date_of_birth__isnull=False)
                | Q(family_name__gt=""),
                name="person_has_identity",
            ),
            models.CheckConstraint(
                condition=Q(date_of_death__isnull=True)
                | Q(date_of_birth__isnull=True)
                | Q(date_of_death__gte=models.F("date_of_birth")),
                name="person_death_after_birth",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def audit_person_id(self) -> int:
        return self.pk

    @property
    def display_name(self) -> str:
        given = self.given_name or ("Baby" if self.is_unborn or self.date_of_birth is None else "")
        return f"{given} {self.family_name}".strip()

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None and self.expected_date_of_birth is not None

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from safehub.people.validators import normalise_nhs_number

        self.nhs_number = normalise_nhs_number(self.nhs_number)
        self.upn = (self.upn or "").strip().upper()
        from django.utils import timezone

        if self.date_of_birth and self.date_of_birth > timezone.localdate():  # today in the UK, not the server's zone
            raise ValidationError({"date_of_birth": "Date of birth must be today or in the past"})
        if self.date_of_birth and self.expected_date_of_birth:
            raise ValidationError(
                {"expected_date_of_birth": "Give an expected date only for an unborn child (no date of birth)"}
            )


class PersonName(models.Model):
    class Kind(models.TextChoices):
        ALIAS = "ALIAS", "Also known as"
        PREVIOUS = "PREVIOUS", "Previous name"
        BIRTH = "BIRTH", "Name at birth"
        SPELLING = "SPELLING", "Other spelling"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="other_names")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ALIAS)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class Address(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line_1 = models.CharField(max_length=120)
    line_2 = models.CharField(max_length=120, blank=True)
    town = models.CharField(max_length=80, blank=True)
    postcode = models.CharField(max_length=8, validators=[validate_postcode])
    started_date = models.DateField(null=True, blank=True)
    ended_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_date__isnull=True)
                | Q(started_date__isnull=True)
                | Q(ended_date__gte=models.F("started_date")),
                name="address_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.line_1}, {self.postcode}"

    def clean(self) -> None:
        from safehub.people.validators import normalise_postcode

        self.postcode = normalise_postcode(self.postcode)


class RelationshipKind(models.TextChoices):
    PARENT = "PARENT", "Parent"
    CARER = "CARER", "Carer"
    SIBLING = "SIBLING", "Sibling"
    HOUSEHOLD_MEMBER = "HOUSEHOLD_MEMBER", "Household member"
    PARTNER = "PARTNER", "Partner"
    POSING_RISK = "POSING_RISK", "Person posing a risk"
    OTHER = "OTHER", "Other"


class Relationship(models.Model):
    """``person`` has ``kind`` relationship to ``related`` (e.g. related is the PARENT of person)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    related = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="related_to")
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    started_date = models.DateField(null=True, blank=True)
    ended_date = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(person=models.F("related")), name="relationship_not_self"),
            models.UniqueConstraint(fields=["person", "related", "kind"], name="relationship_unique"),
        ]


class InvolvementKind(models.TextChoices):
    CASE_HOLDER = "CASE_HOLDER", "Holds the case"
    PROFESSIONAL = "PROFESSIONAL", "Professional involved"
    REFERRER = "REFERRER", "Made a referral"
    MEETING_INVITEE = "MEETING_INVITEE", "Invited to a meeting"
    EDUCATION = "EDUCATION", "Education setting"
    ENQUIRY = "ENQUIRY", "Carrying out an enquiry"


class Involvement(models.Model):
    """A legitimate relationship between an agency and a person: the basis of access."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="involvements")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="involvements")
    kind = models.CharField(max_length=20, choices=InvolvementKind.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=80, blank=True, help_text="What created it, e.g. frontdoor.Contact:12")

    class Meta:
        indexes = [
            models.Index(fields=["person", "agency"], name="involvement_person_agency"),
            # "the people this agency works with now" (every list's access rule): read from the
            # index alone, without visiting the rows
            models.Index(fields=["agency", "person", "ended_at"], name="involvement_agency_person"),
        ]


class EducationPlacement(models.Model):
    """The child's school or early-years setting (the Operation Encompass notification target)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="education_placements")
    setting = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="pupils")
    started_date = models.DateField()
    ended_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_date"]


class SectionClass(models.TextChoices):
    GENERAL = "GENERAL", "General"
    HEALTH = "HEALTH", "Health (clinical)"
    POLICE = "POLICE", "Police intelligence"


class AgencyInformation(models.Model):
    """Information an agency holds about a person; health and police sections stay in their class."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="agency_information")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    section = models.CharField(max_length=10, choices=SectionClass.choices, default=SectionClass.GENERAL)
    summary = models.TextField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-recorded_at"]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class SealedAccess(models.Model):
    """A named user allowed to open a sealed record, who named them and when."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="sealed_access")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "user"], name="sealed_access_unique")]


class SealAction(models.TextChoices):
    SEAL = "SEAL", "Sealed"
    UNSEAL = "UNSEAL", "Unsealed"
    NAME = "NAME", "Named a user who may still see the record"
    UNNAME = "UNNAME", "Removed a named user"


class SealDecision(models.Model):
    """One decision about a record's seal: sealing, unsealing, naming or removing who may see it.

    A record is sealed when knowing it exists would put someone at risk (an adopted child, a
    witness, a family fleeing abuse, a staff member's own child): the reason and the decision
    maker are kept with every change, append-only, so the seal's history can be reviewed.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="seal_decisions")
    action = models.CharField(max_length=6, choices=SealAction.choices)
    user_named = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="seal_decision_has_reason"),
        ]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class BreakGlassGrant(models.Model):
    """Time-limited access without a legitimate relationship, given a reason; always reviewed."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="break_glass_grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_outcome = models.CharField(
        max_length=20, blank=True, choices=[("APPROPRIATE", "Appropriate"), ("INAPPROPRIATE", "Not appropriate")]
    )
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("granted_at")), name="break_glass_expires_later"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="break_glass_has_reason"),
        ]


class DuplicateStatus(models.TextChoices):
    PENDING = "PENDING", "Awaiting review"
    MERGED = "MERGED", "Same person: merged"
    NOT_DUPLICATE = "NOT_DUPLICATE", "Different people"


class DuplicateCandidate(models.Model):
    """A pair the matching engine could not decide: a person reviews it (the clerical review queue)."""

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    reasons = models.JSONField(default=list)
    found_at = models.DateTimeField()
    status = models.CharField(max_length=15, choices=DuplicateStatus.choices, default=DuplicateStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-probability"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="duplicate_pair_once"),
            models.CheckConstraint(condition=Q(person_a__lt=models.F("person_b")), name="duplicate_pair_ordered"),
        ]
        # The review queue, most likely first: a page is read in index order, not sorted from the whole queue.
        indexes = [models.Index(fields=["status", "probability", "id"], name="duplicate_queue")]


class Merge(models.Model):
    """A merge of one person record into another; undoing it (unmerge) is recorded too."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_in")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_out")
    merged_at = models.DateTimeField()
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the engine merged automatically",
    )
    probability = models.FloatField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-merged_at"]
        # The duplicates page lists the latest merges: without it a region's 6,000 were sorted for 200.
        indexes = [models.Index(fields=["-merged_at"], name="merge_latest")]
