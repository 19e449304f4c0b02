"""Retention, legal holds, erasure and subject access: each action checks access and is audited."""

from __future__ import annotations

import re
from datetime import date, datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q

from safehub.core import audit, policy
from safehub.core.calendar import uk_date
from safehub.core.models import AuditAction
from safehub.governance.models import LegalHold, RetentionBasis, RetentionReview, RetentionRule, ReviewStatus
from safehub.people.models import Address, Person, PersonName

DEFAULT_RULES = [
    ("looked_after", "Children looked after: 75 years from date of birth", RetentionBasis.FROM_BIRTH, 75),
    ("children_social_care", "Children's social care: until the 25th birthday", RetentionBasis.FROM_25TH_BIRTHDAY, 0),
    (
        "children_contact_only",
        "Contacts with no referral: 6 years after the last contact",
        RetentionBasis.FROM_LAST_ACTIVITY,
        6,
    ),
    (
        "adult_safeguarding",
        "Adult safeguarding: 6 years after the last concern or enquiry",
        RetentionBasis.FROM_LAST_ACTIVITY,
        6,
    ),
]
ERASED = "[erased]"
PUBLIC_SOURCES = {"1A", "1B", "1C", "1D", "9", "10"}


def rules_ensure() -> dict[str, RetentionRule]:
    for kind, description, basis, years in DEFAULT_RULES:
        RetentionRule.objects.get_or_create(
            record_kind=kind, defaults={"description": description, "basis": basis, "years": years}
        )
    return {r.record_kind: r for r in RetentionRule.objects.all()}


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _person_models() -> list[tuple[type[models.Model], str]]:
    """Every model with a foreign key to Person (how records about a person are found)."""
    out = []
    for model in apps.get_models():
        if model is Person:
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey) and field.related_model is Person:
                out.append((model, field.name))
    return out


def last_activity(person: Person) -> date | None:
    """Return the latest date of any record about the person."""
    latest: date | None = None
    for model, fk in _person_models():
        if model._meta.app_label in ("people", "governance"):
            continue
        date_fields = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, (models.DateField, models.DateTimeField)) and not f.name.startswith("created")
        ]
        for name in date_fields:
            value = model._default_manager.filter(**{fk: person}).aggregate(m=models.Max(name))["m"]
            if value is not None:
                value = uk_date(value) if isinstance(value, datetime) else value
                latest = value if latest is None or value > latest else latest
    return latest


def retention_due(person: Person, rules: dict[str, RetentionRule]) -> tuple[RetentionRule, date] | None:
    """Return the rule that governs the person's records and the date it falls due (None: no records)."""
    activity = last_activity(person)
    if activity is None:
        return None
    dob = person.date_of_birth or person.expected_date_of_birth
    if person.cla_episodes.exists() and dob:
        rule = rules["looked_after"]
        return rule, _add_years(dob, rule.years)
    if (person.referrals.exists() or person.assessments.exists() or person.cp_plans.exists()) and dob:
        rule = rules["children_social_care"]
        return rule, max(_add_years(dob, 25), _add_years(activity, rule.years))
    adult_models = [m for m, _ in _person_models() if m._meta.app_label == "adults"]
    if any(m._default_manager.filter(**{fk: person}).exists() for m, fk in _person_models() if m in adult_models):
        rule = rules["adult_safeguarding"]
        return rule, _add_years(activity, rule.years)
    rule = rules["children_contact_only"]
    return rule, _add_years(activity, rule.years)


def active_hold(person: Person) -> LegalHold | None:
    return LegalHold.objects.filter(person=person, released_at__isnull=True).first()


@transaction.atomic
def retention_scan(*, now: datetime, people=None) -> list[RetentionReview]:
    """Open a review for each person whose records have passed retention (people on hold are skipped)."""
    rules = rules_ensure()
    today = uk_date(now)
    candidates = (
        people
        if people is not None
        else Person.objects.filter(
            Q(contacts__isnull=False) | Q(referrals__isnull=False) | Q(cla_episodes__isnull=False)
        ).distinct()
    )
    made = []
    for person in candidates.iterator() if hasattr(candidates, "iterator") else candidates:
        if person.given_name == ERASED or active_hold(person):
            continue
        due = retention_due(person, rules)
        if due is None or due[1] > today:
            continue
        review, created = RetentionReview.objects.get_or_create(
            person=person, status=ReviewStatus.PENDING, defaults={"rule": due[0], "due_date": due[1], "created_at": now}
        )
        if created:
            made.append(review)
    return made


@transaction.atomic
def legal_hold_place(*, person: Person, reason: str, by, now: datetime) -> LegalHold:
    policy.require(by, "governance.manage")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the records must be kept"})
    hold = LegalHold.objects.create(person=person, reason=reason.strip(), placed_by=by, placed_at=now)
    audit.record(actor=by, action=AuditAction.CREATE, subject=hold, at=now, reason=reason)
    return hold


@transaction.atomic
def legal_hold_release(*, hold: LegalHold, by, now: datetime) -> LegalHold:
    policy.require(by, "governance.manage")
    hold.released_by, hold.released_at = by, now
    hold.save(update_fields=["released_by", "released_at"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=hold, at=now, details={"released": True})
    return hold


@transaction.atomic
def retention_decide(*, review: RetentionReview, erase: bool, note: str, by, now: datetime) -> RetentionReview:
    """Review-then-delete: erase the person's personal data, or keep it for longer with a reason."""
    policy.require(by, "governance.manage")
    if review.status != ReviewStatus.PENDING:
        raise ValidationError("This review has already been decided")
    if erase and active_hold(review.person):
        raise ValidationError("A legal hold blocks deletion of this person's records")
    if not erase and not note.strip():
        raise ValidationError({"note": "Say why the records are being kept"})
    review.status = ReviewStatus.ERASED if erase else ReviewStatus.RETAIN
    review.decided_by, review.decided_at, review.note = by, now, note.strip()
    review.save()
    if erase:
        person_erase(person=review.person, by=by, now=now)
    audit.record(actor=by, action=AuditAction.UPDATE, subject=review, at=now, details={"erase": erase})
    return review


def person_erase(*, person: Person, by, now: datetime) -> None:
    """Erase a person's personal data, keeping the anonymous facts that statistics need."""
    if active_hold(person):
        raise ValidationError("A legal hold blocks deletion of this person's records")
    dob = person.date_of_birth
    Person.objects.filter(pk=person.pk).update(
        given_name=ERASED,
        middle_names="",
        family_name=ERASED,
        preferred_name="",
        nhs_number="",
        upn="",
        gender_identity="",
        first_language="",
        date_of_birth=dob.replace(day=1) if dob else None,
        version=models.F("version") + 1,
    )
    Address.objects.filter(person=person).delete()
    PersonName.objects.filter(person=person).delete()
    for model, fk in _person_models():
        if model._meta.app_label in ("people", "governance", "core"):
            continue
        text_fields = [f.name for f in model._meta.get_fields() if isinstance(f, models.TextField) and not f.null]
        name_fields = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, models.CharField) and re.search(r"(name|postcode|contact_details)$", f.name)
        ]
        updates = {**dict.fromkeys(text_fields, ERASED), **dict.fromkeys(name_fields, "")}
        if updates:
            model._default_manager.filter(**{fk: person}).update(**updates)
    audit.record(actor=by, action=AuditAction.DELETE, subject=person, at=now, reason="Retention period ended")
