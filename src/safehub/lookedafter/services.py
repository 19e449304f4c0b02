"""Looked-after children: start care, change placement or legal status, review, health, end care.

Every action names its actor, checks the role (``casework.record``) and the actor's access to the
child, validates with ``rules``, and writes its audit row in the same transaction. Timescales come
from ``lookedafter.rules``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safehub.casework.models import LookedAfterEpisode
from safehub.core import audit
from safehub.core.calendar import uk_date
from safehub.core.models import AuditAction
from safehub.lookedafter import rules
from safehub.lookedafter.models import (
    AdoptionPlan,
    CareEpisode,
    DeprivationOfLiberty,
    HealthKind,
    ItemStatus,
    LAHealthCheck,
    LAReview,
    PlacementProvider,
    ProviderKind,
)
from safehub.people import policy
from safehub.people.models import Person

RECORD = "casework.record"


def _require(by, person: Person, now: datetime) -> None:
    """The actor needs the role and access to the child's record."""
    policy.require(by, RECORD)
    if not policy.person_access(by, person, now=now).allowed:
        raise PermissionDenied("You do not have access to this child's record")


def _facts(ep: CareEpisode) -> rules.EpisodeFacts:
    return rules.EpisodeFacts(
        decom=ep.decom,
        rne=ep.rne,
        ls=ep.ls,
        place=ep.place,
        place_provider=ep.place_provider,
        urn=ep.urn,
        pl_post=ep.pl_post,
        dec=ep.dec,
        rec=ep.rec,
    )


def _check(ep: CareEpisode, person: Person) -> None:
    try:
        rules.check_episode(_facts(ep), date_of_birth=person.date_of_birth)
    except rules.EpisodeRuleError as exc:
        raise ValidationError(str(exc)) from exc


@dataclass(frozen=True)
class Placement:
    """Where the child lives in an episode: a type, and a provider from the register (or none for P1/T/Z)."""

    place: str
    provider: PlacementProvider | None = None
    # Placed with parents (P1) or in a temporary/other setting: the postcode is the placement's own.
    postcode: str = ""

    def resolve(self) -> tuple[str, PlacementProvider | None, str, str, str]:
        """Return (PLACE, provider, PLACE_PROVIDER, PL_POST, URN) as the 903 rules want them."""
        prov = self.provider
        needs_provider = rules.place_takes_provider(self.place)
        if prov is None and self.place != "P1" and needs_provider:
            raise ValidationError(f"placement type {self.place} needs a provider from the register")
        place_provider = ""
        if needs_provider:
            place_provider = prov.place_provider if prov else "PR0"  # P1: with parents (PR0 by definition)
        pl_post = (prov.postcode if prov else self.postcode).strip().upper()
        urn = prov.urn if (prov and rules.place_needs_urn(self.place)) else ""
        return self.place, prov, place_provider, pl_post, urn

    def fields(self) -> dict:
        place, prov, place_provider, pl_post, urn = self.resolve()
        return {"place": place, "provider": prov, "place_provider": place_provider, "pl_post": pl_post, "urn": urn}


@transaction.atomic
def provider_register(
    *, name: str, kind: str, place_provider: str, postcode: str, urn: str = "", by, now: datetime
) -> PlacementProvider:
    """Add a foster carer, children's home or other setting to the register of placement providers."""
    policy.require(by, RECORD)
    if kind not in ProviderKind.values:
        raise ValidationError(f"unknown provider kind {kind!r}")
    provider = PlacementProvider(
        name=name.strip(), kind=kind, place_provider=place_provider, postcode=postcode.strip().upper(), urn=urn.strip()
    )
    provider.full_clean()
    provider.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=provider, at=now)
    return provider


def _schedule_first_items(period: LookedAfterEpisode, start: date) -> None:
    LAReview.objects.create(person_id=period.person_id, period=period, number=1, due_date=rules.first_review_due(start))
    LAHealthCheck.objects.create(
        person_id=period.person_id, period=period, kind=HealthKind.INITIAL, due_date=rules.initial_health_due(start)
    )


