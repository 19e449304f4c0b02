"""Reads of people, access-checked and audited (CONVENTIONS 4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Concat, Lower

from safehub.agencies.models import Agency
from safehub.core import audit
from safehub.core.errors import BreakGlassRequired
from safehub.core.models import AuditAction, AuditEvent
from safehub.people import policy
from safehub.people.models import (
    AgencyInformation,
    BreakGlassGrant,
    Involvement,
    Person,
    PersonName,
    SealDecision,
    SealedAccess,
)
from safehub.people.validators import normalise_nhs_number


def person_get_for_user(*, user, person_id: int, now: datetime, reason: str = "") -> Person:
    """Return the person if the user may open the record, auditing the read (or the refusal)."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise Person.DoesNotExist(person_id)
    while person.merged_into_id is not None:  # follow merges to the surviving record
        person = Person.objects.get(pk=person.merged_into_id)
    access = policy.person_access(user, person, now=now)
    if not access.allowed:
        # The refusal is committed on its own: it must survive the exception that follows.
        with transaction.atomic():
            audit.record(
                actor=user, action=AuditAction.ACCESS_DENIED, subject=person, at=now, details={"basis": access.basis}
            )
        if access.may_break_glass:
            raise BreakGlassRequired(person.pk)
        raise PermissionDenied("You do not have access to this record")
    with transaction.atomic():
        audit.record(
            actor=user,
            action=AuditAction.VIEW,
            subject=person,
            at=now,
            reason=reason,
            details={"basis": access.basis},
            flagged=access.basis == "break_glass",
        )
    return person


@dataclass(frozen=True)
class SearchResult:
    person_id: int
    display_name: str
    date_of_birth: str
    sex: str
    postcode: str
    restricted: bool


SEARCH_CAP = 2000  # other-name (alias) rows read for one search


def person_search(
    *, user, query: str, date_of_birth=None, nhs_number: str = "", now: datetime, limit: int = 50
) -> list[SearchResult]:
    """Search people by name, date of birth or NHS number; only records the user may open.

    An exact NHS number also returns restricted matches (marked so) so that, for example, an
    emergency clinician can open a record with break-glass.
    """
    policy.require(user, "people.search")
    qs: QuerySet[Person] = Person.objects.filter(merged_into__isnull=True)
    if date_of_birth:
        qs = qs.filter(Q(date_of_birth=date_of_birth) | Q(expected_date_of_birth=date_of_birth))
    nhs = normalise_nhs_number(nhs_number)
    if nhs:
        qs = qs.filter(nhs_number=nhs)
    terms = [t for t in (query or "").split() if t]
    if not (terms or date_of_birth or nhs):
        return []
    shown = ("pk", "given_name", "family_name", "date_of_birth", "expected_date_of_birth", "sex")
    # Every term must match the start of one of the person's names. Each term is one OR over the
    # person's name columns, which PostgreSQL answers from their prefix indexes (a bitmap per term,
    # ANDed); ordering by LOWER(), which no index serves, keeps the planner on those rows (a top-N
    # sort) instead of walking a whole name index to honour ORDER BY ... LIMIT.
    direct = qs
    for term in terms:
        direct = direct.filter(
            Q(family_name__istartswith=term) | Q(given_name__istartswith=term) | Q(preferred_name__istartswith=term)
        )
    people = list(
        policy.persons_visible_to(user, direct, now=now)
        .only(*shown)
        .order_by(Lower("family_name"), Lower("given_name"), "pk")[:limit]
    )
    if terms:
        # Other names (aliases, previous names) are few: find their people, then check every term
        # against all of that person's names together.
        any_term = Q()
        for term in terms:
            any_term |= Q(given_name__istartswith=term) | Q(family_name__istartswith=term)
        alias_ids = set(PersonName.objects.filter(any_term).values_list("person_id", flat=True)[:SEARCH_CAP])
        alias_ids -= {p.pk for p in people}
        if alias_ids:
            names: dict[int, list[str]] = {}
            for pid, given, family in PersonName.objects.filter(person_id__in=alias_ids).values_list(
                "person_id", "given_name", "family_name"
            ):
                names.setdefault(pid, []).extend([given.lower(), family.lower()])
            candidates = policy.persons_visible_to(user, qs.filter(pk__in=sorted(alias_ids)), now=now).only(
                *shown, "preferred_name"
            )
            for person in candidates:
                own = [person.given_name.lower(), person.family_name.lower(), (person.preferred_name or "").lower()]
                all_names = own + names.get(person.pk, [])
                if all(any(n.startswith(t.lower()) for n in all_names if n) for t in terms):
                    people.append(person)
            people.sort(key=lambda p: (p.family_name.lower(), p.given_name.lower(), p.pk))
            people = people[:limit]
    restricted: list[Person] = []
    if nhs and not people:
        restricted = list(qs.filter(sealed=False)[:5])
    with transaction.atomic():
        audit.record(
            actor=user,
            action=AuditAction.SEARCH,
            at=now,
            object_type="people.Person",
            details={"results": len(people) + len(restricted)},
        )
        # Each person named in the results is a read (their name, date of birth and postcode).
        audit.record_list(actor=user, person_ids=[p.pk for p in people], at=now, view="search results")
    postcodes = _current_postcodes([p.pk for p in people])
    out = [
        SearchResult(
            p.pk,
            p.display_name,
            p.date_of_birth.strftime("%d/%m/%Y")
            if p.date_of_birth
            else (f"Expected {p.expected_date_of_birth:%d/%m/%Y}" if p.expected_date_of_birth else "Not known"),
            p.get_sex_display(),
            postcodes.get(p.pk, ""),
            False,
        )
        for p in people
    ]
    out += [SearchResult(p.pk, "Restricted record", "", "", "", True) for p in restricted]
    return out


