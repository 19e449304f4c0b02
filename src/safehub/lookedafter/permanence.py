"""Adoption, previous permanence and care leavers: the actions, each one audited in its transaction.

Adoption follows the 903's order (``rules.check_adoption_dates``): the decision that the child
should be placed for adoption, the placement order (legal status E1, a new 903 episode), matching
with adopters, placement for adoption (an A3-A6 episode), and the adoption order (care ends with
E11 or E12); or the decision is reversed with its reason (RD1-RD4). Care leavers have a category,
a personal adviser, a pathway plan with 6-monthly reviews, and staying put.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.casework.models import LookedAfterEpisode
from safehub.core import audit
from safehub.core.calendar import uk_date
from safehub.core.models import AuditAction
from safehub.lookedafter import rules
from safehub.lookedafter.models import (
    Adopter,
    AdopterFamily,
    AdoptionPlan,
    CareEpisode,
    CareLeaver,
    ItemStatus,
    PathwayPlan,
    PathwayReview,
    PlacementProvider,
    PreviousPermanence,
    StayingPut,
)
from safehub.lookedafter.services import Placement, _require, care_change, care_end
from safehub.people.models import Person


def _period(plan: AdoptionPlan) -> LookedAfterEpisode:
    if plan.period is None:
        raise ValidationError("this adoption decision was imported without a period of care: link it first")
    return plan.period


def _dates_ok(plan: AdoptionPlan, **changes: date | None) -> None:
    values: dict[str, date | None] = {
        "placement_order": plan.placement_order_date,
        "matched": plan.matched_date,
        "placed": plan.placed_date,
        "adopted": plan.adoption_order_date,
        "ceased": plan.ceased_date,
    }
    values.update(changes)
    try:
        rules.check_adoption_dates(
            care_started=_period(plan).start_date,
            decision=plan.decision_date,
            placement_order=values["placement_order"],
            matched=values["matched"],
            placed=values["placed"],
            adopted=values["adopted"],
            ceased=values["ceased"],
        )
    except rules.AdoptionRuleError as exc:
        raise ValidationError(str(exc)) from exc


def _open_plan(plan: AdoptionPlan) -> None:
    if plan.ceased_date or plan.adoption_order_date:
        raise ValidationError("this adoption plan has ended")


@transaction.atomic
def adopters_register(
    *,
    reference: str,
    adopters: list[dict],
    sex_code: str,
    legal_status: str,
    enquiry_date: date,
    approved_date: date | None = None,
    fostering_for_adoption: bool = False,
    by,
    now: datetime,
) -> AdopterFamily:
    """Add prospective adopters (one or a couple) with the 903's codes for them, checked together."""
    from safehub.core import policy

    policy.require(by, "casework.record")
    try:
        rules.check_adopters(number=len(adopters), sex=sex_code, legal_status=legal_status)
    except rules.AdoptionRuleError as exc:
        raise ValidationError(str(exc)) from exc
    family = AdopterFamily(
        reference=reference.strip(),
        number_of_adopters=len(adopters),
        sex_code=sex_code,
        legal_status=legal_status,
        enquiry_date=enquiry_date,
        approved_date=approved_date,
        fostering_for_adoption=fostering_for_adoption,
        recorded_at=now,
    )
    family.full_clean()
    family.save()
    for i, a in enumerate(adopters, start=1):
        Adopter.objects.create(
            family=family,
            reference=a.get("reference") or f"{family.reference}-{i}",
            sex=a["sex"],
            ethnicity=a.get("ethnicity", ""),
            disability=a.get("disability"),
        )
    audit.record(actor=by, action=AuditAction.CREATE, subject=family, at=now)
    return family


@transaction.atomic
def adoption_decision(*, period: LookedAfterEpisode, on: date, by, now: datetime) -> AdoptionPlan:
    """Record the agency decision maker's decision that the child should be placed for adoption."""
    person = Person.objects.get(pk=period.person_id)
    _require(by, person, now)
    if period.end_date is not None:
        raise ValidationError("the child is no longer looked after")
    if on > uk_date(now):
        raise ValidationError("the decision cannot be in the future")
    if AdoptionPlan.objects.filter(person=person, ceased_date__isnull=True, adoption_order_date__isnull=True).exists():
        raise ValidationError("an earlier decision is still open: reverse it first (rule 579)")
    plan = AdoptionPlan(person=person, period=period, decision_date=on, recorded_at=now)
    _dates_ok(plan)
    plan.full_clean()
    plan.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=plan, at=now)
    return plan


