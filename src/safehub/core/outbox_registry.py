"""Who listens to which event: subscribers register here from their app's ``AppConfig.ready()``.

The public face is ``core.events``; this module holds the registry and the ``Event`` shape so the
outbox (which calls the handlers) and ``events.publish`` (which writes the rows) share them without
importing each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

EVENTS = ("record.shared", "notification.created")


@dataclass(frozen=True)
class Event:
    """What every subscriber receives: who it is for and what to fetch (identifiers only, no personal data)."""

    name: str
    agency_id: int
    kind: str
    id: int
    url: str = ""

    def as_payload(self) -> dict:
        """The event's data for an agency system: the agency is the addressee, not part of the data."""
        return {k: v for k, v in asdict(self).items() if k not in ("name", "agency_id")}

    def as_row(self) -> dict:
        """The payload stored on the outbox row (everything but the name, which has its own column)."""
        return {k: v for k, v in asdict(self).items() if k != "name"}

    @classmethod
    def from_row(cls, name: str, payload: dict) -> Event:
        return cls(name=name, **payload)


Handler = Callable[[Event], None]
_handlers: dict[str, dict[str, Handler]] = {name: {} for name in EVENTS}


def _check_name(event: str) -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")


def subscribe(event: str, handler: Handler, *, name: str) -> None:
    """Register ``handler`` for ``event`` under a stable ``name`` (call from ``AppConfig.ready``)."""
    _check_name(event)
    current = _handlers[event].get(name)
    if current is not None and current is not handler:
        raise ValueError(f"another handler is already subscribed to {event!r} as {name!r}")
    _handlers[event][name] = handler


def unsubscribe(event: str, name: str) -> None:
    _check_name(event)
    _handlers[event].pop(name, None)


def handler_for(event: str, name: str) -> Handler | None:
    return _handlers.get(event, {}).get(name)


def subscribers(event: str) -> list[str]:
    _check_name(event)
    return list(_handlers[event])