@transaction.atomic
def care_start(
    *,
    period: LookedAfterEpisode,
    legal_status: str,
    category_of_need: str,
    placement: Placement,
    home_postcode: str,
    by,
    now: datetime,
) -> CareEpisode:
    """Open the first 903 episode (RNE S) of a period of care, and set the first review and the IHA due."""
    person = Person.objects.get(pk=period.person_id)
    _require(by, person, now)
    if period.ssda903_episodes.exists():
        raise ValidationError("this period of care already has its first episode")
    if period.end_date is not None:
        raise ValidationError("this period of care has ended")
    ep = CareEpisode(
        person=person,
        period=period,
        decom=period.start_date,
        rne="S",
        ls=legal_status,
        cin=category_of_need,
        home_post=home_postcode.strip().upper(),
        recorded_at=now,
        **placement.fields(),
    )
    _check(ep, person)
    ep.full_clean()
    ep.save()
    if period.legal_status != legal_status or period.placement != rules.PLACE[ep.place][:120]:
        period.legal_status, period.placement = legal_status, rules.PLACE[ep.place][:120]
        period.save(update_fields=["legal_status", "placement"])
    _schedule_first_items(period, period.start_date)
    audit.record(actor=by, action=AuditAction.CREATE, subject=ep, at=now, details={"rne": "S"})
    return ep


@transaction.atomic
def period_start(
    *,
    person: Person,
    start_date: date,
    legal_status: str,
    category_of_need: str,
    placement: Placement,
    home_postcode: str,
    by,
    now: datetime,
) -> LookedAfterEpisode:
    """A child becomes looked after: the period of care and its first 903 episode, in one action.

    A period of care never exists without its episodes, so casework's count of children looked after
    and the SSDA903's are the same children (issue 19). The first review and the initial health
    assessment are set due as ``care_start`` does.
    """
    _require(by, person, now)
    if LookedAfterEpisode.objects.filter(person=person, end_date__isnull=True).exists():
        raise ValidationError("This child is already looked after")
    period = LookedAfterEpisode(
        person=person,
        start_date=start_date,
        legal_status=legal_status,
        placement=rules.PLACE.get(placement.place, "")[:120],
    )
    period.full_clean()
    period.save()
    audit.record(actor=by, action=AuditAction.CREATE, subject=period, at=now)
    care_start(
        period=period,
        legal_status=legal_status,
        category_of_need=category_of_need,
        placement=placement,
        home_postcode=home_postcode,
        by=by,
        now=now,
    )
    return period


def case_care_start(
    *,
    person: Person,
    start_date: date,
    legal_status: str,
    category_of_need: str,
    place: str,
    provider,
    home_postcode: str,
    by,
    now: datetime,
) -> LookedAfterEpisode:
    """Coming into care from casework's child page: the period of care with its first placement."""
    return period_start(
        person=person,
        start_date=start_date,
        legal_status=legal_status,
        category_of_need=category_of_need,
        placement=Placement(place, provider, postcode=home_postcode),
        home_postcode=home_postcode,
        by=by,
        now=now,
    )


def open_period(person: Person) -> LookedAfterEpisode:
    """The child's period of care still open, or a ValidationError saying they are not looked after."""
    period = LookedAfterEpisode.objects.filter(person=person, end_date__isnull=True).order_by("-start_date").first()
    if period is None:
        raise ValidationError("This child is not looked after")
    return period


def open_episode(period: LookedAfterEpisode) -> CareEpisode:
    ep = period.ssda903_episodes.filter(dec__isnull=True).first()
    if ep is None:
        raise ValidationError("this period of care has no open episode")
    return ep


