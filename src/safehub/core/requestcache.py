"""Answers shared by the lists of one page: worked out once per request, never across requests.

A page such as the team overview asks the same question in each of its lists (which people does my
agency hold an involvement with?). ``reused`` lets the second list reuse what the first worked out.
The scope opens when a GET or HEAD request starts and closes when it finishes (Django's
``request_started`` and ``request_finished`` signals, connected in ``CoreConfig.ready``), so:
- nothing is kept between requests, or outside a request (tasks, commands, tests calling services);
- requests that change things (POST...) keep nothing, so a list never misses their writes;
- the first ask in a request answers ``None`` (the caller asks the database its usual way): a page
  with one list pays nothing extra; from the second ask the answer is worked out once and shared.
Apps call ``clear()`` when they write something an answer depends on (e.g. a new involvement).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")
_FIRST_ASK = object()
_scope: ContextVar[dict[Hashable, Any] | None] = ContextVar("safehub_request_scope", default=None)
READ_ONLY_METHODS = frozenset({"GET", "HEAD"})


def request_opened(sender=None, environ=None, scope=None, **kwargs) -> None:
    """Open an empty scope for a read-only request (``request_started`` receiver)."""
    method = (environ or {}).get("REQUEST_METHOD") or (scope or {}).get("method", "")
    _scope.set({} if method.upper() in READ_ONLY_METHODS else None)


def request_closed(sender=None, **kwargs) -> None:
    """Drop the scope (``request_finished`` receiver)."""
    _scope.set(None)


def reused(key: Hashable, compute: Callable[[], T]) -> T | None:
    """Return ``compute()``'s answer shared within this request, or ``None`` on the first ask / outside one."""
    scope = _scope.get()
    if scope is None:
        return None
    found = scope.get(key, None)
    if found is None:
        scope[key] = _FIRST_ASK
        return None
    if found is _FIRST_ASK:
        found = scope[key] = compute()
    return found


def clear(*args, **kwargs) -> None:
    """Forget every shared answer of this request (usable as a signal receiver)."""
    scope = _scope.get()
    if scope is not None:
        scope.clear()
