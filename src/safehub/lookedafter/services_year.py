"""Looked-after children: the records the SSDA903 reads beside the periods of care.

OC2 outcomes at 31 March, care leavers' contact on their birthdays (OC3), UASC status, missing and
away-from-placement classification, the reason a UPN is unknown, and deprivation of liberty orders.
Each checks the role and access as ``services`` does and writes its audit row in the same transaction.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.casework.models import LookedAfterEpisode, MissingEpisode
from safehub.core import audit
from safehub.core.models import AuditAction
from safehub.lookedafter import rules
from safehub.lookedafter.models import (
    AwayFromPlacement,
    CareEpisode,
    CareLeaverContact,
    DeprivationOfLiberty,
    UASCStatus,
    UPNUnknown,
    YearOutcome,
)
from safehub.lookedafter.services import _require
from safehub.people.models import Person


@transaction.atomic
def year_outcome_record(
    *,
    person: Person,
    year_end: date,
    immunisations: bool,
    health_promotion: bool | None,
    convicted: bool,
    substance_misuse: bool,
    sdq_score: int | None,
    sdq_reason: str = "",
    intervention_received: bool | None = None,
    intervention_offered: bool | None = None,
    by,
    now: datetime,
) -> YearOutcome:
    """Record the OC2 outcomes of a child looked after for 12 months at 31 March."""
    _require(by, person, now)
    if person.date_of_birth is None:
        raise ValidationError("the child's date of birth is needed for OC2")
    dob = person.date_of_birth
    sdq_due = rules.sdq_applies(date_of_birth=dob, year_start=date(year_end.year - 1, 4, 1), year_end=year_end)
    if sdq_score is not None and not sdq_due:
        raise ValidationError("an SDQ score is only collected for children aged 4 to 16 in the year")
    if sdq_score is None and sdq_due and sdq_reason not in rules.SDQ_REASON:
        raise ValidationError("without an SDQ score, give the reason (SDQ1-SDQ5)")
    under_five = rules.health_promotion_applies(date_of_birth=dob, year_end=year_end)
    if under_five != (health_promotion is not None):
        raise ValidationError("development checks (health promotion) are recorded for children under 5, only")
    if convicted and not rules.convictions_apply(age_at_year_end=rules.age_on(year_end, dob)):
        raise ValidationError("convictions are recorded for children aged 10 or over")
    # Rules 158, 159, 192: received is asked for every substance misuse problem; offered only when
    # no intervention was received.
    if substance_misuse and intervention_received is None:
        raise ValidationError("with substance misuse, say whether an intervention was received")
    if substance_misuse and intervention_received is False and intervention_offered is None:
        raise ValidationError("when no intervention was received, say whether one was offered")
    if intervention_received:
        intervention_offered = None
    outcome = YearOutcome(
        person=person,
        year_end=year_end,
        immunisations=immunisations,
        health_promotion=health_promotion,
        convicted=convicted,
        substance_misuse=substance_misuse,
        sdq_score=sdq_score,
        sdq_reason="" if sdq_score is not None else sdq_reason,
        intervention_received=intervention_received if substance_misuse else None,
        intervention_offered=intervention_offered if substance_misuse else None,
        recorded_at=now,
    )
    outcome.full_clean()
    outcome.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=outcome, at=now)
    return outcome


@transaction.atomic
def leaver_contact_record(
    *, person: Person, birthday: date, in_touch: str, activity: str, accommodation: str, by, now: datetime
) -> CareLeaverContact:
    """Record a care leaver's OC3 contact around a 17th-21st birthday: in touch, activity, accommodation."""
    _require(by, person, now)
    if in_touch not in rules.IN_TOUCH:
        raise ValidationError(f"{in_touch!r} is not an OC3 'in touch' code")
    in_touch_now = in_touch == "YES"
    if in_touch_now and (activity not in rules.ACTIVITY or accommodation not in rules.ACCOMMODATION):
        raise ValidationError("a care leaver in touch needs an activity and an accommodation code")
    contact = CareLeaverContact(
        person=person,
        birthday=birthday,
        in_touch=in_touch,
        activ=activity if in_touch_now else "",
        accom=accommodation if in_touch_now else "",
        recorded_at=now,
    )
    contact.full_clean()
    contact.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=contact, at=now)
    return contact


@transaction.atomic
def uasc_record(*, person: Person, ceased_date: date | None, by, now: datetime) -> UASCStatus:
    """Record that a child is (or was) an unaccompanied asylum-seeking child, and when that ceased."""
    _require(by, person, now)
    status, _ = UASCStatus.objects.update_or_create(person=person, defaults={"ceased_date": ceased_date})
    audit.record(actor=by, action=AuditAction.UPDATE, subject=status, at=now)
    return status


@transaction.atomic
def away_classify(*, missing: MissingEpisode, kind: str, by, now: datetime) -> AwayFromPlacement:
    """Say whether a missing episode of a looked-after child was 'missing' (M) or 'away' (A)."""
    person = Person.objects.get(pk=missing.person_id)
    _require(by, person, now)
    row, _ = AwayFromPlacement.objects.update_or_create(
        missing_episode=missing, defaults={"person": person, "kind": kind}
    )
    row.full_clean()
    audit.record(actor=by, action=AuditAction.UPDATE, subject=row, at=now, details={"kind": kind})
    return row


@transaction.atomic
def upn_unknown_record(*, person: Person, code: str, by, now: datetime) -> UPNUnknown:
    """Record why a looked-after child's UPN is not known (UN1-UN5), for the 903 header."""
    _require(by, person, now)
    if person.upn:
        raise ValidationError("this child has a UPN on their record")
    if code not in rules.UPN_UNKNOWN:
        raise ValidationError(f"{code!r} is not a 903 unknown-UPN code")
    row, _ = UPNUnknown.objects.update_or_create(person=person, defaults={"code": code, "recorded_at": now})
    row.full_clean()
    audit.record(actor=by, action=AuditAction.UPDATE, subject=row, at=now, details={"code": code})
    return row


@transaction.atomic
def dolo_start(*, period: LookedAfterEpisode, on: date, by, now: datetime) -> DeprivationOfLiberty:
    """Record a deprivation of liberty order made for a child placed in K2, Z12 or Z13."""
    person = Person.objects.get(pk=period.person_id)
    _require(by, person, now)
    episode = CareEpisode.objects.filter(period=period, decom__lte=on).order_by("-decom").first()
    if episode is None or (episode.dec is not None and episode.dec < on):
        raise ValidationError("the child was not looked after on that day")
    try:
        rules.check_dolo(start=on, end=None, place=episode.place, date_of_birth=person.date_of_birth)
    except rules.EpisodeRuleError as exc:
        raise ValidationError(str(exc)) from exc
    if DeprivationOfLiberty.objects.filter(person=person, end_date__isnull=True).exists():
        raise ValidationError("an earlier order is still open (rule 705)")
    row = DeprivationOfLiberty.objects.create(person=person, period=period, start_date=on, recorded_at=now)
    audit.record(actor=by, action=AuditAction.CREATE, subject=row, at=now)
    return row


@transaction.atomic
def dolo_end(*, order: DeprivationOfLiberty, on: date, by, now: datetime) -> DeprivationOfLiberty:
    person = Person.objects.get(pk=order.person_id)
    _require(by, person, now)
    if order.end_date is not None:
        raise ValidationError("this order has already ended")
    if on < order.start_date:
        raise ValidationError("the order cannot end before it started (rule 702)")
    order.end_date = on
    order.save(update_fields=["end_date"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=order, at=now)
    return order
