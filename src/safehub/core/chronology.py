"""The person's chronology: every app contributes its events; the person page merges them.

Each app may offer ``chronology(person, user) -> list[ChronologyEvent]`` in ``<app>/chronology.py``
(found by ``core.registry``). Apps apply their own sharing rules (a partner sees what was shared
with it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from safehub.core.registry import app_modules


@dataclass(frozen=True)
class ChronologyEvent:
    at: datetime
    category: str  # e.g. "Contact", "Decision", "Strategy meeting"
    title: str
    detail: str = ""
    agency: str = ""
    url: str = ""


def person_chronology(
    *, person, user, categories: set[str] | None = None, merged: Sequence = ()
) -> list[ChronologyEvent]:
    """Return the person's events from every app, newest first.

    ``merged`` are the records merged into this person (``people.selectors.person_merged_records``):
    their records were never moved, so they belong to the survivor's chronology.
    """
    events: list[ChronologyEvent] = []
    for module in app_modules("chronology"):
        for someone in (person, *merged):
            events.extend(module.chronology(someone, user))
    if categories:
        events = [e for e in events if e.category in categories]
    return sorted(events, key=lambda e: e.at, reverse=True)
