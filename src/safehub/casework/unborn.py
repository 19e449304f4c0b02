"""Unborn children: the expected date of birth, the pre-birth assessment, and the record carried to the child at birth.

Working Together to Safeguard Children 2023, chapter 3: help and protection can start before a
baby is born (a pre-birth assessment, and a child protection plan for an unborn child); the CIN
census records an unborn child by the expected date of birth (ExpectedPersonBirthDate) until the
birth is recorded. The pre-birth assessment is a child and family assessment on the same one
clock (45 working days from the referral, ``rules.assessment_due``); the page warns when that
falls after the expected date of birth.

At birth the unborn child's record becomes the child's:

- on the same person record (the usual way): the date of birth is recorded, the expected date
  cleared, and everything on the case stays where it is;
- or, when the born child already has a record of their own (made by the maternity unit or the
  front door), the unborn record's casework (case, assessments, enquiries, plans, meetings) is
  moved to the born child and the two person records are merged (``people.merging.person_merge``,
  so every other record follows the merge). Both ways are one audited transaction.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safehub.casework import models as m
from safehub.casework import services
from safehub.core import audit
from safehub.core.calendar import uk_date
from safehub.core.models import AuditAction
from safehub.people import policy
from safehub.people.models import Person

RECORD = "casework.record"
YEAR_DAYS = 366

# The casework records that name the child directly, moved to the born child's record at birth.
CARRIED_OVER = (
    m.CaseEpisode,
    m.StrategyMeeting,
    m.Section47,
    m.Assessment,
    m.ChildProtectionPlan,
    m.CINPlan,
    m.LookedAfterEpisode,
    m.CLAReview,
    m.HealthAssessment,
    m.MissingEpisode,
    m.CaseOutcomeShare,
)


def _require(by, person: Person, now: datetime) -> None:
    policy.require(by, RECORD)
    if not policy.person_access(by, person, now=now).allowed:
        raise PermissionDenied("You do not have access to this child's record")


def pre_birth_due_after_birth(*, due: date, expected: date | None) -> bool:
    """True when the assessment's 45-working-day due date falls after the expected date of birth."""
    return expected is not None and due > expected


@transaction.atomic
def expected_date_record(*, person: Person, expected_date_of_birth: date, by, now: datetime) -> Person:
    """Record or change an unborn child's expected date of birth."""
    _require(by, person, now)
    if person.date_of_birth is not None:
        raise ValidationError("This child is born: record the date of birth, not an expected date")
    today = uk_date(now)
    if abs((expected_date_of_birth - today).days) > YEAR_DAYS:
        raise ValidationError({"expected_date_of_birth": "Give an expected date of birth within a year of today"})
    previous = person.expected_date_of_birth
    person.expected_date_of_birth = expected_date_of_birth
    person.save(update_fields=["expected_date_of_birth", "updated_at"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        subject=person,
        at=now,
        details={"expected_date_of_birth": [str(previous) if previous else None, str(expected_date_of_birth)]},
    )
    return person


@transaction.atomic
def pre_birth_assessment_start(*, person: Person, start_date: date, by, now: datetime, referral=None) -> m.Assessment:
    """Start a pre-birth assessment: a child and family assessment of an unborn child."""
    _require(by, person, now)
    if not person.is_unborn:
        raise ValidationError("A pre-birth assessment is for an unborn child with an expected date of birth")
    if start_date > uk_date(now):
        raise ValidationError({"start_date": "The assessment cannot start in the future"})
    assessment = services.assessment_start(person=person, start_date=start_date, by=by, now=now, referral=referral)
    assessment.pre_birth = True
    assessment.save(update_fields=["pre_birth"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=assessment, at=now, details={"pre_birth": True})
    return assessment


def _carry_over(unborn: Person, born: Person) -> dict[str, list[int]]:
    """Move the unborn record's casework to the born child; refuse what would give the child two of one."""
    if (
        m.CaseEpisode.objects.filter(person=unborn, closure_date__isnull=True).exists()
        and m.CaseEpisode.objects.filter(person=born, closure_date__isnull=True).exists()
    ):
        raise ValidationError("Both records have an open case: close one of them before the records are joined")
    if (
        m.ChildProtectionPlan.objects.filter(person=unborn, end_date__isnull=True).exists()
        and m.ChildProtectionPlan.objects.filter(person=born, end_date__isnull=True).exists()
    ):
        raise ValidationError("Both records have an open child protection plan: end one before the records are joined")
    moved: dict[str, list[int]] = {}
    for model in CARRIED_OVER:
        ids = list(model.objects.filter(person=unborn).values_list("pk", flat=True))
        if ids:
            model.objects.filter(pk__in=ids).update(person=born)
            moved[model._meta.label] = ids
    return moved


@transaction.atomic
def birth_record(
    *,
    unborn: Person,
    date_of_birth: date,
    by,
    now: datetime,
    born: Person | None = None,
    given_name: str = "",
    sex: str = "",
) -> Person:
    """Record the birth of an unborn child and carry the record to the child; return the child's record.

    Without ``born`` the unborn record becomes the child's (date of birth recorded, expected date
    cleared). With ``born`` (the child's own record, already made) the unborn record's casework
    moves to it and the two people are merged; that needs the right to merge records.
    """
    _require(by, unborn, now)
    if not unborn.is_unborn or unborn.merged_into_id is not None:
        raise ValidationError("This record is not an unborn child's")
    if date_of_birth > uk_date(now):
        raise ValidationError({"date_of_birth": "The date of birth cannot be in the future"})
    expected = unborn.expected_date_of_birth
    if born is None:
        unborn.date_of_birth, unborn.expected_date_of_birth = date_of_birth, None
        unborn.given_name = given_name.strip() or unborn.given_name
        unborn.sex = sex or unborn.sex
        unborn.full_clean()
        unborn.save()
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            subject=unborn,
            at=now,
            details={"born": str(date_of_birth), "expected_date_of_birth": str(expected)},
        )
        return unborn
    _require(by, born, now)
    if born.pk == unborn.pk or born.merged_into_id is not None:
        raise ValidationError({"born": "Choose the born child's own record"})
    if born.date_of_birth is not None and born.date_of_birth != date_of_birth:
        raise ValidationError({"date_of_birth": f"The child's record gives {born.date_of_birth:%d/%m/%Y}"})
    if not policy.can(by, "people.merge"):
        raise PermissionDenied("Joining two records needs a front-door manager or an administrator")
    from safehub.people.merging import person_merge

    moved = _carry_over(unborn, born)
    if born.date_of_birth is None:
        born.date_of_birth, born.expected_date_of_birth = date_of_birth, None
        born.save(update_fields=["date_of_birth", "expected_date_of_birth", "updated_at"])
    person_merge(survivor=born, merged=unborn, by=by, now=now, reason="Born: the unborn child's record carried over")
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        subject=born,
        at=now,
        details={"born": str(date_of_birth), "carried_over_from": unborn.pk, "moved": moved},
    )
    open_case = m.CaseEpisode.objects.filter(person=born, closure_date__isnull=True).first()
    if open_case is not None:
        from safehub.casework.case_services import episode_refresh_stage

        episode_refresh_stage(episode=open_case, by=by, now=now)
    return born
