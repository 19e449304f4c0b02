from __future__ import annotations

from datetime import datetime, time

from safehub.core.calendar import UK
from safehub.core.chronology import ChronologyEvent


def chronology(person, user) -> list[ChronologyEvent]:
    events = [ChronologyEvent(at=person.created_at, category="Record", title="Record created")]
    for a in person.addresses.all():
        if a.started_date:
            events.append(
                ChronologyEvent(
                    at=datetime.combine(a.started_date, time(12), tzinfo=UK),
                    category="Address",
                    title=f"Moved to {a.postcode}",
                )
            )
    return events
