"""Who listens to which event: subscribers register here from their app's ``AppConfig.ready()``.

The public face is ``core.events``; this module holds the registry and the ``Event`` shape so the
outbox (which calls the handlers) and ``events.publish`` (which writes the rows) share them without
importing each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
Redeliverer = Callable[[str], Handler]
_handlers: dict[str, dict[str, Handler]] = {name: {} for name in EVENTS}
_kinds: dict[str, dict[str, frozenset[str] | None]] = {name: {} for name in EVENTS}
_redeliverers: dict[str, Redeliverer] = {}
KEY_SEPARATOR = ":"


def _check_name(event: str) -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")


def subscribe(event: str, handler: Handler, *, name: str, kinds: Iterable[str] | None = None) -> None:
    """Register ``handler`` for ``event`` under a stable ``name`` (call from ``AppConfig.ready``).

    ``kinds`` narrows it to events of those kinds (``Event.kind``): a delivery row is written only
    for a subscriber that wants the event, so the outbox lists no deliveries that do nothing.
    """
    _check_name(event)
    if KEY_SEPARATOR in name:
        raise ValueError(f"a subscriber's name cannot contain {KEY_SEPARATOR!r}: {name!r}")
    current = _handlers[event].get(name)
    if current is not None and current is not handler:
        raise ValueError(f"another handler is already subscribed to {event!r} as {name!r}")
    _handlers[event][name] = handler
    _kinds[event][name] = frozenset(kinds) if kinds is not None else None


def unsubscribe(event: str, name: str) -> None:
    _check_name(event)
    _handlers[event].pop(name, None)
    _kinds[event].pop(name, None)


def redeliverer_register(prefix: str, factory: Redeliverer) -> None:
    """Let an app put its own give-ups on the dead-letter list (``outbox.outbox_dead_letter_record``).

    A dead letter named ``<prefix>:<key>`` is retried by the handler ``factory(key)``: the exchange
    registers ``exchange.webhook`` so a webhook that gave up is retried from the outbox page.
    """
    if KEY_SEPARATOR in prefix:
        raise ValueError(f"a prefix cannot contain {KEY_SEPARATOR!r}: {prefix!r}")
    current = _redeliverers.get(prefix)
    if current is not None and current is not factory:
        raise ValueError(f"another redeliverer is already registered as {prefix!r}")
    _redeliverers[prefix] = factory


def handler_for(event: str, name: str) -> Handler | None:
    """The handler a delivery row names: a subscriber, or an app's redeliverer for ``prefix:key``."""
    prefix, separator, key = name.partition(KEY_SEPARATOR)
    if separator:
        factory = _redeliverers.get(prefix)
        return factory(key) if factory is not None and event in EVENTS else None
    return _handlers.get(event, {}).get(name)


def subscribers(event: str, kind: str | None = None) -> list[str]:
    """The names of ``event``'s subscribers (those that want ``kind``, when it is given)."""
    _check_name(event)
    wanted = _kinds[event]
    return [name for name in _handlers[event] if kind is None or (kinds := wanted.get(name)) is None or kind in kinds]
