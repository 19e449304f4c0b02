"""The looked-after tables for the analytical snapshot (issue 19): 903 episodes, reviews, health, OC3.

Whether an OC3 accommodation is suitable and an activity is education, employment or training is
decided here by ``lookedafter.rules``, once, so the Django-free engine counts what the pages show.
Reviews and health checks closed because care ended are not due, so they are left out.
"""

from __future__ import annotations

import pyarrow as pa

from safehub.lookedafter import rules

EET_ACTIVITIES = frozenset({"F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5"})  # not G4-G6 (NEET)


def _table(columns: dict[str, list], types: dict[str, pa.DataType]) -> pa.Table:
    return pa.table({k: pa.array(v, types[k]) for k, v in columns.items()})


def tables() -> dict[str, pa.Table]:
    from safehub.lookedafter.models import (
        CareEpisode,
        CareLeaverContact,
        HealthKind,
        ItemStatus,
        LAHealthCheck,
        LAReview,
    )
    from safehub.people.models import Person

    i, d, t, f = pa.int64(), pa.date32(), pa.string(), pa.bool_()
    eps = list(
        CareEpisode.objects.order_by("pk").values_list(
            "pk", "person_id", "period_id", "decom", "dec", "rne", "rec", "ls", "place"
        )
    )
    names = ("episode_id", "person_id", "period_id", "decom", "dec", "rne", "rec", "ls", "place")
    episodes = _table(
        {n: [row[k] or None if n == "rec" else row[k] for row in eps] for k, n in enumerate(names)},
        dict(zip(names, (i, i, i, d, d, t, t, t, t), strict=True)),
    )
    rv = list(
        LAReview.objects.exclude(status=ItemStatus.CLOSED)
        .order_by("pk")
        .values_list("pk", "person_id", "due_date", "held_date")
    )
    reviews = _table(
        {"review_id": [r[0] for r in rv], "person_id": [r[1] for r in rv], "due_date": [r[2] for r in rv],
         "held_date": [r[3] for r in rv]},
        {"review_id": i, "person_id": i, "due_date": d, "held_date": d},
    )  # fmt: skip
    hc = list(
        LAHealthCheck.objects.exclude(status=ItemStatus.CLOSED)
        .exclude(kind=HealthKind.DENTAL)
        .order_by("pk")
        .values_list("pk", "person_id", "kind", "due_date", "done_date")
    )
    health = _table(
        {"check_id": [r[0] for r in hc], "person_id": [r[1] for r in hc], "kind": [r[2] for r in hc],
         "due_date": [r[3] for r in hc], "done_date": [r[4] for r in hc]},
        {"check_id": i, "person_id": i, "kind": t, "due_date": d, "done_date": d},
    )  # fmt: skip
    contacts = list(CareLeaverContact.objects.order_by("person_id", "birthday"))
    dobs = dict(Person.objects.filter(pk__in={c.person_id for c in contacts}).values_list("pk", "date_of_birth"))
    cols: dict[str, list] = {
        k: [] for k in ("person_id", "birthday", "age", "in_touch", "suitable_accommodation", "in_eet")
    }
    for c in contacts:
        dob = dobs.get(c.person_id)
        cols["person_id"].append(c.person_id)
        cols["birthday"].append(c.birthday)
        cols["age"].append(rules.age_on(c.birthday, dob) if dob else None)
        cols["in_touch"].append(c.in_touch)
        cols["suitable_accommodation"].append(rules.accommodation_suitable(c.accom))
        cols["in_eet"].append(c.activ in EET_ACTIVITIES)
    leavers = _table(
        cols,
        {"person_id": i, "birthday": d, "age": i, "in_touch": t, "suitable_accommodation": f, "in_eet": f},
    )
    return {"la_episodes": episodes, "la_reviews": reviews, "la_health_checks": health, "la_leaver_contacts": leavers}