def _current_postcodes(person_ids: list[int]) -> dict[int, str]:
    from safehub.people.models import Address

    out: dict[int, str] = {}
    for person_id, postcode in (
        Address.objects.filter(person_id__in=person_ids, ended_date__isnull=True)
        .order_by("started_date")
        .values_list("person_id", "postcode")
    ):
        out[person_id] = postcode
    return out


def person_detail(*, user, person: Person, now: datetime) -> dict:
    """Prepare the person page's plain data (CONVENTIONS 5): details, names, addresses, relationships.

    Related people go through the same rule as their own record: one the user may open is named
    and linked; one they may not is shown by relationship only, with the way to ask for access; a
    sealed relative the user is not named on does not appear at all (its existence is the secret).
    """
    sections = policy.visible_sections(user)
    pairs = [(r.get_kind_display(), r.related) for r in person.relationships.select_related("related").all()] + [
        (f"{r.get_kind_display()} of", r.person) for r in person.related_to.select_related("person").all()
    ]
    related_ids = [other.pk for _, other in pairs]
    openable = set(
        policy.persons_visible_to(user, Person.objects.filter(pk__in=related_ids), now=now).values_list("pk", flat=True)
    )
    named = set(SealedAccess.objects.filter(user=user, person_id__in=related_ids).values_list("person_id", flat=True))
    relationships = []
    for kind, other in pairs:
        if other.sealed and other.pk not in named:
            continue
        if other.pk in openable:
            relationships.append({"kind": kind, "name": other.display_name, "id": other.pk, "dob": other.date_of_birth})
        else:
            relationships.append({"kind": kind, "name": "", "id": other.pk, "dob": None, "restricted": True})
    with transaction.atomic():
        audit.record_list(
            actor=user,
            person_ids=[r["id"] for r in relationships if not r.get("restricted")],
            at=now,
            view="relationships",
        )
    info = [
        {"agency": i.agency.name, "section": i.get_section_display(), "summary": i.summary, "at": i.recorded_at}
        for i in AgencyInformation.objects.filter(person=person, section__in=sections).select_related("agency")
    ]
    hidden_sections = AgencyInformation.objects.filter(person=person).exclude(section__in=sections).count()
    return {
        "person": person,
        "other_names": list(person.other_names.all()),
        "addresses": list(person.addresses.all()),
        "relationships": relationships,
        "education": [
            {
                "setting": e.setting.name,
                "kind": e.setting.get_kind_display(),
                "from": e.started_date,
                "to": e.ended_date,
            }
            for e in person.education_placements.select_related("setting")
        ],
        "involvements": [
            {"agency": i.agency.name, "kind": i.get_kind_display(), "since": i.started_at, "until": i.ended_at}
            for i in person.involvements.select_related("agency").order_by("-started_at")[:30]
        ],
        "agency_information": info,
        "hidden_sections": hidden_sections,
        "disabilities": person.disabilities,
    }


