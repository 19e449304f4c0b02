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
    for name in CHRONOLOGY_MODULES:
        try:
            module = import_module(name)
        except ModuleNotFoundError:
            continue
        events.extend(module.chronology(person, user))
    if categories:
        events = [e for e in events if e.category in categories]
    return sorted(events, key=lambda e: e.at, reverse=True)
