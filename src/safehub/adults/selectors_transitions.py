"""Transitional safeguarding, the adult side: 16-25 year olds, their adult concerns and enquiries, the handover.

Children's services list the same ages (``casework`` transitions page); this view adds what the
adult side holds: whether the young adult has care and support needs, their safeguarding concerns
and enquiries, capacity or DoLS work, and the handover from the child's worker (the transition
plan, read only here, and the children's worker on the latest case).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from safehub.adults.models import Enquiry, SafeguardingConcern
from safehub.adults.models_mca import CapacityAssessment, DolsApplication
from safehub.adults.models_pathways import SelfNeglectCase
from safehub.agencies.models import AgencyKind
from safehub.casework.models import CaseEpisode, TransitionPlan
from safehub.core import audit, calendar
from safehub.people import policy
from safehub.people.models import Involvement, Person
from safehub.people.selectors import people_known_to

MAX_ROWS = 500
YOUNGEST, OLDEST = 16, 25  # transitional safeguarding: 16 to 25 (the partnership's priority)


@dataclass(frozen=True)
class ConcernLine:
    concern_id: int
    received: date
    decision: str
    enquiry_id: int | None
    enquiry_open: bool
    can_open: bool  # the user's council received it: the concern page opens for them


@dataclass(frozen=True)
class TransitionRow:
    person_id: int
    name: str
    age: int
    known_to_childrens: bool
    care_and_support_needs: bool | None
    concerns: tuple[ConcernLine, ...]
    open_enquiries: int
    other_work: tuple[str, ...]
    childrens_worker: str
    plan_owner: str
    adult_service: str
    plan_review: date | None
    handover: str
    needs_attention: bool


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def handover_status(*, age: int, has_plan: bool, adult_service: bool, adult_concern: bool) -> tuple[str, bool]:
    """Return (the handover in words, whether it needs attention).

    Attention: 17 or over (or with an adult safeguarding concern) and no transition plan, or a
    plan at 18 or over that names no adult service to hand over to.
    """
    if not has_plan:
        return "No transition plan", age >= 17 or adult_concern
    if not adult_service:
        return "Plan agreed; no adult service named", age >= 18
    return "Handed over to the adult service", False


def _known_to_childrens() -> Exists:
    """Whether the person (the outer query's row) has an involvement with a children's services council."""
    return Exists(Involvement.objects.filter(person_id=OuterRef("pk"), agency__kind=AgencyKind.LA_CHILDREN))


@dataclass(frozen=True)
class _CohortSources:
    """Who may be in the 16-25 cohort on a day: the age band, the people in it known to children's
    services, and those with an adult concern received by the end of the day (ids, read once)."""

    in_age: dict
    end_of_day: datetime
    known: set[int]
    concerned: set[int]

    def candidates(self):
        """The people of either set, alive, not merged and in the age band (a queryset)."""
        return Person.objects.filter(
            pk__any_of=sorted(self.known | self.concerned),
            merged_into__isnull=True,
            date_of_death__isnull=True,
            **self.in_age,
        )


def _cohort_sources(user, as_of: date) -> _CohortSources:
    """The cohort's candidates for a user who may see the transitions lists (``adults.decide`` or
    ``casework.overview``), read from the two small tables (an indexed read each) before the people:
    asking Exists of every 16-25 year old in the register was three 170 ms scans a page at city scale."""
    if not (policy.can(user, "adults.decide") or policy.can(user, "casework.overview")):
        raise PermissionDenied("not allowed: transitions")
    oldest, youngest = _years_before(as_of, OLDEST + 1), _years_before(as_of, YOUNGEST)
    end_of_day = datetime.combine(as_of, datetime.max.time(), tzinfo=calendar.UK)
    in_age = {"date_of_birth__gt": oldest, "date_of_birth__lte": youngest}
    known = set(
        people_known_to(AgencyKind.LA_CHILDREN, born_after=oldest, born_on_or_before=youngest).values_list(
            "pk", flat=True
        )
    )
    concerned = set(
        SafeguardingConcern.objects.filter(
            received_at__lte=end_of_day, **{f"person__{k}": v for k, v in in_age.items()}
        )
        .values_list("person_id", flat=True)
        .order_by()  # the model's "-received_at" would join the DISTINCT (a row per concern, not per person)
        .distinct()
    )
    return _CohortSources(in_age, end_of_day, known, concerned)


def transitions_adult_people(*, user, as_of: date, now: datetime, needs_attention_only: bool = False):
    """The 16-25 year olds known to children's services or with an adult concern that the user may
    open, as a queryset (for paging in the database), with ``needs_attention`` worked out in SQL by
    the rule of ``handover_status``. Needs ``adults.decide`` or ``casework.overview``."""
    sources = _cohort_sources(user, as_of)
    concerned = SafeguardingConcern.objects.filter(person_id=OuterRef("pk"), received_at__lte=sources.end_of_day)
    open_plan = TransitionPlan.objects.filter(person_id=OuterRef("pk"), closed_date__isnull=True)
    qs = sources.candidates()
    seventeen, eighteen = _years_before(as_of, 17), _years_before(as_of, 18)
    attention = (~Q(Exists(open_plan)) & (Q(date_of_birth__lte=seventeen) | Q(Exists(concerned)))) | (
        Q(Exists(open_plan))
        & ~Q(Exists(open_plan.filter(adult_service__isnull=False)))
        & Q(date_of_birth__lte=eighteen)
    )
    people = policy.persons_visible_to(user, qs, now=now).annotate(
        known_to_childrens=_known_to_childrens(),
        needs_attention=ExpressionWrapper(attention, output_field=BooleanField()),
    )
    return people.filter(attention) if needs_attention_only else people


@dataclass(frozen=True)
class CohortMember:
    """One young person of the list, as much as sorting, counting and paging need."""

    pk: int
    date_of_birth: date
    family_name: str
    given_name: str
    needs_attention: bool


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def transitions_adult_cohort(*, user, as_of: date, now: datetime, needs_attention_only: bool = False):
    """The people of ``transitions_adult_people`` in one read of four columns, for sorting, counting
    and paging here, each with ``needs_attention`` worked out by ``handover_status`` itself.

    A region's cohort is tens of thousands of young people (about 80,000 at scale 50). The
    candidates, the open transition plans and the adult concerns are read once, as sets; the
    database is asked only which candidates the user may open. Asking it for the handover rule too
    was three EXISTS probes per young person (3.6 s for the page at scale 50).
    """
    sources = _cohort_sources(user, as_of)
    plans: dict[int, bool] = {}  # person -> whether an open plan names an adult service
    for person_id, service_id in TransitionPlan.objects.filter(closed_date__isnull=True).values_list(
        "person_id", "adult_service_id"
    ):
        plans[person_id] = plans.get(person_id, False) or service_id is not None
    members = []
    for pk, born, family, given in (
        policy.persons_visible_to(user, sources.candidates(), now=now)
        .order_by()
        .values_list("pk", "date_of_birth", "family_name", "given_name")
    ):
        _, attention = handover_status(
            age=_age_on(born, as_of),
            has_plan=pk in plans,
            adult_service=plans.get(pk, False),
            adult_concern=pk in sources.concerned,
        )
        if attention or not needs_attention_only:
            members.append(CohortMember(pk, born, family, given, attention))
    return members


def transitions_adult_page(members: list[CohortMember]) -> list[Person]:
    """The people of one page of the cohort, in its order, as ``transitions_adult_rows`` reads them."""
    found = (
        Person.objects.filter(pk__in=[m.pk for m in members])
        .annotate(known_to_childrens=_known_to_childrens())
        .in_bulk()
    )
    return [found[m.pk] for m in members if m.pk in found]


def transitions_adult_side(*, user, as_of: date, now: datetime, needs_attention_only: bool = False):
    """List 16-25 year olds known to children's services or with an adult concern, with the adult side.

    Only people the user may open are listed, each audited; a concern links only for the council
    that received it. Needs ``adults.decide`` or ``casework.overview``. The page lists a page at a
    time (``transitions_adult_people`` then ``transitions_adult_rows``); this is every row, capped.
    """
    people = transitions_adult_people(user=user, as_of=as_of, now=now, needs_attention_only=needs_attention_only)
    return transitions_adult_rows(
        user=user, people=list(people.order_by("date_of_birth", "pk")[:MAX_ROWS]), as_of=as_of, now=now
    )


def transitions_adult_rows(*, user, people: list[Person], as_of: date, now: datetime) -> list[TransitionRow]:
    """The adult side of each of ``people`` (from ``transitions_adult_people``), audited as listed."""
    end_of_day = datetime.combine(as_of, datetime.max.time(), tzinfo=calendar.UK)
    ids = [p.pk for p in people]
    my_agency = policy.agency_id_of(user)
    concerns: dict[int, list[ConcernLine]] = {}
    needs: dict[int, bool | None] = {}
    open_enquiries: dict[int, int] = {}
    enquiries = {e.concern_id: e for e in Enquiry.objects.filter(person_id__in=ids).order_by("pk")}
    for c in SafeguardingConcern.objects.filter(person_id__in=ids, received_at__lte=end_of_day).order_by(
        "-received_at"
    ):
        enquiry = enquiries.get(c.pk)
        concerns.setdefault(c.person_id, []).append(
            ConcernLine(
                c.pk,
                calendar.uk_date(c.received_at),
                c.get_decision_display() or "Awaiting decision",
                enquiry.pk if enquiry else None,
                bool(enquiry and enquiry.concluded_date is None),
                c.council_id == my_agency,
            )  # fmt: skip
        )
        if c.has_care_and_support_needs is not None:
            needs[c.person_id] = needs.get(c.person_id) or c.has_care_and_support_needs
        if enquiry and enquiry.concluded_date is None:
            open_enquiries[c.person_id] = open_enquiries.get(c.person_id, 0) + 1
    other: dict[int, list[str]] = {}
    for pid in CapacityAssessment.objects.filter(person_id__in=ids).values_list("person_id", flat=True).distinct():
        other.setdefault(pid, []).append("Capacity assessment")
    for pid in DolsApplication.objects.filter(person_id__in=ids).values_list("person_id", flat=True).distinct():
        other.setdefault(pid, []).append("DoLS")
    for pid in SelfNeglectCase.objects.filter(person_id__in=ids, closed_on__isnull=True).values_list(
        "person_id", flat=True
    ):
        other.setdefault(pid, []).append("Self-neglect case")
    plans = {
        tp.person_id: tp
        for tp in TransitionPlan.objects.filter(person_id__in=ids, closed_date__isnull=True)
        .select_related("owner", "adult_service")
        .order_by("started_date", "pk")
    }
    workers = {
        e.person_id: e.worker
        for e in CaseEpisode.objects.filter(person_id__in=ids, worker__isnull=False)
        .select_related("worker")
        .order_by("referral_date", "pk")
    }
    rows = []
    for p in people:
        assert p.date_of_birth is not None  # chosen by date of birth
        age = p.age_on(as_of)
        assert age is not None
        plan = plans.get(p.pk)
        worker = workers.get(p.pk)
        lines = tuple(concerns.get(p.pk, ()))
        handover, attention = handover_status(
            age=age, has_plan=plan is not None, adult_service=bool(plan and plan.adult_service_id),
            adult_concern=bool(lines),
        )  # fmt: skip
        rows.append(
            TransitionRow(
                p.pk,
                p.display_name,
                age,
                getattr(p, "known_to_childrens", False),  # annotated by transitions_adult_people
                needs.get(p.pk),
                lines,
                open_enquiries.get(p.pk, 0),
                tuple(other.get(p.pk, ())),
                (worker.get_full_name() or worker.username) if worker else "",
                (plan.owner.get_full_name() or plan.owner.username) if plan else "",
                plan.adult_service.name if plan and plan.adult_service else "",
                plan.review_date if plan else None,
                handover,
                attention,
            )  # fmt: skip
        )
    audit.record_list(actor=user, person_ids=[r.person_id for r in rows], at=now, view="adults.transitions")
    return rows


def adult_concern_person_ids():
    """Person ids with an adult safeguarding concern (a subquery): casework's transitions list asks."""
    return SafeguardingConcern.objects.values_list("person_id", flat=True)
