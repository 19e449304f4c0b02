"""Integration events ("record.shared", "notification.created") for other apps to act on.

Publishers call ``publish`` inside ``transaction.on_commit`` so nothing is announced that was
rolled back; subscribers (e.g. the exchange app's webhooks) register a handler at start-up.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable

logger = logging.getLogger("safehub.events")
_handlers: dict[str, list[Callable[[dict], None]]] = defaultdict(list)


def subscribe(event: str, handler: Callable[[dict], None]) -> None:
    if handler not in _handlers[event]:
        _handlers[event].append(handler)


def publish(event: str, payload: dict) -> None:
    for handler in list(_handlers[event]):
        try:
            handler(payload)
        except Exception:  # one failing subscriber must not break the action that published
            logger.exception("event handler failed for %s", event)
