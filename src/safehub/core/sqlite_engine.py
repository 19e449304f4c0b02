"""The SQLite library the embedded default runs on: a bundled, current build where one is installed.

Python's ``sqlite3`` uses the system's SQLite, and Debian 12's (3.40) returns rows a query excludes.
Measured on the demo city: the SSDA903 return's placed-for-adoption read, ``person_id IN (627
children) AND decision_date <= '2026-03-31'`` over the ``(person_id, decision_date)`` index, kept 4
decisions dated after the year end (31 rows, against the right 27), so the return failed DfE rule
117. The same query on the same file returns the right 27 rows on SQLite 3.42.0, 3.43.1, 3.46.0 and
3.51.1 (``pysqlite3-binary`` 0.5.1 to 0.5.4), and wrong ones on 3.40.0 (0.5.0).

``pysqlite3-binary`` (a build of the standard library's module with SQLite compiled in) has wheels
for Linux on x86-64 only; elsewhere the system's library is used and the check below warns when it
is older than the first version measured right.
"""

from __future__ import annotations

import sys

from django.core import checks

MIN_VERSION = (3, 42, 0)  # the oldest SQLite measured to return the right rows (module docstring)


def prefer_bundled() -> None:
    """Make Django's SQLite backend (and any later ``import sqlite3``) use pysqlite3 when installed.

    Called from the settings, before Django loads its SQLite backend.
    """
    try:
        import pysqlite3  # type: ignore[import-not-found]
        from pysqlite3 import dbapi2  # type: ignore[import-not-found]
    except ImportError:
        return
    sys.modules["sqlite3"] = pysqlite3
    sys.modules["sqlite3.dbapi2"] = dbapi2


@checks.register(checks.Tags.database)
def check_sqlite_version(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Warn when a SQLite database runs on a library older than ``MIN_VERSION``."""
    from django.db import connections

    found: list[checks.CheckMessage] = []
    for alias in connections:
        connection = connections[alias]
        if connection.vendor != "sqlite":
            continue
        version = tuple(connection.Database.sqlite_version_info)  # type: ignore[attr-defined]
        if version < MIN_VERSION:
            found.append(
                checks.Warning(
                    f"SQLite {'.'.join(map(str, version))} can return rows a query excludes; "
                    f"use SQLite {'.'.join(map(str, MIN_VERSION))} or later (pip install pysqlite3-binary on "
                    "Linux x86-64) or PostgreSQL",
                    id="safehub.W001",
                )
            )
    return found
