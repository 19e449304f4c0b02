"""The access policy: who may do what (core's role rules) and who may open a person's record (here).

One rule decides who sees a person, and every record, list, lookup, search, export and API page
asks it. A person's record is visible to the front door, to agencies with a recorded (current)
involvement (which includes agencies invited to a meeting about the person), to holders of a
break-glass grant, and, when sealed, only to the users named. Health and police sections stay
within their class. Memberships are read through ``agencies.selectors``.

The role questions (``can``, ``require``, ...) live in ``safehub.core.policy`` and are re-exported
here, so a domain app asks ``policy.can`` and ``policy.person_access`` of one module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from safehub.agencies.models import FRONT_DOOR_ROLES, HEALTH_KINDS, AgencyKind, Membership, Role
from safehub.agencies.selectors import membership_for_user
from safehub.core import requestcache
from safehub.core.policy import (
    ROLE_RULES,
    SOCIAL_CARE,
    Perm,
    UnknownPermission,
    agency_id_of,
    can,
    is_front_door,
    require,
    role_of,
)
from safehub.people.models import BreakGlassGrant, Involvement, Person, SealedAccess

__all__ = [
    "ROLE_RULES",
    "SOCIAL_CARE",
    "Perm",
    "PersonAccess",
    "UnknownPermission",
    "agency_id_of",
    "can",
    "is_front_door",
    "membership_for_user",
    "person_access",
    "person_visible_q",
    "persons_visible_to",
    "require",
    "role_of",
    "sealed_hidden_q",
    "visible_sections",
]

# Roles that work with aggregates and the audit trail, never individual records without cause.
_NO_STANDING = frozenset({Role.ANALYST, Role.ADMINISTRATOR})


@dataclass(frozen=True)
class PersonAccess:
    allowed: bool
    basis: str  # front_door | involvement | break_glass | sealed_named | none | sealed
    may_break_glass: bool = False


def person_access(user, person, *, now: datetime | None = None) -> PersonAccess:
    """Decide whether ``user`` may open ``person``'s record now, and on what basis."""
    now = now or timezone.now()
    membership = membership_for_user(user)
    if membership is None or not user.is_active:
        return PersonAccess(False, "none")
    if person.sealed:
        named = SealedAccess.objects.filter(person=person, user=user).exists()
        return PersonAccess(named, "sealed_named" if named else "sealed")
    if membership.role in FRONT_DOOR_ROLES and _front_door_covers(membership, person, now):
        return PersonAccess(True, "front_door")
    if membership.role in _NO_STANDING:
        has_grant = _active_grant(user, person, now)
        return PersonAccess(has_grant, "break_glass" if has_grant else "none", may_break_glass=not has_grant)
    involved = Involvement.objects.filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=now), person=person, agency_id=membership.agency_id
    ).exists()
    if involved:
        return PersonAccess(True, "involvement")
    if _active_grant(user, person, now):
        return PersonAccess(True, "break_glass")
    return PersonAccess(False, "none", may_break_glass=True)


def _adult_front_door(membership: Membership) -> bool:
    return membership.role in FRONT_DOOR_ROLES and membership.agency.kind == AgencyKind.LA_ADULTS


def _adult_cutoff(now: datetime) -> date:
    """The latest date of birth of someone who is 18 today (Care Act s42 applies from 18)."""
    today = timezone.localtime(now).date() if timezone.is_aware(now) else now.date()
    try:
        return today.replace(year=today.year - 18)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 18, day=28)


def _front_door_covers(membership: Membership, person, now: datetime) -> bool:
    """The children's front door (MASH) sees the whole family; the adults' front door sees adults.

    An adult front-door manager has no standing to open a child's record: children reach adult
    services through an involvement (transition) or break-glass, never by role alone.
    """
    if not _adult_front_door(membership):
        return True
    return person.date_of_birth is not None and person.date_of_birth <= _adult_cutoff(now)


def _active_grant(user, person, now: datetime) -> bool:
    return BreakGlassGrant.objects.filter(user=user, person=person, granted_at__lte=now, expires_at__gt=now).exists()


def _visible_rule(user, now: datetime, field: str | None) -> Q | None:
    """The one rule as a filter on Person (``field`` None) or on rows naming a person through
    ``field``; None when the user may open no one.

    Its lists (involvements, grants, namings) are subqueries of ids, not joins: no DISTINCT is
    needed and the database can use its indexes; with ``field`` the person's own columns (sealed,
    date of birth) are read through that relation. A branch of an OR that can match nothing is
    left out: most users hold no sealed-record naming
    and no break-glass grant, and "involved OR granted" made PostgreSQL test every person in a
    region register (1.33M) against both lists instead of starting from the agency's involvements.
    """
    membership = membership_for_user(user)
    if membership is None or not user.is_active:
        return None
    key = "pk" if field is None else field
    prefix = "" if field is None else f"{field}__"
    named = SealedAccess.objects.filter(user=user)
    not_sealed_or_named = Q(**{f"{prefix}sealed": False})
    if named.exists():  # under the OR, a probe per row (see ``_involved_q``'s ``widened``)
        not_sealed_or_named |= Q(Exists(named.filter(person_id=OuterRef(key))))
    granted = BreakGlassGrant.objects.filter(user=user, expires_at__gt=now, granted_at__lte=now).values("person_id")
    if membership.role in FRONT_DOOR_ROLES and not _adult_front_door(membership):
        return not_sealed_or_named
    if membership.role in _NO_STANDING:
        return Q(**{f"{key}__in": granted}) & not_sealed_or_named
    has_grant = granted.exists()  # asked only where the grant widens the reach (not on the front door's lists)
    adults = _adult_front_door(membership)
    reach = _involved_q(key, membership.agency_id, now, widened=has_grant or adults)
    if has_grant:
        reach |= Q(**{f"{key}__in": granted})
    if adults:
        reach |= Q(**{f"{prefix}date_of_birth__lte": _adult_cutoff(now)})
    return reach & not_sealed_or_named


