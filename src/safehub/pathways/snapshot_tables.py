"""The pathways' tables for the analytical snapshot (issue 21 points 1 and 6, and the front door's timeliness).

The rules that decide each column (the first strategy discussion after a PPN and whether it was
within the standard; whether a child is under 5) are pathways.rules, applied here once, so the
Django-free engine counts what the pages show.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import pyarrow as pa
from django.utils import timezone

from safehub.core.calendar import uk_date
from safehub.core.codes import ReferralSource
from safehub.frontdoor import rules as frontdoor_rules
from safehub.pathways import rules


def _ppn_strategy(now: datetime) -> pa.Table:
    from safehub.casework.models import StrategyMeeting
    from safehub.frontdoor.models import Contact

    ppns = list(
        Contact.objects.filter(source=ReferralSource.POLICE, person__isnull=False)
        .order_by("pk")
        .values_list("pk", "person_id", "received_at")
    )
    meetings: dict[int, list[tuple[datetime, datetime | None]]] = defaultdict(list)
    for person_id, convened, held in StrategyMeeting.objects.order_by("pk").values_list(
        "person_id", "convened_at", "held_at"
    ):
        meetings[person_id].append((convened, held))
    cols: dict[str, list] = {k: [] for k in ("contact_id", "person_id", "received_at", "received_date",
                                              "followed", "first_strategy_held_at", "on_time")}  # fmt: skip
    for pk, person_id, received in ppns:
        first = rules.ppn_first_strategy(received, meetings.get(person_id, []))
        held = first[1] if first else None
        cols["contact_id"].append(pk)
        cols["person_id"].append(person_id)
        cols["received_at"].append(received)
        cols["received_date"].append(uk_date(received))
        cols["followed"].append(first is not None)
        cols["first_strategy_held_at"].append(held)
        cols["on_time"].append(rules.ppn_strategy_on_time(received, held, as_of=now) if first else None)
    return pa.table(cols)


def _encompass_incidents() -> pa.Table:
    from safehub.frontdoor.models import Contact, EducationNotification, HealthVisitingNotice

    notified = set(EducationNotification.objects.values_list("contact_id", flat=True))
    visited = set(HealthVisitingNotice.objects.values_list("contact_id", flat=True))
    cols: dict[str, list] = {k: [] for k in ("contact_id", "person_id", "incident_date", "setting_known",
                                              "under_five", "health_visiting_notified")}  # fmt: skip
    for pk, person_id, incident, received, born in (
        Contact.objects.filter(source=ReferralSource.POLICE, domestic_abuse_incident=True, person__isnull=False)
        .order_by("pk")
        .values_list("pk", "person_id", "incident_recorded_at", "received_at", "person__date_of_birth")
    ):
        day = uk_date(incident or received)
        cols["contact_id"].append(pk)
        cols["person_id"].append(person_id)
        cols["incident_date"].append(day)
        cols["setting_known"].append(pk in notified)
        cols["under_five"].append(
            rules.encompass_health_visiting_needed(date_of_birth=born, incident_date=day, has_setting=False)
        )
        cols["health_visiting_notified"].append(pk in visited)
    return pa.table(cols)


def _contact_decisions(now: datetime) -> pa.Table:
    """Every contact's receipt, first MASH grading and decision, with the red PPN same-day verdict."""
    from django.db.models import Min

    from safehub.frontdoor.models import Contact

    names = ("contact_id", "person_id", "received_at", "received_date", "from_police", "police_grade", "mash_rag",
             "first_rated_at", "decided_at", "red_ppn", "red_due_at", "red_on_time")  # fmt: skip
    cols: dict[str, list] = {k: [] for k in names}
    rows = (
        Contact.objects.order_by("pk")
        .annotate(first_rated_at=Min("rag_history__rated_at"))
        .values_list(
            "pk",
            "person_id",
            "received_at",
            "source",
            "police_grade",
            "current_rag",
            "first_rated_at",
            "decision__decided_at",
        )  # fmt: skip
    )
    for pk, person_id, received, source, grade, rag, rated, decided in rows.iterator(chunk_size=5000):
        police = source == ReferralSource.POLICE
        red = frontdoor_rules.red_ppn_standard_applies(from_police=police, police_grade=grade, mash_rag=rag)
        for name, value in zip(names, (pk, person_id, received, uk_date(received), police, grade or "", rag or "",
                                       rated, decided), strict=False):  # fmt: skip
            cols[name].append(value)
        cols["red_ppn"].append(red)
        cols["red_due_at"].append(frontdoor_rules.red_ppn_decision_due(received) if red else None)
        cols["red_on_time"].append(
            frontdoor_rules.red_ppn_decided_on_time(received, decided, as_of=now) if red else None
        )
    return pa.table(cols)


def tables(now: datetime | None = None) -> dict[str, pa.Table]:
    """Return the ``ppn_strategy``, ``encompass_incidents`` and ``contact_decisions`` tables (conformed by the snapshot)."""
    now = now or timezone.now()
    return {
        "ppn_strategy": _ppn_strategy(now),
        "encompass_incidents": _encompass_incidents(),
        "contact_decisions": _contact_decisions(now),
    }
