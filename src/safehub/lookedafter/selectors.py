"""Reads for the looked-after pages: the list of children in care and one child's 903 record."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from safehub.casework.models import LookedAfterEpisode
from safehub.core import audit
from safehub.core.calendar import uk_date
from safehub.lookedafter import rules
from safehub.lookedafter.models import (
    CareEpisode,
    HealthKind,
    ItemStatus,
    LAHealthCheck,
    LAReview,
    PlacementProvider,
    ProviderKind,
)
from safehub.people.models import Person
from safehub.people.selectors import listed_people


def _name(p: Person) -> str:
    return f"{p.given_name} {p.family_name}".strip()


LIST_FILTERS = {"all": "Everyone looked after today", "overdue": "A review or health check overdue"}


def looked_after_people(*, user, now: datetime, show: str = "all"):
    """Children looked after today that the user may see, as a queryset to sort and page.

    Each carries ``next_review`` and ``next_health``: the earliest review and health check still due.
    ``show="overdue"`` keeps those with either date passed (``LIST_FILTERS``; anything else is everyone).
    """
    today = uk_date(now)
    open_periods = LookedAfterEpisode.objects.filter(end_date__isnull=True, start_date__lte=today)
    people = listed_people(user, Person.objects.filter(pk__in=open_periods.values("person_id")), now=now)
    reviews = LAReview.objects.filter(person_id=OuterRef("pk"), status=ItemStatus.DUE)
    checks = LAHealthCheck.objects.filter(person_id=OuterRef("pk"), status=ItemStatus.DUE)
    people = people.annotate(
        next_review=Subquery(reviews.order_by("due_date").values("due_date")[:1]),
        next_health=Subquery(checks.order_by("due_date").values("due_date")[:1]),
        next_health_kind=Subquery(checks.order_by("due_date").values("kind")[:1]),
    )
    if show == "overdue":
        people = people.filter(looked_after_overdue_q(today))
    return people


def looked_after_overdue_q(today: date) -> Q:
    """A child whose earliest due review or health check has passed (one of them is before today)."""
    return Q(Exists(LAReview.objects.filter(person_id=OuterRef("pk"), status=ItemStatus.DUE, due_date__lt=today))) | Q(
        Exists(LAHealthCheck.objects.filter(person_id=OuterRef("pk"), status=ItemStatus.DUE, due_date__lt=today))
    )


def looked_after_rows(*, user, people: list[Any], now: datetime) -> list[dict]:  # annotated Person rows
    """One page of ``looked_after_people`` with episode, legal status and what is due (audited as a list
    read); what is due next is the page's own annotations, the same dates the list sorts and filters by."""
    today = uk_date(now)
    ids = [p.pk for p in people]
    current = {e.person_id: e for e in CareEpisode.objects.filter(person_id__in=ids, dec__isnull=True)}
    rows = []
    for p in people:
        ep = current.get(p.pk)
        review = ("Review", p.next_review) if p.next_review else None
        health = (HealthKind(p.next_health_kind).label, p.next_health) if p.next_health else None
        rows.append(
            {
                "person_id": p.pk,
                "name": _name(p),
                "date_of_birth": p.date_of_birth,
                "legal_status": ep.ls if ep else "",
                "place": ep.place if ep else "",
                "place_label": rules.PLACE.get(ep.place, "") if ep else "",
                "review": review,
                "review_overdue": bool(review and review[1] < today),
                "health": health,
                "health_overdue": bool(health and health[1] < today),
                "no_episode": ep is None,
            }
        )
    audit.record_list(actor=user, person_ids=ids, at=now, view="looked-after children")
    return rows


