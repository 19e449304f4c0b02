"""The person's chronology: every app contributes its events; the person page merges them.

Each app may offer ``chronology(person, user) -> list[ChronologyEvent]`` in ``<app>/chronology.py``.
Apps apply their own sharing rules (a partner sees what was shared with it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from importlib import import_module

CHRONOLOGY_MODULES = [
    "safehub.people.chronology",
    "safehub.frontdoor.chronology",
    "safehub.casework.chronology",
    "safehub.adults.chronology",
    "safehub.partnership.chronology",
]


@dataclass(frozen=True)
class ChronologyEvent:
    at: datetime
    category: str  # e.g. "Contact", "Decision", "Strategy meeting"
    title: str
    detail: str = ""
    agency: str = ""
    url: str = ""


def person_chronology(*, person, user, categories: set[str] | None = None) -> list[ChronologyEvent]:
    events: list[ChronologyEvent] = []
    # A merged person's records belong to the survivor's chronology (they were never moved).
    records_of = [person, *_merged_into(person)]
    for name in CHRONOLOGY_MODULES:
        try:
            module = import_module(name)
        except ModuleNotFoundError:
            continue
        for someone in records_of:
            events.extend(module.chronology(someone, user))
    if categories:
        events = [e for e in events if e.category in categories]
    return sorted(events, key=lambda e: e.at, reverse=True)


def _merged_into(person) -> list:
    from safehub.people.models import Person

    found, frontier = [], [person.pk]
    while frontier:
        batch = list(Person.objects.filter(merged_into_id__in=frontier))
        found += batch
        frontier = [p.pk for p in batch]
    return found
