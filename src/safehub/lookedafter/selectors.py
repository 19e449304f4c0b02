"""Reads for the looked-after pages: the list of children in care and one child's 903 record."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Count, Q

from safehub.casework.models import LookedAfterEpisode
from safehub.core import audit, policy
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

LIST_CAP = 500


def _name(p: Person) -> str:
    return f"{p.given_name} {p.family_name}".strip()


def looked_after_list(*, user, now: datetime) -> dict:
    """Children looked after today that the user may see, with what is due next (audited as a list read)."""
    today = now.date()
    open_periods = LookedAfterEpisode.objects.filter(end_date__isnull=True, start_date__lte=today)
    people = policy.persons_visible_to(user, Person.objects.filter(pk__in=open_periods.values("person_id")), now=now)
    people_list = list(people.order_by("family_name", "given_name", "pk")[:LIST_CAP])
    total = people.count()
    ids = [p.pk for p in people_list]
    current = {e.person_id: e for e in CareEpisode.objects.filter(person_id__in=ids, dec__isnull=True)}
    due: dict[int, tuple[str, date]] = {}
    for r in LAReview.objects.filter(person_id__in=ids, status=ItemStatus.DUE).order_by("due_date"):
        due.setdefault(r.person_id, ("Review", r.due_date))
    health: dict[int, tuple[str, date]] = {}
    for h in LAHealthCheck.objects.filter(person_id__in=ids, status=ItemStatus.DUE).order_by("due_date"):
        health.setdefault(h.person_id, (HealthKind(h.kind).label, h.due_date))
    rows = []
    for p in people_list:
        ep = current.get(p.pk)
        rows.append(
            {
                "person_id": p.pk,
                "name": _name(p),
                "date_of_birth": p.date_of_birth,
                "legal_status": ep.ls if ep else "",
                "place": ep.place if ep else "",
                "place_label": rules.PLACE.get(ep.place, "") if ep else "",
                "review": due.get(p.pk),
                "review_overdue": bool(due.get(p.pk) and due[p.pk][1] < today),
                "health": health.get(p.pk),
                "health_overdue": bool(health.get(p.pk) and health[p.pk][1] < today),
                "no_episode": ep is None,
            }
        )
    audit.record_list(actor=user, person_ids=ids, at=now, view="looked-after children")
    return {
        "rows": rows,
        "total": total,
        "shown": len(rows),
        "overdue": sum(1 for r in rows if r["review_overdue"] or r["health_overdue"]),
    }


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
        "in_care": any(p["open"] and not p["needs_first_episode"] for p in periods),
        "needs_start": any(p["needs_first_episode"] for p in periods),
    }


def provider_rows() -> list[dict]:
    """The register of placement providers, with how many children are placed there now (no names)."""
    qs = (
        PlacementProvider.objects.filter(active=True)
        .annotate(placed=Count("episodes", filter=Q(episodes__dec__isnull=True)))
        .order_by("kind", "name")
    )
    return [
        {
            "name": p.name,
            "kind": ProviderKind(p.kind).label,
            "place_provider": p.place_provider,
            "postcode": p.postcode,
            "urn": p.urn,
            "placed": p.placed,
        }
        for p in qs
    ]
