"""Read a statutory or local timescale from the one settings table, when it is used.

``settings.SAFEHUB_TIMESCALES`` (config/settings.py) holds every number a rule needs: working
days, hours, weeks and months. Rules in each domain's ``rules.py`` take the number as an argument
with the statutory default; services, imports, returns and the demo call :func:`timescale` at the
moment they apply the rule, so a changed setting (or a test's ``settings`` fixture) is always seen.
"""

from __future__ import annotations

from django.conf import settings


class UnknownTimescale(KeyError):
    """A rule asked for a timescale the settings table does not name and gave no default."""


def timescale(name: str, default: int | None = None) -> int:
    """Return the configured value of ``name``, or ``default`` where the table does not set it."""
    table = getattr(settings, "SAFEHUB_TIMESCALES", {}) or {}
    if name in table:
        return int(table[name])
    if default is None:
        raise UnknownTimescale(f"settings.SAFEHUB_TIMESCALES has no {name!r}")
    return int(default)