def person_merged_records(person: Person) -> list[Person]:
    """Return every record merged into ``person``, directly or through another merged record."""
    found: list[Person] = []
    frontier = [person.pk]
    while frontier:
        batch = list(Person.objects.filter(merged_into_id__in=frontier))
        found += batch
        frontier = [p.pk for p in batch]
    return found


def person_access_log(*, user, person: Person, now: datetime) -> list[AuditEvent]:
    """Return who viewed or changed the record (managers only); looking is itself audited."""
    policy.require(user, "people.view_access_log")
    with transaction.atomic():
        audit.record(actor=user, action=AuditAction.VIEW, subject=person, at=now, details={"page": "access_log"})
    return list(AuditEvent.objects.filter(person_id=person.pk).select_related("actor", "agency").order_by("-at")[:500])


def break_glass_for_review(*, user) -> QuerySet[BreakGlassGrant]:
    policy.require(user, "security.review")
    return BreakGlassGrant.objects.select_related("user", "person", "reviewed_by").order_by(
        "reviewed_at", "-granted_at"
    )


def seal_page(*, user, person: Person, now: datetime) -> dict:
    """The seal page's data: state, who is named, the decisions so far. Looking is audited."""
    policy.require(user, "people.seal", person)
    with transaction.atomic():
        audit.record(actor=user, action=AuditAction.VIEW, subject=person, at=now, details={"page": "seal"})
    return {
        "person": person,
        "named": [
            {"user_id": a.user_id, "name": a.user.get_full_name() or a.user.username, "username": a.user.username,
             "since": a.granted_at, "by": (a.granted_by.get_full_name() or a.granted_by.username) if a.granted_by else ""}
            for a in SealedAccess.objects.filter(person=person).select_related("user", "granted_by").order_by("user__username")
        ],
        "history": [
            {"action": d.get_action_display(), "user": d.user_named.username if d.user_named else "",
             "reason": d.reason, "by": d.decided_by.get_full_name() or d.decided_by.username, "at": d.decided_at}
            for d in SealDecision.objects.filter(person=person).select_related("user_named", "decided_by")
        ],
    }  # fmt: skip


def people_known_to(agency_kind: str, *, born_after: date, born_on_or_before: date) -> QuerySet[Person]:
    """The people born in the window with an involvement (past or current) with an agency of that
    kind: the transitions lists' "16 to 25 and known to children's services".

    The agencies are looked up first and the involvement asked per person of the age band (an
    indexed probe: ``involvement_person_agency``), from ``person_dob_id_sealed``; joining every
    involvement of the kind to the register and then dropping duplicates read 170,000 involvements
    and their people at region scale (660 ms, against 220 ms).

    The set comes unordered: with the register's default order (by name), SQLite 3.51 walked the
    whole name index to avoid a sort (567 ms at city scale, against 16 ms without the order).
    """
    agency_ids = list(Agency.objects.filter(kind=agency_kind).values_list("pk", flat=True))
    known = Involvement.objects.filter(person_id=OuterRef("pk"), agency_id__in=agency_ids)
    return (
        Person.objects.filter(date_of_birth__gt=born_after, date_of_birth__lte=born_on_or_before)
        .filter(Exists(known))
        .order_by()
    )


def listed_people(user, people: QuerySet[Person], *, now: datetime) -> QuerySet[Person]:
    """The people of ``people`` the user may see, as a list to sort and page: the ids are worked
    out once (``policy.persons_visible_to``), and each person carries sort keys no index of the
    register serves (``sort_family``, ``sort_given``, ``sort_born``).

    A list is a few thousand people of a 13-million-person region register. Asked for "the first
    50 by name" of the whole filter at once, PostgreSQL walked the register's name or birth-date
    index expecting thousands of matches early, and read millions of rows to find 50 (15 to 45 s
    for the looked-after list at region scale); with the ids fixed and keys it cannot walk an
    index for, it fetches the list and sorts it (under a second).
    """
    ids = list(policy.persons_visible_to(user, people, now=now).values_list("pk", flat=True))
    return Person.objects.filter(pk__any_of=ids).annotate(
        sort_family=Concat("family_name", Value("")),
        sort_given=Concat("given_name", Value("")),
        sort_born=Coalesce("date_of_birth", "date_of_birth"),
    )
