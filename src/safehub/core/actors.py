"""Who acts when no signed-in user does: the server's command line, the scheduler, the engine.

Every action has an actor (CONVENTIONS 17). A user is checked by their role; a ``SystemActor`` is
checked against the permissions it was made with, so there is no ``by=None`` that skips the
check. Its name goes into the audit row's ``actor_username``, so the trail says "command line
(alice)" or "matching engine", never a blank.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class SystemActor:
    """An actor that is not a person signed in: named, audited, and limited to its permissions.

    ``permissions`` of ``None`` is the server's operator at the command line, who already holds
    the database and every file: nothing Safehub could refuse them would protect anything.
    """

    name: str
    permissions: frozenset[str] | None = None
    is_authenticated: bool = False  # never taken for a signed-in user by Django or the audit trail
    is_active: bool = True

    @property
    def username(self) -> str:
        return self.name

    @property
    def pk(self) -> None:
        return None

    def get_full_name(self) -> str:
        return self.name

    def may(self, permission: str) -> bool:
        return self.permissions is None or permission in self.permissions


def command_line(operator: str = "") -> SystemActor:
    """The operator running a ``safehub`` command on the server (named by ``$USER`` if not given)."""
    return SystemActor(operator or f"command line ({os.environ.get('USER', 'unknown')})")


DEMO_GENERATOR = SystemActor("demo generator")
MATCHING_ENGINE = SystemActor("matching engine", frozenset({"people.merge"}))
SCHEDULER = SystemActor("scheduler", frozenset({"partnership.manage", "exchange.tracker"}))


def is_system(actor) -> bool:
    return isinstance(actor, SystemActor)


def user_or_none(actor):
    """The user to store on a row's ``*_by`` foreign key: None for a system actor (named in the audit)."""
    return None if is_system(actor) else actor


def actor_username(actor) -> str:
    """The name an audit row keeps: a signed-in user's username, or a system actor's name."""
    if is_system(actor):
        return actor.username
    return getattr(actor, "username", "") if getattr(actor, "is_authenticated", False) else ""