@transaction.atomic
def placement_order(*, plan: AdoptionPlan, on: date, by, now: datetime) -> CareEpisode:
    """The court made a placement order: legal status E1 from that day (a new 903 episode, RNE L)."""
    _open_plan(plan)
    _dates_ok(plan, placement_order=on)
    episode = care_change(period=_period(plan), on=on, legal_status=rules.PLACEMENT_ORDER, by=by, now=now)
    plan.placement_order_date = on
    plan.save(update_fields=["placement_order_date"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=plan, at=now, details={"placement_order": str(on)})
    return episode


@transaction.atomic
def adoption_match(*, plan: AdoptionPlan, on: date, family: AdopterFamily, by, now: datetime) -> AdoptionPlan:
    """The adoption panel's match of the child with approved adopters."""
    person = Person.objects.get(pk=plan.person_id)
    _require(by, person, now)
    _open_plan(plan)
    _dates_ok(plan, matched=on)
    plan.matched_date, plan.family = on, family
    plan.save(update_fields=["matched_date", "family"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=plan, at=now, details={"family": family.reference})
    return plan


@transaction.atomic
def adoption_place(
    *, plan: AdoptionPlan, on: date, provider: PlacementProvider, with_foster_carers: bool, by, now: datetime
) -> CareEpisode:
    """Place the child with the matched adopters: an A3-A6 episode (with consent or a placement order)."""
    _open_plan(plan)
    _dates_ok(plan, placed=on)
    current = CareEpisode.objects.get(period=_period(plan), dec__isnull=True)
    order = current.ls == rules.PLACEMENT_ORDER
    place = ("A5" if with_foster_carers else "A6") if order else ("A3" if with_foster_carers else "A4")
    episode = care_change(
        period=_period(plan),
        on=on,
        placement=Placement(place, provider),
        carer_changed=not with_foster_carers,
        reason_place_change="CARPL",
        by=by,
        now=now,
    )
    plan.placed_date = on
    plan.save(update_fields=["placed_date"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=plan, at=now, details={"place": place})
    return episode


@transaction.atomic
def adoption_order(*, plan: AdoptionPlan, on: date, consent_dispensed: bool, by, now: datetime) -> CareEpisode:
    """The adoption order: care ends with E11 (unopposed) or E12 (consent dispensed with)."""
    _open_plan(plan)
    _dates_ok(plan, adopted=on)
    plan.adoption_order_date = on
    plan.save(update_fields=["adoption_order_date"])
    episode = care_end(period=_period(plan), on=on, reason="E12" if consent_dispensed else "E11", by=by, now=now)
    audit.record(actor=by, action=AuditAction.UPDATE, subject=plan, at=now, details={"adopted": str(on)})
    return episode


@transaction.atomic
def adoption_reverse(*, plan: AdoptionPlan, on: date, reason: str, by, now: datetime) -> AdoptionPlan:
    """The child should no longer be placed for adoption (903 DATE_PLACED_CEASED, REASON_PLACED_CEASED)."""
    person = Person.objects.get(pk=plan.person_id)
    _require(by, person, now)
    _open_plan(plan)
    if reason not in rules.REASON_PLACED_CEASED:
        raise ValidationError("give the reason the decision was reversed (RD1-RD4)")
    _dates_ok(plan, ceased=on)
    plan.ceased_date, plan.ceased_reason = on, reason
    plan.full_clean()
    plan.save(update_fields=["ceased_date", "ceased_reason"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=plan, at=now, details={"reason": reason})
    return plan


@transaction.atomic
def previous_permanence_record(
    *,
    period: LookedAfterEpisode,
    prev_perm: str,
    la_code: str = "",
    order_date: date | None = None,
    by,
    now: datetime,
) -> PreviousPermanence:
    """Before this period of care: adopted, under an SGO, residence order or CAO, or none (Z1)."""
    person = Person.objects.get(pk=period.person_id)
    _require(by, person, now)
    if prev_perm not in rules.PREV_PERM:
        raise ValidationError(f"{prev_perm!r} is not a previous permanence code")
    if prev_perm == "Z1":
        la_code, order_date = "", None
    elif not la_code or order_date is None:
        raise ValidationError("give the local authority that arranged it and the date of the order")
    elif order_date >= period.start_date:
        raise ValidationError("the order must be before the child started to be looked after (rule 632)")
    row, _ = PreviousPermanence.objects.update_or_create(
        period=period,
        defaults={
            "person": person,
            "prev_perm": prev_perm,
            "la_code": la_code.strip().upper(),
            "order_date": order_date,
            "recorded_at": now,
        },
    )
    row.full_clean()
    audit.record(actor=by, action=AuditAction.UPDATE, subject=row, at=now, details={"prev_perm": prev_perm})
    return row


def _periods(person: Person) -> list[tuple[date, date | None]]:
    return list(LookedAfterEpisode.objects.filter(person=person).values_list("start_date", "end_date"))


def leaver_category_on(person: Person, on: date) -> tuple[str, date | None]:
    """The person's leaving-care category on a day, and when they became eligible (or None)."""
    if person.date_of_birth is None:
        return "", None
    periods = _periods(person)
    dob = person.date_of_birth
    sixteen = rules.add_years(dob, 16)
    fourteen = rules.add_years(dob, 14)
    days = sum(((min(e or on, on)) - max(s, fourteen)).days for s, e in periods if min(e or on, on) > max(s, fourteen))
    looked_after_now = any(s <= on and (e is None or e >= on) for s, e in periods)
    at_16 = any((e is None or e >= sixteen) and s <= on for s, e in periods)
    category = rules.leaver_category(
        date_of_birth=dob,
        on=on,
        looked_after_now=looked_after_now,
        looked_after_days_after_14=days,
        looked_after_at_16=at_16,
    )
    return category, rules.became_eligible_on(date_of_birth=dob, periods=periods)


@transaction.atomic
def care_leaver_update(*, person: Person, personal_adviser=None, by, now: datetime) -> CareLeaver:
    """Set the care leaver's category from their periods of care, and their personal adviser."""
    _require(by, person, now)
    today = uk_date(now)
    category, eligible_from = leaver_category_on(person, today)
    if not category:
        raise ValidationError("this young person is not a care leaver (no leaving-care category applies)")
    leaver, created = CareLeaver.objects.get_or_create(
        person=person, defaults={"category": category, "eligible_from": eligible_from, "recorded_at": now}
    )
    leaver.category, leaver.eligible_from = category, eligible_from
    if personal_adviser is not None and personal_adviser != leaver.personal_adviser:
        leaver.personal_adviser, leaver.adviser_from = personal_adviser, today
    leaver.recorded_at = now
    leaver.save()
    needs_plan = eligible_from and category in ("ELIGIBLE", "RELEVANT", "FORMER_RELEVANT")
    if needs_plan and eligible_from and not PathwayPlan.objects.filter(person=person).exists():
        PathwayPlan.objects.create(person=person, due_date=rules.pathway_plan_due(eligible_from), recorded_at=now)
    audit.record(
        actor=by, action=AuditAction.CREATE if created else AuditAction.UPDATE, subject=leaver, at=now,
        details={"category": category},
    )  # fmt: skip
    return leaver


@transaction.atomic
def pathway_plan_complete(*, plan: PathwayPlan, on: date, by, now: datetime) -> PathwayReview:
    """The pathway plan is written: its first review is due within 6 months."""
    person = Person.objects.get(pk=plan.person_id)
    _require(by, person, now)
    if plan.completed_date is not None:
        raise ValidationError("this pathway plan is already complete")
    if on > uk_date(now):
        raise ValidationError("the plan cannot be completed in the future")
    plan.completed_date = on
    plan.save(update_fields=["completed_date"])
    review = PathwayReview.objects.create(plan=plan, person=person, due_date=rules.pathway_review_due(on))
    audit.record(actor=by, action=AuditAction.UPDATE, subject=plan, at=now, details={"completed": str(on)})
    return review


@transaction.atomic
def pathway_review_record(*, review: PathwayReview, held_date: date, by, now: datetime) -> PathwayReview:
    """Record a pathway plan review as held; the next is due within 6 months of it."""
    person = Person.objects.get(pk=review.person_id)
    _require(by, person, now)
    if review.status != ItemStatus.DUE:
        raise ValidationError("this review is not due")
    if held_date > uk_date(now):
        raise ValidationError("a review cannot be recorded as held in the future")
    review.held_date, review.status = held_date, ItemStatus.DONE
    review.save(update_fields=["held_date", "status"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=review, at=now)
    return PathwayReview.objects.create(plan=review.plan, person=person, due_date=rules.pathway_review_due(held_date))


@transaction.atomic
def staying_put_start(*, person: Person, on: date, provider: PlacementProvider | None, by, now: datetime) -> StayingPut:
    """A young person stays with their former foster carers after 18 (staying put)."""
    _require(by, person, now)
    if person.date_of_birth and on < rules.add_years(person.date_of_birth, 18):
        raise ValidationError("staying put starts at 18 or later")
    if StayingPut.objects.filter(person=person, end_date__isnull=True).exists():
        raise ValidationError("this young person is already staying put")
    row = StayingPut.objects.create(person=person, provider=provider, start_date=on, recorded_at=now)
    audit.record(actor=by, action=AuditAction.CREATE, subject=row, at=now)
    return row


@transaction.atomic
def staying_put_end(*, arrangement: StayingPut, on: date, by, now: datetime) -> StayingPut:
    person = Person.objects.get(pk=arrangement.person_id)
    _require(by, person, now)
    if on < arrangement.start_date:
        raise ValidationError("staying put cannot end before it started")
    arrangement.end_date = on
    arrangement.save(update_fields=["end_date"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=arrangement, at=now)
    return arrangement
