"""Reads for the SSDA903 pre-submission page: the last check's findings per child, for one user."""

from __future__ import annotations

from datetime import datetime

from safehub.people import policy
from safehub.people.models import Person
from safehub.returns.ssda903.check import by_child


def presubmission_rows(*, user, data: dict, now: datetime) -> list[dict]:
    """The check's findings per child, with a link only to a child the user may open (list read audited)."""
    rows = by_child(data)
    ids = [int(r["child"]) for r in rows if r["child"].isdigit()]
    visible = set(
        policy.persons_visible_to(user, Person.objects.filter(pk__in=ids), now=now).values_list("pk", flat=True)
    )
    for r in rows:
        r["person_id"] = int(r["child"]) if r["child"].isdigit() and int(r["child"]) in visible else None
    return rows
