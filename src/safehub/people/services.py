"""Actions that change people's records; each checks access and writes its audit row (CONVENTIONS 3)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from safehub.core import audit
from safehub.core.errors import StaleEdit
from safehub.core.models import AlertKind, AuditAction, SecurityAlert
from safehub.people import policy
from safehub.people.models import (
    Address,
    BreakGlassGrant,
    EducationPlacement,
    Involvement,
    Person,
    PersonName,
    Relationship,
    SealAction,
    SealDecision,
    SealedAccess,
)

PERSON_FIELDS = (
    "given_name",
    "middle_names",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "gender_identity",
    "ethnicity",
    "first_language",
    "interpreter_needed",
    "disabilities",
    "nhs_number",
    "upn",
)


def _normalised(fields: dict[str, Any]) -> dict[str, Any]:
    from safehub.people.validators import normalise_nhs_number

    out = {k: v for k, v in fields.items() if k in PERSON_FIELDS}
    if "nhs_number" in out:
        out["nhs_number"] = normalise_nhs_number(out["nhs_number"] or "")
    if "upn" in out:
        out["upn"] = (out["upn"] or "").strip().upper()
    for key in ("given_name", "middle_names", "family_name", "preferred_name", "first_language"):
        if key in out:
            out[key] = (out[key] or "").strip()
    return out


@transaction.atomic
def person_create(*, by, now: datetime, **fields: Any) -> Person:
    """Create a person record after validating every field."""
    policy.require(by, "people.create")
    person = Person(**_normalised(fields))
    person.full_clean()
    person.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=person, at=now)
    membership = policy.membership_for_user(by)
    if membership is not None:
        Involvement.objects.create(
            person=person,
            agency_id=membership.agency_id,
            kind="PROFESSIONAL",
            started_at=now,
            source="people.person_create",
        )
    return person


@transaction.atomic
def person_update(*, person: Person, by, now: datetime, expected_version: int, **fields: Any) -> Person:
    """Update details; refuse a stale edit (someone else saved since the form was opened)."""
    policy.require(by, "people.edit")
    if not policy.person_access(by, person, now=now).allowed:
        raise PermissionDenied("You do not have access to this record")
    changed = {k: v for k, v in _normalised(fields).items() if getattr(person, k) != v}
    for key, value in changed.items():
        setattr(person, key, value)
    person.full_clean()
    updated = Person.objects.filter(pk=person.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=now, **{k: getattr(person, k) for k in changed}
    )
    if not updated:
        raise StaleEdit(Person.objects.values_list("version", flat=True).get(pk=person.pk))
    person.refresh_from_db()
    audit.record(actor=by, action=AuditAction.UPDATE, subject=person, at=now, details={"fields": sorted(changed)})
    return person


def _require_edit(by, person: Person, now: datetime) -> None:
    policy.require(by, "people.edit")
    if not policy.person_access(by, person, now=now).allowed:
        raise PermissionDenied("You do not have access to this record")


@transaction.atomic
def address_add(
    *,
    person: Person,
    by,
    now: datetime,
    line_1: str,
    postcode: str,
    line_2: str = "",
    town: str = "",
    started_date: date | None = None,
) -> Address:
    """Add a current address, ending the previous current one the day before."""
    _require_edit(by, person, now)
    started_date = started_date or now.date()
    address = Address(
        person=person, line_1=line_1, line_2=line_2, town=town, postcode=postcode, started_date=started_date
    )
    address.full_clean()
    for previous in person.addresses.filter(ended_date__isnull=True):
        previous.ended_date = max(started_date - timedelta(days=1), previous.started_date or started_date)
        previous.save(update_fields=["ended_date"])
    address.save()
    audit.record(actor=by, action=AuditAction.UPDATE, subject=person, at=now, details={"added": "address"})
    return address


@transaction.atomic
def name_add(
    *, person: Person, by, now: datetime, given_name: str, family_name: str, kind: str = PersonName.Kind.ALIAS
) -> PersonName:
    _require_edit(by, person, now)
    name = PersonName(person=person, given_name=given_name, family_name=family_name, kind=kind)
    name.full_clean()
    name.save()
    audit.record(actor=by, action=AuditAction.UPDATE, subject=person, at=now, details={"added": "name"})
    return name


@transaction.atomic
def relationship_add(
    *, person: Person, related: Person, kind: str, by, now: datetime, started_date: date | None = None
) -> Relationship:
    """Record that ``related`` is ``kind`` to ``person`` (siblings are recorded both ways)."""
    _require_edit(by, person, now)
    if person.pk == related.pk:
        raise ValidationError({"related": "A person cannot be related to themselves"})
    rel = Relationship(person=person, related=related, kind=kind, started_date=started_date)
    rel.full_clean()
    rel.save()
    if kind == "SIBLING":
        Relationship.objects.get_or_create(
            person=related, related=person, kind=kind, defaults={"started_date": started_date}
        )
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        subject=person,
        at=now,
        details={"added": "relationship", "kind": kind, "related": related.pk},
    )
    return rel


@transaction.atomic
def involvement_record(*, person: Person, agency_id: int, kind: str, now: datetime, source: str, by) -> Involvement:
    """Record that an agency is involved (this is what gives it access); idempotent per source.

    Called by the service whose action makes the involvement (a referral, a concern, an invitation),
    after that service has checked its actor; ``by`` is that actor, named in the audit row.
    """
    involvement, created = Involvement.objects.get_or_create(
        person=person, agency_id=agency_id, kind=kind, source=source, defaults={"started_at": now}
    )
    if created:
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            subject=involvement,
            person_id=person.pk,
            at=now,
            details={"agency": agency_id, "kind": kind},
        )
    return involvement


@transaction.atomic
def education_placement_record(
    *, person: Person, setting_id: int, started_date: date, by, now: datetime
) -> EducationPlacement:
    _require_edit(by, person, now)
    for current in person.education_placements.filter(ended_date__isnull=True):
        current.ended_date = started_date
        current.save(update_fields=["ended_date"])
    placement = EducationPlacement.objects.create(person=person, setting_id=setting_id, started_date=started_date)
    involvement_record(
        person=person,
        agency_id=setting_id,
        kind="EDUCATION",
        now=now,
        source=f"people.EducationPlacement:{placement.pk}",
        by=by,
    )
    audit.record(actor=by, action=AuditAction.UPDATE, subject=person, at=now, details={"added": "education"})
    return placement


@transaction.atomic
def break_glass_open(*, person: Person, by, reason: str, now: datetime) -> BreakGlassGrant:
    """Give time-limited access to a record with no legitimate relationship; flagged for review."""
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": "Say why you need to open this record (at least 10 characters)"})
    access = policy.person_access(by, person, now=now)
    if access.allowed:
        raise ValidationError("You already have access to this record")
    if not access.may_break_glass:
        raise PermissionDenied("This record cannot be opened with break-glass")
    grant = BreakGlassGrant.objects.create(
        person=person,
        user=by,
        reason=reason,
        granted_at=now,
        expires_at=now + timedelta(minutes=settings.SAFEHUB_BREAK_GLASS_MINUTES),
    )
    audit.record(actor=by, action=AuditAction.BREAK_GLASS, subject=person, at=now, reason=reason, flagged=True)
    SecurityAlert.objects.create(
        raised_at=now, kind=AlertKind.BREAK_GLASS, user=by, summary=f"Break-glass access to person {person.pk}"
    )
    return grant


@transaction.atomic
def break_glass_review(*, grant: BreakGlassGrant, by, outcome: str, note: str, now: datetime) -> BreakGlassGrant:
    policy.require(by, "security.review")
    if grant.user_id == by.pk:
        raise PermissionDenied("You cannot review your own break-glass access")
    if outcome not in {"APPROPRIATE", "INAPPROPRIATE"}:
        raise ValidationError({"outcome": "Choose whether the access was appropriate"})
    grant.reviewed_by, grant.reviewed_at, grant.review_outcome, grant.review_note = by, now, outcome, note
    grant.save(update_fields=["reviewed_by", "reviewed_at", "review_outcome", "review_note"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        subject=grant,
        person_id=grant.person_id,
        at=now,
        details={"review": outcome},
    )
    return grant


# ------------------------------------------------------------------------------------------ seals


def _seal_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": "Say why (at least 10 characters): the reason is kept with the seal"})
    return reason


def _require_seal_manager(by, person: Person, now: datetime) -> None:
    """Seals are managed by a manager who may open the record now (once sealed: a named user)."""
    policy.require(by, "people.seal", person)
    if not policy.person_access(by, person, now=now).allowed:
        raise PermissionDenied("Only someone who may open this record can change its seal")


def _users_by_username(usernames: list[str]) -> list:
    from django.contrib.auth import get_user_model

    wanted = sorted({u.strip() for u in usernames if u and u.strip()})
    found = {u.username: u for u in get_user_model().objects.filter(username__in=wanted, is_active=True)}
    missing = [u for u in wanted if u not in found]
    if missing:
        raise ValidationError({"named": f"No active user called {', '.join(missing)}"})
    return [found[u] for u in wanted]


@transaction.atomic
def person_seal(*, person: Person, by, reason: str, named: list[str], now: datetime) -> Person:
    """Seal a record: from now on only the named users (and whoever sealed it) see that it exists.

    A sealed person leaves every list, lookup, queue, search and export of everyone else
    (``policy.persons_visible_to``); break-glass cannot open it. The decision, its reason and the
    names are kept (``SealDecision``) and audited in the same transaction.
    """
    _require_seal_manager(by, person, now)
    reason = _seal_reason(reason)
    if person.sealed:
        raise ValidationError("This record is already sealed")
    users = _users_by_username(named)
    locked = Person.objects.select_for_update().get(pk=person.pk)
    locked.sealed = True
    locked.version = F("version") + 1
    locked.save(update_fields=["sealed", "version", "updated_at"])
    SealDecision.objects.create(person=person, action=SealAction.SEAL, reason=reason, decided_by=by, decided_at=now)
    for user in [by, *[u for u in users if u.pk != by.pk]]:
        _name_on_seal(person=person, user=user, by=by, reason=reason, now=now, record_decision=user.pk != by.pk)
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        subject=person,
        at=now,
        reason=reason,
        details={"seal": "sealed", "named": sorted(u.username for u in users)},
        flagged=True,
    )
    person.refresh_from_db()
    return person


def _name_on_seal(*, person: Person, user, by, reason: str, now: datetime, record_decision: bool) -> None:
    _, created = SealedAccess.objects.get_or_create(
        person=person, user=user, defaults={"granted_by": by, "granted_at": now}
    )
    if created and record_decision:
        SealDecision.objects.create(
            person=person, action=SealAction.NAME, user_named=user, reason=reason, decided_by=by, decided_at=now
        )


@transaction.atomic
def person_unseal(*, person: Person, by, reason: str, now: datetime) -> Person:
    """Lift a seal: the record follows the ordinary access rules again; the named list is kept as history."""
    _require_seal_manager(by, person, now)
    reason = _seal_reason(reason)
    if not person.sealed:
        raise ValidationError("This record is not sealed")
    locked = Person.objects.select_for_update().get(pk=person.pk)
    locked.sealed = False
    locked.version = F("version") + 1
    locked.save(update_fields=["sealed", "version", "updated_at"])
    SealedAccess.objects.filter(person=person).delete()
    SealDecision.objects.create(person=person, action=SealAction.UNSEAL, reason=reason, decided_by=by, decided_at=now)
    audit.record(
        actor=by, action=AuditAction.UPDATE, subject=person, at=now, reason=reason, details={"seal": "unsealed"}
    )
    person.refresh_from_db()
    return person


@transaction.atomic
def seal_name_user(*, person: Person, username: str, by, reason: str, now: datetime) -> SealedAccess:
    """Name one more user who may see a sealed record."""
    _require_seal_manager(by, person, now)
    reason = _seal_reason(reason)
    if not person.sealed:
        raise ValidationError("Only a sealed record has named users")
    (user,) = _users_by_username([username]) if username.strip() else (None,)
    if user is None:
        raise ValidationError({"named": "Give the username to add"})
    if SealedAccess.objects.filter(person=person, user=user).exists():
        raise ValidationError({"named": f"{user.username} is already named"})
    _name_on_seal(person=person, user=user, by=by, reason=reason, now=now, record_decision=True)
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        subject=person,
        at=now,
        reason=reason,
        details={"seal_named": user.username},
    )
    return SealedAccess.objects.get(person=person, user=user)


@transaction.atomic
def seal_remove_user(*, person: Person, user_id: int, by, reason: str, now: datetime) -> None:
    """Remove a named user from a sealed record (never the last one: someone must be able to manage it)."""
    _require_seal_manager(by, person, now)
    reason = _seal_reason(reason)
    access = SealedAccess.objects.filter(person=person, user_id=user_id).select_related("user").first()
    if access is None:
        raise ValidationError("That user is not named on this seal")
    if SealedAccess.objects.filter(person=person).count() <= 1:
        raise ValidationError("Name someone else first: a sealed record must keep at least one named user")
    access.delete()
    SealDecision.objects.create(
        person=person, action=SealAction.UNNAME, user_named=access.user, reason=reason, decided_by=by, decided_at=now
    )
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        subject=person,
        at=now,
        reason=reason,
        details={"seal_unnamed": access.user.username},
    )