def child_record(*, person: Person, today: date) -> dict:
    """One child's periods of care with their 903 episodes, reviews and health (the person is access-checked)."""
    periods = []
    for period in LookedAfterEpisode.objects.filter(person=person).order_by("-start_date"):
        eps = list(CareEpisode.objects.filter(period=period).select_related("provider").order_by("decom"))
        reviews = list(LAReview.objects.filter(period=period).order_by("number"))
        checks = list(LAHealthCheck.objects.filter(period=period).order_by("due_date"))
        periods.append(
            {
                "pk": period.pk,
                "start_date": period.start_date,
                "end_date": period.end_date,
                "open": period.end_date is None,
                "needs_first_episode": not eps and period.end_date is None,
                "episodes": [
                    {
                        "decom": e.decom,
                        "dec": e.dec,
                        "rne": e.rne,
                        "rne_label": rules.RNE.get(e.rne, ""),
                        "ls": e.ls,
                        "ls_label": rules.LEGAL_STATUS.get(e.ls, ""),
                        "place": e.place,
                        "place_label": rules.PLACE.get(e.place, ""),
                        "provider": e.provider.name if e.provider else "",
                        "place_provider": e.place_provider,
                        "urn": e.urn,
                        "pl_post": e.pl_post,
                        "rec": e.rec,
                        "rec_label": rules.REC.get(e.rec, ""),
                        "reason_place_change": e.reason_place_change,
                        "reason_place_change_label": rules.REASON_PLACE_CHANGE.get(e.reason_place_change, ""),
                    }
                    for e in eps
                ],
                "reviews": [
                    {
                        "pk": r.pk,
                        "number": r.number,
                        "due_date": r.due_date,
                        "held_date": r.held_date,
                        "participation": r.participation,
                        "status": ItemStatus(r.status).label,
                        "due": r.status == ItemStatus.DUE,
                        "overdue": r.status == ItemStatus.DUE and r.due_date < today,
                        "late": bool(r.held_date and r.held_date > r.due_date),
                    }
                    for r in reviews
                ],
                "health": [
                    {
                        "pk": h.pk,
                        "kind": HealthKind(h.kind).label,
                        "due_date": h.due_date,
                        "done_date": h.done_date,
                        "status": ItemStatus(h.status).label,
                        "due": h.status == ItemStatus.DUE,
                        "overdue": h.status == ItemStatus.DUE and h.due_date < today,
                    }
                    for h in checks
                ],
            }
        )
    return {
        "periods": periods,
        "leaving_care": leaving_care(person=person, today=today),
        "in_care": any(p["open"] and not p["needs_first_episode"] for p in periods),
        "needs_start": any(p["needs_first_episode"] for p in periods),
    }


def providers_query(*, kind: str = "", search: str = ""):
    """The register of placement providers (a queryset to sort and page), each with ``placed``: how
    many children are placed there now (no names). ``kind`` and ``search`` (name, URN or postcode) narrow it."""
    qs = PlacementProvider.objects.filter(active=True)
    if kind in ProviderKind.values:
        qs = qs.filter(kind=kind)
    search = search.strip()
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(urn__iexact=search) | Q(postcode__istartswith=search))
    placed = (
        CareEpisode.objects.filter(provider_id=OuterRef("pk"), dec__isnull=True)
        .order_by()
        .values("provider_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(placed=Coalesce(Subquery(placed), 0))


def provider_rows(providers) -> list[dict]:
    return [
        {
            "name": p.name,
            "kind": ProviderKind(p.kind).label,
            "place_provider": p.place_provider,
            "postcode": p.postcode,
            "urn": p.urn,
            "placed": p.placed,
        }
        for p in providers
    ]


SW_FIRST, SW_TRANSFER, SW_OTHER = "FCONTA", "TSPROC", "OTHERS"


def social_worker_episodes(
    *, person_ids: list[int], start: date, end: date
) -> dict[int, list[tuple[str, date, date | None, str]]]:
    """The 903 social worker episodes of the return's children, from casework's allocations.

    Reads casework's allocation history (``CaseAllocation``: worker, from, to) read-only; casework
    has no selector for it yet. Every child in the return's episodes is in it (rules SW01, SW12:
    those who left care in the year too). Each allocation that touches the year (from a
    year before its start, rule SW07) becomes an episode; spells of the same worker in a row join.
    Spells start no earlier than the period of care open on 31 March (rule SW12).
    Safehub holds no Social Work England numbers, so SW_ID is 'XX' and Safehub's own worker id
    (the 903 allows 'XX' ids, rule SW02), six digits; a team with no named worker is 'XX000000'. A spell's end is the next spell's start, so the chain has
    no gaps (rules SW10a, SW11a); the latest spell has no end, as the 903 counts an episode as
    ending only when the next worker takes over, not when the case closes (rules SW08, SW17). Reasons: the
    first is first contact (FCONTA); a change of team is a transfer (TSPROC); others are OTHERS,
    because the allocation's free-text reason cannot say more.
    """
    from safehub.casework.models import CaseAllocation

    open_periods: dict[int, date] = {}
    for pid, began in (
        CareEpisode.objects.filter(person_id__in=person_ids, decom__lte=end)
        .order_by("decom")
        .values_list("person_id", "period__start_date")
    ):
        open_periods[pid] = began  # the latest period of care of each child
    in_care = set(open_periods)
    window_start = start - relativedelta(years=1)
    rows = (
        CaseAllocation.objects.filter(episode__person_id__in=in_care)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__date__gte=window_start))
        .filter(started_at__date__lte=end)
        .order_by("episode__person_id", "started_at", "pk")
        .values_list("episode__person_id", "worker_id", "team_id", "started_at", "ended_at")
    )
    spells: dict[int, list[list]] = {}
    for pid, worker, team, began_at, ended_at in rows.iterator():
        began = uk_date(began_at)
        ended = uk_date(ended_at) if ended_at else None
        mine = spells.setdefault(pid, [])
        if mine and mine[-1][0] == worker:
            mine[-1][2] = ended
            continue
        mine.append([worker, began, ended, team])
    out: dict[int, list[tuple[str, date, date | None, str]]] = {}
    for pid, mine in spells.items():
        chain: list[tuple[str, date, date | None, str]] = []
        care_began = open_periods[pid]
        for i, (worker, began, _ended, team) in enumerate(mine):
            nxt = mine[i + 1][1] if i + 1 < len(mine) else None
            stop = nxt  # an episode ends when the next worker takes over (rules SW08, SW17)
            # From the start of this period of care: the validator's rule SW12 refuses an episode
            # before it, whatever its text says about earlier ones.
            began = max(began, care_began)
            if stop is not None and stop <= began:
                continue  # before care began, or less than a day (rule SW09)
            reason = SW_FIRST if not chain else (SW_TRANSFER if team != mine[i - 1][3] else SW_OTHER)
            chain.append((f"XX{worker or 0:06d}", began, stop, reason))
        if chain:
            out[pid] = chain
    return out