@transaction.atomic
def care_change(
    *,
    period: LookedAfterEpisode,
    on: date,
    by,
    now: datetime,
    legal_status: str | None = None,
    placement: Placement | None = None,
    carer_changed: bool = True,
    reason_place_change: str = "",
) -> CareEpisode:
    """Change placement and/or legal status: close the open episode (X1) and open the next, in one action.

    The reason for the placement change goes on the episode that ends, as the 2025-26 guide has it
    (validator rule 233: no reason on an episode that has not ceased).
    """
    person = Person.objects.get(pk=period.person_id)
    _require(by, person, now)
    current = open_episode(period)
    if on < current.decom:
        raise ValidationError("a change cannot be dated before the current episode started")
    if on == current.decom:
        raise ValidationError("the current episode started that day: correct it rather than add another")
    if placement is not None:
        place, prov, place_provider, pl_post, urn = placement.resolve()
    else:
        place, prov, place_provider, pl_post, urn = (
            current.place,
            current.provider,
            current.place_provider,
            current.pl_post,
            current.urn,
        )
    new_ls = legal_status or current.ls
    nxt = CareEpisode(
        person=person,
        period=period,
        decom=on,
        ls=new_ls,
        cin=current.cin,
        home_post=current.home_post,
        recorded_at=now,
        place=place,
        provider=prov,
        place_provider=place_provider,
        pl_post=pl_post,
        urn=urn,
    )
    placement_changed = (nxt.place, nxt.place_provider, nxt.urn, nxt.pl_post) != (
        current.place,
        current.place_provider,
        current.urn,
        current.pl_post,
    )
    try:
        nxt.rne = rules.reason_new_episode(
            legal_status_changed=new_ls != current.ls, placement_changed=placement_changed, carer_changed=carer_changed
        )
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    if placement_changed and nxt.place not in rules.TEMPORARY_PLACES and current.place not in rules.TEMPORARY_PLACES:
        if reason_place_change not in rules.REASON_PLACE_CHANGE:
            raise ValidationError("a change of placement needs the reason for it (REASON_PLACE_CHANGE)")
        current.reason_place_change = reason_place_change
    current.dec, current.rec = on, "X1"
    try:
        rules.check_continuation(_facts(current), _facts(nxt))
    except rules.EpisodeRuleError as exc:
        raise ValidationError(str(exc)) from exc
    _check(nxt, person)
    current.full_clean()
    current.save(update_fields=["dec", "rec", "reason_place_change"])
    nxt.full_clean()
    nxt.save()
    period.legal_status, period.placement = new_ls, rules.PLACE[nxt.place][:120]
    period.save(update_fields=["legal_status", "placement"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=current, at=now, details={"rec": "X1"})
    audit.record(actor=by, action=AuditAction.CREATE, subject=nxt, at=now, details={"rne": nxt.rne})
    return nxt


def close_pending(period: LookedAfterEpisode) -> int:
    """Close the reviews and health checks still due when care ends; return how many were closed."""
    n = LAReview.objects.filter(period=period, status=ItemStatus.DUE).update(status=ItemStatus.CLOSED)
    n += LAHealthCheck.objects.filter(period=period, status=ItemStatus.DUE).update(status=ItemStatus.CLOSED)
    return n


@transaction.atomic
def care_end(
    *, period: LookedAfterEpisode, on: date, reason: str, by, now: datetime, reason_place_change: str = ""
) -> CareEpisode:
    """End the period of care: the open episode ceases with its REC, and pending reviews and health close."""
    person = Person.objects.get(pk=period.person_id)
    _require(by, person, now)
    if reason not in rules.REC or reason == "X1":
        raise ValidationError("ending care needs a reason episode ceased (REC) other than X1")
    if reason_place_change and reason_place_change not in rules.REASON_PLACE_CHANGE:
        raise ValidationError(f"{reason_place_change!r} is not a reason for placement change")
    current = open_episode(period)
    if on < current.decom:
        raise ValidationError("care cannot end before the current episode started")
    if (
        reason not in rules.ADOPTED
        and AdoptionPlan.objects.filter(
            period=period, ceased_date__isnull=True, adoption_order_date__isnull=True
        ).exists()
    ):
        raise ValidationError(
            "the child has an open adoption plan: record that they should no longer be placed for adoption first"
        )
    current.dec, current.rec, current.reason_place_change = on, reason, reason_place_change
    current.full_clean()
    current.save(update_fields=["dec", "rec", "reason_place_change"])
    period.end_date = on
    period.full_clean()
    period.save(update_fields=["end_date"])
    closed = close_pending(period)
    # A deprivation of liberty order ends with the care it was made in (validator rule 707).
    closed += DeprivationOfLiberty.objects.filter(period=period, end_date__isnull=True).update(end_date=on)
    audit.record(
        actor=by, action=AuditAction.UPDATE, subject=current, at=now, details={"rec": reason, "closed": closed}
    )
    return current


@transaction.atomic
def review_record(*, review: LAReview, held_date: date, participation: str, by, now: datetime) -> LAReview | None:
    """Record a review as held with the child's participation code, and set the next one due."""
    person = Person.objects.get(pk=review.person_id)
    _require(by, person, now)
    if review.status != ItemStatus.DUE:
        raise ValidationError("this review is not due")
    if held_date > uk_date(now):
        raise ValidationError("a review cannot be recorded as held in the future")
    period = review.period
    if held_date < period.start_date or (period.end_date and held_date > period.end_date):
        raise ValidationError("the review must be held while the child is looked after")
    if person.date_of_birth and not rules.participation_allowed(
        participation, age_at_review=rules.age_on(held_date, person.date_of_birth)
    ):
        raise ValidationError("PN0 is for a child under 4 at the review, and only for them")
    review.held_date, review.participation, review.status = held_date, participation, ItemStatus.DONE
    review.full_clean()
    review.save(update_fields=["held_date", "participation", "status"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=review, at=now, details={"participation": participation})
    if period.end_date is not None:
        return None
    held = list(
        LAReview.objects.filter(period=period, status=ItemStatus.DONE)
        .order_by("held_date")
        .values_list("held_date", flat=True)
    )
    nxt = LAReview.objects.create(
        person_id=review.person_id,
        period=period,
        number=review.number + 1,
        due_date=rules.next_review_due(start=period.start_date, held=[d for d in held if d]),
    )
    return nxt


@transaction.atomic
def health_record(*, check: LAHealthCheck, done_date: date, by, now: datetime) -> LAHealthCheck | None:
    """Record a health assessment or dental check as done, and set the next one due."""
    person = Person.objects.get(pk=check.person_id)
    _require(by, person, now)
    if check.status != ItemStatus.DUE:
        raise ValidationError("this check is not due")
    if done_date > uk_date(now):
        raise ValidationError("a check cannot be recorded as done in the future")
    check.done_date, check.status = done_date, ItemStatus.DONE
    check.full_clean()
    check.save(update_fields=["done_date", "status"])
    audit.record(actor=by, action=AuditAction.UPDATE, subject=check, at=now, details={"kind": check.kind})
    if check.period.end_date is not None or person.date_of_birth is None:
        return None
    if check.kind == HealthKind.DENTAL:
        due = rules.dental_check_due(done_date)
        kind = HealthKind.DENTAL
    else:
        due = rules.review_health_due(last_assessment=done_date, date_of_birth=person.date_of_birth)
        kind = HealthKind.REVIEW
    return LAHealthCheck.objects.create(person_id=person.pk, period=check.period, kind=kind, due_date=due)


@transaction.atomic
def dental_due(*, period: LookedAfterEpisode, due_date: date, by, now: datetime) -> LAHealthCheck:
    """Set a dental check due for a looked-after child."""
    person = Person.objects.get(pk=period.person_id)
    _require(by, person, now)
    check = LAHealthCheck.objects.create(person=person, period=period, kind=HealthKind.DENTAL, due_date=due_date)
    audit.record(actor=by, action=AuditAction.CREATE, subject=check, at=now)
    return check


# ---------------------------------------------------------------- casework's child page
# The review and health assessment due, recorded from the child's case (casework checks the
# actor's access first; these are handed to casework in LookedAfterConfig.ready()).


def case_review_held(*, person: Person, held_date: date, participation: str, by, now: datetime) -> LAReview:
    """Record the looked-after review due with the child's participation code; the next is set due."""
    period = open_period(person)
    review = LAReview.objects.filter(period=period, status=ItemStatus.DUE).order_by("number").first()
    if review is None:
        raise ValidationError("No looked-after review is due")
    review_record(review=review, held_date=held_date, participation=participation, by=by, now=now)
    return review


def case_health_assessment_done(*, person: Person, completed_date: date, by, now: datetime) -> LAHealthCheck:
    """Record the health assessment due (initial or review); the next is due 6-monthly under 5, yearly from 5."""
    period = open_period(person)
    check = (
        LAHealthCheck.objects.filter(period=period, status=ItemStatus.DUE)
        .exclude(kind=HealthKind.DENTAL)
        .order_by("due_date")
        .first()
    )
    if check is None:
        raise ValidationError("No health assessment is due")
    health_record(check=check, done_date=completed_date, by=by, now=now)
    return check