def persons_visible_to(user, qs: QuerySet, *, now: datetime | None = None) -> QuerySet:
    """Filter a Person queryset to the records the user may open (for lists and search)."""
    rule = _visible_rule(user, now or timezone.now(), None)
    return qs.none() if rule is None else qs.filter(rule)


# Above this many people an agency's list is left to the database as a subquery: PostgreSQL plans
# a literal list element by element (185 ms per query for a children's council's 144,000 people at
# region scale, against 17 ms for an adult council's 18,000).
SHARED_LIST_MAX = 20_000
_TOO_MANY = object()


def _involved_q(key: str, agency_id: int, now: datetime, *, widened: bool = False) -> Q:
    """``key`` is someone the agency holds a current involvement with.

    A page's lists each ask this (the team overview, eight times, with one ``now``): within one
    read-only request the set is read once (``core.requestcache``) and sent to each list as one
    parameter (``__any_of``: a hashed list on PostgreSQL), unless it is longer than
    ``SHARED_LIST_MAX``; the first ask, and any ask outside a request, is the plain subquery.

    ``widened``: the rule ORs this with another reach (the adult front door's "every adult", a
    break-glass grant). Under an OR the database cannot turn "in the agency's involvements" into a
    join, so it is asked per row as an EXISTS probe of the (agency, person) index. As an IN list it
    became a hashed subplan that PostgreSQL costed as rebuilt for every row: it scanned the region's
    1.33M people rather than look up the few dozen a list names (an adult front-door manager's team
    overview at scale 5: 1.8 s, each of its eight lists 200-250 ms; 2 ms each as EXISTS).
    """
    current = Involvement.objects.filter(Q(ended_at__isnull=True) | Q(ended_at__gt=now), agency_id=agency_id)
    if widened:
        return Q(Exists(current.filter(person_id=OuterRef(key))))

    def read() -> list[int] | object:
        rows = list(current.values_list("person_id", flat=True)[: SHARED_LIST_MAX + 1])
        return _TOO_MANY if len(rows) > SHARED_LIST_MAX else sorted(set(rows))

    ids = requestcache.reused(("people.policy.involved", agency_id, now), read)
    if ids is None or ids is _TOO_MANY:
        return Q(**{f"{key}__in": current.values("person_id")})
    return Q(**{f"{key}__any_of": ids})


def person_visible_q(user, *, now: datetime | None = None, field: str = "person", unlinked: bool = True) -> Q:
    """A filter for any queryset whose rows name a person through ``field`` (contacts, requests...).

    The same rule as ``persons_visible_to``, so a queue, lookup or export built on another model
    never shows a person the record itself would refuse. It is applied to the person each row
    names (a join on ``field``), not as "``field`` in every person the user may open": with the
    adult front door's "every adult" or the children's front door's "everyone not sealed", that
    list is most of a region's register (a 400 ms scan of 1.3M people for each list on a page).
    A ``field`` ending in ``_id`` is a plain key column, not a relation: it is tested against the
    people the user may open. Rows not yet linked to a person (an unmatched contact) pass when
    ``unlinked`` is true: they name no record.
    """
    now = now or timezone.now()
    if field.endswith("_id"):  # a plain key column (the audit trail's person_id): no join to follow
        rule = _visible_rule(user, now, None)
        q = Q(pk__in=[]) if rule is None else Q(**{f"{field}__in": Person.objects.filter(rule).values("pk")})
    else:
        rule = _visible_rule(user, now, field)
        q = Q(pk__in=[]) if rule is None else rule
    if unlinked:
        q |= Q(**{f"{field}__isnull": True})
    return q


def sealed_hidden_q(user, *, field: str = "person") -> Q:
    """A filter that drops rows about sealed people the user is not named on (for agency worklists).

    Worklists addressed to an agency (information requests, notifications, shared outcomes) are
    the agency's own legitimate relationship with the item, so they are not narrowed to records the
    user may open; a sealed person, though, never appears anywhere but to the people named.

    Written as "not one of the sealed people the user is not named on" (a few hundred, read through
    a partial index) rather than "no person, or not sealed, or named": that joined every row of a
    worklist to the 13-million-person register to read its flag (700 ms for a police force's
    quarter of PPNs at region scale).
    """
    named = SealedAccess.objects.filter(user=user).values("person_id")
    hidden = Person.objects.filter(sealed=True).exclude(pk__in=named).values("pk")
    return ~Q(**{f"{field}__in": hidden})


def visible_sections(user) -> set[str]:
    """Return the record sections (people.SectionClass values) this user may read."""
    membership = membership_for_user(user)
    sections = {"GENERAL"}
    if membership is None:
        return set()
    if membership.agency.kind in HEALTH_KINDS:
        sections.add("HEALTH")
    if membership.agency.kind == AgencyKind.POLICE:
        sections.add("POLICE")
    return sections