LEAVER_FILTERS = {
    "all": "Every care leaver",
    "overdue": "Pathway plan or review overdue",
    "no_adviser": "No personal adviser allocated",
}


def care_leavers_people(*, user, now: datetime, show: str = "all"):
    """Care leavers the user may see, as a queryset to sort and page, each with ``pathway_due``: the
    earliest pathway review still due or else the pathway plan still to complete (``LEAVER_FILTERS``)."""
    from safehub.lookedafter.models import CareLeaver, PathwayPlan, PathwayReview

    today = uk_date(now)
    people = listed_people(user, Person.objects.filter(pk__in=CareLeaver.objects.values("person_id")), now=now)
    review = PathwayReview.objects.filter(person_id=OuterRef("pk"), status=ItemStatus.DUE).order_by("due_date")
    plan = PathwayPlan.objects.filter(person_id=OuterRef("pk"), completed_date__isnull=True).order_by("due_date")
    people = people.annotate(
        pathway_due=Coalesce(Subquery(review.values("due_date")[:1]), Subquery(plan.values("due_date")[:1]))
    )
    if show == "overdue":
        people = people.filter(pathway_due__lt=today)
    elif show == "no_adviser":
        people = people.filter(
            Exists(CareLeaver.objects.filter(person_id=OuterRef("pk"), personal_adviser__isnull=True))
        )
    return people


