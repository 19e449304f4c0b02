"""The one route for integration events ("record.shared", "notification.created").

An app that shares something publishes one event, with one payload shape for every publisher::

    events.publish("record.shared", agency_id=..., kind="outcome", id=share.pk, url="/api/outcomes/?id=...")

``publish`` runs the subscribers *inside the publisher's transaction*. Subscribers only write rows
(the exchange app writes a ``WebhookDelivery`` outbox row) and leave network side effects to
``transaction.on_commit``. So an event and the action that caused it commit or roll back together,
and a failing subscriber fails the action loudly instead of being swallowed: a share that could not
be announced is not silently half-made. (There used to be a second route, ``post_save`` signals in
the exchange app with another payload; both now come here.)
"""

from __future__ import annotations

from collections import defaultdict
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
        return {k: v for k, v in asdict(self).items() if k not in ("name", "agency_id")}


_handlers: dict[str, list[Callable[[Event], None]]] = defaultdict(list)


def subscribe(event: str, handler: Callable[[Event], None]) -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
    if handler not in _handlers[event]:
        _handlers[event].append(handler)


def publish(
    event: str,
    legacy: dict | None = None,
    *,
    agency_id: int | None = None,
    kind: str = "",
    id: int | None = None,  # noqa: A002 - the payload's name
    url: str = "",
) -> Event:
    """Announce an event to its subscribers, inside the caller's transaction (errors propagate).

    ``legacy`` takes the older dict form (``{"agency_id", "kind", "share_id"}``) while callers move
    to the keyword form; both become the same ``Event``.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
    if legacy is not None:
        agency_id, kind = legacy["agency_id"], legacy["kind"]
        id, url = legacy.get("id", legacy.get("share_id")), legacy.get("url", "")  # noqa: A001
    if agency_id is None or id is None or not kind:
        raise ValueError("an event needs agency_id, kind and id")
    message = Event(name=event, agency_id=agency_id, kind=kind, id=id, url=url)
    for handler in list(_handlers[event]):
        handler(message)
    return message