def care_leavers_rows(*, user, people: list[Any], now: datetime) -> list[dict]:  # annotated Person rows
    """One page of ``care_leavers_people`` (its ``pathway_due`` annotation is the pathway date shown):
    category, personal adviser, latest OC3, staying put (audited as a list read)."""
    from safehub.lookedafter.models import CareLeaver, CareLeaverContact, StayingPut

    today = uk_date(now)
    ids = [p.pk for p in people]
    leavers = {c.person_id: c for c in CareLeaver.objects.filter(person_id__in=ids).select_related("personal_adviser")}
    contacts: dict[int, CareLeaverContact] = {}
    for c in CareLeaverContact.objects.filter(person_id__in=ids).order_by("birthday"):
        contacts[c.person_id] = c
    staying = set(
        StayingPut.objects.filter(person_id__in=ids, end_date__isnull=True).values_list("person_id", flat=True)
    )
    rows = []
    for p in people:
        leaver = leavers[p.pk]
        adviser = leaver.personal_adviser
        contact = contacts.get(p.pk)
        rows.append(
            {
                "person_id": p.pk,
                "name": _name(p),
                "date_of_birth": p.date_of_birth,
                "category": rules.LEAVER_CATEGORY.get(leaver.category, "Not known").split(":")[0],
                "adviser": (adviser.get_full_name() or adviser.get_username()) if adviser else "",
                "pathway_due": p.pathway_due,  # care_leavers_people's annotation: what the list sorts by
                "pathway_overdue": bool(p.pathway_due and p.pathway_due < today),
                "in_touch": rules.IN_TOUCH.get(contact.in_touch, "") if contact else "",
                "accommodation": rules.ACCOMMODATION.get(contact.accom, "") if contact and contact.accom else "",
                "activity": rules.ACTIVITY.get(contact.activ, "") if contact and contact.activ else "",
                "contact_birthday": contact.birthday if contact else None,
                "staying_put": p.pk in staying,
            }
        )
    audit.record_list(actor=user, person_ids=ids, at=now, view="care leavers")
    return rows


def leaving_care(*, person: Person, today: date) -> dict | None:
    """One young person's leaving-care records for their page (the person is access-checked)."""
    from safehub.lookedafter.models import CareLeaver, CareLeaverContact, PathwayPlan, PathwayReview, StayingPut

    leaver = CareLeaver.objects.filter(person=person).select_related("personal_adviser").first()
    if leaver is None:
        return None
    adviser = leaver.personal_adviser
    plans = []
    for plan in PathwayPlan.objects.filter(person=person).order_by("due_date"):
        plans.append(
            {
                "due_date": plan.due_date,
                "completed_date": plan.completed_date,
                "late": bool(plan.completed_date and plan.completed_date > plan.due_date),
                "overdue": plan.completed_date is None and plan.due_date < today,
                "reviews": [
                    {
                        "due_date": r.due_date,
                        "held_date": r.held_date,
                        "status": ItemStatus(r.status).label,
                        "overdue": r.status == ItemStatus.DUE and r.due_date < today,
                        "late": bool(r.held_date and r.held_date > r.due_date),
                    }
                    for r in PathwayReview.objects.filter(plan=plan).order_by("due_date")
                ],
            }
        )
    return {
        "category": rules.LEAVER_CATEGORY.get(leaver.category, "Not known"),
        "eligible_from": leaver.eligible_from,
        "adviser": (adviser.get_full_name() or adviser.get_username()) if adviser else "",
        "adviser_from": leaver.adviser_from,
        "plans": plans,
        "contacts": [
            {
                "birthday": c.birthday,
                "in_touch": rules.IN_TOUCH.get(c.in_touch, c.in_touch),
                "activity": rules.ACTIVITY.get(c.activ, ""),
                "accommodation": rules.ACCOMMODATION.get(c.accom, ""),
            }
            for c in CareLeaverContact.objects.filter(person=person).order_by("birthday")
        ],
        "staying_put": [
            {"start_date": s.start_date, "end_date": s.end_date, "provider": s.provider.name if s.provider else ""}
            for s in StayingPut.objects.filter(person=person).select_related("provider").order_by("start_date")
        ],
    }


# ---------------------------------------------------------------- casework's task list and child page
# Handed to casework in LookedAfterConfig.ready(): one timetable of reviews and health assessments.


def reviews_due(horizon: date):
    """Looked-after reviews due by ``horizon`` (a queryset; casework filters it to the user's children)."""
    return LAReview.objects.filter(status=ItemStatus.DUE, due_date__lte=horizon)


def health_assessments_due(horizon: date):
    """Health assessments (not dental checks) due by ``horizon`` (a queryset)."""
    return LAHealthCheck.objects.filter(status=ItemStatus.DUE, due_date__lte=horizon).exclude(kind=HealthKind.DENTAL)


def case_history(person: Person) -> dict:
    """The child's last ten reviews and health assessments, latest first, for the case page."""
    return {
        "cla_reviews": list(LAReview.objects.filter(person=person).order_by("-due_date")[:10]),
        "health_assessments": list(
            LAHealthCheck.objects.filter(person=person).exclude(kind=HealthKind.DENTAL).order_by("-due_date")[:10]
        ),
    }
